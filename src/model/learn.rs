//! Learning from corrections: one online step per confirmed message, while other threads
//! keep classifying with the same [`Classifier`].
//!
//! A clerk's correction must count at once, not after a nightly batch, and the model is
//! shared by every thread of a server: the learned weights live in a copy kept twice, so
//! that readers never wait and never see a half-updated model (`model::live` says
//! how). Each correction is followed by steps on a few earlier confirmed messages drawn at
//! random ([`LearnOptions::replay`]). The updated model is exported as a new ONNX file with
//! [`Classifier::to_model`] and then runs through tract like any trained model.
//!
//! Corrections learned online live in the process until they are exported: if the host
//! process ends first, they are gone. The way back is to replay the confirmed corrections
//! into a full retraining ([`crate::train::retrain`], `signatur retrain --corrections`).
//!
//! The classifier only ever learns from labels a caller gives it: it never feeds its own
//! suggestions back. This module must not import `crate::train` or `crate::eval`.
//!
//! [`LearnOptions::replay`]: crate::LearnOptions::replay

use std::sync::Arc;

use crate::features::SparseVec;
use crate::message::Message;
use crate::model::classifier::{Classifier, Model};
use crate::model::live::{Live, Normalised};
use crate::model::summary::now_rfc3339;
use crate::model::writer::{resolve, Kept};
use crate::{Error, ErrorKind, Result};

pub use crate::model::writer::LearnOptions;

/// What one correction did.
#[derive(Debug, Clone, PartialEq)]
pub struct LearnReport {
    /// `(head, label)` pairs the model did not know before this correction.
    pub new_labels: Vec<(String, String)>,
    /// Corrections learned by this classifier so far, this one included.
    pub corrections: u64,
}

/// Learning from corrections.
impl Classifier {
    /// Learns from one confirmed message: `labels` are `(head, label)` pairs a person
    /// confirmed or corrected (a subset of the heads is fine). A label the model does not
    /// know yet is added to its head. Other threads keep classifying meanwhile and see
    /// either the model before this correction or after it, never a mix.
    ///
    /// Never call this with the classifier's own suggestions: a model that learns from its
    /// unconfirmed guesses reinforces its mistakes.
    ///
    /// A keyword (cold-start) model gives an error: it has no learned part to update.
    ///
    /// Corrections live in this process's memory until [`to_model`](Classifier::to_model)
    /// and [`Model::save`](crate::Model::save): those learned since the last export die with
    /// the process (an exit or a crash). Keep the confirmed corrections; the way back is to
    /// replay them, with `learn` on the last exported model, or as a full retraining
    /// (`signatur retrain --model LAST.onnx --data … --corrections MANIFEST --out NEW.onnx`).
    pub fn learn(&self, msg: &Message, labels: &[(&str, &str)]) -> Result<LearnReport> {
        let x = self.featurizer.featurize(msg);
        self.learn_features(x, labels)
    }

    /// [`learn`](Classifier::learn) from features made by this classifier's
    /// [`featurizer`](Classifier::featurizer) (for callers that featurise in bulk).
    pub fn learn_features(&self, x: SparseVec, labels: &[(&str, &str)]) -> Result<LearnReport> {
        self.confirmed(x, labels, true)
    }

    /// Keeps a confirmed message for replay without learning from it: give the classifier
    /// the messages its model was trained on (all, or a sample), and each correction is
    /// followed by steps on some of them as well as on earlier corrections
    /// ([`LearnOptions::replay`]).
    ///
    /// Why: a model learns online from what clerks correct, and that is rarely spread over
    /// all labels. Without its training messages to replay, a run of corrections for a few
    /// labels slowly erodes the labels that get none: on the 20 Newsgroups learning curve
    /// (`examples/learning_curve.rs`) the first group, which only the starting model had
    /// seen, fell from 100 % to 60 % recall. Remembered messages are not corrections: they
    /// do not count in [`corrections`](Classifier::corrections) and
    /// [`retrain`](crate::train::retrain) does not add them (it is given its base
    /// data on its own). They share [`LearnOptions::max_kept`] with the corrections, oldest
    /// dropped first, so remember them before correcting. Their labels must be ones the
    /// model knows: only a correction adds a label.
    pub fn remember(&self, msg: &Message, labels: &[(&str, &str)]) -> Result<()> {
        let x = self.featurizer.featurize(msg);
        self.remember_features(x, labels)
    }

