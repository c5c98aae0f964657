//! Learning curve: online learning from corrections against full retraining, on real data.
//!
//! ```sh
//! cargo run --release --example learning_curve            # 20news from $SIGNATUR_DATA or ../shared/data
//! cargo run --release --example learning_curve -- --json  # one JSON object per point
//! cargo run --release --example learning_curve -- --learning-rate 2 --replay 4
//! cargo run --release --example learning_curve -- --no-remember  # replay corrections only
//! ```
//!
//! A fifth of `20news/train` (seeded, stratified by nothing: a plain random fifth) is held
//! out for testing. The rest is put in time order (the `Date:` header); the first 5 % of
//! the whole set trains the starting model, and the others arrive one by one as a clerk's
//! corrections: `Classifier::learn_features`, an online step on the shared model (which also
//! replays earlier corrections and the starting model's own training messages, given to it
//! with `Classifier::remember_features`; `--no-remember` leaves those out). After
//! every 1,000 corrections the online model is scored on the held-out fifth, and a model
//! fully retrained on everything seen so far is scored on the same messages. Printed per
//! point: accuracy of both, the gap, the online rate (corrections per second, with and
//! without featurisation) and the retraining time.

mod common;

use std::error::Error;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use signatur::eval::prepare;
use signatur::eval::{read_message, Dataset, TextMode};
use signatur::features::{FeatureConfig, Featurizer};
use signatur::model::LearnOptions;
use signatur::train::{train_prepared, Prepared};
use signatur::train::{Example, TrainOptions};
use signatur::Classifier;

