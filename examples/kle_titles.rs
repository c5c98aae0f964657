//! The title protocol (issue #17): how well a cold-start model finds the emne of real KL
//! text, with no labelled mail.
//!
//! ```sh
//! cargo run --release --example kle_titles             # both models, plain protocol
//! cargo run --release --example kle_titles -- --strict # also drop keywords equal to the title
//! SIGNATUR_BITS=18 cargo run --release --example kle_titles -- --ranker  # hash collisions
//! ```
//!
//! - The model is built from `$SIGNATUR_DATA/os2kle/OS2KLE.txt` (default `../shared/data`)
//!   with the titles of the test emner left out; every emne stays a candidate.
//! - The test texts are the titles of every emne but the `NN.NN.00` ones ("… i
//!   almindelighed", whose titles name their gruppe and stay in the model): 1,892.
//! - `--strict` also removes, from each test emne's keywords, those that are its title
//!   (about a quarter of the emner have one; with it that part of the task is a lookup).
//! - Figures: emne, gruppe and hovedgruppe top-1 (argmax of the emner's probabilities
//!   summed per level), hovedgruppe top-3, and the abstaining figures: a text gets a
//!   *confident suggestion* at the finest level whose top probability is >= 0.9; "conf" is
//!   the share of texts with one and "right" how often it is the true code. ECE is the
//!   expected calibration error of the top probability per level (10 bins).
//! - The titles are split into a dev half and a held-out half (seeded). The temperature is
//!   fitted on the dev half (emne-level log-loss); the ranker's other settings were chosen
//!   on a dev half in the prototype (`docs/kle-ranker.md`). Both halves are reported.
//!
//! Everything runs through the model file as a user gets it: ONNX bytes, loaded by tract.

use std::collections::{HashMap, HashSet};
use std::process::ExitCode;
use std::time::Instant;

use signatur::features::FeatureConfig;
use signatur::kle::{KleCode, Level, Taxonomy};
use signatur::train::{
    keyword_model, ranker_features, ranker_model, KeywordOptions, RankerOptions,
};
use signatur::{Classifier, Message};

type Res<T> = Result<T, Box<dyn std::error::Error>>;

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("kle_titles: {e}");
            ExitCode::FAILURE
        }
    }
}

fn data() -> String {
    std::env::var("SIGNATUR_DATA").unwrap_or_else(|_| "../shared/data".into())
}

/// OS2KLE's text; with `strict`, test emner lose the keywords that equal their title.
fn os2kle_text(strict: bool) -> Res<String> {
    let text = std::fs::read_to_string(format!("{}/os2kle/OS2KLE.txt", data()))?;
    if !strict {
        return Ok(text);
    }
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        let parsed = line.split_once(":KLETitel='").and_then(|(head, rest)| {
            rest.split_once("':Keywords[Weight]=")
                .map(|(t, k)| (head, t, k))
        });
        match parsed {
            Some((head, title, kws)) if !head.ends_with(".00'") => {
                let t = title.trim().to_lowercase();
                let kept: Vec<&str> = kws
                    .split(';')
                    .filter(|k| {
                        let text = k.rsplit_once('[').map(|(a, _)| a).unwrap_or(k);
                        text.replace('\u{ad}', "").trim().to_lowercase() != t
                    })
                    .collect();
                out.push_str(&format!(
                    "{head}:KLETitel='{title}':Keywords[Weight]={}\n",
                    kept.join(";")
                ));
            }
            _ => {
                out.push_str(line);
                out.push('\n');
            }
        }
    }
    Ok(out)
}

fn is_general(code: &KleCode) -> bool {
    code.to_string().ends_with(".00")
}

/// A deterministic half of the test titles (xorshift shuffle, seed 17): the dev half.
fn dev_half(n: usize) -> Vec<bool> {
    let mut order: Vec<usize> = (0..n).collect();
    let mut s: u64 = 17 ^ 0x9e37_79b9_7f4a_7c15;
    for i in (1..n).rev() {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        order.swap(i, (s % (i as u64 + 1)) as usize);
    }
    let mut dev = vec![false; n];
    for &i in &order[..n / 2] {
        dev[i] = true;
    }
    dev
}

/// One test text's log-probabilities over the emner, and its true emne index.
struct Case {
    logp: Vec<f32>,
    truth: usize,
    dev: bool,
}

/// The emner, and each emne's gruppe and hovedgruppe index.
struct Levels {
    of: [Vec<usize>; 2],
    sizes: [usize; 2],
}

