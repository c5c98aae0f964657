//! The decision handle: per head the top labels, the abstain flag, who decided and the
//! explanation; the references and personal data found in the message; the whole as JSON.

use std::ffi::c_char;
use std::sync::OnceLock;

use crate::decision::redact::{redact, RedactOptions};
use crate::decision::refs::{RefKind, Reference};
use crate::decision::router::{mask_case_references, FoundReference};
use crate::decision::sensitive::Category;
use crate::decision::{DecidedBy, Decision, HeadDecision};
use crate::features::Field as EvidenceField;
use crate::ffi::input::{object, CText, Failure, Out};
use crate::ffi::status::{boundary, boundary_or, free_boxed, signatur_status};

/// The decision for one message.
///
/// Thread safety: immutable; may be read from any number of threads at once. It owns
/// everything it reports: freeing the model or the message first is safe. Texts it lends
/// out stay valid until it is freed with `signatur_decision_free`.
pub struct signatur_decision {
    /// As the router made it, with reference values in clear text (masked on the way out,
    /// except through `signatur_decision_reference_value`) and everything else masked as
    /// the Rust API masks it.
    decision: Decision,
    texts: OnceLock<Texts>,
    json: OnceLock<CText>,
}

/// NUL-terminated copies of the decision's texts, made on the first call that lends one.
struct Texts {
    heads: Vec<HeadTexts>,
    references: Vec<ReferenceTexts>,
}

struct HeadTexts {
    name: CText,
    labels: Vec<CText>,
    evidence: Vec<CText>,
    /// Per entry of [`HeadDecision::levels`]: its codes.
    levels: Vec<Vec<CText>>,
    /// The fallback's code, or the empty text.
    fallback: CText,
}

struct ReferenceTexts {
    masked: CText,
    value: CText,
}

/// The value of `r` as it may be shown: personal kinds masked (see
/// [`Reference::masked`]).
fn masked(r: &FoundReference) -> String {
    let reference = Reference {
        kind: r.kind,
        start: r.start,
        end: r.end,
        value: r.value.clone(),
        confidence: r.confidence,
        checksum: r.checksum,
    };
    reference.masked()
}

impl signatur_decision {
    /// Wraps a decision made with unmasked references. Only the references' values stay
    /// in clear text: what the decision says about the case (its reference and title, the
    /// case notes, the labels of the MeMo `case` head, the reference in `decided_by`) is
    /// masked here, once, as [`Router::decide`](crate::decision::Router::decide) masks it,
    /// so that no getter and not the JSON can show a CPR number used as a journal number.
    pub(crate) fn new(mut decision: Decision) -> signatur_decision {
        let mask = RedactOptions::default();
        mask_case_references(&mut decision, &mask);
        if let Some(title) = decision.case.as_mut().and_then(|c| c.title.as_mut()) {
            *title = redact(title, &mask);
        }
        signatur_decision {
            decision,
            texts: OnceLock::new(),
            json: OnceLock::new(),
        }
    }

    fn head(&self, head: usize) -> Result<&HeadDecision, Failure> {
        self.decision
            .heads
            .get(head)
            .ok_or_else(|| Failure::out_of_range("head", head, self.decision.heads.len()))
    }

    fn texts(&self) -> &Texts {
        self.texts.get_or_init(|| Texts {
            heads: self
                .decision
                .heads
                .iter()
                .map(|h| HeadTexts {
                    name: CText::new(&h.head),
                    labels: h.labels.iter().map(|l| CText::new(&l.label)).collect(),
                    evidence: h.explanation.iter().map(|e| CText::new(&e.text)).collect(),
                    levels: h
                        .levels
                        .iter()
                        .map(|l| l.labels.iter().map(|s| CText::new(&s.label)).collect())
                        .collect(),
                    fallback: CText::new(h.fallback.as_ref().map_or("", |f| f.code.as_str())),
                })
                .collect(),
            references: self
                .decision
                .references
                .iter()
                .map(|r| ReferenceTexts {
                    masked: CText::new(&masked(r)),
                    value: CText::new(&r.value),
                })
                .collect(),
        })
    }

    fn head_texts(&self, head: usize) -> Result<&HeadTexts, Failure> {
        let all = &self.texts().heads;
        all.get(head)
            .ok_or_else(|| Failure::out_of_range("head", head, all.len()))
    }

    fn reference(&self, index: usize) -> Result<(&FoundReference, &ReferenceTexts), Failure> {
        let refs = &self.decision.references;
        let out_of_range = || Failure::out_of_range("reference", index, refs.len());
        let r = refs.get(index).ok_or_else(out_of_range)?;
        let t = self
            .texts()
            .references
            .get(index)
            .ok_or_else(out_of_range)?;
        Ok((r, t))
    }