    /// [`remember`](Classifier::remember) from features made by this classifier's
    /// [`featurizer`](Classifier::featurizer).
    pub fn remember_features(&self, x: SparseVec, labels: &[(&str, &str)]) -> Result<()> {
        self.confirmed(x, labels, false).map(|_| ())
    }

    /// A confirmed message: learned from (`correction`) or only kept for replay.
    fn confirmed(
        &self,
        x: SparseVec,
        labels: &[(&str, &str)],
        correction: bool,
    ) -> Result<LearnReport> {
        if self.summary.is_cold_start() {
            // Its weights are the fixed keyword table; the learned part is empty (a zero
            // rank-1 layer that gradient steps cannot move), so a correction would be
            // accepted and change nothing.
            return Err(Error::new(
                ErrorKind::InvalidInput,
                "a cold-start (keyword or ranker) model does not learn online: train a model from the \
                 confirmed messages with the taxonomy as prior (`signatur train --data … \
                 --taxonomy …`) and correct that one",
            ));
        }
        self.check_ids(&x)?;
        let mut writer = self
            .writer
            .lock()
            .map_err(|_| Error::new(ErrorKind::Inference, "an earlier correction panicked"))?;
        // Nothing is published (the first live copy, a grown head) until the correction
        // has been checked and learned: a call that fails leaves the classifier as it was.
        let published = self.live.load_full();
        let Some(mut live) = published
            .clone()
            .or_else(|| correction.then(|| Arc::new(Live::from_params(&self.params))))
        else {
            // Remembered before any correction: the model is still the file's, decided by
            // tract, and stays so; the message only waits to be replayed.
            return self.remember_only(&mut writer, x, labels);
        };
        let mut publish = published.is_none();
        let lr = writer
            .options
            .learning_rate
            .unwrap_or_else(|| live.default_learning_rate());
        let bias_share = writer.options.bias_share;
        if !(lr.is_finite() && lr > 0.0 && bias_share.is_finite() && bias_share >= 0.0) {
            return Err(Error::new(
                ErrorKind::InvalidInput,
                format!(
                    "learning rate {lr} and bias share {bias_share}: the rate must be a \
                     positive number and the share a number of at least 0"
                ),
            ));
        }
        let resolved = resolve(&live.heads, labels)?;
        if !correction {
            // Only a correction may add a label: a remembered message is not one.
            if let Some((h, Err(label))) = resolved.iter().find(|(_, r)| r.is_err()) {
                return Err(unknown_remembered_label(&live.heads[*h].name, label));
            }
        }
        let mut new_labels = Vec::new();
        for (h, r) in &resolved {
            if let Err(label) = r {
                live = Arc::new(live.grow(*h, label));
                publish = true;
                new_labels.push((live.heads[*h].name.clone(), label.clone()));
            }
        }
        let mut y: Vec<Option<u32>> = vec![None; live.heads.len()];
        for (h, r) in &resolved {
            y[*h] = Some(match r {
                Ok(i) => *i,
                Err(label) => live.heads[*h]
                    .labels
                    .iter()
                    .position(|l| l == label)
                    .unwrap_or(0) as u32,
            });
        }
        let kept = Kept {
            v: Arc::new(Normalised::new(x, live.idf())),
            labels: y,
            correction,
        };
        let writer = &mut *writer;
        writer.make_room();
        if correction {
            let replay = writer.options.replay.min(writer.kept.len());
            let mut batch: Vec<(&Arc<Normalised>, &[Option<u32>])> = Vec::with_capacity(replay + 1);
            batch.push((&kept.v, &kept.labels));
            for _ in 0..replay {
                let i = writer.rng.below(writer.kept.len());
                if let Some(k) = writer.kept.get(i) {
                    batch.push((&k.v, &k.labels));
                }
            }
            live.learn(&batch, lr, bias_share)?;
            live.confirm(&kept.labels);
            writer.learned += 1;
        }
        if publish {
            self.live.store(Some(live));
        }
        writer.kept.push_back(kept);
        Ok(LearnReport {
            new_labels,
            corrections: writer.learned,
        })
    }

