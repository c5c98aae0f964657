//! Classification speed on 20 Newsgroups: from a parsed `Message`, and from raw RFC 5322
//! bytes to a decision, next to featurisation alone (all on one core).
//!
//! `raw_bytes_to_decision` is parse + `Classifier::classify_with`; `routed_raw_bytes_*` is
//! parse + `Router::decide`, what the CLI and the C ABI run: the model plus the message's
//! references, case and sensitive flag, without and with explanations.
//!
//! Run: `cargo bench --bench classify`. Needs `../shared/data/20news/train` (or
//! `$SIGNATUR_DATA`). The model is trained in the setup on the same messages.

mod common;

use criterion::{criterion_group, criterion_main, BenchmarkGroup, Criterion, Throughput};
use signatur::decision::Router;
use signatur::eval::prepare;
use signatur::eval::Dataset;
use signatur::features::FeatureConfig;
use signatur::train::train_prepared;
use signatur::train::TrainOptions;
use signatur::{Classifier, ClassifyOptions, Message};

fn bench(c: &mut Criterion) {
    let dataset = match Dataset::load(common::twenty_news()) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("classify bench needs 20news: {e}");
            return;
        }
    };
    let features = FeatureConfig::default();
    let featurizer = signatur::features::Featurizer::new(&features).expect("config");
    let prepared = prepare(&dataset, &featurizer, Default::default(), 2, None);
    let (model, _) = train_prepared(
        &prepared,
        &dataset.heads,
        &features,
        &TrainOptions::default(),
    )
    .expect("train");
    let clf = std::sync::Arc::new(Classifier::from_model(&model).expect("load"));
    let router = Router::new(clf.clone());
    let raw: Vec<Vec<u8>> = dataset
        .items
        .iter()
        .step_by(11)
        .map(|i| std::fs::read(&i.path).expect("read"))
        .collect();
    let msgs: Vec<Message> = raw
        .iter()
        .map(|r| Message::from_bytes(r).expect("parse"))
        .collect();
    let bytes: u64 = raw.iter().map(|r| r.len() as u64).sum();
    let fast = ClassifyOptions {
        explain: 0,
        ..ClassifyOptions::default()
    };

    let mut g: BenchmarkGroup<'_, _> = c.benchmark_group("20news");
    g.sample_size(10);
    g.throughput(Throughput::Elements(msgs.len() as u64));
    g.bench_function("featurize", |b| {
        b.iter(|| {
            msgs.iter()
                .map(|m| featurizer.featurize(m).len())
                .sum::<usize>()
        })
    });
    g.bench_function("classify_message", |b| {
        b.iter(|| {
            msgs.iter()
                .map(|m| clf.classify_with(m, &fast).expect("classify").heads.len())
                .sum::<usize>()
        })
    });
    g.bench_function("classify_message_explained", |b| {
        b.iter(|| {
            msgs.iter()
                .map(|m| clf.classify(m).expect("classify").heads.len())
                .sum::<usize>()
        })
    });
    // Raw bytes to decision, reported per message and, in a second run, per byte.
    let raw_to_decision = || {
        raw.iter()
            .map(|r| {
                clf.classify_with(&Message::from_bytes(r).expect("parse"), &fast)
                    .expect("classify")
                    .heads
                    .len()
            })
            .sum::<usize>()
    };
    g.bench_function("raw_bytes_to_decision", |b| b.iter(raw_to_decision));
    let routed = |opts: &ClassifyOptions| {
        raw.iter()
            .map(|r| {
                let msg = Message::from_bytes(r).expect("parse");
                router
                    .decide(&msg, opts, false)
                    .expect("decide")
                    .heads
                    .len()
            })
            .sum::<usize>()
    };
    g.bench_function("routed_raw_bytes_to_decision", |b| b.iter(|| routed(&fast)));
    let explained = ClassifyOptions::default();
    g.bench_function("routed_raw_bytes_to_decision_explained", |b| {
        b.iter(|| routed(&explained))
    });
    g.throughput(Throughput::Bytes(bytes));
    g.bench_function("raw_bytes_to_decision_bytes", |b| b.iter(raw_to_decision));
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
