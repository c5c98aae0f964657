//! Mailboxes on disk (Maildir, directory trees, mbox files, single files) through
//! `read_inputs`, and the `signatur parse` command that prints them as JSON lines.

mod common;

use std::path::Path;
use std::process::Command;

use signatur::ingest::{
    files_below, read_inputs, read_inputs_with, read_maildir, read_tree, Limits,
};

fn write(path: &Path, bytes: &[u8]) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap();
}

fn msg(subject: &str) -> Vec<u8> {
    format!("From: a@example.dk\r\nSubject: {subject}\r\n\r\nTekst om {subject}\r\n").into_bytes()
}

#[test]
fn maildir_reads_cur_and_new_but_not_tmp() {
    let dir = tempfile::tempdir().unwrap();
    let md = dir.path().join("Inbox");
    write(&md.join("cur/1.eml:2,S"), &msg("læst"));
    write(&md.join("new/2.eml"), &msg("ny"));
    write(&md.join("tmp/3.eml"), &msg("under levering"));
    write(&md.join("cur/.hidden"), &msg("skjult"));
    let subjects: Vec<String> = read_maildir(&md, &Limits::default())
        .map(|(_, r)| r.unwrap().subject)
        .collect();
    assert_eq!(subjects, ["læst", "ny"]);
    // Sniffed as a Maildir too.
    assert_eq!(read_inputs([&md]).count(), 2);
}

#[test]
fn a_tree_mixes_files_mboxes_and_maildirs_and_reports_broken_ones() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(&root.join("a/1.eml"), &msg("en"));
    write(&root.join("a/b/2.eml"), &msg("to"));
    let mut mbox = b"From x@example.dk Thu May 16 10:00:00 2024\n".to_vec();
    mbox.extend_from_slice(&msg("mbox-1"));
    mbox.extend_from_slice(b"\nFrom y@example.dk Thu May 16 10:01:00 2024\n");
    mbox.extend_from_slice(&msg("mbox-2"));
    write(&root.join("c/box.mbox"), &mbox);
    write(&root.join("d/Maildir/new/3"), &msg("maildir"));
    write(&root.join("e/broken.eml"), b"no header and no blank line");
    write(&root.join("e/empty.eml"), b"");
    // A corpus's manifest and notes are not messages.
    write(&root.join("manifest.csv"), b"path,unit\na/1.eml,Byggeri\n");
    write(&root.join("README.MD"), b"# The corpus\n");

    let items: Vec<_> = read_tree(root, &Limits::default()).collect();
    let sources: Vec<String> = items
        .iter()
        .map(|(s, _)| s.strip_prefix(root.to_str().unwrap()).unwrap().to_string())
        .collect();
    assert_eq!(
        sources,
        [
            "/a/1.eml",
            "/a/b/2.eml",
            "/c/box.mbox:0",
            "/c/box.mbox:1",
            "/d/Maildir/new/3",
            "/e/broken.eml",
            "/e/empty.eml"
        ]
    );
    let ok: Vec<String> = items
        .iter()
        .filter_map(|(_, r)| r.as_ref().ok().map(|m| m.subject.clone()))
        .collect();
    assert_eq!(ok, ["en", "to", "mbox-1", "mbox-2", "maildir"]);
    let errors: Vec<String> = items
        .iter()
        .filter_map(|(_, r)| r.as_ref().err().map(|e| e.to_string()))
        .collect();
    assert_eq!(errors.len(), 2);
    assert!(errors[0].contains("broken.eml"), "{}", errors[0]);
    // `files_below` lists the same files in the same order, an mbox file once.
    let files: Vec<String> = files_below(root)
        .iter()
        .map(|p| p.strip_prefix(root).unwrap().display().to_string())
        .collect();
    assert_eq!(
        files,
        [
            "a/1.eml",
            "a/b/2.eml",
            "c/box.mbox",
            "d/Maildir/new/3",
            "e/broken.eml",
            "e/empty.eml"
        ]
    );
    assert_eq!(
        files_below(root.join("d/Maildir")),
        [root.join("d/Maildir/new/3")]
    );
}

