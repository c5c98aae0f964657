//! Ingestion against real mail nobody on this project wrote (see ../shared/data/README.md):
//! mail-parser's own test messages with their expected parse, CPython's and MimeKit's test
//! messages, the SpamAssassin corpus and 20 Newsgroups.
//!
//! The whole-corpus tests read about 15,000 messages; in a debug build they take a while,
//! in release (`cargo test --release --test ingest_corpora`) a few seconds.

mod common;

use std::path::{Path, PathBuf};

use serde_json::Value;
use signatur::Message;

fn files_in(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .collect();
    out.sort();
    out
}

/// Whether `ours` matches mail-parser's `expected` text, where each run of U+FFFD in
/// `expected` (bytes mail-parser could not decode) may stand for one to four characters per
/// U+FFFD in ours: we read such bytes as Windows-1252 (a deliberate difference, see
/// src/ingest/decode.rs), and one U+FFFD can replace several bytes.
fn matches_at(ours: &[char], expected: &[char], anchored_end: bool) -> bool {
    let Some(pos) = expected.iter().position(|c| *c == '\u{FFFD}') else {
        return if anchored_end {
            ours == expected
        } else {
            ours.starts_with(expected)
        };
    };
    let (lit, rest) = expected.split_at(pos);
    if !ours.starts_with(lit) {
        return false;
    }
    let run = rest.iter().take_while(|c| **c == '\u{FFFD}').count();
    let after = &rest[run..];
    let ours = &ours[lit.len()..];
    (run..=(4 * run).min(ours.len())).any(|skip| matches_at(&ours[skip..], after, anchored_end))
}

fn same_text(ours: &str, expected: &str) -> bool {
    let (a, b): (Vec<char>, Vec<char>) = (ours.chars().collect(), expected.chars().collect());
    matches_at(&a, &b, true)
}

/// Whether `hay` contains `needle` under the same rule.
fn contains_text(hay: &str, needle: &str) -> bool {
    if !needle.contains('\u{FFFD}') {
        return hay.contains(needle);
    }
    let (h, n): (Vec<char>, Vec<char>) = (hay.chars().collect(), needle.chars().collect());
    (0..h.len()).any(|i| matches_at(&h[i..], &n, false))
}

fn normalize(text: &str) -> String {
    text.replace("\r\n", "\n")
        .replace('\r', "\n")
        .trim_matches('\n')
        .to_string()
}

/// The value of the last header `name` of a part in mail-parser's JSON (mail-parser keeps
/// the last one when a header repeats, and so do we).
fn header<'a>(part: &'a Value, name: &str) -> Option<&'a Value> {
    part["headers"]
        .as_array()?
        .iter()
        .rev()
        .find(|h| h["name"] == name)
        .map(|h| &h["value"])
}

/// (name, address) pairs of an address header value in mail-parser's JSON.
fn json_addresses(value: Option<&Value>) -> Vec<(Option<String>, Option<String>)> {
    let Some(addr) = value.and_then(|v| v.get("Address")) else {
        return Vec::new();
    };
    let mut list = Vec::new();
    let mut push = |a: &Value| {
        let name = a["name"]
            .as_str()
            .map(|s| s.trim().trim_matches('"').trim().to_string())
            .filter(|s| !s.is_empty());
        let address = a["address"]
            .as_str()
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty());
        if name.is_some() || address.is_some() {
            list.push((name, address));
        }
    };
    if let Some(l) = addr.get("List").and_then(Value::as_array) {
        l.iter().for_each(&mut push);
    }
    if let Some(groups) = addr.get("Group").and_then(Value::as_array) {
        for g in groups {
            g["addresses"]
                .as_array()
                .into_iter()
                .flatten()
                .for_each(&mut push);
        }
    }
    list
}

/// The attachment name mail-parser reports for a part: disposition `filename`, else type
/// `name`.
fn json_attachment_name(part: &Value) -> Option<String> {
    let attr = |v: Option<&Value>, key: &str| -> Option<String> {
        v?.get("ContentType")?["attributes"]
            .as_array()?
            .iter()
            .find(|a| a["name"] == key)
            .and_then(|a| a["value"].as_str())
            .map(str::to_string)
    };
    attr(header(part, "content_disposition"), "filename")
        .or_else(|| attr(header(part, "content_type"), "name"))
        .map(|n| n.trim().to_string())
        .filter(|n| !n.is_empty())
}