    /// Keeps a remembered message for replay while no correction has been learned: its
    /// labels are checked against the loaded model's, which a live copy starts from.
    fn remember_only(
        &self,
        writer: &mut crate::model::writer::Writer,
        x: SparseVec,
        labels: &[(&str, &str)],
    ) -> Result<LearnReport> {
        let heads = &self.params.heads;
        let mut y: Vec<Option<u32>> = vec![None; heads.len()];
        for (h, r) in resolve(heads, labels)? {
            match r {
                Ok(i) => y[h] = Some(i),
                Err(label) => return Err(unknown_remembered_label(&heads[h].name, &label)),
            }
        }
        writer.make_room();
        writer.kept.push_back(Kept {
            v: Arc::new(Normalised::new(x, &self.params.idf)),
            labels: y,
            correction: false,
        });
        Ok(LearnReport {
            new_labels: Vec::new(),
            corrections: writer.learned,
        })
    }

    /// Sets how later corrections are learned.
    pub fn set_learn_options(&self, options: LearnOptions) {
        if let Ok(mut w) = self.writer.lock() {
            w.options = options;
        }
    }

    /// Corrections learned since this classifier was loaded.
    pub fn corrections(&self) -> u64 {
        self.writer.lock().map(|w| w.learned).unwrap_or(0)
    }

    /// The model as it is now, ready to save as a new file. After corrections its summary
    /// records the lineage: `parent` is the loaded model's `trained_at`, and
    /// `corrections_since_training` counts the corrections since the last full training.
    pub fn to_model(&self) -> Result<Model> {
        let writer = self
            .writer
            .lock()
            .map_err(|_| Error::new(ErrorKind::Inference, "an earlier correction panicked"))?;
        let Some(live) = self.live.load_full().filter(|_| writer.learned > 0) else {
            // No correction yet (remembered messages change nothing): the loaded model.
            return Ok(Model::new(self.params.clone(), self.summary.clone()));
        };
        let params = live.to_params(&self.params.features);
        let mut summary = self.summary.clone();
        summary.parent = Some(self.summary.trained_at.clone());
        summary.trained_at = now_rfc3339();
        summary.corrections_since_training += writer.learned;
        Ok(Model::new(params, summary))
    }

    /// The corrections kept by this classifier, as `(features, (head, label) pairs)`: what
    /// [`retrain`](crate::train::retrain) adds to the base data.
    pub(crate) fn kept(&self) -> Vec<(SparseVec, Vec<(String, String)>)> {
        let Ok(writer) = self.writer.lock() else {
            return Vec::new();
        };
        let Some(live) = self.live.load_full() else {
            return Vec::new();
        };
        writer
            .kept
            .iter()
            .filter(|k| k.correction)
            .map(|k| {
                let labels = k
                    .labels
                    .iter()
                    .zip(&live.heads)
                    .filter_map(|(l, h)| {
                        let l = (*l)? as usize;
                        Some((h.name.clone(), h.labels.get(l)?.clone()))
                    })
                    .collect();
                (k.v.x.clone(), labels)
            })
            .collect()
    }
}

/// Only a correction may add a label: a remembered message is not one.
fn unknown_remembered_label(head: &str, label: &str) -> Error {
    Error::new(
        ErrorKind::InvalidInput,
        format!(
            "head {head:?} has no label {label:?}: a remembered message can only carry \
             labels the model knows (a correction can add one)"
        ),
    )
}

/// A two-label model of 256 buckets and a message for it, for tests of corrections here
/// and in `eval`.
#[cfg(test)]
pub(crate) mod testing {
    use super::*;
    use crate::features::FeatureConfig;
    use crate::model::params::{HeadInfo, Layers, Loss, Params};
    use crate::model::summary::Summary;

    /// A linear model with one head `unit` over labels `a` and `b`.
    pub(crate) fn classifier() -> Classifier {
        let params = Params {
            features: FeatureConfig {
                hash_bits: 8,
                ..FeatureConfig::default()
            },
            heads: vec![HeadInfo {
                name: "unit".into(),
                labels: vec!["a".into(), "b".into()],
                counts: vec![3, 3],
                temperature: 1.0,
                threshold: 0.5,
                target_precision: 0.95,
                heldout_precision: None,
                heldout_coverage: None,
            }],
            idf: vec![1.0; 256],
            loss: Loss::Softmax,
            layers: Layers::Linear {
                w: (0..512).map(|i| (i as f32 * 0.37).sin()).collect(),
            },
            bias: vec![0.0, 0.0],
            prior: None,
        };
        Classifier::from_model(&Model::new(params, Summary::default())).unwrap()
    }

