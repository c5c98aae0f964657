//! The MeMo fields libsignatur keeps, as plain Rust types.
//!
//! Names follow the MeMo model (Digitaliseringsstyrelsen, "MeMo Modelbeskrivelse" 1.1 and
//! 1.2) in Rust spelling: `senderID` → `id`, `KLEdata` → [`KleData`], `ReplyData` →
//! [`ReplyData`]. Almost everything is optional, as it is in MeMo: a minimal message has a
//! type, a UUID, a label, a sender and a recipient, and little else.
//!
//! Most of these types hold personal data (names, CPR numbers, addresses, case numbers that
//! may be CPR numbers), so their `Debug` output is redacted; `Serialize` writes everything,
//! for a host that asked for it.

use std::fmt;

use serde::{Serialize, Serializer};

/// Writes `Debug` as the type name only, for types whose every field may be personal data.
macro_rules! redacted_debug {
    ($($t:ident),* $(,)?) => {$(
        impl fmt::Debug for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(concat!(stringify!($t), " { <redacted> }"))
            }
        }
    )*};
}

/// A parsed MeMo message: the header, the structured content data and what the body holds.
///
/// Kept on [`Message::memo`](crate::Message::memo) next to the channel-neutral fields, so
/// rules and the decision can use what the sender filled in (KLE, case, reply data) instead
/// of guessing it. [`Memo::deterministic`] turns those fields into a decision.
#[derive(Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Memo {
    /// The `memoVersion` attribute of the root element.
    pub version: MemoVersion,
    /// `messageType`: a Digital Post letter or a NemSMS.
    pub message_type: MessageType,
    /// `messageUUID`, the message's unique id (required by MeMo).
    pub uuid: String,
    /// `messageID`, the sender system's own id for the message.
    pub message_id: Option<String>,
    /// `messageCode`, a sender-defined code for the kind of message.
    pub message_code: Option<String>,
    /// `label`, the title the recipient sees: the subject.
    pub label: Option<String>,
    /// `notification`: the notice text (for a NemSMS, the SMS text itself).
    pub notification: Option<String>,
    /// `additionalNotification`.
    pub additional_notification: Option<String>,
    /// `reply`: whether the recipient may reply.
    pub reply: Option<bool>,
    /// `replyByDateTime`, as written (an `xs:dateTime`).
    pub reply_by: Option<String>,
    /// `doNotDeliverUntilDate`, as written.
    pub do_not_deliver_until: Option<String>,
    /// `mandatory`: obligatory Digital Post.
    pub mandatory: Option<bool>,
    /// `legalNotification`: the letter has legal effect on delivery.
    pub legal_notification: Option<bool>,
    /// `postType` (MeMo 1.1+), e.g. `MYNDIGHEDSPOST`, `VIRKSOMHEDSPOST`.
    pub post_type: Option<String>,
    /// `Sender`.
    pub sender: Option<Party>,
    /// `Recipient`.
    pub recipient: Option<Party>,
    /// `ContentData`: structured facts about what the message concerns.
    pub content: ContentData,
    /// `ForwardData`: present when the message was forwarded.
    pub forward: Option<ForwardData>,
    /// `ReplyData`, one per earlier message in the thread this one answers.
    pub replies: Vec<ReplyData>,
    /// `createdDateTime` of the body, as written.
    pub created: Option<String>,
    /// The body's documents: main, additional and technical, in document order.
    pub documents: Vec<Document>,
}

impl fmt::Debug for Memo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Redacted: kinds, counts and KLE codes (a public taxonomy), never ids or names.
        f.debug_struct("Memo")
            .field("version", &self.version)
            .field("message_type", &self.message_type)
            .field("sender", &self.sender)
            .field("recipient", &self.recipient)
            .field("kle", &self.content.kle)
            .field("case_ids", &self.content.case_ids.len())
            .field("replies", &self.replies.len())
            .field("forwarded", &self.forward.is_some())
            .field("documents", &self.documents)
            .finish_non_exhaustive()
    }
}