impl Levels {
    fn new(labels: &[String]) -> Levels {
        let mut of: [Vec<usize>; 2] = Default::default();
        let mut sizes = [0; 2];
        for (i, level) in [Level::Gruppe, Level::Hovedgruppe].into_iter().enumerate() {
            let mut index: HashMap<String, usize> = HashMap::new();
            for l in labels {
                let code = KleCode::parse(l)
                    .ok()
                    .and_then(|c| c.at_level(level))
                    .map(|c| c.to_string())
                    .unwrap_or_default();
                let n = index.len();
                of[i].push(*index.entry(code).or_insert(n));
            }
            sizes[i] = index.len();
        }
        Levels { of, sizes }
    }

    /// Probabilities at the three levels from the emne log-probabilities at temperature
    /// factor `f` (p ∝ p0^f).
    fn probs(&self, logp: &[f32], f: f32) -> [Vec<f32>; 3] {
        let m = logp.iter().cloned().fold(f32::NEG_INFINITY, f32::max);
        let mut p: Vec<f32> = logp.iter().map(|&v| ((v - m) * f).exp()).collect();
        let z: f32 = p.iter().sum();
        p.iter_mut().for_each(|v| *v /= z);
        let mut g = vec![0.0; self.sizes[0]];
        let mut h = vec![0.0; self.sizes[1]];
        for (e, &v) in p.iter().enumerate() {
            g[self.of[0][e]] += v;
            h[self.of[1][e]] += v;
        }
        [p, g, h]
    }

    fn truth(&self, e: usize) -> [usize; 3] {
        [e, self.of[0][e], self.of[1][e]]
    }
}

fn argmax(p: &[f32]) -> (usize, f32) {
    p.iter().copied().enumerate().fold(
        (0, f32::NEG_INFINITY),
        |a, (i, v)| if v > a.1 { (i, v) } else { a },
    )
}

#[derive(Default)]
struct Figures {
    n: usize,
    top1: [usize; 3],
    hg_top3: usize,
    confident: usize,
    right: usize,
    by_level: [usize; 3],
    /// Per level, per bin: (count, sum of top probability, right).
    bins: [[(usize, f64, usize); 10]; 3],
}

impl Figures {
    fn add(&mut self, levels: &Levels, case: &Case, f: f32, threshold: f32) {
        let ps = levels.probs(&case.logp, f);
        let truth = levels.truth(case.truth);
        self.n += 1;
        let mut done = false;
        for (l, p) in ps.iter().enumerate() {
            let (best, top) = argmax(p);
            let ok = best == truth[l];
            self.top1[l] += ok as usize;
            let bin = ((top * 10.0) as usize).min(9);
            let b = &mut self.bins[l][bin];
            b.0 += 1;
            b.1 += top as f64;
            b.2 += ok as usize;
            if !done && top >= threshold {
                done = true;
                self.confident += 1;
                self.right += ok as usize;
                self.by_level[l] += 1;
            }
        }
        let mut order: Vec<usize> = (0..ps[2].len()).collect();
        order.sort_by(|&a, &b| ps[2][b].total_cmp(&ps[2][a]));
        self.hg_top3 += order.iter().take(3).any(|&i| i == truth[2]) as usize;
    }

    fn ece(&self, l: usize) -> f64 {
        self.bins[l]
            .iter()
            .filter(|b| b.0 > 0)
            .map(|&(c, s, r)| c as f64 / self.n as f64 * (s / c as f64 - r as f64 / c as f64).abs())
            .sum()
    }

    fn line(&self) -> String {
        let r = |v: usize| v as f64 / self.n.max(1) as f64;
        format!(
            "n {:4}  emne {:.3}  gruppe {:.3}  hoved {:.3}  hg-top3 {:.3} | conf {:.3} right {:.3} (emne/gruppe/hoved {:?}) | ECE {:.3}/{:.3}/{:.3}",
            self.n,
            r(self.top1[0]),
            r(self.top1[1]),
            r(self.top1[2]),
            r(self.hg_top3),
            r(self.confident),
            self.right as f64 / self.confident.max(1) as f64,
            self.by_level,
            self.ece(0),
            self.ece(1),
            self.ece(2),
        )
    }
}

/// The temperature factor (multiplying log-probabilities) that minimises the emne-level
/// log-loss on the dev half.
fn fit_factor(cases: &[Case]) -> f32 {
    let mut best = (f64::INFINITY, 1.0f32);
    for i in 0..=120 {
        let f = (0.05f32.ln() + (20.0f32.ln() - 0.05f32.ln()) * i as f32 / 120.0).exp();
        let loss: f64 = cases
            .iter()
            .filter(|c| c.dev)
            .map(|c| {
                let m = c.logp.iter().cloned().fold(f32::NEG_INFINITY, f32::max);
                let z: f64 = c.logp.iter().map(|&v| (((v - m) * f) as f64).exp()).sum();
                z.ln() - ((c.logp[c.truth] - m) * f) as f64
            })
            .sum();
        if loss < best.0 {
            best = (loss, f);
        }
    }
    best.1
}

