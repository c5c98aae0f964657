//! Forward evaluation: `signatur eval --test` and `--holdout latest:F`, and the Rust
//! functions behind them, on the SpamAssassin sets (older → later) and 20 Newsgroups.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use signatur::eval::{latest_holdout, natural_cmp, prepare, Dataset, TextMode};
use signatur::features::{FeatureConfig, Featurizer};

/// A CSV manifest with one `label` column: `(folder, label)` pairs under `root`.
fn manifest(out: &Path, root: &Path, parts: &[(&str, &str)]) {
    let mut text = String::from("path,label\n");
    for (folder, label) in parts {
        let mut names: Vec<_> = std::fs::read_dir(root.join(folder))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        names.sort();
        for p in names {
            text.push_str(&format!("\"{}\",{label}\n", p.display()));
        }
    }
    std::fs::write(out, text).unwrap();
}

fn eval_json(args: &[&str]) -> serde_json::Value {
    let out = Command::new(env!("CARGO_BIN_EXE_signatur"))
        .arg("eval")
        .args(args)
        .arg("--json")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "signatur eval {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn spamassassin_older_to_later() {
    let Some(root) = common::shared_data("") else {
        return;
    };
    if common::shared_data("spamassassin-later").is_none() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let (train, later) = (dir.path().join("train.csv"), dir.path().join("later.csv"));
    manifest(
        &train,
        &root,
        &[
            ("spamassassin/easy-ham-1", "ham"),
            ("spamassassin/hard-ham-1", "ham"),
            ("spamassassin/spam-1", "spam"),
        ],
    );
    manifest(
        &later,
        &root,
        &[
            ("spamassassin-later/easy-ham", "ham"),
            ("spamassassin-later/spam", "spam"),
        ],
    );
    let r = eval_json(&[
        "--data",
        train.to_str().unwrap(),
        "--test",
        later.to_str().unwrap(),
    ]);
    let split = &r["split"];
    assert_eq!(split["kind"], "test_set");
    assert_eq!(split["train_messages"], 3250);
    assert_eq!(split["test_messages"], 1398);
    let head = &r["heads"][0];
    let (acc, bal) = (
        head["accuracy"].as_f64().unwrap(),
        head["balanced_accuracy"].as_f64().unwrap(),
    );
    // A model that learned nothing scores 0.5 here; one that decides well, above 0.85.
    assert!(acc > 0.85 && bal > 0.85, "accuracy {acc}, balanced {bal}");
    let spam_recall = head["labels"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["label"] == "spam")
        .unwrap()["recall"]
        .as_f64()
        .unwrap();
    // Balanced accuracy is the mean of the two recalls.
    let ham_recall = 2.0 * bal - spam_recall;
    assert!((0.0..=1.0).contains(&ham_recall), "{ham_recall}");
}

#[test]
fn newsgroups_latest_fifth_of_each_group() {
    let Some(news) = common::shared_data("20news/train") else {
        return;
    };
    // The Rust function: which messages are held out.
    let dataset = Dataset::load(&news).unwrap();
    let featurizer = Featurizer::new(&FeatureConfig::default()).unwrap();
    let prepared = prepare(&dataset, &featurizer, TextMode::Mail, 2, None);
    let h = latest_holdout(&dataset, &prepared, TextMode::Mail, 0.2).unwrap();
    // 20 Newsgroups posts carry no Date header: each group is ordered by article number.
    assert_eq!(h.order, "file_name");
    assert_eq!(h.train.len() + h.test.len(), prepared.examples.len());
    let path = |i: usize| -> PathBuf { dataset.items[prepared.item_index[i]].path.clone() };
    let group = |i: usize| path(i).parent().unwrap().to_path_buf();
    let number = |i: usize| path(i).file_name().unwrap().to_string_lossy().to_string();
    let groups: std::collections::BTreeSet<PathBuf> =
        (0..prepared.examples.len()).map(group).collect();
    for g in &groups {
        let train: Vec<usize> = h
            .train
            .iter()
            .copied()
            .filter(|&i| group(i) == *g)
            .collect();
        let test: Vec<usize> = h.test.iter().copied().filter(|&i| group(i) == *g).collect();
        let share = test.len() as f64 / (train.len() + test.len()) as f64;
        assert!((share - 0.2).abs() < 0.01, "{}: {share}", g.display());
        let newest_train = train
            .iter()
            .map(|&i| number(i))
            .max_by(|a, b| natural_cmp(a, b));
        let oldest_test = test
            .iter()
            .map(|&i| number(i))
            .min_by(|a, b| natural_cmp(a, b));
        assert_eq!(
            natural_cmp(&newest_train.unwrap(), &oldest_test.unwrap()),
            std::cmp::Ordering::Less,
            "{}: a tested post is older than a trained one",
            g.display()
        );
    }
    // The command: the same split, trained and tested through the model file.
    let r = eval_json(&["--data", news.to_str().unwrap(), "--holdout", "latest:0.2"]);
    assert_eq!(r["split"]["kind"], "latest");
    assert_eq!(r["split"]["order"], "file_name");
    assert_eq!(r["split"]["test_messages"], h.test.len());
    let acc = r["heads"][0]["accuracy"].as_f64().unwrap();
    assert!(acc > 0.8, "accuracy {acc} on the latest posts");
}

#[test]
fn one_way_of_evaluating_at_a_time() {
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("demo/corpus/manifest.csv");
    let no_model = Path::new(env!("CARGO_MANIFEST_DIR")).join("no-such-model.onnx");
    for (args, says) in [
        (
            vec!["--holdout", "latest:0.2", "--folds", "5"],
            "signatur eval",
        ),
        (vec!["--holdout", "newest:0.2"], "signatur eval"),
        (vec!["--holdout", "latest:1.5"], "signatur eval"),
        // Flags that the chosen way would ignore are refused, not dropped: `--folds-out`
        // without folds writes nothing, and `--model` trains nothing, so no training flag
        // checks the precision that coverage is measured at.
        (vec!["--model", "m.onnx", "--folds-out", "f.tsv"], "--folds"),
        (
            vec![
                "--model",
                no_model.to_str().unwrap(),
                "--target-precision",
                "7",
            ],
            "--target-precision 7 is outside (0, 1]",
        ),
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_signatur"))
            .arg("eval")
            .arg("--data")
            .arg(&demo)
            .args(&args)
            .output()
            .unwrap();
        assert!(!out.status.success(), "{args:?} was accepted");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(says), "{err}");
    }
}