/// Compares our message with mail-parser's expected JSON; returns the differences.
fn compare(ours: &Message, expected: &Value) -> Vec<String> {
    let mut diffs = Vec::new();
    let parts = expected["parts"].as_array().cloned().unwrap_or_default();
    let Some(root) = parts.first() else {
        return vec!["expected parse has no parts".into()];
    };

    let subject = header(root, "subject")
        .and_then(|v| v["Text"].as_str())
        .unwrap_or("")
        .trim();
    if !same_text(&ours.subject, subject) {
        diffs.push(format!("subject {:?} != {:?}", ours.subject, subject));
    }

    let from = json_addresses(header(root, "from"));
    if let Some((name, address)) = from.first() {
        let s = ours.sender.as_ref();
        let our_addr = s.map(|s| s.address.as_str()).filter(|a| !a.is_empty());
        let our_name = s.and_then(|s| s.name.as_deref());
        if our_addr != address.as_deref()
            || !same_text(our_name.unwrap_or(""), name.as_deref().unwrap_or(""))
        {
            diffs.push(format!("from {:?} != {:?}", s, (name, address)));
        }
    }

    let to: Vec<_> = json_addresses(header(root, "to"))
        .into_iter()
        .map(|(_, a)| a.unwrap_or_default())
        .collect();
    let our_to: Vec<_> = ours.to.iter().map(|a| a.address.clone()).collect();
    if to != our_to {
        diffs.push(format!("to {our_to:?} != {to:?}"));
    }

    // The body: every text part mail-parser selected must be in ours, in order. HTML parts
    // are raw HTML in mail-parser's JSON and readable text in ours (deliberately): they are
    // compared through our converter, which checks that the same part was selected.
    let mut from_pos = 0;
    for id in expected["text_body"].as_array().into_iter().flatten() {
        let part = &parts[id.as_u64().unwrap() as usize];
        let piece = if let Some(t) = part["body"]["Text"].as_str() {
            normalize(t)
        } else if let Some(h) = part["body"]["Html"].as_str() {
            signatur::ingest::html_to_text(h, usize::MAX).0
        } else {
            continue;
        };
        let piece = piece.trim();
        if piece.is_empty() {
            continue;
        }
        let rest = ours.body.text.get(from_pos..).unwrap_or("");
        if !contains_text(rest, piece) {
            diffs.push(format!(
                "body part {id} missing: expected {:?}… in {:?}…",
                piece.chars().take(60).collect::<String>(),
                rest.chars().take(60).collect::<String>()
            ));
        } else if let Some(p) = rest.find(piece) {
            from_pos += p + piece.len();
        }
        // (With U+FFFD in the piece its position is not tracked; order is checked for the
        // others.)
    }

    let expected_attachments: Vec<Option<String>> = expected["attachments"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|id| json_attachment_name(&parts[id.as_u64().unwrap() as usize]))
        .collect();
    let our_names: Vec<Option<String>> = ours.attachments.iter().map(|a| a.name.clone()).collect();
    let names_agree = expected_attachments.len() == our_names.len()
        && expected_attachments
            .iter()
            .zip(&our_names)
            .all(|(e, o)| same_text(o.as_deref().unwrap_or(""), e.as_deref().unwrap_or("")));
    if !names_agree {
        diffs.push(format!(
            "attachments {our_names:?} != {expected_attachments:?}"
        ));
    }
    diffs
}

fn add_crlf(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len() + bytes.len() / 20);
    let mut last = 0u8;
    for &b in bytes {
        if b == b'\n' && last != b'\r' {
            out.push(b'\r');
        }
        out.push(b);
        last = b;
    }
    out
}

fn mail_parser_eml(crlf: bool) {
    let Some(root) = common::shared_data("mime/mail-parser-eml") else {
        return;
    };
    let mut checked = 0;
    let mut failures = Vec::new();
    for suite in ["rfc", "legacy", "thirdparty", "malformed"] {
        for eml in files_in(&root.join(suite))
            .into_iter()
            .filter(|p| p.extension().is_some_and(|e| e == "eml"))
        {
            let raw = std::fs::read(&eml).unwrap();
            let (input, json) = if crlf {
                (add_crlf(&raw), eml.with_extension("crlf.json"))
            } else {
                (
                    raw.iter().copied().filter(|b| *b != b'\r').collect(),
                    eml.with_extension("json"),
                )
            };
            let expected: Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
            let name = format!("{suite}/{}", eml.file_name().unwrap().to_string_lossy());
            match Message::from_bytes(&input) {
                Ok(msg) => {
                    for d in compare(&msg, &expected) {
                        failures.push(format!("{name}: {d}"));
                    }
                }
                Err(e) => failures.push(format!("{name}: {e}")),
            }
            checked += 1;
        }
    }
    assert_eq!(checked, 107, "the corpus has 107 messages");
    assert!(
        failures.is_empty(),
        "{} differences:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn mail_parser_eml_agrees_lf() {
    mail_parser_eml(false);
}

#[test]
fn mail_parser_eml_agrees_crlf() {
    mail_parser_eml(true);
}