#[test]
fn missing_paths_are_errors_and_the_rest_is_read() {
    let dir = tempfile::tempdir().unwrap();
    write(&dir.path().join("ok.eml"), &msg("ok"));
    let items: Vec<_> =
        read_inputs([dir.path().join("missing.eml"), dir.path().join("ok.eml")]).collect();
    assert_eq!(items.len(), 2);
    assert_eq!(
        items[0].1.as_ref().unwrap_err().kind(),
        signatur::ErrorKind::Io
    );
    assert_eq!(items[1].1.as_ref().unwrap().subject, "ok");
}

#[test]
fn big_files_are_read_only_up_to_the_limit() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.eml");
    let mut raw = msg("stor");
    raw.extend(std::iter::repeat_n(b"fyld fyld fyld\r\n".as_slice(), 100_000).flatten());
    write(&path, &raw);
    let limits = Limits {
        max_message_bytes: 10_000,
        ..Limits::default()
    };
    let (_, r) = read_inputs_with([&path], &limits).next().unwrap();
    let m = r.unwrap();
    let t = &m.truncations[0];
    assert_eq!(
        (t.what.as_str(), t.limit, t.actual),
        ("message_size", 10_000, raw.len() as u64)
    );
}

#[test]
fn spamassassin_files_are_single_messages_named_by_file() {
    let Some(dir) = common::shared_data("spamassassin/easy-ham-1") else {
        return;
    };
    let items: Vec<_> = read_inputs([&dir]).take(50).collect();
    assert_eq!(items.len(), 50);
    for (source, r) in &items {
        assert!(!source.contains(".txt:"), "{source}");
        assert!(!r.as_ref().unwrap().body.text.is_empty(), "{source}");
    }
}

#[test]
fn memo_files_are_read_as_digital_post() {
    let Some(dir) = common::shared_data("memo") else {
        return;
    };
    let items: Vec<_> = read_inputs([
        dir.join("MeMo_Full_Example.xml"),
        dir.join("MeMo_NemSMS.xml"),
    ])
    .collect();
    assert_eq!(items.len(), 2);
    for (source, r) in &items {
        let m = r.as_ref().unwrap_or_else(|e| panic!("{source}: {e}"));
        assert_eq!(m.channel, signatur::Channel::DigitalPost, "{source}");
    }
}

#[test]
fn signatur_parse_prints_json_lines_and_fails_on_bad_inputs() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("god.eml");
    write(
        &good,
        "From: Søren <s@example.dk>\r\nTo: post@kommune.example\r\nSubject: =?utf-8?q?B=C3=B8rn?=\r\n\
         Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\nHej\r\n\r\nMvh Søren\r\n--b\r\n\
         Content-Type: application/pdf; name=a.pdf\r\nContent-Transfer-Encoding: base64\r\n\r\nJVBERi0=\r\n--b--\r\n"
            .as_bytes(),
    );
    let out = Command::new(env!("CARGO_BIN_EXE_signatur"))
        .arg("parse")
        .arg(&good)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(stdout.lines().count(), 1);
    let v: serde_json::Value = serde_json::from_str(stdout.trim()).unwrap();
    assert_eq!(v["source"], good.display().to_string());
    assert_eq!(v["channel"], "email");
    assert_eq!(v["subject"], "Børn");
    assert_eq!(v["sender"]["name"], "Søren");
    assert_eq!(v["to"][0]["address"], "post@kommune.example");
    assert_eq!(v["body"]["new_text"], "Hej");
    assert_eq!(v["body"]["signature"], "Mvh Søren");
    assert_eq!(v["body"]["source"], "plain");
    let a = &v["attachments"][0];
    assert_eq!(a["name"], "a.pdf");
    assert_eq!(a["media_type"], "application/pdf");
    assert_eq!(a["size"], 5);
    // Five bytes are no PDF: unreadable, with a reason and no text.
    assert_eq!(a["extraction"]["status"], "unreadable");
    assert!(a["extraction"]["reason"].is_string());
    assert_eq!(a["text_len"], 0);
    assert!(a.get("pages").is_none());
    assert!(a.get("bytes").is_none() && a.get("content").is_none());

    let bad = dir.path().join("bad.eml");
    write(&bad, b"");
    let out = Command::new(env!("CARGO_BIN_EXE_signatur"))
        .arg("parse")
        .arg(&bad)
        .arg(&good)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(String::from_utf8(out.stdout).unwrap().lines().count(), 1);
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("bad.eml") && stderr.contains("parse error"),
        "{stderr}"
    );
}
