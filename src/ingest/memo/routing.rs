//! The decision a MeMo message makes by itself: the KLE emne, facet and case its sender
//! filled in.
//!
//! A model guesses; a sender that wrote `KLEdata` or a `caseID` knows. So when those fields
//! are present and well-formed, libsignatur returns them with confidence 1 and says where
//! they came from, before any model is asked. That is the cheapest and surest decision there
//! is, and the reason string lets a clerk see that no model was involved.

use serde::Serialize;

use super::model::{Memo, ReplyData};

/// One label a MeMo message states itself, with why.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct MemoLabel {
    /// The value, as the sender wrote it (a KLE code like `27.24.00`, a facet like `G01`
    /// in upper case, a case id).
    pub value: String,
    /// Always 1.0: the sender stated it. A host that distrusts a sender can still overrule it.
    pub confidence: f32,
    /// Which MeMo field it came from (`MeMo KLEdata subjectKey`, `MeMo ReplyData caseID`).
    pub reason: &'static str,
}

impl MemoLabel {
    fn new(value: impl Into<String>, reason: &'static str) -> MemoLabel {
        MemoLabel {
            value: value.into(),
            confidence: 1.0,
            reason,
        }
    }
}

/// The labels a MeMo message implies for the heads of a decision, from [`Memo::deterministic`].
///
/// `Debug` shows the KLE code and facet (a public taxonomy) but not the case id, which may
/// be a CPR number (authorities may use one as a journal number).
#[derive(Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct MemoRouting {
    /// The KLE emne (head `kle`), from `KLEdata/subjectKey`.
    pub kle: Option<MemoLabel>,
    /// The handling facet (head `facet`), from `KLEdata/activityFacet`.
    pub facet: Option<MemoLabel>,
    /// The case reference (head `case`), from `ReplyData/caseID` or `ContentData/CaseID`.
    pub case: Option<MemoLabel>,
    /// The records system the case id belongs to (`CaseID/caseSystem`), when given.
    pub case_system: Option<String>,
}

impl std::fmt::Debug for MemoRouting {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MemoRouting")
            .field("kle", &self.kle)
            .field("facet", &self.facet)
            .field("case", &self.case.as_ref().map(|c| c.reason))
            .finish_non_exhaustive()
    }
}

impl MemoRouting {
    /// The head name used for the KLE emne.
    pub const KLE_HEAD: &'static str = "kle";
    /// The head name used for the handling facet.
    pub const FACET_HEAD: &'static str = "facet";
    /// The head name used for the case reference.
    pub const CASE_HEAD: &'static str = "case";

    /// The labels as `(head, label)` pairs, for a caller that treats heads generically.
    pub fn labels(&self) -> impl Iterator<Item = (&'static str, &MemoLabel)> {
        [
            (Self::KLE_HEAD, &self.kle),
            (Self::FACET_HEAD, &self.facet),
            (Self::CASE_HEAD, &self.case),
        ]
        .into_iter()
        .filter_map(|(head, label)| label.as_ref().map(|l| (head, l)))
    }
}

