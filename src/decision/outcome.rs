//! What libsignatur says about a message: per head the likely labels with calibrated
//! probabilities, whether it abstains, and the words that drove it.

use serde::Serialize;

use crate::features::Field;

/// A label with its calibrated probability.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LabelScore {
    /// The label (a unit name, a KLE code, a facet).
    pub label: String,
    /// Calibrated probability in `[0, 1]`.
    pub probability: f32,
}

/// A word or phrase of the message that pushed the decision.
#[derive(Clone, PartialEq, Serialize)]
pub struct Evidence {
    /// The message's own word(s), lowercased; numbers appear as their class (`#cpr`) and
    /// addresses as their domain, so evidence never shows personal identifiers.
    pub text: String,
    /// Where in the message it stood.
    pub field: Field,
    /// How much it raised the chosen label's logit over the head's average.
    pub weight: f32,
}

impl std::fmt::Debug for Evidence {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Evidence({:?}, <{} bytes>, {:.3})",
            self.field,
            self.text.len(),
            self.weight
        )
    }
}

/// Who decided a head.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "by", rename_all = "snake_case")]
#[non_exhaustive]
pub enum DecidedBy {
    /// The model.
    Model,
    /// A municipal rule, by name.
    Rule {
        /// The rule's name.
        name: String,
    },
    /// Structured data in the message itself (MeMo KLE data, a case id).
    Message {
        /// What in the message decided.
        reason: String,
    },
    /// An SBSYS case number the message cites (`27.24.00-G01-5-19` states its emne and
    /// facet).
    CaseNumber {
        /// The case number as written.
        reference: String,
    },
    /// The host's case directory, which knew a case the message cites.
    Directory {
        /// The case's reference.
        reference: String,
    },
    /// The host's case directory, which knew a message of the thread this one continues
    /// (`In-Reply-To`, `References`).
    Thread {
        /// The thread's case reference.
        reference: String,
    },
}

/// The decision for one head.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HeadDecision {
    /// The head (`unit`, `kle`, `facet`, `label`).
    pub head: String,
    /// The top labels, most probable first.
    pub labels: Vec<LabelScore>,
    /// True when the top probability is under the threshold: a person should decide.
    pub abstain: bool,
    /// The threshold that applied.
    pub threshold: f32,
    /// Why it abstained, when it did.
    pub reason: Option<String>,
    /// Who decided.
    pub decided_by: DecidedBy,
    /// The words that pushed the top label most, strongest first.
    pub explanation: Vec<Evidence>,
    /// For a KLE head that abstains on the emne: the gruppe or hovedgruppe it is sure of.
    pub fallback: Option<Fallback>,
    /// For a KLE head decided by the model: the ranked emner, grupper and hovedgrupper, in
    /// that order. Empty for other heads and for a head a rule, the message or a case
    /// decided.
    pub levels: Vec<LevelRanking>,
}

/// One level of the KLE plan, ranked for a `kle` head: its most probable codes, each with
/// the summed probability of the head's emner under it, so that the probabilities of all
/// codes of a level add up to the head's total (1, up to rounding).
///
/// The `emne` list is the head's own [`HeadDecision::labels`]; the `gruppe` and
/// `hovedgruppe` lists rank codes that may hold no single likely emne but whose emner are
/// likely together. Labels that are not KLE codes are left out of the coarser levels.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LevelRanking {
    /// `emne`, `gruppe` or `hovedgruppe`.
    pub level: String,
    /// The most probable codes of the level (as many as the head's top k), most probable
    /// first.
    pub labels: Vec<LabelScore>,
}

/// A coarser KLE decision: "it is a 32.18 matter" when the exact emne is uncertain.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Fallback {
    /// `gruppe` or `hovedgruppe`.
    pub level: String,
    /// The code (`32.18` or `32`).
    pub code: String,
    /// The summed probability of its emner.
    pub probability: f32,
}

impl HeadDecision {
    /// The top label, if any.
    pub fn top(&self) -> Option<&LabelScore> {
        self.labels.first()
    }
}

/// The decision for a message.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct Decision {
    /// One entry per head of the model, in the model's order, then heads set only by the
    /// message or a rule.
    pub heads: Vec<HeadDecision>,
    /// Identifiers found (case numbers, CPR, CVR, …), masked unless asked otherwise. Filled
    /// by [`crate::decision::Router`]; empty from the bare classifier.
    pub references: Vec<crate::decision::router::FoundReference>,
    /// Whether the message carries a CPR number or health, social or criminal matters and
    /// must be handled through secure channels.
    pub sensitive: bool,
    /// Why it is sensitive (categories and list terms, never message text).
    pub sensitive_reasons: Vec<crate::decision::sensitive::Reason>,
    /// The case the message belongs to and where that came from. Filled by
    /// [`crate::decision::Router`].
    pub case: Option<crate::decision::cases::CaseMatch>,
    /// Why a cited case or a directory lookup decided nothing (conflicting numbers, unknown
    /// emner, failed lookups, …): the heads it would have decided were left to the model.
    pub case_notes: Vec<crate::decision::cases::CaseNote>,
}

impl Decision {
    /// Whether any head abstains: a person should look at the message.
    pub fn needs_review(&self) -> bool {
        self.heads.iter().any(|h| h.abstain)
    }

    /// The decision for the head named `name`.
    pub fn head(&self, name: &str) -> Option<&HeadDecision> {
        self.heads.iter().find(|h| h.head == name)
    }
}