/// The MeMo format version a message declares.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum MemoVersion {
    /// 1.1 (2020): the version Digital Post launched with.
    V1_1,
    /// 1.2 (2024): adds `Representative`, drops `memoSchVersion`.
    V1_2,
    /// A version this library does not know; the message is read as 1.2, field by field.
    Other(String),
}

impl MemoVersion {
    /// Reads a `memoVersion` attribute value (`1.1`, `1.2`; `1.10` is read as 1.1).
    pub fn parse(value: &str) -> MemoVersion {
        match value.trim() {
            "1.1" | "1.10" => MemoVersion::V1_1,
            "1.2" | "1.20" => MemoVersion::V1_2,
            other => MemoVersion::Other(other.to_string()),
        }
    }

    /// The version as MeMo writes it.
    pub fn as_str(&self) -> &str {
        match self {
            MemoVersion::V1_1 => "1.1",
            MemoVersion::V1_2 => "1.2",
            MemoVersion::Other(s) => s,
        }
    }
}

impl Serialize for MemoVersion {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// `messageType`: what kind of Digital Post message this is.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum MessageType {
    /// `DIGITALPOST`: a letter with documents.
    DigitalPost,
    /// `NEMSMS`: a short text message with no body; its text is the `notification`.
    NemSms,
    /// Any other value, kept as written.
    Other(String),
}

impl MessageType {
    /// Reads a `messageType` value (case-insensitive).
    pub fn parse(value: &str) -> MessageType {
        let v = value.trim();
        if v.eq_ignore_ascii_case("DIGITALPOST") {
            MessageType::DigitalPost
        } else if v.eq_ignore_ascii_case("NEMSMS") {
            MessageType::NemSms
        } else {
            MessageType::Other(v.to_string())
        }
    }

    /// The type as MeMo writes it.
    pub fn as_str(&self) -> &str {
        match self {
            MessageType::DigitalPost => "DIGITALPOST",
            MessageType::NemSms => "NEMSMS",
            MessageType::Other(s) => s,
        }
    }
}

impl Serialize for MessageType {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// `idType`: what kind of identifier a sender's or recipient's id is.
///
/// Routing cares: mail from a CPR id is from a citizen, from a CVR id from a business, and
/// from a `MyndighedsID` from another authority.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum IdType {
    /// `MyndighedsID`: an authority's id in Digital Post.
    MyndighedsId,
    /// `CPR`: a person's CPR number.
    Cpr,
    /// `CVR`: a company's CVR number.
    Cvr,
    /// `Andet`: another kind, described by `idTypeLabel`.
    Andet,
    /// Any other value, kept as written.
    Other(String),
}

impl IdType {
    /// Reads an `idType` value (case-insensitive).
    pub fn parse(value: &str) -> IdType {
        let v = value.trim();
        if v.eq_ignore_ascii_case("MyndighedsID") {
            IdType::MyndighedsId
        } else if v.eq_ignore_ascii_case("CPR") {
            IdType::Cpr
        } else if v.eq_ignore_ascii_case("CVR") {
            IdType::Cvr
        } else if v.eq_ignore_ascii_case("Andet") {
            IdType::Andet
        } else {
            IdType::Other(v.to_string())
        }
    }

    /// The type as MeMo writes it.
    pub fn as_str(&self) -> &str {
        match self {
            IdType::MyndighedsId => "MyndighedsID",
            IdType::Cpr => "CPR",
            IdType::Cvr => "CVR",
            IdType::Andet => "Andet",
            IdType::Other(s) => s,
        }
    }
}

impl Serialize for IdType {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// A `Sender` or `Recipient`.
#[derive(Clone, PartialEq, Serialize, Default)]
#[non_exhaustive]
pub struct Party {
    /// `senderID` / `recipientID`: a CPR number, CVR number or authority id.
    pub id: Option<String>,
    /// `idType`.
    pub id_type: Option<IdType>,
    /// `idTypeLabel`: what an `Andet` id is.
    pub id_type_label: Option<String>,
    /// `label`: the name shown for the party.
    pub label: Option<String>,
    /// `AttentionData`: the person, unit or address within the party.
    pub attention: Option<AttentionData>,
    /// `ContactPoint`: the contact point (a unit's inbox) the message is for or from.
    pub contact_point: Option<ContactPoint>,
    /// `Representative` (MeMo 1.2): who sends on the party's behalf.
    pub representative: Option<Representative>,
}

impl fmt::Debug for Party {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Redacted: the kind of id only, never the id or name.
        f.debug_struct("Party")
            .field("id_type", &self.id_type)
            .finish_non_exhaustive()
    }
}

