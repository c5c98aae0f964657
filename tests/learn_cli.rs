//! `signatur classify --journal`, `learn`, `retrain` and `demo` end to end, through the
//! built binary, on the demo corpus in the repository.

mod common;

use std::path::{Path, PathBuf};

fn corpus() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("demo/corpus")
}

fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 temp path")
}

#[test]
fn journal_learn_and_retrain_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let model = dir.path().join("m.onnx");
    let manifest = corpus().join("manifest.csv");
    common::train_demo_model(&model);

    // Journal records: one per message, with the schema, masked identifiers and a status.
    let mail = corpus().join("mail/0040.eml");
    let memo = corpus().join("digitalpost/0115.xml");
    let out = common::signatur_ok(&[
        "classify",
        "--journal",
        "--model",
        s(&model),
        s(&mail),
        s(&memo),
    ]);
    let lines: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    for l in &lines {
        let j = &l["journal"];
        assert_eq!(j["schema"], "signatur.journal/1");
        assert!(["auto", "suggested", "needs_review"].contains(&j["status"].as_str().unwrap()));
        assert!(j["title"].as_str().unwrap().len() > 12);
        assert_eq!(j["model"]["kind"], "learned");
    }
    // 0040 carries an (invented) CPR number: sensitive, never auto, CPR masked.
    let j = &lines[0]["journal"];
    assert_eq!(j["sensitive"], true);
    assert_ne!(j["status"], "auto");
    let cpr = j["personal_data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["kind"] == "cpr")
        .expect("the CPR number is reported");
    assert_eq!(cpr["value"], "XXXXXX-XXXX");
    // The Digital Post reply names its case: taken from the message.
    let j = &lines[1]["journal"];
    assert_eq!(j["channel"], "digital_post");
    assert_eq!(j["case"]["source"], "message");
    assert!(j["source"]["memo_uuid"].is_string());

    // Corrections: a small manifest of confirmed messages, one with a new unit.
    let corrections = dir.path().join("corrections.csv");
    std::fs::write(
        &corrections,
        format!(
            "path,unit,kle\n{},Ældre og Sundhed,27.36.04\n{},Klimasekretariatet,\n",
            mail.display(),
            corpus().join("mail/0028.eml").display()
        ),
    )
    .unwrap();
    let updated = dir.path().join("updated.onnx");
    let out = common::signatur_ok(&[
        "learn",
        "--model",
        s(&model),
        "--corrections",
        s(&corrections),
        "--out",
        s(&updated),
    ]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["learned"], 2);
    assert_eq!(v["remembered"], 0);
    assert_eq!(v["corrections_since_training"], 2);

    // With the training data remembered for replay: every message of the manifest is kept,
    // and only the two corrections count as such.
    let replayed = dir.path().join("replayed.onnx");
    let out = common::signatur_ok(&[
        "learn",
        "--model",
        s(&model),
        "--data",
        s(&manifest),
        "--corrections",
        s(&corrections),
        "--out",
        s(&replayed),
    ]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let messages = std::fs::read_to_string(&manifest).unwrap().lines().count() - 1;
    assert_eq!(v["remembered"].as_u64(), Some(messages as u64));
    assert_eq!(v["learned"], 2);
    assert_eq!(v["failed"], 0);
    assert_eq!(v["corrections_since_training"], 2);
    let inspect = String::from_utf8(common::signatur_ok(&["inspect", s(&updated)]).stdout).unwrap();
    assert!(inspect.contains("Klimasekretariatet"), "{inspect}");

    let retrained = dir.path().join("retrained.onnx");
    let out = common::signatur_ok(&[
        "retrain",
        "--model",
        s(&updated),
        "--data",
        s(&manifest),
        "--corrections",
        s(&corrections),
        "--out",
        s(&retrained),
    ]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["corrections"], 2);
    assert!(v["parent"].is_string());
    let inspect =
        String::from_utf8(common::signatur_ok(&["inspect", s(&retrained)]).stdout).unwrap();
    assert!(inspect.contains("Klimasekretariatet"), "{inspect}");
    // The new model's training warnings, as `train` reports them: in the JSON and on
    // stderr (the new label has only the corrections' messages).
    let info: serde_json::Value = serde_json::from_str(&inspect).unwrap();
    let warnings = info["summary"]["warnings"].as_array().unwrap();
    assert!(!warnings.is_empty(), "{inspect}");
    assert_eq!(v["warnings"].as_array(), Some(warnings));
    let stderr = String::from_utf8_lossy(&out.stderr);
    for w in warnings {
        let w = w.as_str().unwrap();
        assert!(stderr.contains(&format!("warning: {w}")), "{stderr}");
    }
}

#[test]
fn demo_runs_the_main_job_and_shows_corrections() {
    let out = common::signatur_ok(&["demo"]);
    let text = String::from_utf8(out.stdout).unwrap();
    for needle in [
        "held out",
        "Three corrections by the clerk",
        "before:",
        "after:",
        "signatur.journal/1",
    ] {
        assert!(text.contains(needle), "missing {needle:?} in:\n{text}");
    }
    // What the demo prints is masked: no invented CPR number appears whole.
    let cpr = regex::Regex::new(r"\b\d{6}-\d{4}\b").unwrap();
    assert!(
        !cpr.is_match(&text),
        "an unmasked CPR number in the demo output"
    );
}
