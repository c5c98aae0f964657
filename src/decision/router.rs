//! The whole decision for a message, in the order a municipality wants it made:
//!
//! 1. **The message itself**: a MeMo message that names its KLE emne, facet or case is
//!    decided by that, with confidence 1 and the field as the reason;
//! 2. **The case** ([`crate::decision::cases`]): the host's case directory, asked for the
//!    case numbers and the thread the message cites, decides `unit`, `kle` and `facet` of a
//!    known case; else an SBSYS case number decides `kle` and `facet`;
//! 3. **Municipal rules** ([`RuleSet`]): first matching rule sets its heads;
//! 4. **The model** ([`Classifier`]) for every head still open.
//!
//! Then the references (case numbers, CPR, CVR, …) and the `sensitive` flag are added.
//! Identifiers in the decision are masked: the decision is meant to be shown and stored.

use std::sync::Arc;

use serde::Serialize;

use crate::decision::cases::{self, CaseContext};
use crate::decision::directory::{CaseDirectory, DirectoryOptions};
use crate::decision::outcome::{DecidedBy, Decision, HeadDecision, LabelScore};
use crate::decision::redact::{redact, RedactOptions};
use crate::decision::refs::{self, RefKind};
use crate::decision::rules::RuleSet;
use crate::decision::sensitive;
use crate::ingest::memo::MemoRouting;
use crate::kle::Taxonomy;
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

/// Combines message data, the case, rules and a model into one decision. Cheap to clone
/// and to share between threads (`Send + Sync`).
#[derive(Clone, Default)]
pub struct Router {
    classifier: Option<Arc<Classifier>>,
    rules: Option<Arc<RuleSet>>,
    directory: Option<Arc<dyn CaseDirectory>>,
    directory_options: DirectoryOptions,
    taxonomy: Option<Arc<Taxonomy>>,
}

impl std::fmt::Debug for Router {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Router")
            .field("classifier", &self.classifier)
            .field("rules", &self.rules)
            .field("directory", &self.directory.is_some())
            .field("directory_options", &self.directory_options)
            .field("taxonomy", &self.taxonomy.as_ref().map(|t| t.len()))
            .finish()
    }
}

impl Router {
    /// A router with a model.
    pub fn new(classifier: Arc<Classifier>) -> Router {
        Router {
            classifier: Some(classifier),
            ..Router::default()
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

    /// Adds the host's case directory, asked after the message's own data (see
    /// [`crate::decision::directory`]).
    pub fn with_case_directory(mut self, directory: Arc<dyn CaseDirectory>) -> Router {
        self.directory = Some(directory);
        self
    }

    /// Sets how the case directory is used (time and number of lookups per message).
    pub fn with_directory_options(mut self, options: DirectoryOptions) -> Router {
        self.directory_options = options;
        self
    }

    /// Adds the municipality's KLE taxonomy: an SBSYS case number decides only when its emne
    /// is in it and not outdated (and its facet is in it, when it lists facets). Without
    /// one, the labels of the model's `kle` and `facet` heads are the check.
    pub fn with_taxonomy(mut self, taxonomy: Arc<Taxonomy>) -> Router {
        self.taxonomy = Some(taxonomy);
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
        let routing = msg.memo.as_ref().and_then(|m| m.deterministic());
        if let Some(routing) = &routing {
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
        let memo_case = routing
            .as_ref()
            .and_then(|r| r.case.as_ref())
            .map(|c| c.value.as_str());
        // References first: the case step reuses those of the subject and body.
        let found = refs::find_in_message(msg);
        let case = cases::resolve(msg, &self.case_context(memo_case, unmasked), &found);
        for h in case.heads {
            if !fixed.iter().any(|f| f.head == h.head) {
                fixed.push(fixed_head(h.head, &h.label, h.confidence, h.by));
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
        decision.case = case.case;
        decision.case_notes = case.notes;
        if !unmasked {
            mask_case_references(&mut decision, &mask);
        }
        Ok(decision)
    }

    /// What the case step needs: the directory, the taxonomy and the model.
    fn case_context<'a>(&'a self, memo_case: Option<&'a str>, unmasked: bool) -> CaseContext<'a> {
        CaseContext {
            directory: self.directory.as_deref(),
            options: self.directory_options,
            taxonomy: self.taxonomy.as_deref(),
            model: self.classifier.as_deref(),
            memo_case,
            unmasked,
        }
    }
}

/// Masks the personal identifiers in what the decision says about the case: an authority
/// may use a CPR number as its journal number (databeskyttelsesloven § 11), and a MeMo
/// letter's case id or a case number cited in the text can be one. The case's reference,
/// the case notes, the labels of the MeMo `case` head and the reference in each head's
/// `decided_by` go through [`redact`], which leaves case numbers that are not personal as
/// they are. The C ABI calls it on the decisions it hands out, which keep reference values
/// in clear text for `signatur_decision_reference_value`.
pub(crate) fn mask_case_references(decision: &mut Decision, mask: &RedactOptions) {
    let hide = |text: &str| redact(text, mask);
    if let Some(case) = decision.case.as_mut() {
        case.reference = hide(&case.reference);
    }
    for note in &mut decision.case_notes {
        note.reference = note.reference.as_deref().map(hide);
        note.message = hide(&note.message);
    }
    for head in &mut decision.heads {
        if head.head == MemoRouting::CASE_HEAD {
            for label in &mut head.labels {
                label.label = hide(&label.label);
            }
        }
        // A head the case decided names the case's reference.
        if let DecidedBy::CaseNumber { reference }
        | DecidedBy::Directory { reference }
        | DecidedBy::Thread { reference } = &mut head.decided_by
        {
            *reference = hide(reference);
        }
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
        levels: Vec::new(),
    }
}