    fn json(&self) -> Result<&CText, Failure> {
        if let Some(j) = self.json.get() {
            return Ok(j);
        }
        // The case fields were masked in `new`; the references' values are still clear.
        let mut shown = self.decision.clone();
        for r in &mut shown.references {
            r.value = masked(r);
        }
        let text = serde_json::to_string(&shown).map_err(|e| {
            Failure::new(
                signatur_status::Other,
                format!("the decision could not be written as JSON: {e}"),
            )
        })?;
        Ok(self.json.get_or_init(|| CText::new(&text)))
    }
}

/// Who decided a head.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum signatur_decided_by {
    /// The model.
    Model = 0,
    /// A municipal rule.
    Rule = 1,
    /// Structured data in the message itself (a MeMo message naming its KLE emne or case).
    Message = 2,
    /// An SBSYS case number the message cites (decides `kle` and `facet`).
    CaseNumber = 3,
    /// The host's case directory, which knew a case the message cites.
    Directory = 4,
    /// The host's case directory, which knew a message of the thread this one continues.
    Thread = 5,
    /// A source added after this version of the header.
    Other = 255,
}

impl From<&DecidedBy> for signatur_decided_by {
    fn from(d: &DecidedBy) -> signatur_decided_by {
        match d {
            DecidedBy::Model => signatur_decided_by::Model,
            DecidedBy::Rule { .. } => signatur_decided_by::Rule,
            DecidedBy::Message { .. } => signatur_decided_by::Message,
            DecidedBy::CaseNumber { .. } => signatur_decided_by::CaseNumber,
            DecidedBy::Directory { .. } => signatur_decided_by::Directory,
            DecidedBy::Thread { .. } => signatur_decided_by::Thread,
            #[allow(unreachable_patterns)]
            _ => signatur_decided_by::Other,
        }
    }
}

/// A level of the KLE plan, for the ranked lists and the fallback of a `kle` head.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum signatur_kle_level {
    /// No level: the head has no fallback.
    None = 0,
    /// `NN.NN.NN`: the emne a document is journaled under.
    Emne = 1,
    /// `NN.NN`: a gruppe of emner.
    Gruppe = 2,
    /// `NN`: a hovedgruppe.
    Hovedgruppe = 3,
}

impl signatur_kle_level {
    /// The level named `name` as in JSON (`emne`, `gruppe`, `hovedgruppe`).
    fn named(name: &str) -> signatur_kle_level {
        match name {
            "emne" => signatur_kle_level::Emne,
            "gruppe" => signatur_kle_level::Gruppe,
            "hovedgruppe" => signatur_kle_level::Hovedgruppe,
            _ => signatur_kle_level::None,
        }
    }

    /// The level a C caller passed, checked: one of emne, gruppe, hovedgruppe.
    fn from_c(level: u32) -> Result<signatur_kle_level, Failure> {
        [
            signatur_kle_level::Emne,
            signatur_kle_level::Gruppe,
            signatur_kle_level::Hovedgruppe,
        ]
        .into_iter()
        .find(|l| *l as u32 == level)
        .ok_or_else(|| {
            Failure::new(
                signatur_status::InvalidInput,
                format!("level {level} is not SIGNATUR_KLE_LEVEL_EMNE, _GRUPPE or _HOVEDGRUPPE"),
            )
        })
    }
}

/// Which part of a message a word of the explanation stood in.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum signatur_evidence_field {
    /// The subject.
    Subject = 0,
    /// What the sender wrote now.
    Body = 1,
    /// Quoted replies and forwarded history.
    Quoted = 2,
    /// The sender's address, domain and organisation.
    Sender = 3,
    /// The mailboxes it was sent to.
    Recipient = 4,
    /// Attachment file names and media types.
    AttachmentName = 5,
    /// Text extracted from attachments.
    AttachmentText = 6,
    /// Other headers that say where a message comes from (Message-ID and Reply-To domains,
    /// the mail program, keywords).
    Headers = 7,
    /// A field added after this version of the header.
    Other = 255,
}

impl From<EvidenceField> for signatur_evidence_field {
    fn from(f: EvidenceField) -> signatur_evidence_field {
        match f {
            EvidenceField::Subject => signatur_evidence_field::Subject,
            EvidenceField::Body => signatur_evidence_field::Body,
            EvidenceField::Quoted => signatur_evidence_field::Quoted,
            EvidenceField::Sender => signatur_evidence_field::Sender,
            EvidenceField::Recipient => signatur_evidence_field::Recipient,
            EvidenceField::AttachmentName => signatur_evidence_field::AttachmentName,
            EvidenceField::AttachmentText => signatur_evidence_field::AttachmentText,
            EvidenceField::Headers => signatur_evidence_field::Headers,
            // Fields the model gains before this mapping does; a test lists them.
            #[allow(unreachable_patterns)]
            _ => signatur_evidence_field::Other,
        }
    }
}

