//! `signatur refs` and `signatur redact` end to end, through the built binary.

use std::io::Write;
use std::process::{Command, Output, Stdio};

const MAIL: &str = "From: Søren <soren@example.dk>\r\nTo: post@kommune.dk\r\n\
                    Subject: Underretning, cpr 150390-0005\r\n\r\n\
                    Hej, ring på tlf. 86 12 34 56. Sagsnr. 27.24.00-G01-5-19.\r\n";

fn run(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_signatur"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the signatur binary runs");
    if let Some(mut input) = child.stdin.take() {
        input
            .write_all(stdin.as_bytes())
            .expect("stdin is writable");
    }
    child
        .wait_with_output()
        .expect("the signatur binary finishes")
}

#[test]
fn refs_prints_masked_json_per_message() {
    let out = run(&["refs", "-"], MAIL);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(stdout.lines().count(), 1);
    assert!(
        !stdout.contains("150390") && !stdout.contains("86123456"),
        "{stdout}"
    );
    let v: serde_json::Value = serde_json::from_str(stdout.trim()).expect("one JSON object");
    assert_eq!(v["source"], "-");
    assert_eq!(v["sensitive"], true);
    let refs = v["references"].as_array().expect("references array");
    let kinds: Vec<(&str, &str, &str)> = refs
        .iter()
        .map(|r| {
            (
                r["kind"].as_str().unwrap_or(""),
                r["field"].as_str().unwrap_or(""),
                r["value"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        kinds,
        [
            ("cpr", "subject", "XXXXXX-XXXX"),
            ("phone", "body", "+45XXXXXXXX"),
            ("case_number", "body", "27.24.00-G01-5-19"),
        ]
    );
    assert_eq!(
        (refs[0]["start"].as_u64(), refs[0]["end"].as_u64()),
        (Some(18), Some(29))
    );
    assert_eq!(refs[0]["checksum"], true);
}

#[test]
fn refs_unmasked_and_text_mode() {
    let out = run(
        &["refs", "--text", "--unmasked", "-"],
        "Kære Ærø, cpr 150390-0005\r\n",
    );
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON object");
    let r = &v["references"][0];
    assert_eq!(
        (r["kind"].as_str(), r["value"].as_str()),
        (Some("cpr"), Some("1503900005"))
    );
    // Spans point into the text as given (after the two-byte letters).
    assert_eq!(
        (r["start"].as_u64(), r["end"].as_u64()),
        (Some(17), Some(28))
    );
}

#[test]
fn redact_prints_subject_and_body_masked() {
    let out = run(&["redact", "-"], MAIL);
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "Underretning, cpr XXXXXX-XXXX\n\nHej, ring på tlf. XX XX XX XX. Sagsnr. 27.24.00-G01-5-19.\n"
    );
    let out = run(
        &["redact", "--text", "--labels", "--all", "-"],
        "cpr 150390-0005, sag 27.24.00-G01-5-19",
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "cpr [CPR], sag [SAGSNUMMER]\n"
    );
}

#[test]
fn bad_input_fails_with_a_message_not_a_panic() {
    let out = run(&["refs", "--text", "-"], "");
    assert!(out.status.success(), "empty text is valid text");
    let mut child = Command::new(env!("CARGO_BIN_EXE_signatur"))
        .args(["refs", "--text", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("runs");
    if let Some(mut input) = child.stdin.take() {
        input.write_all(b"\xff\xfe").expect("writable");
    }
    let out = child.wait_with_output().expect("finishes");
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("not UTF-8"), "{stderr}");
    let out = run(&["refs", "/nonexistent/mail.eml"], "");
    assert_eq!(out.status.code(), Some(1));
    assert!(!String::from_utf8_lossy(&out.stderr).contains("panicked"));
}

#[test]
fn a_digital_post_letter_on_stdin_is_read_as_from_a_file() {
    // A MeMo letter with a CPR number and a health matter (demo corpus): piped in, it must
    // not be parsed as an RFC 5322 message with no body, found clean.
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/demo/corpus/digitalpost/0279.xml"
    );
    let xml = std::fs::read_to_string(path).expect("the demo letter");
    for command in ["refs", "redact"] {
        let piped = run(&[command, "-"], &xml);
        let named = run(&[command, path], "");
        assert!(piped.status.success() && named.status.success());
        let (piped, named) = (
            String::from_utf8_lossy(&piped.stdout),
            String::from_utf8_lossy(&named.stdout),
        );
        assert_eq!(
            piped.replace("\"source\":\"-\"", ""),
            named.replace(&format!("\"source\":\"{path}\""), ""),
            "{command}"
        );
        if command == "refs" {
            let v: serde_json::Value = serde_json::from_str(piped.trim()).expect("JSON");
            assert_eq!(v["sensitive"], true, "{piped}");
            assert!(piped.contains("\"kind\":\"cpr\""), "{piped}");
        } else {
            assert!(piped.contains("XXXXXX-XXXX"), "{piped}");
        }
    }
}

#[test]
fn text_mode_reads_a_directory_as_the_mail_reader_does() {
    // `--text DIR`: the files in name order, subdirectories too, without hidden entries or
    // a corpus's manifest; before, `refs --text DIR` failed with "Is a directory".
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("sub")).unwrap();
    std::fs::create_dir_all(root.join(".hidden")).unwrap();
    std::fs::write(root.join("a.txt"), "cpr 150390-0005").unwrap();
    std::fs::write(root.join("sub/b.txt"), "ingen numre").unwrap();
    std::fs::write(root.join(".c.txt"), "skjult").unwrap();
    std::fs::write(root.join(".hidden/d.txt"), "skjult").unwrap();
    std::fs::write(root.join("manifest.csv"), "path,unit\na.txt,Byg\n").unwrap();
    let out = run(&["refs", "--text", root.to_str().unwrap()], "");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The `source` of each line, relative to `dir`.
    let sources = |out: &Output, dir: &std::path::Path| -> Vec<String> {
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(|l| {
                let v: serde_json::Value = serde_json::from_str(l).unwrap();
                let source = std::path::Path::new(v["source"].as_str().unwrap());
                source.strip_prefix(dir).unwrap().display().to_string()
            })
            .collect()
    };
    assert_eq!(sources(&out, root), ["a.txt", "sub/b.txt"]);
    // A Maildir: `cur`, then `new`; `tmp` (still being delivered) is not read.
    let maildir = root.join("sub/inbox");
    for (sub, name) in [("new", "1.eml"), ("cur", "2.eml"), ("tmp", "3.eml")] {
        std::fs::create_dir_all(maildir.join(sub)).unwrap();
        std::fs::write(maildir.join(sub).join(name), "tekst").unwrap();
    }
    let out = run(&["refs", "--text", maildir.to_str().unwrap()], "");
    assert_eq!(sources(&out, &maildir), ["cur/2.eml", "new/1.eml"]);
    // A file named directly is read whatever its name.
    let named = run(
        &[
            "refs",
            "--text",
            root.join("manifest.csv").to_str().unwrap(),
        ],
        "",
    );
    assert!(named.status.success());
    assert_eq!(String::from_utf8_lossy(&named.stdout).lines().count(), 1);
}
