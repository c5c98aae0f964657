//! Ingestion against real mail nobody on this project wrote (see ../shared/data/README.md):
//! mail-parser's own test messages with their expected parse, CPython's and MimeKit's test
//! messages, the SpamAssassin corpus and 20 Newsgroups.
//!
//! The whole-corpus tests read about 15,000 messages; in a debug build they take a while,
//! in release (`cargo test --release --test ingest_corpora`) a few seconds.

mod common;

use std::path::{Path, PathBuf};

use serde_json::Value;
use signatur::{BodySource, Message};

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
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// (`normalize` compares text by its words: line breaks and runs of white space count as
/// one space. We join `format=flowed` lines (RFC 3676) where mail-parser keeps them as
/// sent, a deliberate difference that this comparison leaves out.)
///
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
            normalize(&signatur::ingest::html_to_text(h, usize::MAX).0)
        } else {
            continue;
        };
        let piece = piece.trim();
        if piece.is_empty() {
            continue;
        }
        let ours_words = normalize(&ours.body.text);
        let rest = ours_words.get(from_pos..).unwrap_or("");
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

    let mut attachment_ids: Vec<usize> = expected["attachments"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|id| id.as_u64().unwrap() as usize)
        .collect();
    // A deliberate difference: when mail-parser selects no body, we take the first unnamed
    // inline text part of its attachments as the body (src/ingest/mime.rs, `body_text`),
    // and do not list it as an attachment too. Its text must then be our body.
    let no_body = expected["text_body"]
        .as_array()
        .is_none_or(|b| b.is_empty());
    if no_body && !ours.body.text.is_empty() {
        let is_inline_text = |p: &Value| {
            let disposition_attachment = header(p, "content_disposition")
                .and_then(|v| v["ContentType"]["c_type"].as_str())
                == Some("attachment");
            (p["body"].get("Text").is_some() || p["body"].get("Html").is_some())
                && json_attachment_name(p).is_none()
                && !disposition_attachment
        };
        match attachment_ids
            .iter()
            .position(|&id| is_inline_text(&parts[id]))
        {
            Some(i) => {
                let id = attachment_ids.remove(i);
                if let Some(t) = parts[id]["body"]["Text"].as_str() {
                    let t = normalize(t);
                    if !contains_text(&normalize(&ours.body.text), t.trim()) {
                        diffs.push(format!("body from part {id} differs"));
                    }
                }
            }
            None => diffs.push("a body where mail-parser has none and no inline text part".into()),
        }
    }
    let expected_attachments: Vec<Option<String>> = attachment_ids
        .iter()
        .map(|&id| json_attachment_name(&parts[id]))
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

/// Why a message of a corpus may have no body text. Each reason is checked against the
/// source, so a parser bug cannot hide behind it.
#[derive(Debug, PartialEq)]
enum NoText {
    /// Nothing but white space follows the header block in the source.
    EmptyInSource,
    /// The body is HTML with nothing to read: images, an iframe, styles (spam does this).
    HtmlWithoutText,
    /// No part has a text type: the content is declared as something else
    /// (`Content-Type: setext/plain` in one 20 Newsgroups post).
    NotTextType,
}

/// Text outside tags, comments, `<style>`, `<script>` and `<title>`, found without our
/// converter.
fn crude_html_text(html: &str) -> String {
    let lower = html.to_ascii_lowercase();
    let mut out = String::new();
    let mut i = 0;
    while i < html.len() {
        let rest = &lower[i..];
        let skip_to = |end: &str, from: usize| {
            rest.find(end)
                .map_or(html.len(), |p| i + p + end.len())
                .max(from)
        };
        if rest.starts_with("<!--") {
            i = skip_to("-->", i + 1);
        } else if rest.starts_with("<style") {
            i = skip_to("</style>", i + 1);
        } else if rest.starts_with("<script") {
            i = skip_to("</script>", i + 1);
        } else if rest.starts_with("<title") {
            // A mail client does not show the title either.
            i = skip_to("</title>", i + 1);
        } else if rest.starts_with('<') {
            i = skip_to(">", i + 1);
        } else {
            let c = html[i..].chars().next().unwrap();
            out.push(c);
            i += c.len_utf8();
        }
    }
    out.replace("&nbsp;", " ")
}