/// What kind of identifier a reference is. Kinds may be added in minor versions: treat an
/// unknown value as "some identifier".
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum signatur_ref_kind {
    /// A case number of a records system (SBSYS, Acadre …).
    CaseNumber = 0,
    /// A KLE emne (`32.18.04`), optionally with its handling facet.
    KleCode = 1,
    /// A CPR number (personal identification number).
    Cpr = 2,
    /// A CVR number (company registration number).
    Cvr = 3,
    /// A P-number (production unit of a company).
    PNumber = 4,
    /// A Danish telephone number.
    Phone = 5,
    /// An e-mail address.
    Email = 6,
    /// An international bank account number.
    Iban = 7,
    /// A Danish bank account: registration and account number.
    BankAccount = 8,
    /// A kind added after this version of the header.
    Other = 255,
}

impl From<RefKind> for signatur_ref_kind {
    fn from(k: RefKind) -> signatur_ref_kind {
        match k {
            RefKind::CaseNumber => signatur_ref_kind::CaseNumber,
            RefKind::KleCode => signatur_ref_kind::KleCode,
            RefKind::Cpr => signatur_ref_kind::Cpr,
            RefKind::Cvr => signatur_ref_kind::Cvr,
            RefKind::PNumber => signatur_ref_kind::PNumber,
            RefKind::Phone => signatur_ref_kind::Phone,
            RefKind::Email => signatur_ref_kind::Email,
            RefKind::Iban => signatur_ref_kind::Iban,
            RefKind::BankAccount => signatur_ref_kind::BankAccount,
            #[allow(unreachable_patterns)]
            _ => signatur_ref_kind::Other,
        }
    }
}

/// Which text of the message a reference was found in.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum signatur_ref_field {
    /// The subject.
    Subject = 0,
    /// The readable body.
    Body = 1,
    /// The extracted text of an attachment (its index is given separately).
    Attachment = 2,
    /// A field added after this version of the header.
    Other = 255,
}

/// Whether an identifier's check digit held.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum signatur_checksum {
    /// The kind has no check digit (phone, e-mail, case number …).
    None = 0,
    /// The check digit held.
    Valid = 1,
    /// The check digit failed (CPR numbers issued since 2007 may fail it and are still real).
    Invalid = 2,
}

/// Why a message is sensitive: bits of the mask from `signatur_decision_sensitive`.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum signatur_sensitive_category {
    /// A CPR number was found.
    Cpr = 1,
    /// Health: illness, diagnosis, medication, psychiatry, addiction, disability.
    Health = 2,
    /// Social matters treated as confidential: child welfare, placements, family conflicts.
    Social = 4,
    /// Criminal matters: convictions, charges, offences.
    Criminal = 8,
    /// A category added after this version of the header.
    Other = 0x4000_0000,
}

impl From<Category> for signatur_sensitive_category {
    fn from(c: Category) -> signatur_sensitive_category {
        match c {
            Category::Cpr => signatur_sensitive_category::Cpr,
            Category::Health => signatur_sensitive_category::Health,
            Category::Social => signatur_sensitive_category::Social,
            Category::Criminal => signatur_sensitive_category::Criminal,
            #[allow(unreachable_patterns)]
            _ => signatur_sensitive_category::Other,
        }
    }
}

/// The number of heads in the decision (as in the model); 0 for NULL.
///
/// # Safety
///
/// `decision` must be NULL or a live decision.
#[no_mangle]
pub unsafe extern "C" fn signatur_decision_head_count(decision: *const signatur_decision) -> usize {
    boundary_or("signatur_decision_head_count", 0, || {
        // SAFETY: the caller guarantees NULL or a live decision.
        unsafe { decision.as_ref() }.map_or(0, |d| d.decision.heads.len())
    })
}

/// The name of head `head`: a NUL-terminated UTF-8 string owned by the decision, valid
/// until the decision is freed; `*out_len` is its length without the NUL.
///
/// # Safety
///
/// `decision` must be a live decision; `out_name` and `out_len` writable.
#[no_mangle]
pub unsafe extern "C" fn signatur_decision_head_name(
    decision: *const signatur_decision,
    head: usize,
    out_name: *mut *const c_char,
    out_len: *mut usize,
) -> signatur_status {
    boundary("signatur_decision_head_name", || {
        let (out_name, out_len) = (
            Out::new(out_name, "out_name")?,
            Out::new(out_len, "out_len")?,
        );
        // SAFETY: the caller guarantees a live decision.
        let d = unsafe { object(decision, "decision") }?;
        // SAFETY: both outputs were checked and the caller guarantees they are writable.
        unsafe { d.head_texts(head)?.name.lend(out_name, out_len) };
        Ok(())
    })
}

/// The number of labels listed for head `head` (the options' top k, at most the head's
/// labels); 0 for NULL or a head out of range.
///
/// # Safety
///
/// `decision` must be NULL or a live decision.
#[no_mangle]
pub unsafe extern "C" fn signatur_decision_label_count(
    decision: *const signatur_decision,
    head: usize,
) -> usize {
    boundary_or("signatur_decision_label_count", 0, || {
        // SAFETY: the caller guarantees NULL or a live decision.
        unsafe { decision.as_ref() }
            .and_then(|d| d.decision.heads.get(head))
            .map_or(0, |h| h.labels.len())
    })
}