/// `Representative` (MeMo 1.2): a party acting on the sender's behalf.
#[derive(Clone, PartialEq, Serialize, Default)]
#[non_exhaustive]
pub struct Representative {
    /// `representativeID`.
    pub id: Option<String>,
    /// `idType`.
    pub id_type: Option<IdType>,
    /// `label`.
    pub label: Option<String>,
}

/// An identifier with the name MeMo gives next to it: an attention person (`personID`,
/// `label`), a production unit (P-number, name), a GLN (number, location), an SE number
/// (number, company name), an EID, a content-responsible unit, a generating system, a SOR
/// entry, an education (code, name).
///
/// One shape for these pairs keeps the API small; the field of [`AttentionData`] or
/// [`ContentData`] that holds it says which pair it is.
#[derive(Clone, PartialEq, Serialize, Default)]
#[non_exhaustive]
pub struct Identified {
    /// The identifier (`personID`, `productionUnitNumber`, `globalLocationNumber`, …).
    pub id: Option<String>,
    /// Its human-readable name (`label`, `productionUnitName`, `location`, …).
    pub label: Option<String>,
}

/// An e-mail address or telephone number with the person it belongs to.
#[derive(Clone, PartialEq, Serialize, Default)]
#[non_exhaustive]
pub struct ContactDetail {
    /// `emailAddress` / `telephoneNumber`.
    pub value: Option<String>,
    /// `relatedAgent`: whose address or number it is.
    pub related_agent: Option<String>,
}

/// `AttentionData`: who or what within the party the message is for.
#[derive(Clone, PartialEq, Serialize, Default)]
#[non_exhaustive]
pub struct AttentionData {
    /// `AttentionPerson`: `personID` and `label` (name).
    pub person: Option<Identified>,
    /// `ProductionUnit`: P-number and unit name.
    pub production_unit: Option<Identified>,
    /// `GlobalLocationNumber`: GLN and location.
    pub global_location_number: Option<Identified>,
    /// `EMail`.
    pub email: Option<ContactDetail>,
    /// `SEnumber`: SE number and company name.
    pub se_number: Option<Identified>,
    /// `Telephone`.
    pub telephone: Option<ContactDetail>,
    /// `EID`: an electronic id and its label.
    pub eid: Option<Identified>,
    /// `ContentResponsible`: the unit responsible for the content.
    pub content_responsible: Option<Identified>,
    /// `GeneratingSystem`: the system that produced the message.
    pub generating_system: Option<Identified>,
    /// `SORdata`: a health-care organisation in the SOR register (identifier, entry name).
    pub sor: Option<Identified>,
    /// `Address`.
    pub address: Option<PostalAddress>,
    /// `UnstructuredAddress`: an address as one line.
    pub unstructured_address: Option<String>,
}

/// A Danish address (`grd:Address`).
#[derive(Clone, PartialEq, Serialize, Default)]
#[non_exhaustive]
pub struct PostalAddress {
    /// `id`: the address's id in DAR (a UUID).
    pub id: Option<String>,
    /// `addressLabel`: the street name.
    pub street: Option<String>,
    /// `houseNumber`.
    pub house_number: Option<String>,
    /// `floor`.
    pub floor: Option<String>,
    /// `door`.
    pub door: Option<String>,
    /// `co`: care-of.
    pub co: Option<String>,
    /// `zipCode`.
    pub zip_code: Option<String>,
    /// `city`.
    pub city: Option<String>,
    /// `country`.
    pub country: Option<String>,
}

