//! A full retraining on the confirmed set: the base data plus every correction a loaded
//! classifier learned online, so that corrections that were learned but never exported
//! can be replayed into a new model.
//!
//! Part of `train`: uses `crate::model`; must not import `crate::eval`.

use crate::features::SparseVec;
use crate::model::{Classifier, Model};
use crate::train::data::{train_prepared, Prepared};
use crate::train::sgd::{Example, HeadSpec, TrainOptions, TrainReport};
use crate::Result;

/// A full retraining on the confirmed set: the base data (what the parent was trained on,
/// or any labelled export) plus every correction `parent` has learned, with the parent's
/// feature configuration. The new model's summary records its lineage: `parent` is the
/// parent's `trained_at` and `corrections_since_training` starts again at 0.
///
/// Heads and labels are the union of the base data's, the parent's and the corrections'.
pub fn retrain(
    parent: &Classifier,
    base: &Prepared,
    base_heads: &[HeadSpec],
    opts: &TrainOptions,
) -> Result<(Model, TrainReport)> {
    let kept = parent.kept();
    let mut heads: Vec<HeadSpec> = base_heads.to_vec();
    let add = |heads: &mut Vec<HeadSpec>, name: &str, label: &str| -> (usize, u32) {
        let h = match heads.iter().position(|h| h.name == name) {
            Some(h) => h,
            None => {
                heads.push(HeadSpec {
                    name: name.to_string(),
                    labels: Vec::new(),
                });
                heads.len() - 1
            }
        };
        let l = match heads[h].labels.iter().position(|l| l == label) {
            Some(l) => l,
            None => {
                heads[h].labels.push(label.to_string());
                heads[h].labels.len() - 1
            }
        };
        (h, l as u32)
    };
    // The parent's labels first, so that a label it knows keeps a place even when neither
    // the base data nor the corrections carry it.
    for head in parent.current_heads() {
        for label in &head.labels {
            add(&mut heads, &head.name, label);
        }
    }
    let mut corrections: Vec<(SparseVec, Vec<(usize, u32)>)> = Vec::with_capacity(kept.len());
    for (x, labels) in kept {
        let ys = labels.iter().map(|(h, l)| add(&mut heads, h, l)).collect();
        corrections.push((x, ys));
    }
    let n = heads.len();
    let mut examples: Vec<Example> = base
        .examples
        .iter()
        .map(|ex| {
            let mut labels = ex.labels.clone();
            labels.resize(n, None);
            Example {
                x: ex.x.clone(),
                labels,
            }
        })
        .collect();
    let added = corrections.len();
    for (x, ys) in corrections {
        let mut labels = vec![None; n];
        for (h, l) in ys {
            labels[h] = Some(l);
        }
        examples.push(Example { x, labels });
    }
    let merged = Prepared {
        examples,
        item_index: Vec::new(),
        failures: Vec::new(),
    };
    let (mut model, mut report) = train_prepared(&merged, &heads, parent.feature_config(), opts)?;
    report.warnings.extend(
        base.failures
            .iter()
            .map(|(p, e)| format!("{}: {e}", p.display())),
    );
    let summary = model.summary_mut();
    summary.skipped = base.failures.len() as u64;
    summary.parent = Some(parent.summary().trained_at.clone());
    summary.corrections_since_training = 0;
    summary.warnings.push(format!(
        "retrained on {} base messages and {added} corrections",
        base.examples.len()
    ));
    Ok((model, report))
}
