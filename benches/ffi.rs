//! What the C ABI costs: classifying a typical message through `signatur_model_classify`
//! (and freeing the decision) against the same call in Rust (`Router::decide`, which
//! `signatur_model_classify` runs: the model plus the message's own data, references and the
//! sensitive flag) on the same model and message in the same run, and the same for parse +
//! classify. After the criterion groups, a latency
//! run reports p50/p99 of one classification through the C ABI and the overhead of the
//! boundary measured on interleaved samples.
//!
//! The model is trained at start-up on `tests/fixtures/ffi/corpus` with the default feature
//! configuration (2^18 hash buckets), so it has the size and the plan of a real linear model.
//! Run with `cargo bench --bench ffi`; `FFI_BENCH_SAMPLES` sets the latency samples (default
//! 20000).

use std::hint::black_box;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use criterion::Criterion;
use signatur::decision::Router;
use signatur::eval::prepare;
use signatur::eval::{Dataset, TextMode};
use signatur::features::{FeatureConfig, Featurizer};
use signatur::ffi::decision::{signatur_decision, signatur_decision_free};
use signatur::ffi::message::{
    signatur_message, signatur_message_free, signatur_message_from_bytes,
};
use signatur::ffi::model::{
    signatur_model, signatur_model_classify, signatur_model_free, signatur_model_from_bytes,
};
use signatur::ffi::status::signatur_status;
use signatur::train::train_prepared;
use signatur::train::TrainOptions;
use signatur::{Classifier, ClassifyOptions, Message};

/// A typical mail to a building department: about 1.6 KB with headers, a reply above a
/// quoted earlier message, a case number, a phone number and a signature.
const TYPICAL: &str = "From: Jonas Madsen <jonas.madsen@example.dk>\r\n\
To: Byg og Miljø <byg@kommune.dk>\r\n\
Subject: =?utf-8?q?Sv=3A_Ans=C3=B8gning_om_tilbygning_-_sag_02.34.02-G01-3456-24?=\r\n\
Date: Wed, 6 Mar 2024 14:31:09 +0100\r\n\
Message-ID: <a1b2c3@example.dk>\r\n\
Content-Type: text/plain; charset=utf-8\r\n\
Content-Transfer-Encoding: 8bit\r\n\r\n\
Hej Byg og Miljø\r\n\r\n\
Tak for jeres svar. Jeg har nu fået lavet de reviderede tegninger af tilbygningen på 24 m2,\r\n\
hvor taghældningen er ændret, så den overholder lokalplanen. Statiske beregninger og en ny\r\n\
situationsplan med afstand til skel er vedhæftet. Naboen har skrevet under på, at hun ikke\r\n\
har indsigelser mod byggeriet.\r\n\r\n\
Kan I give mig et skøn over, hvornår byggetilladelsen kan foreligge? Tømreren kan begynde\r\n\
i april, hvis tilladelsen er på plads. Ring gerne på tlf. 31 42 53 64, hvis noget mangler.\r\n\r\n\
Med venlig hilsen\r\n\
Jonas Madsen\r\n\
Engvej 7, 8240 Risskov\r\n\r\n\
-----Oprindelig meddelelse-----\r\n\
Fra: Byg og Miljø <byg@kommune.dk>\r\n\
Sendt: 28. februar 2024 10:02\r\n\
Emne: Ansøgning om tilbygning\r\n\r\n\
Kære Jonas Madsen\r\n\r\n\
Vi har modtaget din ansøgning om byggetilladelse til en tilbygning. Før vi kan behandle\r\n\
sagen, skal du sende reviderede tegninger, da taghældningen ikke overholder lokalplanens\r\n\
bestemmelser, samt dokumentation for de statiske forhold. Husk at oplyse sagsnummer\r\n\
02.34.02-G01-3456-24 i alle henvendelser.\r\n\r\n\
Med venlig hilsen\r\n\
Byggesagsbehandlingen\r\n";

fn corpus() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ffi/corpus")
}

/// The bytes of a model trained on the fixture corpus with default features.
fn model_bytes() -> Vec<u8> {
    let dataset = Dataset::load(corpus()).expect("the fixture corpus loads");
    let features = FeatureConfig::default();
    let featurizer = Featurizer::new(&features).expect("featurizer");
    let prepared = prepare(&dataset, &featurizer, TextMode::Mail, 2, None);
    let (model, _) = train_prepared(
        &prepared,
        &dataset.heads,
        &features,
        &TrainOptions::default(),
    )
    .expect("training");
    model.to_onnx().expect("ONNX")
}

/// The same model and message on both sides of the boundary.
struct Setup {
    router: Router,
    options: ClassifyOptions,
    message: Message,
    model: *const signatur_model,
    c_message: *mut signatur_message,
}

impl Setup {
    fn new() -> Setup {
        let bytes = model_bytes();
        let classifier = Classifier::from_bytes(&bytes).expect("model loads");
        let message = Message::from_bytes(TYPICAL.as_bytes()).expect("message parses");
        let mut model = std::ptr::null();
        let mut c_message = std::ptr::null_mut();
        // SAFETY: the inputs are live slices and the outputs live pointer slots.
        unsafe {
            assert_eq!(
                signatur_model_from_bytes(bytes.as_ptr(), bytes.len(), &mut model),
                signatur_status::Ok
            );
            assert_eq!(
                signatur_message_from_bytes(TYPICAL.as_ptr(), TYPICAL.len(), &mut c_message),
                signatur_status::Ok
            );
        }
        Setup {
            router: Router::new(std::sync::Arc::new(classifier)),
            options: ClassifyOptions::default(),
            message,
            model,
            c_message,
        }
    }