impl Memo {
    /// What this message says about its own routing, when it says anything: the KLE emne
    /// and facet of `KLEdata`, and the case of `ReplyData` or `CaseID`, each with confidence
    /// 1 and the field it came from. `None` when the sender filled in none of them.
    ///
    /// Only well-formed values count: a `subjectKey` must be a KLE code (`NN`, `NN.NN` or
    /// `NN.NN.NN`) and a facet a letter and two digits (`G01`, `Ø34`); placeholders such as
    /// `[Tekst]` are ignored. Two `KLEdata` with different codes contradict each other and
    /// give no KLE label. Whether the code exists in the municipality's KLE edition is for
    /// the caller to check against its taxonomy.
    ///
    /// A case id from `ReplyData` is preferred over `ContentData/CaseID`: reply data names
    /// the case of the message being answered, usually the recipient's own, while `CaseID`
    /// is the sender's case in the sender's system. Among several `ReplyData`, one sent by
    /// this message's recipient is preferred (it is a letter the municipality wrote).
    ///
    /// ```
    /// # fn example() -> Result<(), Box<dyn std::error::Error>> {
    /// let xml = r#"<Message xmlns="https://DigitalPost.dk/MeMo-1" memoVersion="1.2">
    ///   <MessageHeader><messageType>DIGITALPOST</messageType>
    ///     <messageUUID>0f4c1a52-3c1e-4f54-9a43-5b1d2e6f7a80</messageUUID>
    ///     <label>Ansøgning om byggetilladelse</label>
    ///     <ContentData><KLEdata><subjectKey>02.34.02</subjectKey>
    ///       <activityFacet>G01</activityFacet></KLEdata></ContentData>
    ///   </MessageHeader></Message>"#;
    /// let msg = signatur::Message::from_memo(xml.as_bytes())?;
    /// let routing = msg.memo.as_ref().and_then(|m| m.deterministic()).ok_or("no routing")?;
    /// let kle = routing.kle.as_ref().ok_or("no kle")?;
    /// assert_eq!((kle.value.as_str(), kle.confidence), ("02.34.02", 1.0));
    /// assert_eq!(kle.reason, "MeMo KLEdata subjectKey");
    /// assert_eq!(routing.facet.as_ref().map(|f| f.value.as_str()), Some("G01"));
    /// # Ok(()) }
    /// # example().unwrap();
    /// ```
    pub fn deterministic(&self) -> Option<MemoRouting> {
        let (kle, facet) = self.kle_labels();
        let (case, case_system) = self.case_label();
        if kle.is_none() && facet.is_none() && case.is_none() {
            return None;
        }
        Some(MemoRouting {
            kle,
            facet,
            case,
            case_system,
        })
    }

    fn kle_labels(&self) -> (Option<MemoLabel>, Option<MemoLabel>) {
        let codes: Vec<&str> = self
            .content
            .kle
            .iter()
            .filter_map(|k| k.subject_key.as_deref().map(str::trim))
            .filter(|c| is_kle_code(c))
            .collect();
        let facets: Vec<String> = self
            .content
            .kle
            .iter()
            .filter_map(|k| k.activity_facet.as_deref().and_then(facet_code))
            .collect();
        let kle = unanimous(&codes).map(|c| MemoLabel::new(c, "MeMo KLEdata subjectKey"));
        let facet = unanimous(&facets).map(|f| MemoLabel::new(f, "MeMo KLEdata activityFacet"));
        (kle, facet)
    }

    fn case_label(&self) -> (Option<MemoLabel>, Option<String>) {
        let own_recipient = self.recipient.as_ref().and_then(|r| r.id.as_deref());
        let with_case = |r: &&ReplyData| r.case_id.is_some();
        let reply = self
            .replies
            .iter()
            .filter(with_case)
            .find(|r| own_recipient.is_some() && r.sender_id.as_deref() == own_recipient)
            .or_else(|| self.replies.iter().find(with_case));
        if let Some(case_id) = reply.and_then(|r| r.case_id.clone()) {
            return (Some(MemoLabel::new(case_id, "MeMo ReplyData caseID")), None);
        }
        match self.content.case_ids.iter().find(|c| c.case_id.is_some()) {
            Some(c) => (
                c.case_id
                    .clone()
                    .map(|id| MemoLabel::new(id, "MeMo ContentData CaseID")),
                c.case_system.clone(),
            ),
            None => (None, None),
        }
    }
}

/// The one value all entries agree on, or `None` when there is none or they disagree.
fn unanimous<T: AsRef<str>>(values: &[T]) -> Option<String> {
    let first = values.first()?.as_ref();
    values
        .iter()
        .all(|v| v.as_ref() == first)
        .then(|| first.to_string())
}

/// `NN`, `NN.NN` or `NN.NN.NN`.
fn is_kle_code(code: &str) -> bool {
    let groups: Vec<&str> = code.split('.').collect();
    (1..=3).contains(&groups.len())
        && groups
            .iter()
            .all(|g| g.len() == 2 && g.bytes().all(|b| b.is_ascii_digit()))
}

/// A handling facet, upper-cased: one letter (`A`–`Z`, `Æ`, `Ø`, `Å`) and two digits.
fn facet_code(raw: &str) -> Option<String> {
    let upper = raw.trim().to_uppercase();
    let mut chars = upper.chars();
    let letter = chars.next()?;
    let digits: String = chars.collect();
    let letter_ok = letter.is_ascii_uppercase() || matches!(letter, 'Æ' | 'Ø' | 'Å');
    (letter_ok && digits.len() == 2 && digits.bytes().all(|b| b.is_ascii_digit())).then_some(upper)
}

