//! The cold-start keyword model and the keyword prior end to end through the binary:
//! `signatur train --taxonomy os2kle:…` with and without data, then `signatur classify`
//! and `signatur inspect` on the files, with the real OS2KLE from the shared data.

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;

fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

fn json_lines(out: Output) -> Vec<serde_json::Value> {
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn cold_start_and_prior_models_classify_from_the_command_line() {
    let Some(os2kle) = common::shared_data("os2kle/OS2KLE.txt") else {
        return;
    };
    let spec = format!("os2kle:{}", os2kle.display());
    let dir = tempfile::tempdir().unwrap();
    let corpus = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("demo/corpus");

    // No data at all: the ranker, one head `kle` over every OS2KLE emne.
    let cold = dir.path().join("kle.onnx");
    common::signatur_ok(&["train", "--taxonomy", &spec, "--out", s(&cold)]);
    let info: serde_json::Value =
        serde_json::from_slice(&common::signatur_ok(&["inspect", s(&cold)]).stdout).unwrap();
    assert_eq!(info["summary"]["kind"], "ranker");
    // A ranker model is a zero learned part over the prior: softmax, low rank.
    assert_eq!(info["loss"], "softmax");
    assert_eq!(info["heads"][0]["head"], "kle");
    assert!(info["heads"][0]["labels"].as_array().unwrap().len() > 2000);
    assert_eq!(info["features"]["stop_words"], "danish+english");
    // `--stop-words` reaches the ranker's features as it reaches a learned model's.
    let every_word_model = dir.path().join("kle-every-word.onnx");
    common::signatur_ok(&[
        "train",
        "--taxonomy",
        &spec,
        "--stop-words",
        "none",
        "--out",
        s(&every_word_model),
    ]);
    let every_word: serde_json::Value =
        serde_json::from_slice(&common::signatur_ok(&["inspect", s(&every_word_model)]).stdout)
            .unwrap();
    assert_eq!(every_word["features"]["stop_words"], "none");
    // A reader that stops early (`signatur inspect kle.onnx | head`): the 80 KB of JSON
    // outgrow the pipe, and the write that meets the closed pipe ends the run quietly.
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_signatur"))
        .args(["inspect", s(&cold)])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 10];
    std::io::Read::read_exact(child.stdout.as_mut().unwrap(), &mut first).unwrap();
    drop(child.stdout.take());
    let closed = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&closed.stderr);
    assert!(
        closed.status.success() && !stderr.contains("panicked"),
        "{stderr}"
    );

    // A building-permit letter: the cold-start model suggests (or abstains with a gruppe),
    // and the journal record names KLE titles from the same taxonomy.
    let letter = dir.path().join("letter.txt");
    std::fs::write(
        &letter,
        "Ansøgning om byggetilladelse til opførelse af carport og udhus på min grund. \
         Jeg vedlægger tegninger og situationsplan til byggesagen.",
    )
    .unwrap();
    let lines = json_lines(common::signatur_ok(&[
        "classify",
        "--model",
        s(&cold),
        "--text",
        "--journal",
        "--taxonomy",
        &spec,
        s(&letter),
    ]));
    // A write that fails for another reason (a full disk: /dev/full) fails the run.
    let full = std::process::Command::new(env!("CARGO_BIN_EXE_signatur"))
        .args(["classify", "--model", s(&cold), "--text", s(&letter)])
        .stdout(std::fs::File::create("/dev/full").unwrap())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&full.stderr);
    assert!(
        !full.status.success() && stderr.contains("cannot write output"),
        "{stderr}"
    );
    let j = &lines[0]["journal"];
    assert_eq!(j["model"]["kind"], "ranker");
    let kle = &j["suggestions"][0];
    assert_eq!(kle["head"], "kle");
    let code = kle["value"].as_str().unwrap();
    assert!(
        code.starts_with("02."),
        "a building letter, suggested {code}"
    );
    assert!(kle["title"].is_string());
    // The record ranks every level of the plan; the best gruppe holds the suggested emne's
    // gruppe or a likelier one, and a building letter's hovedgruppe is 02.
    let levels = kle["levels"].as_array().unwrap();
    let names: Vec<&str> = levels
        .iter()
        .map(|l| l["level"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["emne", "gruppe", "hovedgruppe"]);
    assert_eq!(levels[0]["labels"][0]["label"].as_str(), Some(code));
    let best = |l: usize| levels[l]["labels"][0]["probability"].as_f64().unwrap();
    assert!(best(1) >= best(0) && best(2) >= best(1), "{levels:?}");
    assert_eq!(levels[2]["labels"][0]["label"], "02", "{levels:?}");

    // With data: the learned kle head gets the ranker as its prior (`--prior keyword`: the
    // keyword table), and the JSON says which.
    let prior = dir.path().join("prior.onnx");
    let manifest = corpus.join("manifest.csv");
    for kind in ["keyword", "ranker"] {
        let mut args = vec![
            "train",
            "--data",
            s(&manifest),
            "--taxonomy",
            &spec,
            "--out",
            s(&prior),
            "--hash-bits",
            "16",
        ];
        if kind == "keyword" {
            args.extend(["--prior", "keyword"]);
        }
        let out: serde_json::Value =
            serde_json::from_slice(&common::signatur_ok(&args).stdout).unwrap();
        assert_eq!(out["prior"]["kind"], kind, "{out}");
        assert_eq!(out["prior"]["head"], "kle", "{out}");
    }
    // `--prior` needs a taxonomy.
    let refused = std::process::Command::new(env!("CARGO_BIN_EXE_signatur"))
        .args(["train", "--data", s(&corpus.join("manifest.csv"))])
        .args([
            "--prior",
            "keyword",
            "--out",
            s(&dir.path().join("no.onnx")),
        ])
        .output()
        .unwrap();
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("--taxonomy"));
    // And data: the taxonomy alone builds the ranker, which has no prior to choose, so
    // `--prior keyword` there would be ignored.
    let refused = std::process::Command::new(env!("CARGO_BIN_EXE_signatur"))
        .args(["train", "--taxonomy", &spec, "--prior", "keyword", "--out"])
        .arg(dir.path().join("no.onnx"))
        .output()
        .unwrap();
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("--data"));
    assert!(!dir.path().join("no.onnx").exists());
    let info: serde_json::Value =
        serde_json::from_slice(&common::signatur_ok(&["inspect", s(&prior)]).stdout).unwrap();
    assert_eq!(info["summary"]["kind"], "learned+prior");
    // The demo corpus's heads have fewer than 256 labels in all: a linear, hinge model.
    assert_eq!(info["loss"], "squared_hinge");
    assert_eq!(info["form"], "linear");
    let lines = json_lines(common::signatur_ok(&[
        "classify",
        "--model",
        s(&prior),
        "--json",
        s(&corpus.join("mail/0028.eml")),
    ]));
    let heads = lines[0]["decision"]["heads"].as_array().unwrap();
    assert!(heads.iter().any(|h| h["head"] == "kle"));
    assert!(heads.iter().any(|h| h["head"] == "unit"));
    for h in heads {
        let levels = h["levels"].as_array().unwrap().len();
        let kle_by_model = h["head"] == "kle" && h["decided_by"]["by"] == "model";
        assert_eq!(levels, if kle_by_model { 3 } else { 0 }, "{h}");
    }
}