fn why_no_text(raw: &[u8], msg: &Message) -> Option<NoText> {
    if !msg.body.text.trim().is_empty() {
        return None;
    }
    let body_start = [&b"\r\n\r\n"[..], b"\n\n"]
        .iter()
        .filter_map(|sep| {
            raw.windows(sep.len())
                .position(|w| w == *sep)
                .map(|p| p + sep.len())
        })
        .min()
        .unwrap_or(raw.len());
    if raw[body_start..].iter().all(u8::is_ascii_whitespace) {
        return Some(NoText::EmptyInSource);
    }
    // Checked with mail-parser directly: its body parts are HTML without readable text.
    let parsed = mail_parser::MessageParser::default().parse(raw)?;
    let html: Vec<&str> = parsed
        .text_body
        .iter()
        .filter_map(|&id| match &parsed.parts[id as usize].body {
            mail_parser::PartType::Html(h) => Some(h.as_ref()),
            _ => None,
        })
        .collect();
    if !html.is_empty()
        && html.len() == parsed.text_body.len()
        && html.iter().all(|h| crude_html_text(h).trim().is_empty())
    {
        return Some(NoText::HtmlWithoutText);
    }
    let any_text = parsed.parts.iter().any(|p| {
        matches!(
            p.body,
            mail_parser::PartType::Text(_) | mail_parser::PartType::Html(_)
        )
    });
    if !any_text
        && msg
            .attachments
            .iter()
            .all(|a| !a.media_type.starts_with("text/"))
    {
        return Some(NoText::NotTextType);
    }
    None
}