#[cfg(test)]
mod tests {
    use super::super::model::*;

    fn memo() -> Memo {
        Memo {
            version: MemoVersion::V1_2,
            message_type: MessageType::DigitalPost,
            uuid: "u".into(),
            message_id: None,
            message_code: None,
            label: None,
            notification: None,
            additional_notification: None,
            reply: None,
            reply_by: None,
            do_not_deliver_until: None,
            mandatory: None,
            legal_notification: None,
            post_type: None,
            sender: None,
            recipient: None,
            content: ContentData::default(),
            forward: None,
            replies: Vec::new(),
            created: None,
            documents: Vec::new(),
        }
    }

    fn kle(code: &str, facet: &str) -> KleData {
        KleData {
            subject_key: Some(code.into()),
            activity_facet: Some(facet.into()),
            ..KleData::default()
        }
    }

    #[test]
    fn nothing_filled_in_means_no_routing() {
        assert!(memo().deterministic().is_none());
    }

    #[test]
    fn kle_codes_and_facets_are_checked_for_form() {
        let table = [
            ("27.24.00", "g01", Some("27.24.00"), Some("G01")),
            ("27", "Ø34", Some("27"), Some("Ø34")),
            ("27.24", "ø34", Some("27.24"), Some("Ø34")),
            ("00.00.00", "[Tekst]", Some("00.00.00"), None),
            ("27.24.0", "G1", None, None),
            ("27-24-00", "GG1", None, None),
            ("27.24.00.00", "G012", None, None),
        ];
        for (code, facet, want_code, want_facet) in table {
            let mut m = memo();
            m.content.kle.push(kle(code, facet));
            let r = m.deterministic();
            let got_code = r
                .as_ref()
                .and_then(|r| r.kle.as_ref())
                .map(|l| l.value.as_str());
            let got_facet = r
                .as_ref()
                .and_then(|r| r.facet.as_ref())
                .map(|l| l.value.as_str());
            assert_eq!(
                (got_code, got_facet),
                (want_code, want_facet),
                "{code} {facet}"
            );
        }
    }

    #[test]
    fn contradicting_kle_data_gives_no_kle_label() {
        let mut m = memo();
        m.content.kle.push(kle("27.24.00", "G01"));
        m.content.kle.push(kle("27.24.00", "G01"));
        assert!(m.deterministic().and_then(|r| r.kle).is_some());
        m.content.kle.push(kle("02.34.02", "G01"));
        let r = m.deterministic().unwrap();
        assert!(r.kle.is_none());
        assert_eq!(r.facet.unwrap().value, "G01");
    }

    #[test]
    fn reply_case_beats_content_case_and_own_letters_come_first() {
        let mut m = memo();
        m.content.case_ids.push(CaseId {
            case_id: Some("THEIRS-1".into()),
            case_system: Some("Acadre".into()),
        });
        let r = m.deterministic().unwrap();
        assert_eq!(r.case.as_ref().unwrap().value, "THEIRS-1");
        assert_eq!(r.case.as_ref().unwrap().reason, "MeMo ContentData CaseID");
        assert_eq!(r.case_system.as_deref(), Some("Acadre"));
        assert_eq!(r.labels().map(|(h, _)| h).collect::<Vec<_>>(), ["case"]);

        m.recipient = Some(Party {
            id: Some("29189846".into()),
            ..Party::default()
        });
        m.replies.push(ReplyData {
            sender_id: Some("12345678".into()),
            case_id: Some("OTHER-2".into()),
            ..ReplyData::default()
        });
        m.replies.push(ReplyData {
            sender_id: Some("29189846".into()),
            case_id: Some("OURS-3".into()),
            ..ReplyData::default()
        });
        let r = m.deterministic().unwrap();
        let case = r.case.as_ref().unwrap();
        assert_eq!(
            (case.value.as_str(), case.reason),
            ("OURS-3", "MeMo ReplyData caseID")
        );
        assert_eq!(case.confidence, 1.0);
        assert_eq!(r.case_system, None);
        assert!(!format!("{r:?}").contains("OURS-3"));
    }
}
