//! Digital Post (MeMo) ingestion: the four public MeMo 1.2 examples in the shared data, our
//! own fixtures (1.1, unusual prefixes, KLE and case data, a reply, broken files) and limits.

mod common;

use signatur::ingest::memo::{DocumentKind, IdType, Memo, MemoVersion, MessageType};
use signatur::ingest::Limits;
use signatur::{Channel, ErrorKind, Extraction, Message};

fn shared(name: &str) -> Option<Vec<u8>> {
    let path = common::shared_data("memo")?.join(name);
    Some(std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display())))
}

fn fixture(name: &str) -> Vec<u8> {
    let path = common::fixture(&format!("memo/{name}"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn memo(msg: &Message) -> &Memo {
    msg.memo
        .as_ref()
        .expect("a MeMo message keeps its MeMo fields")
}

fn names(msg: &Message) -> Vec<&str> {
    msg.attachments
        .iter()
        .map(|a| a.name.as_deref().unwrap_or("?"))
        .collect()
}

#[test]
fn full_example_header_parties_and_content_data() {
    let Some(xml) = shared("MeMo_Full_Example.xml") else {
        return;
    };
    let msg = Message::from_memo(&xml).unwrap();
    assert_eq!(msg.channel, Channel::DigitalPost);
    assert_eq!(msg.subject, "Besked fra Børneforvaltningen");
    assert_eq!(
        msg.message_id.as_deref(),
        Some("8C2EA15D-61FB-4BA9-9366-42F8B194C114")
    );
    assert_eq!(msg.date.as_deref(), Some("2018-05-03T12:00:00Z"));
    assert_eq!(msg.timestamp, Some(1_525_348_800));
    let sender = msg.sender.as_ref().unwrap();
    assert_eq!(
        (sender.address.as_str(), sender.name.as_deref()),
        ("12345678", Some("Kommunen"))
    );
    assert_eq!(msg.to.len(), 1);
    assert_eq!(msg.to[0].address, "2211771212");
    assert_eq!(msg.to[0].name.as_deref(), Some("Mette Hansen"));

    let m = memo(&msg);
    assert_eq!(m.version, MemoVersion::V1_2);
    assert_eq!(m.message_type, MessageType::DigitalPost);
    assert_eq!(m.message_id.as_deref(), Some("MSG-12345"));
    assert_eq!(m.message_code.as_deref(), Some("Pladsanvisning"));
    assert!(m
        .notification
        .as_deref()
        .unwrap()
        .contains("børnehaveplads."));
    assert!(m
        .additional_notification
        .as_deref()
        .unwrap()
        .ends_with("Emilie Hansen"));
    assert_eq!(m.reply, Some(true));
    assert_eq!(m.reply_by.as_deref(), Some("2025-09-30T12:00:00Z"));
    assert_eq!(m.do_not_deliver_until.as_deref(), Some("2025-09-15"));
    assert_eq!(
        (m.mandatory, m.legal_notification),
        (Some(true), Some(false))
    );
    assert_eq!(m.post_type.as_deref(), Some("MYNDIGHEDSPOST"));

    let s = m.sender.as_ref().unwrap();
    assert_eq!(s.id.as_deref(), Some("12345678"));
    assert_eq!(s.id_type, Some(IdType::Cvr));
    let att = s.attention.as_ref().unwrap();
    let person = att.person.as_ref().unwrap();
    assert_eq!(person.id.as_deref(), Some("9000001234"));
    assert_eq!(person.label.as_deref(), Some("Hans Hansen"));
    assert_eq!(
        att.production_unit.as_ref().unwrap().id.as_deref(),
        Some("1234567890")
    );
    assert_eq!(
        att.global_location_number.as_ref().unwrap().id.as_deref(),
        Some("5798000012345")
    );
    assert_eq!(
        att.email.as_ref().unwrap().value.as_deref(),
        Some("info@tusindfryd.dk")
    );
    assert_eq!(
        att.telephone.as_ref().unwrap().value.as_deref(),
        Some("12345678")
    );
    assert_eq!(
        att.se_number.as_ref().unwrap().label.as_deref(),
        Some("Kommune A")
    );
    assert_eq!(
        att.eid.as_ref().unwrap().id.as_deref(),
        Some("CVR:12345678-RID:1234567890123")
    );
    assert_eq!(
        att.content_responsible.as_ref().unwrap().label.as_deref(),
        Some("Børnehaven, Tusindfryd")
    );
    assert_eq!(
        att.generating_system.as_ref().unwrap().id.as_deref(),
        Some("Sys-1234")
    );
    assert_eq!(
        att.sor.as_ref().unwrap().id.as_deref(),
        Some("468031000016004")
    );
    assert_eq!(
        att.address.as_ref().unwrap().lines(),
        ["Gaden 7A, 3. th", "C/O", "9000 Aalborg", "DK"]
    );
    assert_eq!(
        att.unstructured_address.as_deref(),
        Some("Bakketoppen 6, 9000 Aalborg")
    );
    let cp = s.contact_point.as_ref().unwrap();
    assert_eq!(
        cp.id.as_deref(),
        Some("241d39f6-998e-4929-b198-ccacbbf4b330")
    );
    assert_eq!(cp.label.as_deref(), Some("Kommunen, Pladsanvisningen"));
    assert_eq!(cp.info.len(), 2);
    assert_eq!(cp.info[1].value.as_deref(), Some("Emilie Hansen"));
    let rep = s.representative.as_ref().unwrap();
    assert_eq!(
        (rep.id.as_deref(), rep.id_type.clone()),
        (Some("87654321"), Some(IdType::Cvr))
    );

    let r = m.recipient.as_ref().unwrap();
    assert_eq!(r.id_type, Some(IdType::Cpr));
    assert_eq!(r.label.as_deref(), Some("Mette Hansen"));
    assert!(r.representative.is_none());

    let c = &m.content;
    let cpr = c.cpr.as_ref().unwrap();
    assert_eq!(
        (cpr.cpr.as_deref(), cpr.name.as_deref()),
        (Some("2512169996"), Some("Emilie Hansen"))
    );
    assert_eq!(c.cvr.as_ref().unwrap().cvr.as_deref(), Some("12345678"));
    assert_eq!(
        c.motor_vehicle.as_ref().unwrap().license_number.as_deref(),
        Some("AB12345")
    );
    assert_eq!(c.property_number.as_deref(), Some("ABC1234"));
    assert_eq!(c.case_ids.len(), 1);
    assert_eq!(c.case_ids[0].case_id.as_deref(), Some("SAG-12345"));
    assert_eq!(
        c.case_ids[0].case_system.as_deref(),
        Some("Sagssystem 1234")
    );
    assert_eq!(c.kle.len(), 1);
    assert_eq!(c.kle[0].subject_key.as_deref(), Some("00.00.00"));
    assert_eq!(c.kle[0].version.as_deref(), Some("Maj 2018"));
    assert_eq!(c.kle[0].activity_facet.as_deref(), Some("[Tekst]"));
    assert_eq!(c.kle[0].label.as_deref(), Some("[KLE tekst]"));
    assert_eq!(c.form[0].task_key.as_deref(), Some("00.00.00.00"));
    assert_eq!(c.form[0].version.as_deref(), Some("Opgavenøglen v2.12"));
    assert_eq!(
        c.production_unit.as_ref().unwrap().label.as_deref(),
        Some("[Produktionsenhed]")
    );
    assert_eq!(c.education.as_ref().unwrap().id.as_deref(), Some("123ABC"));
    assert_eq!(c.additional.len(), 2);
    assert_eq!(c.additional[1].name.as_deref(), Some("Navn 2"));
    assert_eq!(c.additional[1].value.as_deref(), Some("Værdi 2"));

    let f = m.forward.as_ref().unwrap();
    assert_eq!(
        f.original_message_date_time.as_deref(),
        Some("2021-03-15T12:00:00Z")
    );
    assert_eq!(
        f.original_representative.as_deref(),
        Some("Repræsentant Kommune")
    );
    assert_eq!(f.comment.as_deref(), Some("kommentar til modtageren"));

    assert_eq!(m.replies.len(), 2);
    assert_eq!(m.replies[0].case_id.as_deref(), Some("SAG-456"));
    assert_eq!(m.replies[0].additional.len(), 2);
    assert_eq!(
        m.replies[1].reply_uuid.as_deref(),
        Some("8C2EA15D-61FB-4BA9-9366-42F8B194C114")
    );
    assert_eq!(m.replies[1].additional[3].label.as_deref(), Some("Att"));
    // The first ReplyData names this very message; only the other one is a thread reference.
    assert_eq!(msg.in_reply_to, ["8C2EA15D-61FB-4BA9-9366-42F8B194C657"]);
    assert_eq!(msg.references, ["8C2EA15D-61FB-4BA9-9366-42F8B194C657"]);
}

#[test]
fn full_example_body_documents_and_attachments() {
    let Some(xml) = shared("MeMo_Full_Example.xml") else {
        return;
    };
    let msg = Message::from_memo(&xml).unwrap();
    // The main document has a PDF and a text rendering; the text one is the body.
    assert_eq!(msg.body.text, "This is a test");
    assert_eq!(msg.body.new_text, "This is a test");
    assert_eq!(msg.body.source, signatur::BodySource::Memo);
    assert_eq!(
        names(&msg),
        [
            "Pladsanvisning.pdf",
            "Pladsanvisning.pdf",
            "Praktiske oplysninger.doc",
            "vejledning.pdf",
            "TekniskDokument.xml"
        ]
    );
    let types: Vec<&str> = msg
        .attachments
        .iter()
        .map(|a| a.media_type.as_str())
        .collect();
    assert_eq!(
        types,
        [
            "application/pdf",
            "application/pdf",
            "application/msword",
            "application/pdf",
            "text/xml"
        ]
    );
    assert!(msg.attachments.iter().all(|a| a.size == 14));
    // "This is a test" is no PDF: the PDFs are unreadable; a binary Word file is not read.
    for a in &msg.attachments[..4] {
        assert_eq!(a.text, None);
        if a.media_type == "application/pdf" {
            assert!(matches!(a.extraction, Extraction::Unreadable { .. }));
        } else {
            assert_eq!(a.extraction, Extraction::NotText);
        }
    }
    let xml_doc = &msg.attachments[4];
    assert_eq!(xml_doc.text.as_deref(), Some("This is a test"));
    assert_eq!(xml_doc.extraction, Extraction::Extracted);
    assert!(!msg.is_truncated());

    let m = memo(&msg);
    let kinds: Vec<DocumentKind> = m.documents.iter().map(|d| d.kind).collect();
    use DocumentKind::*;
    assert_eq!(kinds, [Main, Additional, Additional, Technical]);
    assert_eq!(m.created.as_deref(), Some("2018-05-03T12:00:00Z"));
    let main = &m.documents[0];
    assert_eq!(main.id.as_deref(), Some("456"));
    assert_eq!(main.label.as_deref(), Some("Tilbud om børnehaveplads"));
    assert_eq!(main.files.len(), 2);
    assert_eq!(
        main.files[1].filename.as_deref(),
        Some("Pladsanvisning.txt")
    );
    assert_eq!(main.files[1].language.as_deref(), Some("da"));
    assert_eq!(main.actions.len(), 2);
    assert_eq!(
        main.actions[0].action_code.as_deref(),
        Some("SELVBETJENING")
    );
    assert_eq!(
        main.actions[0].url.as_deref(),
        Some("https://www.tusindfryd.dk/spørgeskema.html")
    );
    assert_eq!(main.actions[1].end.as_deref(), Some("2018-11-09T12:00:00Z"));
    let vejledning = &m.documents[2];
    assert_eq!(vejledning.id.as_deref(), Some("678"));
    assert!(vejledning.actions[0]
        .url
        .as_deref()
        .unwrap()
        .ends_with("5798009811578&keytype=GLN"));
    assert_eq!(m.documents[3].id.as_deref(), Some("222555"));
}

#[test]
fn full_example_deterministic_routing() {
    let Some(xml) = shared("MeMo_Full_Example.xml") else {
        return;
    };
    let msg = Message::from_memo(&xml).unwrap();
    let r = memo(&msg)
        .deterministic()
        .expect("KLEdata and case ids are filled in");
    let kle = r.kle.as_ref().unwrap();
    assert_eq!(
        (kle.value.as_str(), kle.confidence, kle.reason),
        ("00.00.00", 1.0, "MeMo KLEdata subjectKey")
    );
    // `[Tekst]` is a placeholder, not a facet.
    assert!(r.facet.is_none());
    // ReplyData's case (the case of the message answered) wins over the sender's CaseID;
    // neither ReplyData was sent by this recipient, so the first with a case is taken.
    let case = r.case.as_ref().unwrap();
    assert_eq!(
        (case.value.as_str(), case.reason),
        ("SAG-456", "MeMo ReplyData caseID")
    );
    let heads: Vec<&str> = r.labels().map(|(h, _)| h).collect();
    assert_eq!(heads, ["kle", "case"]);
}

#[test]
fn minimum_example_has_no_text_and_no_routing() {
    let Some(xml) = shared("MeMo_Minimum_Example.xml") else {
        return;
    };
    let msg = Message::from_memo(&xml).unwrap();
    assert_eq!(msg.subject, "Pladsanvisning");
    let sender = msg.sender.as_ref().unwrap();
    assert_eq!(
        (sender.address.as_str(), sender.name.as_deref()),
        ("12345678", Some("Kommunen"))
    );
    assert_eq!(
        (msg.to[0].address.as_str(), msg.to[0].name.as_deref()),
        ("2211771212", None)
    );
    assert_eq!(msg.date.as_deref(), Some("2024-05-03T12:00:00Z"));
    // A PDF-only letter without a notification: no readable body.
    assert_eq!(msg.body.text, "");
    assert_eq!(msg.body.source, signatur::BodySource::None);
    assert_eq!(names(&msg), ["Pladsanvisning.pdf"]);
    // Its content is a stand-in, not a PDF.
    assert!(matches!(
        msg.attachments[0].extraction,
        Extraction::Unreadable { .. }
    ));
    let m = memo(&msg);
    assert_eq!(m.sender.as_ref().unwrap().id_type, Some(IdType::Cvr));
    assert_eq!(m.recipient.as_ref().unwrap().id_type, Some(IdType::Cpr));
    assert_eq!((m.reply, m.mandatory), (None, None));
    assert!(m.deterministic().is_none());
}

#[test]
fn nemsms_body_is_the_notification() {
    let Some(xml) = shared("MeMo_NemSMS.xml") else {
        return;
    };
    let msg = Message::from_memo(&xml).unwrap();
    let m = memo(&msg);
    assert_eq!(m.message_type, MessageType::NemSms);
    assert_eq!(m.uuid, "fcdcf318-59b6-427c-9879-4f0af833d593");
    assert_eq!(msg.subject, "Label Text");
    assert_eq!(msg.body.text, "Message Text");
    assert_eq!(msg.body.source, signatur::BodySource::Memo);
    assert_eq!(msg.sender.as_ref().unwrap().address, "Sender ID");
    assert_eq!(msg.to[0].name.as_deref(), Some("Recipient Label"));
    assert!(msg.attachments.is_empty() && m.documents.is_empty());
    assert_eq!((msg.date.as_deref(), msg.timestamp), (None, None));
}

#[test]
fn attachment_example_first_text_file_is_body_second_is_attachment() {
    let Some(xml) = shared("MeMo_with_attachment.xml") else {
        return;
    };
    let msg = Message::from_memo(&xml).unwrap();
    assert_eq!(msg.subject, "Label Text");
    assert_eq!(msg.body.text, "File content 1");
    assert_eq!(names(&msg), ["File2.txt"]);
    let a = &msg.attachments[0];
    assert_eq!((a.media_type.as_str(), a.size), ("text/plain", 14));
    assert_eq!(a.text.as_deref(), Some("File content 2"));
    assert_eq!(a.extraction, Extraction::Extracted);
    assert_eq!(msg.timestamp, Some(946_684_800));
    assert_eq!(memo(&msg).documents[0].files.len(), 2);
}

#[test]
fn memo_1_1_with_default_namespace_html_body_and_latin1_attachment() {
    let msg = Message::from_memo(&fixture("v1_1_html_body.xml")).unwrap();
    let m = memo(&msg);
    assert_eq!(m.version, MemoVersion::V1_1);
    assert_eq!(msg.subject, "Ansøgning om tilskud til høreapparat");
    assert_eq!(m.sender.as_ref().unwrap().id_type, Some(IdType::Cpr));
    let recipient = m.recipient.as_ref().unwrap();
    assert_eq!(
        recipient.contact_point.as_ref().unwrap().label.as_deref(),
        Some("Hjælpemidler")
    );
    assert_eq!(m.post_type.as_deref(), Some("MYNDIGHEDSPOST"));
    // HTML converted to text: markup, style and head gone, entities decoded.
    let body = &msg.body.text;
    assert!(body.contains("tilskud til høreapparat & briller"), "{body}");
    assert!(
        body.contains("Høreapparat") && body.contains("Anna Testesen"),
        "{body}"
    );
    assert!(
        !body.contains('<') && !body.contains("color") && !body.contains("Henvendelse"),
        "{body}"
    );
    assert_eq!(names(&msg), ["udgifter.txt", "kvittering.pdf"]);
    assert_eq!(
        msg.attachments[0].text.as_deref(),
        Some("Bilag: udgifter på 4.500 kr. til høreapparat, købt i Århus.")
    );
    assert!(matches!(
        msg.attachments[1].extraction,
        Extraction::Unreadable { .. }
    ));
    assert_eq!(msg.date.as_deref(), Some("2021-03-16T09:30:00+01:00"));
    assert_eq!(msg.timestamp, Some(1_615_883_400));
    let f = m.forward.as_ref().unwrap();
    assert_eq!(f.comment.as_deref(), Some("Videresendt fra Borgerservice"));
    assert!(m.deterministic().is_none());
}

#[test]
fn kle_and_case_with_unusual_prefixes() {
    let msg = Message::from_memo(&fixture("kle_and_case.xml")).unwrap();
    let m = memo(&msg);
    assert_eq!(msg.subject, "Reviderede tegninger, Skovvej 12");
    assert_eq!(
        msg.sender.as_ref().unwrap().name.as_deref(),
        Some("Byg & Bo ApS")
    );
    assert_eq!(
        (m.reply, m.mandatory, m.legal_notification),
        (Some(true), Some(false), Some(true))
    );
    let s = m.sender.as_ref().unwrap();
    let att = s.attention.as_ref().unwrap();
    assert_eq!(
        att.production_unit.as_ref().unwrap().id.as_deref(),
        Some("1003456789")
    );
    assert_eq!(att.telephone.as_ref().unwrap().related_agent, None);
    assert_eq!(
        att.address.as_ref().unwrap().lines(),
        ["Industrivej 4", "8800 Viborg", "DK"]
    );
    assert_eq!(
        s.representative.as_ref().unwrap().label.as_deref(),
        Some("Rådgiver A/S")
    );
    assert_eq!(m.content.form[0].task_key.as_deref(), Some("22.05.10.00"));
    assert_eq!(m.content.property_number.as_deref(), Some("791-123456"));
    assert!(msg.body.text.contains("rettet tegningerne"));
    // The body is split as an e-mail's is: the sign-off is the signature, not new text.
    assert_eq!(msg.body.signature, "Venlig hilsen\nByg & Bo ApS");
    assert!(msg.body.new_text.ends_with("som aftalt."));
    assert_eq!(names(&msg), ["tegninger.pdf"]);
    let action = &m.documents[0].actions[0];
    assert_eq!(
        action.url.as_deref(),
        Some("https://example.dk/byggesag?id=1&v=2")
    );

    let r = m.deterministic().unwrap();
    assert_eq!(r.kle.as_ref().map(|l| l.value.as_str()), Some("02.34.02"));
    let facet = r.facet.as_ref().unwrap();
    assert_eq!(
        (facet.value.as_str(), facet.reason),
        ("G01", "MeMo KLEdata activityFacet")
    );
    let case = r.case.as_ref().unwrap();
    assert_eq!(
        (case.value.as_str(), case.reason),
        ("02.34.02-G01-118-24", "MeMo ContentData CaseID")
    );
    assert_eq!(r.case_system.as_deref(), Some("SBSYS"));
    assert!(r.labels().all(|(_, l)| l.confidence == 1.0));
}

#[test]
fn reply_names_the_municipalitys_case_and_thread() {
    let msg = Message::from_memo(&fixture("reply_with_case.xml")).unwrap();
    assert_eq!(msg.subject, "SV: Tilbud om børnehaveplads");
    assert_eq!(
        msg.body.text,
        "Jeg accepterer tilbuddet om plads i børnehaven."
    );
    assert_eq!(msg.in_reply_to, ["0a9b8c7d-6e5f-4a3b-8c1d-0e9f8a7b6c5d"]);
    assert_eq!(msg.references, ["0a9b8c7d-6e5f-4a3b-8c1d-0e9f8a7b6c5d"]);
    let jpeg = &msg.attachments[0];
    assert_eq!((jpeg.media_type.as_str(), jpeg.size), ("image/jpeg", 12));
    // An image has no text without OCR (and 12 bytes are no image to OCR).
    assert_eq!(jpeg.text, None);
    assert!(matches!(
        jpeg.extraction,
        Extraction::NoTextLayer { .. } | Extraction::Unreadable { .. }
    ));
    let m = memo(&msg);
    assert_eq!(
        m.replies[0].additional[0].value.as_deref(),
        Some("PLADS-17")
    );
    let r = m.deterministic().unwrap();
    assert!(r.kle.is_none() && r.facet.is_none());
    let case = r.case.as_ref().unwrap();
    assert_eq!(
        (case.value.as_str(), case.reason),
        ("28.03.00-G01-231-24", "MeMo ReplyData caseID")
    );
}

#[test]
fn a_damaged_file_is_unreadable_and_the_letter_is_still_read() {
    // Invalid base64 in the main document's text file: the letter's routing data (its
    // case, its sender) is still there, and the file is listed as unreadable, with a reason
    // that names the place, not the text, as a damaged e-mail attachment is.
    let msg = Message::from_memo(&fixture("broken_base64.xml")).unwrap();
    assert_eq!(msg.subject, "SV: Tilbud om børnehaveplads");
    assert!(msg.body.text.is_empty(), "{:?}", msg.body.text.len());
    let memo = msg.memo.as_ref().unwrap();
    assert_eq!(
        memo.replies.iter().find_map(|r| r.case_id.as_deref()),
        Some("28.03.00-G01-231-24")
    );
    let broken = msg
        .attachments
        .iter()
        .find(|a| a.name.as_deref() == Some("svar.txt"))
        .expect("the damaged file is listed");
    match &broken.extraction {
        Extraction::Unreadable { reason } => {
            assert!(
                reason.contains("invalid base64 in MainDocument[1]/File[1]/content"),
                "{reason}"
            );
            assert!(!reason.contains("SmVn"), "{reason}");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn broken_fixtures_are_parse_errors_that_name_the_place_not_the_text() {
    let err = Message::from_memo(&fixture("truncated.xml")).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Parse);
    // Where (how many elements are open), not what: tag names are input too.
    assert!(
        err.to_string()
            .contains("the document ends before 4 elements are closed"),
        "{err}"
    );
}

#[test]
fn documents_that_are_not_memo_are_refused_clearly() {
    let cases: [(&[u8], &str); 9] = [
        (b"<?xml version=\"1.0\"?><KLE-Emneplan/>", "root element is `KLE-Emneplan`"),
        // A name with digits could be a CPR number: it is not quoted.
        (
            b"<cpr150390-0005/>",
            "root element is a name of 14 bytes with digits (not shown)",
        ),
        (
            b"<Message xmlns=\"urn:other\" memoVersion=\"1.2\"/>",
            "root element is `Message` in namespace `urn:other`",
        ),
        (b"<Message><MessageHeader/></Message>", "without the `memoVersion` attribute"),
        (b"<Message memoVersion=\"1.2\"/>", "without `MessageHeader`"),
        (
            b"<Message memoVersion=\"1.2\"><MessageHeader><messageType>DIGITALPOST</messageType></MessageHeader></Message>",
            "without `MessageHeader/messageUUID`",
        ),
        (b"From: a@b.dk\r\nSubject: hej\r\n\r\nhej", "outside the root element"),
        (b"<Message memoVersion=\"1.2\"><MessageHeader></Message>", "not well-formed XML"),
        (b"<Message memoVersion=\"1.2\">\xff</Message>", "not valid UTF-8"),
    ];
    for (xml, expected) in cases {
        let err = Message::from_memo(xml).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Parse, "{expected}");
        assert!(err.to_string().contains(expected), "{expected}: {err}");
    }
}

#[test]
fn limits_refuse_large_xml_and_cut_texts_and_attachments() {
    let Some(xml) = shared("MeMo_Full_Example.xml") else {
        return;
    };
    let small = Limits {
        max_message_bytes: 10_000,
        ..Limits::default()
    };
    let err = Message::from_memo_with(&xml, &small).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::TooLarge);
    assert!(
        err.to_string().contains("exceeds the limit of 10000 bytes"),
        "{err}"
    );

    let few = Limits {
        max_attachments: 2,
        max_body_text_bytes: 8,
        max_attachment_text_bytes: 4,
        ..Limits::default()
    };
    let msg = Message::from_memo_with(&xml, &few).unwrap();
    assert_eq!(msg.body.text, "This is");
    assert_eq!(names(&msg), ["Pladsanvisning.pdf", "Pladsanvisning.pdf"]);
    let what: Vec<(&str, u64, u64)> = msg
        .truncations
        .iter()
        .map(|t| (t.what.as_str(), t.limit, t.actual))
        .collect();
    assert_eq!(what, [("body_text", 8, 14), ("attachments", 2, 5)]);
    // Every file is still described on the MeMo side, attachments cut or not.
    assert_eq!(
        memo(&msg)
            .documents
            .iter()
            .map(|d| d.files.len())
            .sum::<usize>(),
        6
    );

    let Some(with_attachment) = shared("MeMo_with_attachment.xml") else {
        return;
    };
    let tiny_text = Limits {
        max_attachment_text_bytes: 4,
        ..Limits::default()
    };
    let msg = Message::from_memo_with(&with_attachment, &tiny_text).unwrap();
    assert_eq!(msg.attachments[0].text.as_deref(), Some("File"));
    assert_eq!(
        msg.attachments[0].extraction,
        Extraction::Truncated { limit: 4 }
    );
    assert_eq!(msg.truncations[0].what, "attachment_text");
}

#[test]
fn nesting_and_element_count_are_bounded() {
    let deep = format!(
        "<Message memoVersion=\"1.2\"><MessageHeader>{}{}</MessageHeader></Message>",
        "<x>".repeat(40),
        "</x>".repeat(40)
    );
    let err = Message::from_memo(deep.as_bytes()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::TooLarge);
    assert!(err.to_string().contains("deeper than 32"), "{err}");
    let wide = format!(
        "<Message memoVersion=\"1.2\">{}</Message>",
        "<x/>".repeat(60_000)
    );
    let err = Message::from_memo(wide.as_bytes()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::TooLarge);
}

#[test]
fn debug_is_redacted_and_json_carries_the_memo_fields() {
    let Some(xml) = shared("MeMo_Full_Example.xml") else {
        return;
    };
    let msg = Message::from_memo(&xml).unwrap();
    let shown = format!("{msg:?} {:?} {:?}", memo(&msg), memo(&msg).deterministic());
    for secret in [
        "2512169996",
        "2211771212",
        "Emilie",
        "Mette",
        "Hansen",
        "SAG-456",
        "Gaden",
    ] {
        assert!(!shown.contains(secret), "{secret} in {shown}");
    }
    assert!(shown.contains("memo: true"), "{shown}");

    let json = serde_json::to_value(&msg).unwrap();
    assert_eq!(json["channel"], "digital_post");
    assert_eq!(json["memo"]["version"], "1.2");
    assert_eq!(json["memo"]["sender"]["id_type"], "CVR");
    assert_eq!(json["memo"]["content"]["kle"][0]["subject_key"], "00.00.00");
    assert_eq!(json["memo"]["documents"][3]["kind"], "technical");
    let email = serde_json::to_value(Message::default()).unwrap();
    assert!(
        email.get("memo").is_none(),
        "no memo key for other channels"
    );
}

#[test]
fn truncated_and_damaged_copies_never_panic() {
    let Some(xml) = shared("MeMo_Full_Example.xml") else {
        return;
    };
    let mut ok = 0;
    let mut refused = 0;
    // Every 37th cut point, and a byte flipped at every 41st position: each is either read
    // or refused with an error; none may panic.
    for end in (0..xml.len()).step_by(37) {
        match Message::from_memo(&xml[..end]) {
            Ok(_) => ok += 1,
            Err(e) => {
                assert!(matches!(e.kind(), ErrorKind::Parse), "{e}");
                refused += 1;
            }
        }
    }
    for at in (0..xml.len()).step_by(41) {
        let mut damaged = xml.clone();
        damaged[at] ^= 0x20;
        match Message::from_memo(&damaged) {
            Ok(_) => ok += 1,
            Err(_) => refused += 1,
        }
    }
    // A cut copy is never whole XML, so all cuts are refused; many flips (inside text) are read.
    assert!(refused >= xml.len() / 37, "{refused}");
    assert!(ok > 100, "{ok}");
}

#[test]
fn a_huge_label_is_cut_as_a_mail_subject_is() {
    // The label is the message's subject, which references and case numbers are read from:
    // bounded by `Limits::max_header_value_bytes` like a mail's.
    let xml = String::from_utf8(fixture("kle_and_case.xml")).unwrap();
    let label = "1:".repeat(200_000);
    let xml = xml.replacen(
        "<dp:label>Reviderede tegninger, Skovvej 12</dp:label>",
        &format!("<dp:label>{label}</dp:label>"),
        1,
    );
    let msg = Message::from_memo(xml.as_bytes()).unwrap();
    let limit = Limits::default().max_header_value_bytes;
    assert!(msg.subject.len() <= limit && msg.subject.starts_with("1:1:"));
    let cut = msg
        .truncations
        .iter()
        .find(|t| t.what == "header_value")
        .expect("a header_value truncation");
    assert_eq!((cut.limit, cut.actual), (limit as u64, 400_000));
    // The rest of the letter is read as before.
    let routing = memo(&msg).deterministic().unwrap();
    assert_eq!(
        routing.kle.as_ref().map(|l| l.value.as_str()),
        Some("02.34.02")
    );
}