/// Label `index` of head `head`, most probable first: its name (NUL-terminated UTF-8 owned
/// by the decision, valid until the decision is freed) and its calibrated probability in
/// `[0, 1]`. The labels of the MeMo `case` head are masked as in `signatur_decision_json`
/// (an authority may use a CPR number as its journal number); the clear value of a
/// reference found in the text is given only by `signatur_decision_reference_value`.
///
/// # Safety
///
/// `decision` must be a live decision; all outputs writable.
#[no_mangle]
pub unsafe extern "C" fn signatur_decision_label(
    decision: *const signatur_decision,
    head: usize,
    index: usize,
    out_label: *mut *const c_char,
    out_len: *mut usize,
    out_probability: *mut f32,
) -> signatur_status {
    boundary("signatur_decision_label", || {
        let (out_label, out_len) = (
            Out::new(out_label, "out_label")?,
            Out::new(out_len, "out_len")?,
        );
        let out_probability = Out::new(out_probability, "out_probability")?;
        // SAFETY: the caller guarantees a live decision.
        let d = unsafe { object(decision, "decision") }?;
        let h = d.head(head)?;
        let score = h
            .labels
            .get(index)
            .ok_or_else(|| Failure::out_of_range("label", index, h.labels.len()))?;
        let text = d
            .head_texts(head)?
            .labels
            .get(index)
            .ok_or_else(|| Failure::out_of_range("label", index, h.labels.len()))?;
        // SAFETY: all outputs were checked and the caller guarantees they are writable.
        unsafe {
            text.lend(out_label, out_len);
            out_probability.write(score.probability);
        }
        Ok(())
    })
}

/// Whether head `head` abstains (1) or decided (0): it abstains when the top probability
/// is under the threshold, and a person should then decide. `*out_threshold` is the
/// threshold that applied.
///
/// # Safety
///
/// `decision` must be a live decision; both outputs writable.
#[no_mangle]
pub unsafe extern "C" fn signatur_decision_abstain(
    decision: *const signatur_decision,
    head: usize,
    out_abstain: *mut u8,
    out_threshold: *mut f32,
) -> signatur_status {
    boundary("signatur_decision_abstain", || {
        let (out_abstain, out_threshold) = (
            Out::new(out_abstain, "out_abstain")?,
            Out::new(out_threshold, "out_threshold")?,
        );
        // SAFETY: the caller guarantees a live decision.
        let h = unsafe { object(decision, "decision") }?.head(head)?;
        // SAFETY: both outputs were checked and the caller guarantees they are writable.
        unsafe {
            out_abstain.write(u8::from(h.abstain));
            out_threshold.write(h.threshold);
        }
        Ok(())
    })
}

/// Who decided head `head`: the model, a municipal rule, or the message itself (a Digital
/// Post message that names its KLE emne or case).
///
/// # Safety
///
/// `decision` must be a live decision; `out_decided_by` writable.
#[no_mangle]
pub unsafe extern "C" fn signatur_decision_decided_by(
    decision: *const signatur_decision,
    head: usize,
    out_decided_by: *mut signatur_decided_by,
) -> signatur_status {
    boundary("signatur_decision_decided_by", || {
        let out = Out::new(out_decided_by, "out_decided_by")?;
        // SAFETY: the caller guarantees a live decision.
        let h = unsafe { object(decision, "decision") }?.head(head)?;
        // SAFETY: the output was checked and the caller guarantees it is writable.
        unsafe { out.write((&h.decided_by).into()) };
        Ok(())
    })
}

/// The position of `level` in `h.levels`, if the head ranks it.
fn level_index(h: &HeadDecision, level: signatur_kle_level) -> Option<usize> {
    h.levels
        .iter()
        .position(|l| signatur_kle_level::named(&l.level) == level)
}

/// The number of codes ranked at `level` (a `SIGNATUR_KLE_LEVEL_*` value other than
/// `_NONE`) for head `head`: for a `kle` head the model decided, the options' top k at most;
/// 0 for other heads, a head a rule, the message or a case decided, NULL, a head out of
/// range, or another value of `level`.
///
/// # Safety
///
/// `decision` must be NULL or a live decision.
#[no_mangle]
pub unsafe extern "C" fn signatur_decision_level_label_count(
    decision: *const signatur_decision,
    head: usize,
    level: u32,
) -> usize {
    boundary_or("signatur_decision_level_label_count", 0, || {
        let Ok(level) = signatur_kle_level::from_c(level) else {
            return 0;
        };
        // SAFETY: the caller guarantees NULL or a live decision.
        unsafe { decision.as_ref() }
            .and_then(|d| d.decision.heads.get(head))
            .and_then(|h| Some(h.levels[level_index(h, level)?].labels.len()))
            .unwrap_or(0)
    })
}