/// Corrections between two points of the curve.
const STEP: usize = 1000;
/// The share of the whole set the starting model is trained on.
const START: f64 = 0.05;
/// Every `HOLDOUT`-th message (after a seeded shuffle) is held out.
const HOLDOUT: usize = 5;

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("learning_curve: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), Box<dyn Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let json = args.iter().any(|a| a == "--json");
    let forget = args.iter().any(|a| a == "--no-remember");
    let flag = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .map(|v| v.parse::<f64>())
            .transpose()
    };
    let mut learn = LearnOptions::default();
    if let Some(v) = flag("--learning-rate")? {
        learn.learning_rate = Some(v as f32);
    }
    if let Some(v) = flag("--bias-share")? {
        learn.bias_share = v as f32;
    }
    if let Some(v) = flag("--replay")? {
        learn.replay = v as usize;
    }
    let dir = common::twenty_news();
    let dataset = Dataset::load(&dir)?;
    let features = FeatureConfig::default();
    let featurizer = Featurizer::new(&features)?;
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let t = Instant::now();
    let prepared = prepare(&dataset, &featurizer, TextMode::Mail, threads, None);
    let prepare_time = t.elapsed();
    let n = prepared.examples.len();

    // Timestamps for the time order (messages without a date go last, in path order).
    let stamps: Vec<i64> = prepared
        .item_index
        .iter()
        .map(|&i| {
            read_message(&dataset.items[i].path, TextMode::Mail)
                .ok()
                .and_then(|m| m.timestamp)
                .unwrap_or(i64::MAX)
        })
        .collect();
    let mut shuffled: Vec<usize> = (0..n).collect();
    let mut state = 0x5eed_u64;
    for i in (1..n).rev() {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        shuffled.swap(i, (state >> 33) as usize % (i + 1));
    }
    let test_idx: Vec<usize> = shuffled.iter().step_by(HOLDOUT).copied().collect();
    let mut held = vec![false; n];
    for &i in &test_idx {
        held[i] = true;
    }
    let mut stream: Vec<usize> = (0..n).filter(|&i| !held[i]).collect();
    stream.sort_by_key(|&i| (stamps[i], prepared.item_index[i]));
    let start = ((n as f64) * START).round() as usize;
    let (base_idx, corrections) = stream.split_at(start.min(stream.len()));
    let pick = |idx: &[usize]| Prepared {
        examples: idx.iter().map(|&i| prepared.examples[i].clone()).collect(),
        item_index: idx.iter().map(|&i| prepared.item_index[i]).collect(),
        failures: Vec::new(),
    };
    let test = pick(&test_idx);
    let heads = &dataset.heads;
    let head = &heads[0];
    let opts = TrainOptions::default();

    let (base, _) = train_prepared(&pick(base_idx), heads, &features, &opts)?;
    let clf = Classifier::from_model(&base)?;
    clf.set_learn_options(learn.clone());
    // The starting model's own training messages are what a deployment has too (the
    // municipality's filed mail): they are replayed with the corrections.
    if !forget {
        for &i in base_idx {
            let ex = &prepared.examples[i];
            let Some(label) = ex.labels[0].and_then(|l| head.labels.get(l as usize)) else {
                continue;
            };
            clf.remember_features(ex.x.clone(), &[(head.name.as_str(), label.as_str())])?;
        }
    }
    if !json {
        println!(
            "20news/train: {n} messages ({} failed to parse; featurised in {:.1} s); held out {}; \
             starting model on the first {} in time order; {} corrections streamed.\n",
            prepared.failures.len(),
            prepare_time.as_secs_f64(),
            test.examples.len(),
            base_idx.len(),
            corrections.len()
        );
        println!(
            "{:>11} {:>9} {:>9} {:>6} {:>14} {:>14} {:>10}",
            "corrections",
            "online",
            "retrain",
            "gap",
            "online corr/s",
            "incl. featur.",
            "retrain s"
        );
    }
    let accuracy = |clf: &Classifier| -> Result<f64, Box<dyn Error>> {
        // One message per call: a batch is padded to its longest message, and 20news has
        // posts with thousands of features.
        let mut right = 0usize;
        for e in &test.examples {
            let p = clf.probabilities(std::slice::from_ref(&e.x))?;
            let row = &p[0];
            let best = (0..row.len()).max_by(|&a, &b| row[a].total_cmp(&row[b]).then(b.cmp(&a)));
            if best.map(|b| b as u32) == e.labels[0] {
                right += 1;
            }
        }
        Ok(right as f64 / test.examples.len().max(1) as f64)
    };

    let mut learned = 0usize;
    let mut learn_time = Duration::ZERO;
    let mut featurize_time = Duration::ZERO;
    let mut worst_gap = 0.0f64;
    let mut points = vec![0usize];
    points.extend((1..=corrections.len() / STEP).map(|k| k * STEP));
    if corrections.len() % STEP != 0 {
        points.push(corrections.len());
    }
    for &upto in &points {
        let (mut step_learn, mut step_feat) = (Duration::ZERO, Duration::ZERO);
        let batch = &corrections[learned..upto];
        for &i in batch {
            let ex: &Example = &prepared.examples[i];
            let Some(label) = ex.labels[0].and_then(|l| head.labels.get(l as usize)) else {
                continue;
            };
            // Featurisation of the same message, timed on its own (the prepared features
            // are what it returns; the step below uses those).
            if let Ok(m) = read_message(&dataset.items[prepared.item_index[i]].path, TextMode::Mail)
            {
                let t = Instant::now();
                std::hint::black_box(clf.featurizer().featurize(&m));
                step_feat += t.elapsed();
            }
            let t = Instant::now();
            clf.learn_features(ex.x.clone(), &[(head.name.as_str(), label.as_str())])?;
            step_learn += t.elapsed();
        }
        learned = upto;
        learn_time += step_learn;
        featurize_time += step_feat;
        let online = accuracy(&clf)?;
        let seen: Vec<usize> = base_idx
            .iter()
            .chain(&corrections[..upto])
            .copied()
            .collect();
        let t = Instant::now();
        let (full, _) = train_prepared(&pick(&seen), heads, &features, &opts)?;
        let retrain_time = t.elapsed();
        let full_acc = accuracy(&Classifier::from_model(&full)?)?;
        let gap = full_acc - online;
        worst_gap = worst_gap.max(gap);
        let rate = batch.len() as f64 / step_learn.as_secs_f64().max(1e-9);
        let rate_all = batch.len() as f64 / (step_learn + step_feat).as_secs_f64().max(1e-9);
        if json {
            println!(
                "{}",
                serde_json::json!({
                    "corrections": upto,
                    "online_accuracy": online,
                    "retrain_accuracy": full_acc,
                    "gap": gap,
                    "online_corrections_per_s": if batch.is_empty() { None } else { Some(rate) },
                    "online_corrections_per_s_with_featurisation": if batch.is_empty() { None } else { Some(rate_all) },
                    "retrain_seconds": retrain_time.as_secs_f64(),
                })
            );
        } else {
            let r = |v: f64| {
                if batch.is_empty() {
                    "-".to_string()
                } else {
                    format!("{v:.0}")
                }
            };
            println!(
                "{upto:>11} {online:>9.4} {full_acc:>9.4} {:>6.2} {:>14} {:>14} {:>10.2}",
                gap * 100.0,
                r(rate),
                r(rate_all),
                retrain_time.as_secs_f64()
            );
        }
    }
    if !json {
        println!(
            "\nworst gap {:.2} points; online learning {:.0} corrections/s ({:.0}/s including featurisation) over {} corrections.",
            worst_gap * 100.0,
            learned as f64 / learn_time.as_secs_f64().max(1e-9),
            learned as f64 / (learn_time + featurize_time).as_secs_f64().max(1e-9),
            learned
        );
    }
    Ok(())
}