    /// A message's features for [`classifier`]'s model.
    pub(crate) fn x() -> SparseVec {
        SparseVec {
            ids: vec![3, 40, 200],
            vals: vec![1.0, 0.5, 2.0],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::testing::{classifier, x};
    use super::*;
    use crate::model::summary::Summary;

    #[test]
    fn a_new_kle_label_is_ranked_at_every_level() {
        let mut params = classifier().to_model().unwrap().params().clone();
        params.heads[0].name = "kle".into();
        params.heads[0].labels = vec!["32.18.04".into(), "00.01.00".into()];
        let clf = Classifier::from_model(&Model::new(params, Summary::default())).unwrap();
        let msg = Message::from_text("Ansøgning om plejebolig til min mor");
        for _ in 0..5 {
            clf.learn(&msg, &[("kle", "27.24.00")]).unwrap();
        }
        let opts = crate::ClassifyOptions {
            top_k: 3,
            ..Default::default()
        };
        let head = clf.classify_with(&msg, &opts).unwrap().heads.remove(0);
        let codes = |level: usize| -> Vec<String> {
            head.levels[level]
                .labels
                .iter()
                .map(|l| l.label.clone())
                .collect()
        };
        assert!(codes(0).contains(&"27.24.00".to_string()), "{:?}", codes(0));
        assert!(codes(1).contains(&"27.24".to_string()), "{:?}", codes(1));
        assert!(codes(2).contains(&"27".to_string()), "{:?}", codes(2));
        assert_eq!(codes(1).len(), 3);
    }

    #[test]
    fn a_model_that_would_not_load_is_not_written() {
        let good = classifier().to_model().unwrap();
        assert!(good.to_onnx().is_ok());
        let broken = |f: fn(&mut crate::model::params::Params)| {
            let mut params = good.params().clone();
            f(&mut params);
            Model::new(params, good.summary().clone()).to_onnx()
        };
        for f in [
            (|p| p.heads[0].temperature = 0.0) as fn(&mut crate::model::params::Params),
            |p| p.bias.push(0.0),
            |p| p.heads[0].labels.pop().map(drop).unwrap_or(()),
            |p| p.idf.truncate(10),
        ] {
            let err = broken(f).unwrap_err();
            assert!(err.to_string().contains("would not load"), "{err}");
        }
        let dir = std::env::temp_dir().join(format!("signatur-save-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("m.onnx");
        good.save(&path).unwrap();
        let before = std::fs::read(&path).unwrap();
        let mut params = good.params().clone();
        params.heads[0].temperature = f32::NAN;
        assert!(Model::new(params, good.summary().clone())
            .save(&path)
            .is_err());
        assert_eq!(
            std::fs::read(&path).unwrap(),
            before,
            "the working file is kept"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_refused_correction_leaves_the_classifier_as_it_was() {
        let clf = classifier();
        // An unknown head, an empty label, a remembered message with a new label, and a
        // learning rate that is not a number: refused, and the model is still scored by
        // tract from the file, with no copy of its weights made live.
        assert!(clf.learn_features(x(), &[("team", "a")]).is_err());
        assert!(clf.learn_features(x(), &[("unit", "")]).is_err());
        assert!(clf.remember_features(x(), &[("unit", "c")]).is_err());
        clf.set_learn_options(LearnOptions {
            learning_rate: Some(f32::NAN),
            ..LearnOptions::default()
        });
        assert!(clf.learn_features(x(), &[("unit", "c")]).is_err());
        assert!(clf.live.load_full().is_none());
        assert!(clf.kept().is_empty());
        // A correction that is taken adds its label and is learned before anyone sees it.
        clf.set_learn_options(LearnOptions::default());
        let report = clf.learn_features(x(), &[("unit", "c")]).unwrap();
        assert_eq!(report.corrections, 1);
        let live = clf.live.load_full().unwrap();
        assert_eq!(live.heads[0].labels, ["a", "b", "c"]);
        // Refused now too: the live model stays the one that learned.
        assert!(clf.learn_features(x(), &[("unit", "")]).is_err());
        assert!(Arc::ptr_eq(&live, &clf.live.load_full().unwrap()));
    }
}