/// Parses every file below `dir`; every one must give a message with body text, or a
/// reason from [`NoText`]. Returns (messages, messages without text).
fn corpus(dir: &Path) -> (usize, usize) {
    let mut count = 0;
    let mut without = 0;
    let mut failures = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for path in std::fs::read_dir(&d).unwrap().map(|e| e.unwrap().path()) {
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let raw = std::fs::read(&path).unwrap();
            count += 1;
            match Message::from_bytes(&raw) {
                Ok(msg) => match why_no_text(&raw, &msg) {
                    None if msg.body.text.trim().is_empty() => {
                        failures.push(format!("{}: no body text and no reason", path.display()))
                    }
                    None => {}
                    Some(_) => without += 1,
                },
                Err(e) => failures.push(format!("{}: {e}", path.display())),
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
    (count, without)
}

#[test]
fn spamassassin_every_message_has_text() {
    let Some(root) = common::shared_data("spamassassin") else {
        return;
    };
    let (count, without) = corpus(&root);
    // 2,500 easy ham, 250 hard ham, 500 spam (the data README).
    assert_eq!(count, 3250);
    // Three spam messages are HTML with only images or an iframe; every reason is checked
    // above, and a growing number would mean text is being lost.
    assert!(without <= 3, "{without} messages without text");
}

#[test]
fn twenty_newsgroups_every_post_has_text() {
    let Some(root) = common::shared_data("20news/train") else {
        return;
    };
    let (count, without) = corpus(&root);
    assert_eq!(count, 11_314);
    // 19 posts are empty after their headers, one is declared `setext/plain`.
    assert!(without <= 20, "{without} posts without text");
}

/// Parses every file of a folder as one message; returns them by file name.
fn parse_all(dir: &Path) -> Vec<(String, Message)> {
    let mut out = Vec::new();
    let mut failures = Vec::new();
    for path in files_in(dir) {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        match Message::from_bytes(&std::fs::read(&path).unwrap()) {
            Ok(m) => out.push((name, m)),
            Err(e) => failures.push(format!("{name}: {e}")),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    out
}

fn find<'a>(all: &'a [(String, Message)], name: &str) -> &'a Message {
    &all.iter()
        .find(|(n, _)| n == name)
        .unwrap_or_else(|| panic!("{name} missing"))
        .1
}

#[test]
fn cpython_every_message_parses_and_hard_ones_are_right() {
    let Some(dir) = common::shared_data("mime/cpython") else {
        return;
    };
    let all = parse_all(&dir);
    assert_eq!(all.len(), 48);

    // A GIF attachment next to the text.
    let m = find(&all, "msg_07.txt");
    assert_eq!(m.body.text, "Hi there,\n\nThis is the dingus fish.");
    assert_eq!(m.attachments.len(), 1);
    assert_eq!(m.attachments[0].name.as_deref(), Some("dingusfish.gif"));
    assert_eq!(m.attachments[0].media_type, "image/gif");
    // An image: no text without OCR, and this build did none.
    #[cfg(not(feature = "ocr"))]
    assert!(matches!(
        m.attachments[0].extraction,
        signatur::Extraction::NoTextLayer { .. }
    ));
    assert!(m.attachments[0].size > 1000);

    // Quoted-printable and base64 text parts in several charsets.
    let m = find(&all, "msg_10.txt");
    assert!(m.body.text.contains("This is a 7bit encoded message."));
    assert!(
        m.body
            .text
            .contains("¡This is a Quoted Printable encoded message!"),
        "{}",
        m.body.text
    );
    assert!(m.body.text.contains("This is a Base64 encoded message."));

    // A delivery status notification: human part as body, the report as text.
    let m = find(&all, "msg_16.txt");
    assert_eq!(m.subject, "Delivery Notification: Delivery has failed");
    assert!(m
        .body
        .text
        .starts_with("This report relates to a message you sent"));
    let report = &m.attachments[0];
    assert_eq!(report.media_type, "message/delivery-status");
    assert!(report.text.as_deref().unwrap().contains("Action: failed"));
    assert_eq!(m.attachments[1].media_type, "message/rfc822");

    // A multipart/alternative without a boundary: its content is the body.
    let m = find(&all, "msg_41.txt");
    assert_eq!(m.body.text, "Blah blah blah");
    assert!(m.attachments.is_empty());

    // No blank line after the headers: the line is skipped as a broken header field.
    let m = find(&all, "msg_35.txt");
    assert_eq!(m.subject, "here's something interesting");
    assert!(m.body.text.is_empty());

    // A named text attachment keeps its text.
    let m = find(&all, "msg_44.txt");
    assert_eq!(m.attachments[0].name.as_deref(), Some("msg.txt"));
    assert!(m.attachments[0]
        .text
        .as_deref()
        .unwrap()
        .contains("a simple kind of mirror"));
}

#[test]
fn mimekit_every_message_parses_and_hard_ones_are_right() {
    let Some(dir) = common::shared_data("mime/mimekit/UnitTests/TestData") else {
        return;
    };
    let all = parse_all(&dir.join("messages"));
    assert_eq!(all.len(), 32);
    assert_eq!(parse_all(&dir.join("partial")).len(), 7);
    // The dkim folder also holds keys; its messages are the .msg files.
    for path in files_in(&dir.join("dkim"))
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "msg"))
    {
        Message::from_bytes(&std::fs::read(path).unwrap()).unwrap();
    }

    // Japanese: ISO-2022-JP in encoded words and in the body.
    let m = find(&all, "japanese.txt");
    assert_eq!(m.subject, "日本語メールテスト (testing Japanese emails)");
    assert!(m.body.text.contains("日本語が"), "{}", m.body.text);

    // DSN: the report is text, the returned message a nested message.
    let m = find(&all, "delivery-status.txt");
    assert_eq!(
        m.sender.as_ref().unwrap().address,
        "postmaster@mm1.sprynet.com"
    );
    assert_eq!(m.attachments[0].media_type, "message/delivery-status");
    assert!(m.attachments[0]
        .text
        .as_deref()
        .unwrap()
        .contains("Diagnostic-Code: X-LOCAL; 500 (err.nosuchuser)"));
    assert_eq!(m.attachments[1].media_type, "message/rfc822");

    // MDN.
    let m = find(&all, "disposition-notification.txt");
    assert!(m
        .body
        .text
        .starts_with("The message sent on 1995 Sep 19 at 13:30:00 (EDT)"));
    let mdn = &m.attachments[0];
    assert_eq!(mdn.media_type, "message/disposition-notification");
    assert!(mdn.text.as_deref().unwrap().contains("Disposition:"));

    // MHTML: the image comes first in multipart/related, the HTML is the body.
    let m = find(&all, "multipart-related-mhtml.txt");
    assert_eq!(m.body.text, "def");
    assert_eq!(m.body.source, BodySource::Html);
    assert_eq!(m.attachments.len(), 1);
    assert_eq!(m.attachments[0].media_type, "image/png");

    // A To header of 135 KB of encoded words (MimeKit's stack overflow case), decoded.
    let m = find(&all, "stack-overflow.txt");
    assert_eq!(m.subject, "Message Subject");
    assert_eq!(m.body.text, "Message Body");
    let to = m.header("To").unwrap();
    assert!(to.len() > 50_000 && to.contains("date>2017-08-20T10:08:28.617</pr"));

    // An empty multipart/alternative before the real text part.
    let m = find(&all, "empty-multipart.txt");
    assert!(m
        .body
        .text
        .starts_with("This part should be on the same level"));

    // A message/rfc822 at the top, holding a digest.
    let m = find(&all, "multipart-digest.txt");
    assert_eq!(m.attachments.len(), 1);
    assert_eq!(m.attachments[0].media_type, "message/rfc822");
    assert!(m.attachments[0]
        .text
        .as_deref()
        .unwrap()
        .starts_with("submsg"));

    // format=flowed quoted-printable in ISO-8859-1: soft breaks joined.
    let m = find(&all, "issue1130.txt");
    assert!(
        m.body
            .text
            .contains("apparently did a few months ago, but now there is a \"You do not"),
        "{}",
        m.body.text
    );

    // A Content-Type without a subtype.
    let m = find(&all, "missing-subtype.txt");
    assert_eq!(m.attachments[0].name.as_deref(), Some("document.xml.gz"));
    assert_eq!(m.attachments[0].media_type, "application-x-gzip");
}

