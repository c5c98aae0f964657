//! Learning from corrections on 20 Newsgroups: online steps per second (from prepared
//! features, so featurisation is left out; `featurize` in `benches/classify.rs` is that
//! part), with the default replay of 4 earlier confirmed messages (the starting model's
//! training messages are remembered, as `examples/learning_curve.rs` does) and without
//! replay, next to classification of the same messages by the learned (live) model and by
//! the file's tract plan, in the same run.
//!
//! Run: `cargo bench --bench learn`. Needs `../shared/data/20news/train` (or
//! `$SIGNATUR_DATA`). The starting model is trained in the setup on every other message;
//! the others are the corrections.

mod common;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use signatur::eval::prepare;
use signatur::eval::Dataset;
use signatur::features::{FeatureConfig, SparseVec};
use signatur::model::LearnOptions;
use signatur::train::TrainOptions;
use signatur::train::{train_prepared, Prepared};
use signatur::Classifier;

fn bench(c: &mut Criterion) {
    let dataset = match Dataset::load(common::twenty_news()) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("learn bench needs 20news: {e}");
            return;
        }
    };
    let features = FeatureConfig::default();
    let featurizer = signatur::features::Featurizer::new(&features).expect("config");
    let prepared = prepare(&dataset, &featurizer, Default::default(), 2, None);
    let half = |keep: usize| Prepared {
        examples: prepared
            .examples
            .iter()
            .enumerate()
            .filter(|(i, _)| i % 2 == keep)
            .map(|(_, e)| e.clone())
            .collect(),
        item_index: Vec::new(),
        failures: Vec::new(),
    };
    let (base, corrections) = (half(0), half(1));
    let (model, _) =
        train_prepared(&base, &dataset.heads, &features, &TrainOptions::default()).expect("train");
    let head = &dataset.heads[0];
    let stream: Vec<(SparseVec, &str)> = corrections
        .examples
        .iter()
        .step_by(5)
        .filter_map(|e| {
            Some((
                e.x.clone(),
                head.labels.get(e.labels[0]? as usize)?.as_str(),
            ))
        })
        .collect();

    let mut g = c.benchmark_group("20news_learn");
    g.sample_size(10);
    g.throughput(Throughput::Elements(stream.len() as u64));
    let file = Classifier::from_model(&model).expect("load");
    let xs: Vec<SparseVec> = stream.iter().map(|(x, _)| x.clone()).collect();
    g.bench_function("classify_tract", |b| {
        b.iter(|| {
            xs.iter()
                .map(|x| {
                    file.probabilities(std::slice::from_ref(x))
                        .expect("run")
                        .len()
                })
                .sum::<usize>()
        })
    });
    let default_replay = LearnOptions::default().replay;
    for (name, replay) in [
        ("learn_default_replay", default_replay),
        ("learn_no_replay", 0),
    ] {
        let clf = Classifier::from_model(&model).expect("load");
        clf.set_learn_options(LearnOptions {
            replay,
            ..LearnOptions::default()
        });
        for e in &base.examples {
            if let Some(label) = e.labels[0].and_then(|l| head.labels.get(l as usize)) {
                clf.remember_features(e.x.clone(), &[(head.name.as_str(), label.as_str())])
                    .expect("remember");
            }
        }
        g.bench_function(name, |b| {
            b.iter(|| {
                for (x, label) in &stream {
                    clf.learn_features(x.clone(), &[(head.name.as_str(), label)])
                        .expect("learn");
                }
            })
        });
        if replay == default_replay {
            g.bench_function("classify_live", |b| {
                b.iter(|| {
                    xs.iter()
                        .map(|x| {
                            clf.probabilities(std::slice::from_ref(x))
                                .expect("run")
                                .len()
                        })
                        .sum::<usize>()
                })
            });
        }
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