/// Code `index` ranked at `level` for head `head`, most probable first: the emne, gruppe
/// (`NN.NN`) or hovedgruppe (`NN`) code (NUL-terminated UTF-8 owned by the decision, valid
/// until the decision is freed) and its probability, the sum over the head's emner under
/// it, so that a level's probabilities over all its codes add up to 1. Fails with
/// `SIGNATUR_STATUS_INVALID_INPUT` when `level` is not emne, gruppe or hovedgruppe, and
/// `SIGNATUR_STATUS_OUT_OF_RANGE` past `signatur_decision_level_label_count`.
///
/// # Safety
///
/// `decision` must be a live decision; all outputs writable.
#[no_mangle]
pub unsafe extern "C" fn signatur_decision_level_label(
    decision: *const signatur_decision,
    head: usize,
    level: u32,
    index: usize,
    out_code: *mut *const c_char,
    out_len: *mut usize,
    out_probability: *mut f32,
) -> signatur_status {
    boundary("signatur_decision_level_label", || {
        let (out_code, out_len) = (
            Out::new(out_code, "out_code")?,
            Out::new(out_len, "out_len")?,
        );
        let out_probability = Out::new(out_probability, "out_probability")?;
        let level = signatur_kle_level::from_c(level)?;
        // SAFETY: the caller guarantees a live decision.
        let d = unsafe { object(decision, "decision") }?;
        let h = d.head(head)?;
        let at = level_index(h, level);
        let scores = at.map_or(&[][..], |l| h.levels[l].labels.as_slice());
        let out_of_range = || Failure::out_of_range("level label", index, scores.len());
        let score = scores.get(index).ok_or_else(out_of_range)?;
        let text = at
            .and_then(|l| d.head_texts(head).ok()?.levels.get(l)?.get(index))
            .ok_or_else(out_of_range)?;
        // SAFETY: all outputs were checked and the caller guarantees they are writable.
        unsafe {
            text.lend(out_code, out_len);
            out_probability.write(score.probability);
        }
        Ok(())
    })
}

/// For a `kle` head that abstains on the emne: the gruppe or hovedgruppe whose emner
/// together reach the threshold. `*out_level` is `SIGNATUR_KLE_LEVEL_GRUPPE` or
/// `_HOVEDGRUPPE`, `*out_code` its code (NUL-terminated UTF-8 owned by the decision, valid
/// until the decision is freed) and `*out_probability` the summed probability. When the head
/// has none, the call succeeds with `SIGNATUR_KLE_LEVEL_NONE`, the empty text and 0.
///
/// # Safety
///
/// `decision` must be a live decision; all outputs writable.
#[no_mangle]
pub unsafe extern "C" fn signatur_decision_fallback(
    decision: *const signatur_decision,
    head: usize,
    out_level: *mut signatur_kle_level,
    out_code: *mut *const c_char,
    out_len: *mut usize,
    out_probability: *mut f32,
) -> signatur_status {
    boundary("signatur_decision_fallback", || {
        let out_level = Out::new(out_level, "out_level")?;
        let (out_code, out_len) = (
            Out::new(out_code, "out_code")?,
            Out::new(out_len, "out_len")?,
        );
        let out_probability = Out::new(out_probability, "out_probability")?;
        // SAFETY: the caller guarantees a live decision.
        let d = unsafe { object(decision, "decision") }?;
        let h = d.head(head)?;
        let text = &d.head_texts(head)?.fallback;
        let (level, probability) = h
            .fallback
            .as_ref()
            .map_or((signatur_kle_level::None, 0.0), |f| {
                (signatur_kle_level::named(&f.level), f.probability)
            });
        // SAFETY: all outputs were checked and the caller guarantees they are writable.
        unsafe {
            out_level.write(level);
            text.lend(out_code, out_len);
            out_probability.write(probability);
        }
        Ok(())
    })
}

/// The number of explanation words for head `head`; 0 for NULL, a head out of range, or
/// options that asked for none.
///
/// # Safety
///
/// `decision` must be NULL or a live decision.
#[no_mangle]
pub unsafe extern "C" fn signatur_decision_explanation_count(
    decision: *const signatur_decision,
    head: usize,
) -> usize {
    boundary_or("signatur_decision_explanation_count", 0, || {
        // SAFETY: the caller guarantees NULL or a live decision.
        unsafe { decision.as_ref() }
            .and_then(|d| d.decision.heads.get(head))
            .map_or(0, |h| h.explanation.len())
    })
}

/// Explanation word `index` of head `head`, strongest first: the message's own word(s),
/// lowercased (numbers appear as their class such as `#cpr`, so no identifier is shown;
/// NUL-terminated UTF-8 owned by the decision), the field it stood in, and how much it
/// raised the top label's score over the head's average.
///
/// # Safety
///
/// `decision` must be a live decision; all outputs writable.
#[no_mangle]
pub unsafe extern "C" fn signatur_decision_explanation(
    decision: *const signatur_decision,
    head: usize,
    index: usize,
    out_text: *mut *const c_char,
    out_len: *mut usize,
    out_field: *mut signatur_evidence_field,
    out_weight: *mut f32,
) -> signatur_status {
    boundary("signatur_decision_explanation", || {
        let (out_text, out_len) = (
            Out::new(out_text, "out_text")?,
            Out::new(out_len, "out_len")?,
        );
        let (out_field, out_weight) = (
            Out::new(out_field, "out_field")?,
            Out::new(out_weight, "out_weight")?,
        );
        // SAFETY: the caller guarantees a live decision.
        let d = unsafe { object(decision, "decision") }?;
        let h = d.head(head)?;
        let n = h.explanation.len();
        let e = h
            .explanation
            .get(index)
            .ok_or_else(|| Failure::out_of_range("explanation", index, n))?;
        let text = d
            .head_texts(head)?
            .evidence
            .get(index)
            .ok_or_else(|| Failure::out_of_range("explanation", index, n))?;
        // SAFETY: all outputs were checked and the caller guarantees they are writable.
        unsafe {
            text.lend(out_text, out_len);
            out_field.write(e.field.into());
            out_weight.write(e.weight);
        }
        Ok(())
    })
}

