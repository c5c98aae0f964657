//! The whole decision for a message, in the order a municipality wants it made:
//!
//! 1. **The message itself**: a MeMo message that names its KLE emne, facet or case is
//!    decided by that, with confidence 1 and the field as the reason;
//! 2. **Municipal rules** ([`RuleSet`]): first matching rule sets its heads;
//! 3. **The model** ([`Classifier`]) for every head still open.
//!
//! Then the references (case numbers, CPR, CVR, …) and the `sensitive` flag are added.
//! Identifiers in the decision are masked: the decision is meant to be shown and stored.

use std::sync::Arc;

use serde::Serialize;

use crate::decision::outcome::{DecidedBy, Decision, HeadDecision, LabelScore};
use crate::decision::redact::RedactOptions;
use crate::decision::refs::{self, RefKind};
use crate::decision::rules::RuleSet;
use crate::decision::sensitive;
use crate::message::Message;
use crate::model::{Classifier, ClassifyOptions};
use crate::Result;

/// A reference found in the message, as the decision reports it: the value is masked
/// unless the caller asked for it unmasked.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FoundReference {
    /// What it is.
    pub kind: RefKind,
    /// Where: `subject`, `body`, `attachment:N`.
    pub field: String,
    /// Byte offset in that field's text.
    pub start: usize,
    /// Byte offset just past it.
    pub end: usize,
    /// Detector confidence, 0 to 1.
    pub confidence: f32,
    /// Whether a check digit held, for kinds that have one.
    pub checksum: Option<bool>,
    /// The value, masked by default.
    pub value: String,
}

/// Combines message data, rules and a model into one decision. Cheap to share between
/// threads (`Send + Sync`).
#[derive(Debug, Clone, Default)]
pub struct Router {
    classifier: Option<Arc<Classifier>>,
    rules: Option<Arc<RuleSet>>,
}

impl Router {
    /// A router with a model.
    pub fn new(classifier: Arc<Classifier>) -> Router {
        Router {
            classifier: Some(classifier),
            rules: None,
        }
    }

    /// A router without a model: only message data and rules decide.
    pub fn without_model() -> Router {
        Router::default()
    }

    /// Adds municipal rules, which run before the model.
    pub fn with_rules(mut self, rules: Arc<RuleSet>) -> Router {
        self.rules = Some(rules);
        self
    }

    /// The model, if any.
    pub fn classifier(&self) -> Option<&Classifier> {
        self.classifier.as_deref()
    }

    /// Decides `msg`. `unmasked` puts identifiers in the decision as written; by default
    /// they are masked.
    pub fn decide(
        &self,
        msg: &Message,
        opts: &ClassifyOptions,
        unmasked: bool,
    ) -> Result<Decision> {
        let mut fixed: Vec<HeadDecision> = Vec::new();
        if let Some(routing) = msg.memo.as_ref().and_then(|m| m.deterministic()) {
            for (head, label) in routing.labels() {
                fixed.push(fixed_head(
                    head,
                    &label.value,
                    label.confidence,
                    DecidedBy::Message {
                        reason: label.reason.to_string(),
                    },
                ));
            }
        }
        if let Some(m) = self.rules.as_ref().and_then(|r| r.apply(msg)) {
            for (head, label) in &m.labels {
                if !fixed.iter().any(|h| &h.head == head) {
                    fixed.push(fixed_head(
                        head,
                        label,
                        m.confidence,
                        DecidedBy::Rule {
                            name: m.rule.clone(),
                        },
                    ));
                }
            }
        }
        let mut decision = match &self.classifier {
            Some(c) => c.classify_with(msg, opts)?,
            None => Decision::default(),
        };
        for f in fixed {
            match decision.heads.iter_mut().find(|h| h.head == f.head) {
                Some(slot) => *slot = f,
                None => decision.heads.push(f),
            }
        }
        let found = refs::find_in_message(msg);
        let mask = RedactOptions::default();
        decision.references = found
            .iter()
            .map(|r| FoundReference {
                kind: r.reference.kind,
                field: r.field.to_string(),
                start: r.reference.start,
                end: r.reference.end,
                confidence: r.reference.confidence,
                checksum: r.reference.checksum,
                value: if unmasked {
                    r.reference.value.clone()
                } else {
                    r.reference.masked_with(&mask)
                },
            })
            .collect();
        let s = sensitive::assess_found(msg, &found);
        decision.sensitive = s.sensitive;
        decision.sensitive_reasons = s.reasons;
        Ok(decision)
    }
}

fn fixed_head(head: &str, label: &str, confidence: f32, by: DecidedBy) -> HeadDecision {
    HeadDecision {
        head: head.to_string(),
        labels: vec![LabelScore {
            label: label.to_string(),
            probability: confidence,
        }],
        abstain: false,
        threshold: 0.0,
        reason: None,
        decided_by: by,
        explanation: Vec::new(),
        fallback: None,
    }
}
