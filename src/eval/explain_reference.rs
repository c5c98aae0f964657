//! Explanations from the trace recorded while featurising ([`crate::features::Featurizer`])
//! against the code they replaced, which featurised the message again with every surface
//! (`model::classifier::explain_reference`): the same words, masked the same way, with the
//! same weights, on the demo corpus (three heads, Danish mail and Digital Post) and on 20
//! Newsgroups.

use std::path::PathBuf;

use crate::eval::{prepare, read_message, Dataset, TextMode};
use crate::features::{FeatureConfig, Featurizer};
use crate::model::explain_reference;
use crate::model::params::normalise;
use crate::text::samples::data_dir;
use crate::train::{train_prepared, TrainOptions};
use crate::{Classifier, ClassifyOptions};

/// Trains on `data`, then explains every `step`-th message both ways and compares.
/// Returns the number of explanations compared and how many of their words were `#name`.
fn compare(data: PathBuf, step: usize) -> (usize, usize) {
    let dataset = Dataset::load(&data).unwrap_or_else(|e| panic!("{}: {e}", data.display()));
    let features = FeatureConfig::default();
    let featurizer = Featurizer::new(&features).unwrap();
    let prepared = prepare(&dataset, &featurizer, TextMode::Mail, 2, None);
    let (model, _) = train_prepared(
        &prepared,
        &dataset.heads,
        &features,
        &TrainOptions::default(),
    )
    .unwrap();
    let clf = Classifier::from_model(&model).unwrap();
    // tract is fed the values normalised in Rust, which the explanations below reuse; the
    // reference normalises on its own.
    assert!(clf.feeds_normalised());
    let offsets = clf.params().offsets();
    let opts = ClassifyOptions {
        // More words than a clerk sees, so that ties and `#name` show up.
        explain: 12,
        ..ClassifyOptions::default()
    };
    let (mut compared, mut names) = (0, 0);
    let (mut msgs, mut decisions) = (Vec::new(), Vec::new());
    for item in dataset.items.iter().step_by(step) {
        let Ok(msg) = read_message(&item.path, TextMode::Mail) else {
            continue;
        };
        // The names, with the body's parts skipped when they are lines of its text, are
        // the names of every text.
        let (skipping, every) = crate::features::featurize::names_both_ways(&msg);
        assert_eq!(skipping, every, "{}", item.path.display());
        let decision = clf.classify_with(&msg, &opts).unwrap();
        decisions.push(decision.clone());
        let x = clf.featurizer().featurize(&msg);
        let mut xn = Vec::new();
        normalise(&x.ids, &x.vals, &clf.params().idf, &mut xn);
        for (h, (head, info)) in decision.heads.iter().zip(clf.heads()).enumerate() {
            let Some(top) = head.labels.first() else {
                continue;
            };
            let best = info.labels.iter().position(|l| *l == top.label).unwrap();
            let push =
                clf.params()
                    .push_per_value(&x.ids, &xn, offsets[h], info.labels.len(), best);
            let expected = explain_reference(&featurizer, &msg, &x, &xn, &push, opts.explain);
            assert_eq!(
                head.explanation,
                expected,
                "{} head {}",
                item.path.display(),
                info.name
            );
            compared += 1;
            names += expected.iter().filter(|e| e.text.contains("#name")).count();
        }
        msgs.push(msg);
    }
    // A batch keeps each message's normalised values from its run for its explanation:
    // the same decisions, explanations included, as one message at a time.
    assert_eq!(clf.classify_batch(&msgs, &opts).unwrap(), decisions);
    (compared, names)
}

#[test]
fn traced_explanations_match_the_reference_on_the_demo_corpus() {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("demo/corpus/manifest.csv");
    let (compared, names) = compare(manifest, 1);
    assert!(compared > 300, "only {compared} explanations compared");
    assert!(
        names > 0,
        "no explanation showed #name: the masking went untested"
    );
}

#[test]
fn traced_explanations_match_the_reference_on_20_newsgroups() {
    let (compared, names) = compare(data_dir().join("20news/train"), 7);
    assert!(compared > 1500, "only {compared} explanations compared");
    assert!(
        names > 0,
        "no explanation showed #name: the masking went untested"
    );
}