impl PostalAddress {
    /// The address as the lines of an envelope (`Gaden 7A, 3. th`, `C/O`, `9000 Aalborg`,
    /// `DK`), leaving out what is missing: what a clerk reads and rules match on.
    pub fn lines(&self) -> Vec<String> {
        let join = |parts: &[&Option<String>], sep: &str| {
            let parts: Vec<&str> = parts.iter().filter_map(|p| p.as_deref()).collect();
            (!parts.is_empty()).then(|| parts.join(sep))
        };
        let street = join(&[&self.street, &self.house_number], " ");
        let floor = self.floor.as_ref().map(|f| format!("{f}."));
        let floor_door = join(&[&floor, &self.door], " ");
        [
            join(&[&street, &floor_door], ", "),
            self.co.clone(),
            join(&[&self.zip_code, &self.city], " "),
            self.country.clone(),
        ]
        .into_iter()
        .flatten()
        .collect()
    }
}

/// `ContactPoint`: a unit's contact point in Digital Post, with extra labelled values.
#[derive(Clone, PartialEq, Serialize, Default)]
#[non_exhaustive]
pub struct ContactPoint {
    /// `contactGroup`.
    pub contact_group: Option<String>,
    /// `contactPointID`.
    pub id: Option<String>,
    /// `label`.
    pub label: Option<String>,
    /// `ContactInfo` entries (label and value).
    pub info: Vec<LabelValue>,
}

/// A label with a value (`ContactInfo`, `AdditionalReplyData`).
#[derive(Clone, PartialEq, Serialize, Default)]
#[non_exhaustive]
pub struct LabelValue {
    /// `label`.
    pub label: Option<String>,
    /// `value`.
    pub value: Option<String>,
}

/// `ContentData`: what the message concerns, in structured form.
#[derive(Clone, PartialEq, Serialize, Default)]
#[non_exhaustive]
pub struct ContentData {
    /// `CPRdata`: the person the message concerns.
    pub cpr: Option<CprData>,
    /// `CVRdata`: the company the message concerns.
    pub cvr: Option<CvrData>,
    /// `MotorVehicle`.
    pub motor_vehicle: Option<MotorVehicle>,
    /// `PropertyNumber`: a property's number (ejendomsnummer).
    pub property_number: Option<String>,
    /// `CaseID`: the sender's case(s).
    pub case_ids: Vec<CaseId>,
    /// `KLEdata`: the KLE emne and facet the sender journaled the message under.
    pub kle: Vec<KleData>,
    /// `FORMdata`: the FORM task key (the state's task classification).
    pub form: Vec<FormData>,
    /// `ProductionUnit`: P-number and name.
    pub production_unit: Option<Identified>,
    /// `Education`: education code and name.
    pub education: Option<Identified>,
    /// `Address`.
    pub address: Option<PostalAddress>,
    /// `UnstructuredAddress`.
    pub unstructured_address: Option<String>,
    /// `AdditionalContentData`: sender-defined name/value pairs.
    pub additional: Vec<AdditionalContentData>,
}

/// `CPRdata`.
#[derive(Clone, PartialEq, Serialize, Default)]
#[non_exhaustive]
pub struct CprData {
    /// `cprNumber`.
    pub cpr: Option<String>,
    /// `name`.
    pub name: Option<String>,
}

/// `CVRdata`.
#[derive(Clone, PartialEq, Serialize, Default)]
#[non_exhaustive]
pub struct CvrData {
    /// `cvrNumber`.
    pub cvr: Option<String>,
    /// `companyName`.
    pub company_name: Option<String>,
}

/// `MotorVehicle`.
#[derive(Clone, PartialEq, Serialize, Default)]
#[non_exhaustive]
pub struct MotorVehicle {
    /// `licenseNumber`: the registration plate.
    pub license_number: Option<String>,
    /// `chassisNumber`: the VIN.
    pub chassis_number: Option<String>,
}

/// `CaseID`: a case in the sender's records system.
#[derive(Clone, PartialEq, Serialize, Default)]
#[non_exhaustive]
pub struct CaseId {
    /// `caseID`.
    pub case_id: Option<String>,
    /// `caseSystem`: which records system the id belongs to.
    pub case_system: Option<String>,
}

/// `KLEdata`: a KLE classification the sender filled in.
///
/// Not personal data (KLE is a public taxonomy), so `Debug` shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
#[non_exhaustive]
pub struct KleData {
    /// `subjectKey`: the KLE emne, e.g. `27.24.00`.
    pub subject_key: Option<String>,
    /// `version`: which KLE edition.
    pub version: Option<String>,
    /// `activityFacet`: the handling facet, e.g. `G01`.
    pub activity_facet: Option<String>,
    /// `label`: the emne's title.
    pub label: Option<String>,
}

