//! The held-out experiment of issue 7: how much does routing gain from attachment text when
//! the distinguishing text sits only in an attachment?
//!
//! Every 20 Newsgroups post is rewritten as the mail a citizen sends: the same headers
//! (From, Subject, Organization …), the body "Se vedhæftede." and the original body moved
//! into an attachment, a PDF (even items) or a DOCX (odd items), generated in code. The
//! rewritten mail goes through `Message::from_bytes` like any other, so extraction is the
//! library's real path. A held-out fifth of the posts (by a hash of the path) is scored by
//! models trained on the other four fifths:
//!
//! 1. `with attachment text`: the default features, attachment text included;
//! 2. `without attachment text`: the same mail, the attachment-text field weighted 0 (what
//!    a build without extraction sees: subject, headers, attachment name and type);
//! 3. `original mail (reference)`: the posts as they are, body in the body;
//! 4. `trained on original, tested on attachments`: model 3 scoring the rewritten held-out
//!    mail, which shows what happens when a model trained on ordinary mail meets a letter
//!    that arrives as an attachment (attachment text is a feature space of its own; since
//!    #16 its words are also in the shared word space, where the body's words are).
//!
//! 20 Newsgroups headers name their authors and organisations, who post to the same groups
//! in the training and the held-out part, so headers alone route much of it. HEADERS
//! chooses what the rewritten mail keeps: `all` (default), `subject` (only the subject), or
//! `none` (no header at all: the distinguishing text sits only in the attachment).
//!
//! Run (under a minute on one core in release):
//!
//! ```text
//! cargo run --release --example attachment_experiment [-- STEP [HEADERS]]
//! ```
//!
//! `SIGNATUR_DATA` names the data folder (default `../shared/data`); STEP (default 1) uses
//! every STEP-th post, for a quicker run.

use std::path::{Path, PathBuf};
use std::time::Instant;

use signatur::eval::Dataset;
use signatur::features::{FeatureConfig, Featurizer};
use signatur::train::TrainOptions;
use signatur::train::{train_prepared, Prepared};
use signatur::train::{Example, HeadSpec};
use signatur::{Classifier, ClassifyOptions, Extraction, Message};

#[path = "../tests/make_documents/mod.rs"]
mod make_documents;

/// One post, as it is and rewritten with its body in an attachment.
struct Post {
    label: u32,
    held_out: bool,
    original: Message,
    attached: Message,
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let step: usize = std::env::args()
        .nth(1)
        .map(|s| s.parse())
        .transpose()?
        .unwrap_or(1)
        .max(1);
    let headers_kept = std::env::args().nth(2).unwrap_or_else(|| "all".into());
    if !matches!(headers_kept.as_str(), "all" | "subject" | "none") {
        return Err(format!("HEADERS is all, subject or none, not {headers_kept:?}").into());
    }
    let data = std::env::var_os("SIGNATUR_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/data"))
        .join("20news/train");
    let dataset = Dataset::load(&data)?;
    let heads: Vec<HeadSpec> = dataset.heads.clone();

    let started = Instant::now();
    let mut posts = Vec::new();
    let mut status = [0usize; 4]; // extracted, truncated, unreadable, other
    let mut attachment_bytes = 0usize;
    for (i, item) in dataset.items.iter().enumerate().step_by(step) {
        let Some(label) = item.labels.first().copied().flatten() else {
            continue;
        };
        let raw = std::fs::read(&item.path)?;
        let Ok(original) = Message::from_bytes(&raw) else {
            continue;
        };
        let (rewritten, size) = rewrite(&raw, i % 2 == 0, &headers_kept);
        attachment_bytes += size;
        let attached = Message::from_bytes(&rewritten)?;
        match attached.attachments.first().map(|a| &a.extraction) {
            Some(Extraction::Extracted) => status[0] += 1,
            Some(Extraction::Truncated { .. }) => status[1] += 1,
            Some(Extraction::Unreadable { .. }) => status[2] += 1,
            _ => status[3] += 1,
        }
        posts.push(Post {
            label,
            held_out: held_out(&item.path),
            original,
            attached,
        });
    }
    let parse_secs = started.elapsed().as_secs_f64();
    let test = posts.iter().filter(|p| p.held_out).count();
    println!(
        "{} posts (every {step}. of {}), {} train / {test} held out; rewritten mail keeps \
         headers: {headers_kept}; {:.1} MB of attachments written and parsed in {parse_secs:.1} s",
        posts.len(),
        dataset.items.len(),
        posts.len() - test,
        attachment_bytes as f64 / 1e6
    );
    println!(
        "attachment status: {} extracted, {} truncated, {} unreadable, {} other",
        status[0], status[1], status[2], status[3]
    );

    let with = FeatureConfig::default();
    let mut without = FeatureConfig::default();
    without.fields.attachment_text = 0.0;

    let runs: [(&str, &FeatureConfig, Pick); 3] = [
        ("with attachment text", &with, attached),
        ("without attachment text", &without, attached),
        ("original mail (reference)", &with, original),
    ];
    println!("\n| features | held-out accuracy | train s |");
    println!("|---|---|---|");
    let mut reference = None;
    for (name, config, pick) in runs {
        let t = Instant::now();
        let clf = train(&posts, &heads, config, pick)?;
        let secs = t.elapsed().as_secs_f64();
        let acc = accuracy(&clf, &posts, &heads, pick)?;
        println!("| {name} | {:.1} % | {secs:.0} |", 100.0 * acc);
        reference = Some(clf);
    }
    if let Some(clf) = reference {
        let acc = accuracy(&clf, &posts, &heads, attached)?;
        println!(
            "| trained on original, tested on attachments | {:.1} % | (model above) |",
            100.0 * acc
        );
    }
    println!("\ntotal {:.0} s", started.elapsed().as_secs_f64());
    Ok(())
}

