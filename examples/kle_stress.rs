//! Stress run at the size of the full KLE label space: 2,390 labels.
//!
//! ```sh
//! cargo run --release --example kle_stress            # 20news from $SIGNATUR_DATA or ../shared/data
//! cargo run --release --example kle_stress -- --out kle-stress.onnx   # also keep the model
//! ```
//!
//! No public data set has 2,390 labelled journal codes, so the labels are synthetic: every
//! 20news post gets one of 2,390 KLE-shaped codes from its newsgroup and its author (the
//! `From:` line hashed into 120 slots per group, the last group taking the remainder), so
//! a label is partly learnable (an author posts in one group) and mostly not. What this
//! run measures is what the label count costs, not accuracy: training time, the model
//! file's size, loading it, and classifying one parsed message at a time through tract
//! (`Classifier::classify_with`, no explanation) on one core. Accuracy on a held-out fifth
//! is printed only to show the model learned something.

mod common;

use std::error::Error;
use std::process::ExitCode;
use std::time::Instant;

use signatur::eval::prepare;
use signatur::eval::{read_message, Dataset, TextMode};
use signatur::features::{FeatureConfig, Featurizer};
use signatur::train::{train_prepared, Prepared};
use signatur::train::{HeadSpec, TrainOptions};
use signatur::{Classifier, ClassifyOptions, Message};

/// The number of emner in KL's KLE (OS2KLE's list has 2,390).
const LABELS: usize = 2390;
/// Author slots per newsgroup.
const SLOTS: usize = 120;

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("kle_stress: {e}");
            ExitCode::FAILURE
        }
    }
}

/// FNV-1a: a fixed hash, so the labels are the same on every machine.
fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ b as u64).wrapping_mul(0x0100_0000_01b3)
    })
}

fn from_line(path: &std::path::Path) -> Vec<u8> {
    std::fs::read(path)
        .ok()
        .and_then(|raw| {
            raw.split(|&b| b == b'\n')
                .take_while(|l| !l.is_empty() && *l != b"\r")
                .find(|l| l.len() > 5 && l[..5].eq_ignore_ascii_case(b"from:"))
                .map(|l| l.to_vec())
        })
        .unwrap_or_default()
}

fn run() -> Result<(), Box<dyn Error>> {
    let dataset = Dataset::load(common::twenty_news())?;
    let features = FeatureConfig::default();
    let featurizer = Featurizer::new(&features)?;
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let prepared = prepare(&dataset, &featurizer, TextMode::Mail, threads, None);
    let codes: Vec<String> = (0..LABELS)
        .map(|i| format!("{:02}.{:02}.{:02}", i / 400, (i / 20) % 20, i % 20))
        .collect();
    let label_of = |index: usize, group: u32| -> u32 {
        let slot = (fnv(&from_line(&dataset.items[index].path)) % SLOTS as u64) as usize;
        ((group as usize * SLOTS + slot) % LABELS) as u32
    };
    let mut train = Prepared {
        examples: Vec::new(),
        item_index: Vec::new(),
        failures: Vec::new(),
    };
    let mut test: Vec<(usize, u32)> = Vec::new();
    for (k, (ex, &index)) in prepared
        .examples
        .iter()
        .zip(&prepared.item_index)
        .enumerate()
    {
        let Some(group) = ex.labels[0] else { continue };
        let label = label_of(index, group);
        if k % 5 == 4 {
            test.push((index, label));
        } else {
            let mut ex = ex.clone();
            ex.labels = vec![Some(label)];
            train.examples.push(ex);
            train.item_index.push(index);
        }
    }
    let heads = vec![HeadSpec {
        name: "kle".into(),
        labels: codes,
    }];
    let used = {
        let mut seen = vec![false; LABELS];
        for ex in &train.examples {
            if let Some(l) = ex.labels[0] {
                seen[l as usize] = true;
            }
        }
        seen.iter().filter(|&&s| s).count()
    };
    let t = Instant::now();
    let (model, _) = train_prepared(&train, &heads, &features, &TrainOptions::default())?;
    let train_time = t.elapsed();
    let bytes = model.to_onnx()?;
    let args: Vec<String> = std::env::args().collect();
    if let Some(out) = args
        .iter()
        .position(|a| a == "--out")
        .and_then(|i| args.get(i + 1))
    {
        model.save(out)?;
    }
    let t = Instant::now();
    let clf = Classifier::from_bytes(&bytes)?;
    let load_time = t.elapsed();

    let msgs: Vec<(Message, u32)> = test
        .iter()
        .filter_map(|&(i, l)| {
            read_message(&dataset.items[i].path, TextMode::Mail)
                .ok()
                .map(|m| (m, l))
        })
        .collect();
    let fast = ClassifyOptions {
        explain: 0,
        ..ClassifyOptions::default()
    };
    let (mut right, mut top) = (0usize, 0usize);
    let t = Instant::now();
    for (m, label) in &msgs {
        let d = clf.classify_with(m, &fast)?;
        if let Some(best) = d.heads.first().and_then(|h| h.labels.first()) {
            top += 1;
            if best.label == heads[0].labels[*label as usize] {
                right += 1;
            }
        }
    }
    let classify_time = t.elapsed();
    println!(
        "{} labels ({} with training messages), {} training and {} test messages (20news, synthetic labels)",
        LABELS,
        used,
        train.examples.len(),
        msgs.len()
    );
    println!("form           {}", model_form(&clf));
    println!("training       {:.2} s", train_time.as_secs_f64());
    println!(
        "model file     {:.1} MB ({} bytes)",
        bytes.len() as f64 / 1e6,
        bytes.len()
    );
    println!("load           {:.2} s", load_time.as_secs_f64());
    println!(
        "classify       {:.0} messages/s (one at a time, one core, parsed message to decision)",
        msgs.len() as f64 / classify_time.as_secs_f64()
    );
    println!(
        "top-1 accuracy {:.3} (synthetic labels: shows learning, not quality; {} decided)",
        right as f64 / msgs.len().max(1) as f64,
        top
    );
    Ok(())
}

fn model_form(clf: &Classifier) -> String {
    match &clf.params().layers {
        signatur::model::Layers::Linear { .. } => "linear".into(),
        signatur::model::Layers::LowRank { hidden, .. } => format!("low rank, hidden {hidden}"),
    }
}