/// The number of references (case numbers, KLE codes, CPR/CVR/P-numbers, phones, e-mail
/// addresses, bank accounts) found in the subject, body and attachment texts; 0 for NULL.
///
/// # Safety
///
/// `decision` must be NULL or a live decision.
#[no_mangle]
pub unsafe extern "C" fn signatur_decision_reference_count(
    decision: *const signatur_decision,
) -> usize {
    boundary_or("signatur_decision_reference_count", 0, || {
        // SAFETY: the caller guarantees NULL or a live decision.
        unsafe { decision.as_ref() }.map_or(0, |d| d.decision.references.len())
    })
}

/// Reference `index` (in order of field and position): its kind, how sure the detector is
/// (0 to 1), and whether its check digit held.
///
/// # Safety
///
/// `decision` must be a live decision; all outputs writable.
#[no_mangle]
pub unsafe extern "C" fn signatur_decision_reference(
    decision: *const signatur_decision,
    index: usize,
    out_kind: *mut signatur_ref_kind,
    out_confidence: *mut f32,
    out_checksum: *mut signatur_checksum,
) -> signatur_status {
    boundary("signatur_decision_reference", || {
        let (out_kind, out_confidence) = (
            Out::new(out_kind, "out_kind")?,
            Out::new(out_confidence, "out_confidence")?,
        );
        let out_checksum = Out::new(out_checksum, "out_checksum")?;
        // SAFETY: the caller guarantees a live decision.
        let (r, _) = unsafe { object(decision, "decision") }?.reference(index)?;
        let checksum = match r.checksum {
            None => signatur_checksum::None,
            Some(true) => signatur_checksum::Valid,
            Some(false) => signatur_checksum::Invalid,
        };
        // SAFETY: all outputs were checked and the caller guarantees they are writable.
        unsafe {
            out_kind.write(r.kind.into());
            out_confidence.write(r.confidence);
            out_checksum.write(checksum);
        }
        Ok(())
    })
}

/// Where reference `index` stands: the field (`SIGNATUR_REF_FIELD_ATTACHMENT` with the
/// attachment's index in `*out_attachment`, else 0 there) and the byte span
/// `[*out_start, *out_end)` in that field's text as libsignatur extracted it (decoded, with
/// `\n` line ends).
///
/// # Safety
///
/// `decision` must be a live decision; all outputs writable.
#[no_mangle]
pub unsafe extern "C" fn signatur_decision_reference_location(
    decision: *const signatur_decision,
    index: usize,
    out_field: *mut signatur_ref_field,
    out_attachment: *mut usize,
    out_start: *mut usize,
    out_end: *mut usize,
) -> signatur_status {
    boundary("signatur_decision_reference_location", || {
        let (out_field, out_attachment) = (
            Out::new(out_field, "out_field")?,
            Out::new(out_attachment, "out_attachment")?,
        );
        let (out_start, out_end) = (
            Out::new(out_start, "out_start")?,
            Out::new(out_end, "out_end")?,
        );
        // SAFETY: the caller guarantees a live decision.
        let (r, _) = unsafe { object(decision, "decision") }?.reference(index)?;
        // The router names fields as `Display` of `refs::Field` does.
        let attachment = r
            .field
            .strip_prefix("attachment:")
            .and_then(|i| i.parse::<usize>().ok());
        let (field, attachment) = match (r.field.as_str(), attachment) {
            ("subject", _) => (signatur_ref_field::Subject, 0),
            ("body", _) => (signatur_ref_field::Body, 0),
            (_, Some(i)) => (signatur_ref_field::Attachment, i),
            _ => (signatur_ref_field::Other, 0),
        };
        // SAFETY: all outputs were checked and the caller guarantees they are writable.
        unsafe {
            out_field.write(field);
            out_attachment.write(attachment);
            out_start.write(r.start);
            out_end.write(r.end);
        }
        Ok(())
    })
}