/// Which of a post's two messages a run reads.
type Pick = fn(&Post) -> &Message;

fn attached(p: &Post) -> &Message {
    &p.attached
}

fn original(p: &Post) -> &Message {
    &p.original
}

/// Whether a post is in the held-out fifth: a hash of its path, so every run and every
/// condition holds out the same posts.
fn held_out(path: &Path) -> bool {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in path.to_string_lossy().bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3);
    }
    h.is_multiple_of(5)
}

/// The post as mail whose body is "Se vedhæftede." with the original body attached as a
/// PDF (`pdf`) or a DOCX, keeping the headers `kept` says; and the attachment's size.
fn rewrite(raw: &[u8], pdf: bool, kept: &str) -> (Vec<u8>, usize) {
    let split = find_blank_line(raw);
    let (head, body) = raw.split_at(split.min(raw.len()));
    // 20news bodies are ASCII, UTF-8 or Latin-1.
    let body = match std::str::from_utf8(body) {
        Ok(s) => s.to_string(),
        Err(_) => encoding_rs::WINDOWS_1252.decode(body).0.into_owned(),
    };
    let mut headers = String::new();
    // The post's own headers (continuation lines with their field), without any MIME
    // structure of its own.
    let mut keep = false;
    for line in String::from_utf8_lossy(head).split_inclusive('\n') {
        if line.trim().is_empty() {
            continue;
        }
        if !line.starts_with([' ', '\t']) {
            let lower = line.to_ascii_lowercase();
            keep = match kept {
                "subject" => lower.starts_with("subject:"),
                "none" => false,
                _ => !(lower.starts_with("content-") || lower.starts_with("mime-version")),
            };
        }
        if keep {
            headers.push_str(line.trim_end_matches(['\r', '\n']));
            headers.push_str("\r\n");
        }
    }
    let (name, media, bytes) = if pdf {
        ("brev.pdf", "application/pdf", make_documents::pdf(&body))
    } else {
        (
            "brev.docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            make_documents::docx(&body),
        )
    };
    let size = bytes.len();
    (
        make_documents::mail(&headers, "Se vedhæftede.", name, media, &bytes),
        size,
    )
}

/// Where the body starts: after the first empty line.
fn find_blank_line(raw: &[u8]) -> usize {
    for (i, w) in raw.windows(2).enumerate() {
        if w == b"\n\n" {
            return i + 2;
        }
        if w == b"\n\r" && raw.get(i + 2) == Some(&b'\n') {
            return i + 3;
        }
    }
    raw.len()
}

/// Trains one head on the posts not held out, reading each post through `pick`.
fn train(
    posts: &[Post],
    heads: &[HeadSpec],
    config: &FeatureConfig,
    pick: Pick,
) -> Result<Classifier, Box<dyn std::error::Error>> {
    let featurizer = Featurizer::new(config)?;
    let examples: Vec<Example> = posts
        .iter()
        .filter(|p| !p.held_out)
        .map(|p| Example {
            x: featurizer.featurize(pick(p)),
            labels: vec![Some(p.label)],
        })
        .collect();
    let prepared = Prepared {
        item_index: (0..examples.len()).collect(),
        examples,
        failures: Vec::new(),
    };
    let (model, _) = train_prepared(&prepared, heads, config, &TrainOptions::default())?;
    Ok(Classifier::from_model(&model)?)
}

/// The share of held-out posts whose top label is their own.
fn accuracy(
    clf: &Classifier,
    posts: &[Post],
    heads: &[HeadSpec],
    pick: Pick,
) -> Result<f64, Box<dyn std::error::Error>> {
    let fast = ClassifyOptions {
        explain: 0,
        ..ClassifyOptions::default()
    };
    let (mut right, mut total) = (0usize, 0usize);
    for p in posts.iter().filter(|p| p.held_out) {
        let d = clf.classify_with(pick(p), &fast)?;
        let top = d
            .heads
            .first()
            .and_then(|h| h.labels.first())
            .map(|l| l.label.as_str());
        let gold = heads
            .first()
            .and_then(|h| h.labels.get(p.label as usize))
            .map(String::as_str);
        total += 1;
        right += usize::from(top.is_some() && top == gold);
    }
    Ok(right as f64 / total.max(1) as f64)
}