/// Classifies every test title with `model`; the emne log-probabilities per title.
fn cases(clf: &Classifier, tests: &[(String, KleCode)], dev: &[bool]) -> Res<Vec<Case>> {
    let head = &clf.heads()[0];
    let index: HashMap<&str, usize> = head
        .labels
        .iter()
        .enumerate()
        .map(|(i, l)| (l.as_str(), i))
        .collect();
    let f = clf.featurizer();
    let xs: Vec<_> = tests
        .iter()
        .map(|(t, _)| f.featurize(&Message::from_text(t)))
        .collect();
    let probs = clf.probabilities(&xs)?;
    let c = head.labels.len();
    let mut out = Vec::new();
    for (i, (_, code)) in tests.iter().enumerate() {
        let Some(&truth) = index.get(code.to_string().as_str()) else {
            continue;
        };
        let p = &probs[0][i * c..(i + 1) * c];
        out.push(Case {
            logp: p.iter().map(|&v| v.max(1e-30).ln()).collect(),
            truth,
            dev: dev[i],
        });
    }
    Ok(out)
}

fn report(name: &str, clf: &Classifier, tests: &[(String, KleCode)], dev: &[bool]) -> Res<()> {
    let started = Instant::now();
    let cases = cases(clf, tests, dev)?;
    let secs = started.elapsed().as_secs_f64();
    let levels = Levels::new(&clf.heads()[0].labels);
    let t0 = clf.heads()[0].temperature;
    let f = fit_factor(&cases);
    println!(
        "{name}: file temperature {t0:.3}; fitted on dev {:.3}; {} titles classified in {secs:.2} s",
        t0 / f,
        cases.len()
    );
    for (label, factor) in [("as shipped", 1.0), ("dev-fitted", f)] {
        for (set, keep) in [("dev ", Some(true)), ("held", Some(false)), ("all ", None)] {
            let mut fig = Figures::default();
            for c in cases.iter().filter(|c| keep.is_none_or(|k| c.dev == k)) {
                fig.add(&levels, c, factor, 0.9);
            }
            println!("  {label:10} {set} {}", fig.line());
        }
    }
    Ok(())
}

fn run() -> Res<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let strict = args.iter().any(|a| a == "--strict");
    let only_ranker = args.iter().any(|a| a == "--ranker");
    let bits: Option<u8> = std::env::var("SIGNATUR_BITS")
        .ok()
        .and_then(|b| b.parse().ok());
    let taxonomy = Taxonomy::from_os2kle_txt(&os2kle_text(strict)?)?;
    let tests: Vec<(String, KleCode)> = taxonomy
        .emner()
        .filter(|e| !is_general(&e.code))
        .filter_map(|e| Some((e.title.clone()?, e.code)))
        .collect();
    let dev = dev_half(tests.len());
    let leave_out: HashSet<KleCode> = tests.iter().map(|(_, c)| *c).collect();
    println!(
        "title protocol{}: {} emner, {} test titles ({} dev, {} held out)",
        if strict { " (strict)" } else { "" },
        taxonomy.emner().count(),
        tests.len(),
        dev.iter().filter(|&&d| d).count(),
        dev.iter().filter(|&&d| !d).count()
    );
    if !only_ranker {
        // The keyword model of before issue #17: titles are used only for emner without
        // keywords; here no title at all, so none of the test titles is in it.
        let features = FeatureConfig {
            hash_bits: bits.unwrap_or(18),
            ..FeatureConfig::for_keywords()
        };
        let opts = KeywordOptions {
            titles_without_keywords: false,
            ..KeywordOptions::default()
        };
        let model = keyword_model(&taxonomy, &features, &opts)?;
        let clf = Classifier::from_bytes(&model.to_onnx()?)?;
        report("keyword model (before)", &clf, &tests, &dev)?;
    }
    let features = FeatureConfig {
        hash_bits: bits.unwrap_or(ranker_features().hash_bits),
        ..ranker_features()
    };
    let opts = RankerOptions {
        leave_out_titles: leave_out,
        ..RankerOptions::default()
    };
    let started = Instant::now();
    let model = ranker_model(&taxonomy, &features, &opts)?;
    let built = started.elapsed().as_secs_f64();
    let bytes = model.to_onnx()?;
    let started = Instant::now();
    let clf = Classifier::from_bytes(&bytes)?;
    let loaded = started.elapsed().as_secs_f64();
    let prior = model.params().prior.as_ref().ok_or("no prior")?;
    println!(
        "ranker: 2^{} buckets, {} bytes, built in {built:.2} s, loaded in {loaded:.3} s; rows {}, {:?}",
        features.hash_bits,
        bytes.len(),
        prior.rows(),
        prior.stats()
    );
    report("ranker", &clf, &tests, &dev)?;
    Ok(())
}