/// Reference `index`'s value as it may be shown and logged: personal kinds masked (a CPR
/// number as `XXXXXX-XXXX`, a phone as `+45XXXXXXXX`, an e-mail as `xxxx@domain.dk`),
/// case numbers, KLE codes, CVR and P-numbers as they are. NUL-terminated UTF-8 owned by
/// the decision, valid until it is freed.
///
/// # Safety
///
/// `decision` must be a live decision; both outputs writable.
#[no_mangle]
pub unsafe extern "C" fn signatur_decision_reference_masked(
    decision: *const signatur_decision,
    index: usize,
    out_text: *mut *const c_char,
    out_len: *mut usize,
) -> signatur_status {
    boundary("signatur_decision_reference_masked", || {
        let (out_text, out_len) = (
            Out::new(out_text, "out_text")?,
            Out::new(out_len, "out_len")?,
        );
        // SAFETY: the caller guarantees a live decision.
        let (_, t) = unsafe { object(decision, "decision") }?.reference(index)?;
        // SAFETY: both outputs were checked and the caller guarantees they are writable.
        unsafe { t.masked.lend(out_text, out_len) };
        Ok(())
    })
}

/// Reference `index`'s normalised value in clear text (digits only for a CPR number,
/// `+45…` for a phone): personal data, for looking up the person or case; do not log it.
/// NUL-terminated UTF-8 owned by the decision, valid until it is freed.
///
/// # Safety
///
/// `decision` must be a live decision; both outputs writable.
#[no_mangle]
pub unsafe extern "C" fn signatur_decision_reference_value(
    decision: *const signatur_decision,
    index: usize,
    out_text: *mut *const c_char,
    out_len: *mut usize,
) -> signatur_status {
    boundary("signatur_decision_reference_value", || {
        let (out_text, out_len) = (
            Out::new(out_text, "out_text")?,
            Out::new(out_len, "out_len")?,
        );
        // SAFETY: the caller guarantees a live decision.
        let (_, t) = unsafe { object(decision, "decision") }?.reference(index)?;
        // SAFETY: both outputs were checked and the caller guarantees they are writable.
        unsafe { t.value.lend(out_text, out_len) };
        Ok(())
    })
}

/// Whether the message must be handled as confidential (1) or not (0): it holds a CPR
/// number or words of health, social or criminal matters. `*out_categories` is a mask of
/// `SIGNATUR_SENSITIVE_CATEGORY_*` bits saying which.
///
/// # Safety
///
/// `decision` must be a live decision; both outputs writable.
#[no_mangle]
pub unsafe extern "C" fn signatur_decision_sensitive(
    decision: *const signatur_decision,
    out_sensitive: *mut u8,
    out_categories: *mut u32,
) -> signatur_status {
    boundary("signatur_decision_sensitive", || {
        let (out_sensitive, out_categories) = (
            Out::new(out_sensitive, "out_sensitive")?,
            Out::new(out_categories, "out_categories")?,
        );
        // SAFETY: the caller guarantees a live decision.
        let d = &unsafe { object(decision, "decision") }?.decision;
        let mask = d.sensitive_reasons.iter().fold(0u32, |m, r| {
            m | signatur_sensitive_category::from(r.category) as u32
        });
        // SAFETY: both outputs were checked and the caller guarantees they are writable.
        unsafe {
            out_sensitive.write(u8::from(d.sensitive));
            out_categories.write(mask);
        }
        Ok(())
    })
}

/// The whole decision as one JSON object, the shape `signatur classify` prints: `heads` (per
/// head its labels with probabilities, `abstain`, `threshold`, `reason`, `decided_by`,
/// `explanation`, `fallback`), `references` (kind, field, span, confidence, checksum, and
/// `value` masked as by `signatur_decision_reference_masked`), `sensitive`,
/// `sensitive_reasons`, `case` (the case and where it came from: `message`, `case_number`,
/// `directory`, `thread`) and `case_notes` (why a cited case or a directory lookup decided
/// nothing). NUL-terminated UTF-8 owned by the decision, valid until it
/// is freed; `*out_len` is its length without the NUL.
///
/// # Safety
///
/// `decision` must be a live decision; both outputs writable.
#[no_mangle]
pub unsafe extern "C" fn signatur_decision_json(
    decision: *const signatur_decision,
    out_json: *mut *const c_char,
    out_len: *mut usize,
) -> signatur_status {
    boundary("signatur_decision_json", || {
        let (out_json, out_len) = (
            Out::new(out_json, "out_json")?,
            Out::new(out_len, "out_len")?,
        );
        // SAFETY: the caller guarantees a live decision.
        let d = unsafe { object(decision, "decision") }?;
        // SAFETY: both outputs were checked and the caller guarantees they are writable.
        unsafe { d.json()?.lend(out_json, out_len) };
        Ok(())
    })
}

