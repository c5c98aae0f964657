//! Danish mail as municipalities receive it, from fixtures written for this project
//! (tests/fixtures/ingest/; every name and address is invented): ISO-8859-1 and
//! Windows-1252 bodies, undeclared Latin-1, RFC 2047 headers and RFC 2231 file names with
//! `æøå`, an Outlook reply chain in Danish, an iPhone reply, an HTML-only newsletter.

mod common;

use signatur::{BodySource, Extraction, Message};

fn load(name: &str) -> Message {
    let path = common::fixture(&format!("ingest/{name}"));
    let raw = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    Message::from_bytes(&raw).unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[test]
fn iso_8859_1_body_and_encoded_subject() {
    let m = load("latin1-body.eml");
    assert_eq!(m.subject, "Ansøgning om boligstøtte");
    let s = m.sender.as_ref().unwrap();
    assert_eq!(s.name.as_deref(), Some("Søren Æbelø"));
    assert_eq!(s.address, "soren.aebeloe@example.dk");
    assert_eq!(m.to[0].name.as_deref(), Some("Borgerservice"));
    assert_eq!(m.date.as_deref(), Some("2024-05-06T09:15:00+02:00"));
    assert_eq!(m.message_id.as_deref(), Some("latin1-0001@example.dk"));
    assert!(m
        .body
        .text
        .contains("Jeg vil gerne søge om boligstøtte til min lejlighed på Æblevej 7 i Ørsted."));
    assert!(m
        .body
        .new_text
        .ends_with("Jeg har vedhæftet lejekontrakten."));
    assert_eq!(m.body.signature, "Med venlig hilsen\nSøren Æbelø");
    assert_eq!(m.body.source, BodySource::Plain);
    assert!(!m.body.text.contains('\u{FFFD}'));
}

#[test]
fn windows_1252_quoted_printable_body() {
    let m = load("windows1252-body.eml");
    assert_eq!(m.subject, "Regning på 200 € – rykker");
    assert_eq!(
        m.sender.as_ref().unwrap().name.as_deref(),
        Some("Birthe Ågesen")
    );
    assert!(
        m.body
            .text
            .contains("rykker på 200 € – men regningen er betalt den 2. april."),
        "{}",
        m.body.text
    );
    assert!(m
        .body
        .text
        .contains("at “sagen” er lukket? Ærlig talt forstår jeg det ikke."));
    assert_eq!(m.body.signature, "Venlig hilsen\nBirthe Ågesen");
}

#[test]
fn undeclared_latin1_in_headers_and_body_is_read_as_windows_1252() {
    let m = load("undeclared-latin1.eml");
    assert_eq!(m.subject, "Spørgsmål om carport på grunden");
    assert_eq!(m.sender.as_ref().unwrap().name.as_deref(), Some("Ole Kjær"));
    assert_eq!(m.header("Subject"), Some("Spørgsmål om carport på grunden"));
    assert!(m
        .body
        .text
        .contains("Må jeg bygge en carport på 12 m² uden byggetilladelse?"));
    assert_eq!(m.body.signature, "Mvh\nOle Kjær");
}

#[test]
fn rfc2047_in_every_address_and_the_subject() {
    let m = load("rfc2047-headers.eml");
    assert_eq!(m.subject, "Klage over støj fra vejarbejde på Østergade");
    assert_eq!(
        m.sender.as_ref().unwrap().name.as_deref(),
        Some("Åse Kjærsgård")
    );
    let to: Vec<_> =
        m.to.iter()
            .map(|a| (a.name.as_deref().unwrap_or(""), a.address.as_str()))
            .collect();
    assert_eq!(
        to,
        [
            ("Teknik og Miljø", "teknik@kommune.example"),
            ("Børn og Unge", "boernogunge@kommune.example")
        ]
    );
    assert_eq!(m.cc[0].name.as_deref(), Some("Ældrerådet"));
    assert_eq!(m.in_reply_to, ["svar-42@kommune.example"]);
    assert_eq!(
        m.references,
        ["start-41@kommune.example", "svar-42@kommune.example"]
    );
    assert_eq!(
        m.header("to").map(|v| v.contains("Børn og Unge")),
        Some(true)
    );
    assert_eq!(m.body.text, "Der har været støj hver nat i to uger.");
}

#[test]
fn rfc2231_attachment_names() {
    let m = load("rfc2231-attachment.eml");
    assert_eq!(m.body.text, "Hermed det udfyldte skema og en oversigt.");
    assert_eq!(m.attachments.len(), 2);
    let pdf = &m.attachments[0];
    assert_eq!(pdf.name.as_deref(), Some("Ændring af børnehaveplads.pdf"));
    assert_eq!(pdf.media_type, "application/pdf");
    // 52 bytes are no readable PDF: marked so, and the rest of the mail is read.
    assert!(matches!(pdf.extraction, Extraction::Unreadable { .. }));
    // 72 base64 characters with two `=`: 52 bytes.
    assert_eq!(pdf.size, 52);
    let csv = &m.attachments[1];
    assert_eq!(csv.name.as_deref(), Some("Oversigt over ændringer øå.csv"));
    assert_eq!(csv.media_type, "text/csv");
    assert_eq!(
        csv.text.as_deref(),
        Some("barn;institution;startdato\nÅse;Solsikken;2024-08-01\n")
    );
    assert_eq!(csv.extraction, Extraction::Extracted);
}

#[test]
fn outlook_reply_chain_in_danish() {
    let m = load("outlook-reply-chain-da.eml");
    assert_eq!(m.subject, "SV: SV: Indkaldelse til samtale");
    assert_eq!(
        m.body.new_text,
        "Hej Lars\n\nTak, jeg kan godt komme torsdag kl. 13.00 i stedet."
    );
    assert_eq!(
        m.body.signature,
        "Med venlig hilsen\nMette Frederiksen-Holm\nTlf. 12 34 56 78"
    );
    assert!(m
        .body
        .quoted
        .starts_with("________________________________\nFra: Lars Jensen"));
    assert!(m.body.quoted.contains("-----Oprindelig meddelelse-----"));
    assert!(m.body.quoted.ends_with("da mit barn er sygt."));
    // The older messages' sign-offs are history, not this message's signature.
    assert!(m.body.quoted.contains("Venlig hilsen\nLars Jensen"));
}

#[test]
fn iphone_reply() {
    let m = load("iphone-reply.eml");
    assert_eq!(
        m.body.new_text,
        "Det passer fint, min mor er hjemme hele formiddagen."
    );
    assert_eq!(m.body.signature, "Sendt fra min iPhone");
    assert!(m.body.quoted.starts_with(
        "> Den 13. maj 2024 kl. 16.10 skrev Ældreplejen <aeldrepleje@kommune.example>:"
    ));
    assert!(m
        .body
        .quoted
        .contains("> Hjemmeplejen kommer onsdag mellem kl. 9 og 11."));
    assert_eq!(m.to[0].name.as_deref(), Some("Ældreplejen"));
}

#[test]
fn html_only_newsletter() {
    let m = load("html-newsletter.eml");
    assert_eq!(m.subject, "Nyhedsbrev: Efterårets program");
    assert_eq!(m.body.source, BodySource::Html);
    let want = "Efterårets program\n\n\
Kære læser,\nher er højdepunkterne fra efteråret på Kulturhuset.\n\n\
- Koncert med Århus Sinfonietta – 12. september\n\
- Foredrag: Ældre danske mønter & deres historie\n\
- Børneteater – «Den lille ø<>»\n\n\
Billetter kr. 75\n\n\
Afmeld nyhedsbrevet";
    assert_eq!(m.body.text, want);
    // Nothing from the head, the style sheet or the script.
    for hidden in ["font-family", "sporing", "&aring;", "Nyhedsbrev"] {
        assert!(!m.body.text.contains(hidden), "{hidden}");
    }
}
