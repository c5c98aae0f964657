//! The cold-start KLE models from OS2KLE: the ranker (issue #17) next to the keyword model
//! it replaces, from text to decision and from file bytes to a loaded classifier.
//!
//! Run: `cargo bench --bench kle`. Needs `../shared/data/os2kle/OS2KLE.txt` (or
//! `$SIGNATUR_DATA`); the texts are the demo corpus's message files (`demo/corpus`), read as
//! mail, whose bodies are realistic municipal mail.

mod common;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use signatur::eval::{read_message, Dataset, TextMode};
use signatur::features::FeatureConfig;
use signatur::kle::Taxonomy;
use signatur::train::{keyword_model, ranker_features, ranker_model};
use signatur::train::{KeywordOptions, RankerOptions};
use signatur::{Classifier, ClassifyOptions, Message};

fn bench(c: &mut Criterion) {
    let path = common::data().join("os2kle/OS2KLE.txt");
    let taxonomy = match Taxonomy::from_spec(&format!("os2kle:{}", path.display())) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("kle bench needs OS2KLE: {e}");
            return;
        }
    };
    let ds = Dataset::load(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/demo/corpus/manifest.csv"
    ))
    .expect("demo corpus");
    let texts: Vec<String> = ds
        .items
        .iter()
        .filter_map(|it| read_message(&it.path, TextMode::Mail).ok())
        .map(|m| format!("{}\n\n{}", m.subject, m.body.text))
        .collect();
    let ranker = ranker_model(&taxonomy, &ranker_features(), &RankerOptions::default())
        .expect("ranker")
        .to_onnx()
        .expect("encode");
    let keyword = keyword_model(
        &taxonomy,
        &FeatureConfig::for_keywords(),
        &KeywordOptions::default(),
    )
    .expect("keyword model")
    .to_onnx()
    .expect("encode");
    let fast = ClassifyOptions {
        explain: 0,
        ..ClassifyOptions::default()
    };
    let mut g = c.benchmark_group("kle");
    g.sample_size(10);
    for (name, bytes) in [("ranker", &ranker), ("keyword", &keyword)] {
        let clf = Classifier::from_bytes(bytes).expect("load");
        g.throughput(Throughput::Elements(texts.len() as u64));
        g.bench_function(format!("{name}/text_to_decision"), |b| {
            b.iter(|| {
                texts
                    .iter()
                    .map(|t| {
                        let m = Message::from_text(t);
                        clf.classify_with(&m, &fast).expect("classify").heads.len()
                    })
                    .sum::<usize>()
            })
        });
        g.bench_function(format!("{name}/text_to_decision_explained"), |b| {
            b.iter(|| {
                texts
                    .iter()
                    .map(|t| {
                        let m = Message::from_text(t);
                        clf.classify(&m).expect("classify").heads.len()
                    })
                    .sum::<usize>()
            })
        });
        g.throughput(Throughput::Elements(1));
        g.bench_function(format!("{name}/load"), |b| {
            b.iter(|| Classifier::from_bytes(bytes).expect("load").heads().len())
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