/// Frees a decision and every text it lent out. NULL is a no-op; must not be called twice
/// for the same decision, nor while another thread still reads it.
///
/// # Safety
///
/// `decision` must be NULL or a decision from this library that was not freed yet.
#[no_mangle]
pub unsafe extern "C" fn signatur_decision_free(decision: *mut signatur_decision) {
    // SAFETY: forwarded from this function's contract.
    unsafe { free_boxed("signatur_decision_free", decision) }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The router's decision about `text` (no model: references and sensitivity only), with
    /// clear reference values as the model handle asks for them.
    fn decision_about(text: &str) -> signatur_decision {
        let router = crate::decision::Router::without_model();
        let msg = crate::Message::from_text(text);
        let decision = router.decide(&msg, &crate::ClassifyOptions::default(), true);
        signatur_decision::new(decision.unwrap_or_default())
    }

    #[test]
    fn every_kind_and_field_has_its_own_c_value() {
        for kind in RefKind::ALL {
            assert_ne!(
                signatur_ref_kind::from(kind),
                signatur_ref_kind::Other,
                "{kind:?} needs a C value"
            );
        }
        for field in EvidenceField::ALL {
            assert_ne!(
                signatur_evidence_field::from(field),
                signatur_evidence_field::Other,
                "{field:?} needs a C value"
            );
        }
    }

    #[test]
    fn decisions_may_be_shared_between_threads() {
        fn is_send_sync<T: Send + Sync>() {}
        is_send_sync::<signatur_decision>();
    }

    /// A MeMo reply whose case id is a CPR number, decided as the C ABI decides it.
    fn decision_about_memo_case(case_id: &str) -> signatur_decision {
        let xml = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/memo/reply_with_case.xml"
        ))
        .unwrap_or_default()
        .replace("28.03.00-G01-231-24", case_id);
        let msg = crate::Message::from_memo(xml.as_bytes());
        assert!(msg.is_ok(), "{msg:?}");
        let router = crate::decision::Router::without_model();
        let decision =
            msg.and_then(|m| router.decide(&m, &crate::ClassifyOptions::default(), true));
        signatur_decision::new(decision.unwrap_or_default())
    }

    #[test]
    fn a_cpr_number_as_case_id_is_masked_in_json_and_labels() {
        let d = decision_about_memo_case("150390-0005");
        let (mut p, mut n) = (std::ptr::null(), 0usize);
        // SAFETY: `d` is live for the block; outputs are live locals.
        unsafe {
            assert_eq!(
                signatur_decision_json(&d, &mut p, &mut n),
                signatur_status::Ok
            );
            let json =
                std::str::from_utf8(std::slice::from_raw_parts(p.cast::<u8>(), n)).unwrap_or("");
            assert!(json.contains("\"reference\":\"XXXXXX-XXXX\""), "{json}");
            assert!(!json.contains("150390"), "{json}");
            assert!(!json.contains("0005"), "{json}");
            let heads = signatur_decision_head_count(&d);
            let mut saw_case_head = false;
            for head in 0..heads {
                assert_eq!(
                    signatur_decision_head_name(&d, head, &mut p, &mut n),
                    signatur_status::Ok
                );
                let case_head = std::slice::from_raw_parts(p.cast::<u8>(), n) == b"case";
                saw_case_head |= case_head;
                for label in 0..signatur_decision_label_count(&d, head) {
                    let mut prob = 0f32;
                    assert_eq!(
                        signatur_decision_label(&d, head, label, &mut p, &mut n, &mut prob),
                        signatur_status::Ok
                    );
                    let text = std::slice::from_raw_parts(p.cast::<u8>(), n);
                    assert!(
                        !text.windows(6).any(|w| w == b"150390"),
                        "{}",
                        String::from_utf8_lossy(text)
                    );
                }
            }
            assert!(saw_case_head, "the MeMo case id decides the case head");
        }
    }

    #[test]
    fn references_are_masked_in_json_and_clear_on_request() {
        let d = decision_about("Mit cpr-nr. er 070761-4285 og jeg har en diagnose.");
        let (mut p, mut n) = (std::ptr::null(), 0usize);
        // SAFETY: `d` is live for the block; outputs are live locals.
        unsafe {
            assert_eq!(signatur_decision_reference_count(&d), 1);
            assert_eq!(
                signatur_decision_json(&d, &mut p, &mut n),
                signatur_status::Ok
            );
            let json =
                std::str::from_utf8(std::slice::from_raw_parts(p.cast::<u8>(), n)).unwrap_or("");
            assert!(json.contains("\"value\":\"XXXXXX-XXXX\""), "{json}");
            assert!(!json.contains("4285"), "{json}");
            assert_eq!(
                signatur_decision_reference_value(&d, 0, &mut p, &mut n),
                signatur_status::Ok
            );
            assert_eq!(std::slice::from_raw_parts(p.cast::<u8>(), n), b"0707614285");
            assert_eq!(*p.add(n), 0, "NUL-terminated");
            let (mut s, mut cats) = (0u8, 0u32);
            assert_eq!(
                signatur_decision_sensitive(&d, &mut s, &mut cats),
                signatur_status::Ok
            );
            assert_eq!(s, 1);
            assert_eq!(
                cats & signatur_sensitive_category::Cpr as u32,
                signatur_sensitive_category::Cpr as u32
            );
            assert_eq!(
                signatur_decision_reference_masked(&d, 1, &mut p, &mut n),
                signatur_status::OutOfRange
            );
        }
    }
}