#[test]
fn mimekit_mbox_files() {
    let Some(dir) = common::shared_data("mime/mimekit/UnitTests/TestData/mbox") else {
        return;
    };
    let limits = signatur::ingest::Limits::default();
    let read = |name: &str| -> Vec<(String, Message)> {
        signatur::ingest::read_mbox(dir.join(name), &limits)
            .map(|(source, r)| {
                let m = r.unwrap_or_else(|e| panic!("{source}: {e}"));
                (source, m)
            })
            .collect()
    };
    let simple = read("simple.mbox.txt");
    assert_eq!(simple.len(), 3);
    assert!(simple[0].0.ends_with("simple.mbox.txt:0"));
    assert_eq!(
        simple[1].1.subject,
        "this'll probably break even more mime parsers"
    );
    assert_eq!(simple[0].1.body.text.lines().next(), Some("Hello world."));

    // Body lines starting with "From " that are not envelope lines do not split messages.
    let unmunged = read("unmunged.mbox.txt");
    assert_eq!(unmunged.len(), 2);
    assert!(unmunged[0].1.body.text.contains(
        "From Russia with love

What does Thunderbird do?"
    ));

    // 29 envelope lines; two more are escaped as >From at the start of forwarded
    // messages, which stay inside their message.
    let cl = read("content-length.mbox.txt");
    assert_eq!(cl.len(), 29);
    let fwd = cl
        .iter()
        .find(|(_, m)| m.subject == "forwarded encrypted message")
        .unwrap();
    assert_eq!(fwd.1.attachments[0].media_type, "message/rfc822");
    assert_eq!(
        fwd.1.attachments[0].name.as_deref(),
        Some("smime18-encrypted.msg")
    );

    let jwz = read("jwz-summary.txt");
    assert_eq!(jwz.len(), 152);
    assert_eq!(jwz[1].1.subject, "just testing...");
}
