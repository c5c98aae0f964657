//! A fixed small workload for instruction counts (`valgrind --tool=callgrind`), which stay
//! comparable on a loaded machine where wall-clock times do not.
//!
//! ```sh
//! cargo build --release --example probe
//! valgrind --tool=callgrind --callgrind-out-file=/tmp/cg.out \
//!     target/release/examples/probe MODEL.onnx MODE [MESSAGES]
//! ```
//!
//! MODE is `none` (load and parse only: the baseline to subtract), `featurize`,
//! `classify` (no explanation), `explain` (default options), `batch` (`classify_batch`,
//! no explanation). Messages are every 37th post of 20 Newsgroups' training part.

mod common;

use std::error::Error;

use signatur::{Classifier, ClassifyOptions, Message};

fn main() -> Result<(), Box<dyn Error>> {
    let args: Vec<String> = std::env::args().collect();
    let (Some(model), Some(mode)) = (args.get(1), args.get(2)) else {
        return Err("usage: probe MODEL.onnx MODE [MESSAGES]".into());
    };
    let count: usize = args.get(3).map_or(Ok(100), |s| s.parse())?;
    let clf = Classifier::load(model)?;
    let mut paths = Vec::new();
    for group in std::fs::read_dir(common::twenty_news())? {
        for file in std::fs::read_dir(group?.path())? {
            paths.push(file?.path());
        }
    }
    paths.sort();
    let msgs: Vec<Message> = paths
        .iter()
        .step_by(37)
        .take(count)
        .map(|p| Message::from_bytes(&std::fs::read(p)?).map_err(Box::<dyn Error>::from))
        .collect::<Result<_, _>>()?;
    let fast = ClassifyOptions {
        explain: 0,
        ..ClassifyOptions::default()
    };
    let mut sum = 0usize;
    match mode.as_str() {
        "none" => {}
        "featurize" => {
            for m in &msgs {
                sum += clf.featurizer().featurize(m).len();
            }
        }
        "classify" => {
            for m in &msgs {
                sum += clf.classify_with(m, &fast)?.heads.len();
            }
        }
        "explain" => {
            for m in &msgs {
                let d = clf.classify(m)?;
                sum += d.heads.iter().map(|h| h.explanation.len()).sum::<usize>();
            }
        }
        "batch" => {
            sum += clf.classify_batch(&msgs, &fast)?.len();
        }
        other => return Err(format!("unknown mode {other}").into()),
    }
    println!("{} messages, {sum}", msgs.len());
    Ok(())
}