/// `FORMdata`: a FORM task classification the sender filled in.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
#[non_exhaustive]
pub struct FormData {
    /// `taskKey`: the FORM task key, e.g. `00.00.00.00`.
    pub task_key: Option<String>,
    /// `version`: which FORM edition.
    pub version: Option<String>,
    /// `activityFacet`.
    pub activity_facet: Option<String>,
    /// `label`.
    pub label: Option<String>,
}

/// `AdditionalContentData`: a sender-defined fact.
#[derive(Clone, PartialEq, Serialize, Default)]
#[non_exhaustive]
pub struct AdditionalContentData {
    /// `contentDataType`.
    pub data_type: Option<String>,
    /// `contentDataName`.
    pub name: Option<String>,
    /// `contentDataValue`.
    pub value: Option<String>,
}

/// `ForwardData`: where a forwarded message came from.
#[derive(Clone, PartialEq, Serialize, Default)]
#[non_exhaustive]
pub struct ForwardData {
    /// `messageUUID` of the original message.
    pub message_uuid: Option<String>,
    /// `originalMessageDateTime` (MeMo 1.1+), as written.
    pub original_message_date_time: Option<String>,
    /// `originalSender`.
    pub original_sender: Option<String>,
    /// `originalContentResponsible`.
    pub original_content_responsible: Option<String>,
    /// `originalRepresentative` (MeMo 1.2).
    pub original_representative: Option<String>,
    /// `contactPointID`.
    pub contact_point_id: Option<String>,
    /// `comment`.
    pub comment: Option<String>,
}

/// `ReplyData`: an earlier message of the thread this message belongs to.
///
/// When a citizen answers a municipality's letter, the answer carries the letter's
/// `ReplyData`, including the municipality's own `caseID`: the surest case match there is.
#[derive(Clone, PartialEq, Serialize, Default)]
#[non_exhaustive]
pub struct ReplyData {
    /// `messageID` of that message.
    pub message_id: Option<String>,
    /// `messageUUID` of that message.
    pub message_uuid: Option<String>,
    /// `replyUUID`: the message that message replied to.
    pub reply_uuid: Option<String>,
    /// `senderID` of that message.
    pub sender_id: Option<String>,
    /// `recipientID` of that message.
    pub recipient_id: Option<String>,
    /// `caseID`: the case that message was journaled on.
    pub case_id: Option<String>,
    /// `contactPointID`.
    pub contact_point_id: Option<String>,
    /// `generatingSystemID`.
    pub generating_system_id: Option<String>,
    /// `comment`.
    pub comment: Option<String>,
    /// `AdditionalReplyData` entries.
    pub additional: Vec<LabelValue>,
}

/// Which part of the body a document is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum DocumentKind {
    /// `MainDocument`: the letter itself.
    Main,
    /// `AdditionalDocument`: an enclosure.
    Additional,
    /// `TechnicalDocument`: machine-readable data for systems, not for people.
    Technical,
}

/// A document of the body, without its bytes.
#[derive(Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Document {
    /// Main, additional or technical.
    pub kind: DocumentKind,
    /// `mainDocumentID` / `additionalDocumentID` / `technicalDocumentID`.
    pub id: Option<String>,
    /// `label`: the document's title.
    pub label: Option<String>,
    /// Its `File`s.
    pub files: Vec<FileInfo>,
    /// Its `Action`s (not on technical documents).
    pub actions: Vec<Action>,
}

impl fmt::Debug for Document {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Redacted: the label may name a person.
        f.debug_struct("Document")
            .field("kind", &self.kind)
            .field("files", &self.files)
            .field("actions", &self.actions.len())
            .finish_non_exhaustive()
    }
}

