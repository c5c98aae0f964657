//! Attachment text extraction: throughput per format (MB/s of attachment bytes), and what a
//! message with a 1 MB PDF attachment adds to classification (one core).
//!
//! Run: `cargo bench --bench extract`. The LibreOffice files are the test fixtures
//! (tests/fixtures/attachments/); the 1 MB PDF and DOCX are generated from Danish text in
//! the setup. The classification part trains a small model on a quarter of
//! `../shared/data/20news/train` (or `$SIGNATUR_DATA`) and is skipped without it.

mod common;

use std::path::PathBuf;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use signatur::eval::Dataset;
use signatur::features::{FeatureConfig, Featurizer};
use signatur::ingest::{Limits, MessageBuilder};
use signatur::train::Example;
use signatur::train::TrainOptions;
use signatur::train::{train_prepared, Prepared};
use signatur::{Classifier, ClassifyOptions, Extraction, Message};

#[path = "../tests/make_documents/mod.rs"]
mod make_documents;

fn fixture(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/attachments")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// About `bytes` of Danish letter text.
fn letter(bytes: usize) -> String {
    let paragraph =
        "Jeg søger hermed om tilladelse til at opføre en carport på 28 m² ved vores hus på \
Æblevej 12 i Ølstykke. Grunden er på 812 m², og bebyggelsesprocenten bliver 24. Carporten \
placeres 2,5 meter fra skellet mod naboen på Åløkkevej, og tagvandet ledes til faskine.\n";
    paragraph.repeat(bytes / paragraph.len() + 1)
}

/// Extracts all of `bytes` (the text limit raised to 8 MiB, so that no format stops
/// early) as an attachment of a built message; the text length, checked.
fn extract(name: &str, media: &str, bytes: &[u8]) -> usize {
    let limits = Limits {
        max_attachment_text_bytes: 8 * 1024 * 1024,
        ..Limits::default()
    };
    let m = MessageBuilder::new()
        .attachment_bytes(Some(name), media, bytes)
        .limits(limits)
        .build()
        .expect("build");
    let a = &m.attachments[0];
    assert_eq!(a.extraction, Extraction::Extracted, "{name}");
    a.text.as_ref().map_or(0, String::len)
}

fn bench_formats(c: &mut Criterion) {
    let big = letter(1_000_000);
    let files: Vec<(&str, &str, Vec<u8>)> = vec![
        ("pdf_1mb", "application/pdf", make_documents::pdf(&big)),
        (
            "docx_1mb",
            "application/octet-stream",
            make_documents::docx(&big),
        ),
        (
            "pdf_libreoffice",
            "application/pdf",
            fixture("ansoegning.pdf"),
        ),
        (
            "pdf_aes256_libreoffice",
            "application/pdf",
            fixture("ansoegning-aes256.pdf"),
        ),
        (
            "docx_libreoffice",
            "application/octet-stream",
            fixture("ansoegning.docx"),
        ),
        (
            "odt_libreoffice",
            "application/octet-stream",
            fixture("ansoegning.odt"),
        ),
        (
            "rtf_libreoffice",
            "application/rtf",
            fixture("ansoegning.rtf"),
        ),
        (
            "xlsx_libreoffice",
            "application/octet-stream",
            fixture("udgifter.xlsx"),
        ),
        (
            "ods_libreoffice",
            "application/octet-stream",
            fixture("udgifter.ods"),
        ),
    ];
    let mut g = c.benchmark_group("extract");
    g.sample_size(20);
    for (name, media, bytes) in &files {
        g.throughput(Throughput::Bytes(bytes.len() as u64));
        g.bench_function(*name, |b| b.iter(|| extract(name, media, bytes)));
    }
    g.finish();
}

fn bench_classify(c: &mut Criterion) {
    let dataset = match Dataset::load(common::twenty_news()) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("extract bench: classification part needs 20news: {e}");
            return;
        }
    };
    let config = FeatureConfig::default();
    let featurizer = Featurizer::new(&config).expect("config");
    let examples: Vec<Example> = dataset
        .items
        .iter()
        .step_by(4)
        .filter_map(|item| {
            let m = Message::from_bytes(&std::fs::read(&item.path).ok()?).ok()?;
            Some(Example {
                x: featurizer.featurize(&m),
                labels: item.labels.clone(),
            })
        })
        .collect();
    let prepared = Prepared {
        item_index: (0..examples.len()).collect(),
        examples,
        failures: Vec::new(),
    };
    let (model, _) = train_prepared(&prepared, &dataset.heads, &config, &TrainOptions::default())
        .expect("train");
    let clf = Classifier::from_model(&model).expect("load");
    let fast = ClassifyOptions {
        explain: 0,
        ..ClassifyOptions::default()
    };

    let headers = "From: soren@example.dk\r\nTo: post@kommune.dk\r\nSubject: Carport\r\n";
    let pdf = make_documents::pdf(&letter(1_000_000));
    let with_pdf = make_documents::mail(
        headers,
        "Se vedhæftede.",
        "brev.pdf",
        "application/pdf",
        &pdf,
    );
    let plain =
        format!("{headers}Content-Type: text/plain; charset=utf-8\r\n\r\nSe vedhæftede.\r\n");
    let classify = |raw: &[u8]| {
        let m = Message::from_bytes(raw).expect("parse");
        clf.classify_with(&m, &fast).expect("classify").heads.len()
    };
    let parsed = Message::from_bytes(&with_pdf).expect("parse");
    assert_eq!(
        parsed.attachments[0].extraction,
        Extraction::Truncated { limit: 256 * 1024 }
    );

    let mut g = c.benchmark_group("classify_with_attachment");
    g.sample_size(10);
    g.bench_function("mail_without_attachment", |b| {
        b.iter(|| classify(plain.as_bytes()))
    });
    g.bench_function("mail_with_1mb_pdf", |b| b.iter(|| classify(&with_pdf)));
    g.bench_function("parsed_mail_with_1mb_pdf_text", |b| {
        b.iter(|| {
            clf.classify_with(&parsed, &fast)
                .expect("classify")
                .heads
                .len()
        })
    });
    g.finish();
}

criterion_group!(benches, bench_formats, bench_classify);
criterion_main!(benches);