    /// One classification in Rust.
    fn rust(&self) {
        let d = self
            .router
            .decide(black_box(&self.message), &self.options, true);
        black_box(d.expect("classify"));
    }

    /// One classification through the C ABI, the decision freed as a host would.
    fn c_abi(&self) {
        let mut d: *mut signatur_decision = std::ptr::null_mut();
        // SAFETY: model and message are live handles made in `new`; `d` is a live slot and the
        // decision it receives is freed once.
        unsafe {
            let status =
                signatur_model_classify(black_box(self.model), black_box(self.c_message), &mut d);
            assert_eq!(status, signatur_status::Ok);
            signatur_decision_free(black_box(d));
        }
    }

    /// Parse + classify in Rust.
    fn rust_from_bytes(&self) {
        let m = Message::from_bytes(black_box(TYPICAL.as_bytes())).expect("parse");
        black_box(
            self.router
                .decide(&m, &self.options, true)
                .expect("classify"),
        );
    }

    /// Parse + classify through the C ABI, everything freed.
    fn c_abi_from_bytes(&self) {
        let mut m: *mut signatur_message = std::ptr::null_mut();
        let mut d: *mut signatur_decision = std::ptr::null_mut();
        // SAFETY: `TYPICAL` is a live string, the slots are live, and each handle is freed once.
        unsafe {
            assert_eq!(
                signatur_message_from_bytes(black_box(TYPICAL.as_ptr()), TYPICAL.len(), &mut m),
                signatur_status::Ok
            );
            assert_eq!(
                signatur_model_classify(self.model, m, &mut d),
                signatur_status::Ok
            );
            signatur_decision_free(d);
            signatur_message_free(m);
        }
    }
}

impl Drop for Setup {
    fn drop(&mut self) {
        // SAFETY: both handles were made in `new` and are freed once, here.
        unsafe {
            signatur_message_free(self.c_message);
            signatur_model_free(self.model);
        }
    }
}

fn bench(c: &mut Criterion, s: &Setup) {
    let mut g = c.benchmark_group("classify");
    g.bench_function("rust", |b| b.iter(|| s.rust()));
    g.bench_function("c_abi", |b| b.iter(|| s.c_abi()));
    g.finish();
    let mut g = c.benchmark_group("parse+classify");
    g.bench_function("rust", |b| b.iter(|| s.rust_from_bytes()));
    g.bench_function("c_abi", |b| b.iter(|| s.c_abi_from_bytes()));
    g.finish();
}

/// The `q` quantile of sorted samples.
fn quantile(sorted: &[Duration], q: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * q).round() as usize;
    sorted.get(i).copied().unwrap_or_default()
}

/// Interleaved single-call timings of both sides: quantiles of the C ABI call and the
/// overhead of the boundary on the median and the mean.
fn latency(s: &Setup) {
    let n: usize = std::env::var("FFI_BENCH_SAMPLES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20_000);
    for _ in 0..500 {
        s.rust();
        s.c_abi();
    }
    let time = |f: &dyn Fn()| {
        let t = Instant::now();
        f();
        t.elapsed()
    };
    let (mut rust, mut ffi) = (Vec::with_capacity(n), Vec::with_capacity(n));
    for i in 0..n {
        // Alternate which goes first so that neither profits from the other's warm caches.
        if i % 2 == 0 {
            rust.push(time(&|| s.rust()));
            ffi.push(time(&|| s.c_abi()));
        } else {
            ffi.push(time(&|| s.c_abi()));
            rust.push(time(&|| s.rust()));
        }
    }
    rust.sort();
    ffi.sort();
    let mean = |v: &[Duration]| v.iter().sum::<Duration>().as_secs_f64() / v.len().max(1) as f64;
    let (p50r, p50f) = (quantile(&rust, 0.5), quantile(&ffi, 0.5));
    println!("\nlatency of one classification of a typical message ({} bytes), {n} interleaved samples each:", TYPICAL.len());
    for (name, v) in [("rust ", &rust), ("c_abi", &ffi)] {
        println!(
            "  {name}  p50 {:>8.1?}  p90 {:>8.1?}  p99 {:>8.1?}  p99.9 {:>8.1?}  mean {:>8.1?}",
            quantile(v, 0.5),
            quantile(v, 0.9),
            quantile(v, 0.99),
            quantile(v, 0.999),
            Duration::from_secs_f64(mean(v))
        );
    }
    println!(
        "  boundary overhead: {:+.2}% on the median, {:+.2}% on the mean",
        (p50f.as_secs_f64() / p50r.as_secs_f64() - 1.0) * 100.0,
        (mean(&ffi) / mean(&rust) - 1.0) * 100.0
    );
}

fn main() {
    let setup = Setup::new();
    let mut c = Criterion::default().configure_from_args();
    bench(&mut c, &setup);
    c.final_summary();
    // `cargo test --all-targets` runs benches once as a smoke test, without `--bench`: skip
    // the latency run there.
    if std::env::args().any(|a| a == "--bench") {
        latency(&setup);
    }
}