/// A `File` of a document, described; its text (for text-like files) is on the
/// [`Attachment`](crate::Attachment) or [`Body`](crate::Body) of the message.
#[derive(Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct FileInfo {
    /// `encodingFormat`: the media type, lowercased (`application/pdf`).
    pub media_type: String,
    /// `filename`.
    pub filename: Option<String>,
    /// `language`, e.g. `da`.
    pub language: Option<String>,
    /// The size of the base64-decoded content in bytes.
    pub size: u64,
}

impl fmt::Debug for FileInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Redacted: a file name may name a person.
        f.debug_struct("FileInfo")
            .field("media_type", &self.media_type)
            .field("size", &self.size)
            .finish_non_exhaustive()
    }
}

/// An `Action`: something the recipient is asked to do (pay, sign, book, answer by a date).
#[derive(Clone, PartialEq, Serialize, Default)]
#[non_exhaustive]
pub struct Action {
    /// `label`.
    pub label: Option<String>,
    /// `actionCode`: `AFTALE`, `BETALING`, `SELVBETJENING`, `INFORMATION`, `UNDERSKRIV`,
    /// `BEKRAEFT`, `FORBEREDELSE`, `TILMELDING`.
    pub action_code: Option<String>,
    /// `startDateTime`, as written.
    pub start: Option<String>,
    /// `endDateTime`, as written: often a deadline.
    pub end: Option<String>,
    /// `EntryPoint/url`.
    pub url: Option<String>,
}

redacted_debug!(
    Representative,
    Identified,
    ContactDetail,
    AttentionData,
    PostalAddress,
    ContactPoint,
    LabelValue,
    ContentData,
    CprData,
    CvrData,
    MotorVehicle,
    CaseId,
    AdditionalContentData,
    ForwardData,
    ReplyData,
    Action,
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enums_read_memo_spellings_and_keep_unknown_values() {
        assert_eq!(MemoVersion::parse(" 1.1 "), MemoVersion::V1_1);
        assert_eq!(MemoVersion::parse("1.2"), MemoVersion::V1_2);
        assert_eq!(MemoVersion::parse("1.3").as_str(), "1.3");
        assert_eq!(MessageType::parse("nemsms"), MessageType::NemSms);
        assert_eq!(MessageType::parse("FOO").as_str(), "FOO");
        assert_eq!(IdType::parse("MyndighedsID"), IdType::MyndighedsId);
        assert_eq!(IdType::parse("cpr"), IdType::Cpr);
        assert_eq!(IdType::parse("Andet").as_str(), "Andet");
        assert_eq!(IdType::parse("GLN"), IdType::Other("GLN".into()));
        assert_eq!(serde_json::to_string(&IdType::Cvr).unwrap(), "\"CVR\"");
    }

    #[test]
    fn address_lines_skip_missing_parts() {
        let full = PostalAddress {
            street: Some("Gaden".into()),
            house_number: Some("7A".into()),
            floor: Some("3".into()),
            door: Some("th".into()),
            co: Some("C/O Hansen".into()),
            zip_code: Some("9000".into()),
            city: Some("Aalborg".into()),
            country: Some("DK".into()),
            ..PostalAddress::default()
        };
        assert_eq!(
            full.lines(),
            ["Gaden 7A, 3. th", "C/O Hansen", "9000 Aalborg", "DK"]
        );
        let door_only = PostalAddress {
            street: Some("Vej".into()),
            door: Some("tv".into()),
            city: Some("Viborg".into()),
            ..PostalAddress::default()
        };
        assert_eq!(door_only.lines(), ["Vej, tv", "Viborg"]);
        assert!(PostalAddress::default().lines().is_empty());
    }

    #[test]
    fn debug_of_personal_types_is_redacted() {
        let party = Party {
            id: Some("2211771212".into()),
            id_type: Some(IdType::Cpr),
            label: Some("Mette Hansen".into()),
            ..Party::default()
        };
        let cpr = CprData {
            cpr: Some("2512169996".into()),
            name: Some("Emilie".into()),
        };
        let shown = format!("{party:?} {cpr:?}");
        assert!(
            !shown.contains("2211771212") && !shown.contains("Mette"),
            "{shown}"
        );
        assert!(
            !shown.contains("2512169996") && !shown.contains("Emilie"),
            "{shown}"
        );
        assert!(shown.contains("Cpr"), "{shown}");
    }
}