#[test]
fn classify_checks_case_numbers_against_the_taxonomy_it_is_given() {
    let Some(os2kle) = common::shared_data("os2kle/OS2KLE.txt") else {
        return;
    };
    let spec = format!("os2kle:{}", os2kle.display());
    let dir = tempfile::tempdir().unwrap();
    let model = dir.path().join("demo.onnx");
    common::train_demo_model(&model);
    // 00.03.02 is an OS2KLE emne that no demo message is filed under.
    let letter = dir.path().join("letter.txt");
    std::fs::write(
        &letter,
        "Vedr. sag 00.03.02-G01-12-24\n\nHej, her er de ønskede papirer til sagen.\n",
    )
    .unwrap();
    let decide = |extra: &[&str]| {
        let mut args = vec!["classify", "--model", s(&model), "--text", "--json"];
        args.extend(extra);
        args.push(s(&letter));
        json_lines(common::signatur_ok(&args)).remove(0)
    };
    let kle_by = |line: &serde_json::Value| {
        let heads = line["decision"]["heads"].as_array().unwrap();
        let kle = heads.iter().find(|h| h["head"] == "kle").unwrap();
        (
            kle["labels"][0]["label"].as_str().unwrap().to_string(),
            kle["decided_by"]["by"].as_str().unwrap().to_string(),
        )
    };
    // Without a taxonomy the model's labels are the check, and they lack the emne.
    let without = decide(&[]);
    assert_eq!(without["decision"]["case_notes"][0]["kind"], "unknown_emne");
    assert_ne!(kle_by(&without).1, "case_number");
    // With it, the emne is known and the case number decides, as `Router::with_taxonomy`.
    let with = decide(&["--taxonomy", &spec]);
    assert_eq!(
        kle_by(&with),
        ("00.03.02".to_string(), "case_number".to_string()),
        "{with}"
    );
    // `--text DIR` reads the directory's messages, not the manifest beside them.
    std::fs::write(
        dir.path().join("manifest.csv"),
        "path,kle\nletter.txt,00.03.02\n",
    )
    .unwrap();
    let out = common::signatur_ok(&["classify", "--model", s(&model), "--text", s(dir.path())]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(text.lines().count(), 1, "{text}");
    assert!(text.starts_with(s(&letter)), "{text}");
    // `--never-auto` applies to journal records only; alone it is refused.
    let refused = std::process::Command::new(env!("CARGO_BIN_EXE_signatur"))
        .args(["classify", "--model", s(&model), "--never-auto", s(&letter)])
        .output()
        .unwrap();
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("--journal"));
}
