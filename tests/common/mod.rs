//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::PathBuf;

/// The shared real-data folder: `$SIGNATUR_DATA`, else `../shared/data` beside the project.
///
/// Returns `None` (after saying so on stderr) when the folder or `sub` is missing, so that a
/// developer without the data can still run the rest; under `CI=true` a missing folder is a
/// failure, never a silent skip.
pub fn shared_data(sub: &str) -> Option<PathBuf> {
    let root = std::env::var_os("SIGNATUR_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/data"));
    let path = root.join(sub);
    if path.exists() {
        return Some(path);
    }
    if std::env::var("CI").map(|v| v == "true").unwrap_or(false) {
        panic!(
            "shared data {} is missing under CI=true (set SIGNATUR_DATA to the data folder)",
            path.display()
        );
    }
    eprintln!(
        "skipping: shared data {} not found (set SIGNATUR_DATA)",
        path.display()
    );
    None
}

/// A fixture written for this project, under `tests/fixtures/`.
pub fn fixture(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(rel)
}

/// The Python of the venv `scripts/test.sh` makes (with `onnx` and `onnxruntime`), or
/// `$SIGNATUR_PYTHON`. `None` (the check is skipped, with a note) only outside CI.
pub fn onnx_python() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("SIGNATUR_PYTHON") {
        return Some(PathBuf::from(p));
    }
    let venv = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(".venv/bin/python");
    if venv.exists() {
        return Some(venv);
    }
    if std::env::var("CI").as_deref() == Ok("true") {
        panic!("SIGNATUR_PYTHON is not set and .venv is missing: run scripts/test.sh");
    }
    eprintln!("skipping: no Python with onnxruntime (run scripts/test.sh)");
    None
}

/// Saves `model`, loads it, and runs the first 20 of `msgs` through tract and through
/// onnxruntime (`scripts/onnx_check.py`, which also runs `onnx.checker`); returns the
/// largest difference of any probability. Asserts opset >= 13 and the format version.
pub fn onnxruntime_difference(
    py: &std::path::Path,
    model: &signatur::Model,
    msgs: &[signatur::Message],
    what: &str,
) -> f64 {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("m.onnx");
    model.save(&path).unwrap();
    let clf = signatur::Classifier::load(&path).unwrap();
    let heads = clf.heads().to_vec();
    let xs: Vec<_> = msgs
        .iter()
        .take(20)
        .map(|m| clf.featurizer().featurize(m))
        .collect();
    let tract = clf.graph_probabilities(&xs).unwrap();
    let l = xs.iter().map(|x| x.len()).max().unwrap();
    let ids: Vec<Vec<i64>> = xs
        .iter()
        .map(|x| {
            (0..l)
                .map(|c| x.ids.get(c).map(|&i| i as i64).unwrap_or(0))
                .collect()
        })
        .collect();
    let tf: Vec<Vec<f32>> = xs
        .iter()
        .map(|x| {
            (0..l)
                .map(|c| x.vals.get(c).copied().unwrap_or(0.0))
                .collect()
        })
        .collect();
    let input = dir.path().join("in.json");
    let output = dir.path().join("out.json");
    std::fs::write(
        &input,
        serde_json::json!({"ids": ids, "tf": tf}).to_string(),
    )
    .unwrap();
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scripts/onnx_check.py");
    let st = std::process::Command::new(py)
        .arg(script)
        .arg(&path)
        .arg(&input)
        .arg(&output)
        .status()
        .unwrap();
    assert!(st.success(), "onnx_check.py failed for {what}");
    let out: serde_json::Value = serde_json::from_slice(&std::fs::read(&output).unwrap()).unwrap();
    assert!(out["opset"][0].as_i64().unwrap() >= 13);
    // Format 5 for features with the shared word space, else 4 for a ranker-form prior;
    // every other file stays readable by format 2.
    let ranker = model.params().prior.as_ref().is_some_and(|p| p.is_ranker());
    let format = if model.params().features.shared_words > 0.0 {
        "5"
    } else if ranker {
        "4"
    } else {
        "2"
    };
    assert_eq!(out["metadata"]["signatur.format_version"], format);
    let mut max_diff = 0.0f64;
    for (h, probs) in tract.iter().enumerate() {
        let k = heads[h].labels.len();
        let ort = out["outputs"][format!("probs_{h}")].as_array().unwrap();
        assert_eq!(ort.len(), xs.len());
        for (r, row) in ort.iter().enumerate() {
            let row = row.as_array().unwrap();
            assert_eq!(row.len(), k);
            for (c, v) in row.iter().enumerate() {
                let d = (v.as_f64().unwrap() - probs[r * k + c] as f64).abs();
                max_diff = max_diff.max(d);
            }
        }
    }
    max_diff
}

/// Runs the built `signatur` binary with `args` and returns its output, failing the test
/// with its stderr when it exits unsuccessfully.
pub fn signatur_ok(args: &[&str]) -> std::process::Output {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_signatur"))
        .args(args)
        .output()
        .expect("the signatur binary runs");
    assert!(
        out.status.success(),
        "signatur {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// Trains a small model (2^16 buckets) on the demo corpus with `signatur train`, into `out`.
pub fn train_demo_model(out: &std::path::Path) {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("demo/corpus/manifest.csv");
    let (manifest, out) = (manifest.to_str().unwrap(), out.to_str().unwrap());
    signatur_ok(&[
        "train",
        "--data",
        manifest,
        "--out",
        out,
        "--hash-bits",
        "16",
    ]);
}

/// Softmax of `logits / t`, as the graph computes it.
pub fn softmax(logits: &[f32], t: f32) -> Vec<f32> {
    let m = logits.iter().cloned().fold(f32::NEG_INFINITY, f32::max) / t;
    let e: Vec<f32> = logits.iter().map(|v| (v / t - m).exp()).collect();
    let z: f32 = e.iter().sum();
    e.iter().map(|v| v / z).collect()
}

/// For a model scored by its taxonomy prior alone: the largest difference between the
/// probabilities of its graph run by tract, those the classifier decides with, and
/// `KeywordPrior::add_logits` at the head's temperature.
pub fn prior_only_difference(clf: &signatur::Classifier, texts: &[&str]) -> f32 {
    let p = clf.params();
    let prior = p.prior.as_ref().expect("a cold-start model has a prior");
    let xs: Vec<_> = texts
        .iter()
        .map(|t| clf.featurizer().featurize(&signatur::Message::from_text(t)))
        .collect();
    let tract = clf.graph_probabilities(&xs).unwrap();
    // What the classifier decides with (a ranker: in process).
    let used = clf.probabilities(&xs).unwrap();
    let n = p.heads[0].labels.len();
    let mut worst = 0.0f32;
    for (a, b) in used[0].iter().zip(&tract[0]) {
        worst = worst.max((a - b).abs());
    }
    for (r, x) in xs.iter().enumerate() {
        let mut xn = Vec::new();
        signatur::model::params::normalise(&x.ids, &x.vals, &p.idf, &mut xn);
        let mut logits = vec![0.0; n];
        prior.add_logits(&x.ids, &xn, &mut logits);
        let rust = softmax(&logits, p.heads[0].temperature);
        for (a, b) in rust.iter().zip(&tract[0][r * n..(r + 1) * n]) {
            worst = worst.max((a - b).abs());
        }
    }
    worst
}
