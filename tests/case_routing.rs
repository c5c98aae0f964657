//! The case step of the router: SBSYS case numbers decide `kle` and `facet`, the host's
//! case directory and the mail thread decide `unit`, `kle` and `facet`, and whatever goes
//! wrong (conflicting or impossible numbers, unknown emner and facets, failing, slow,
//! panicking or garbage-answering directories) leaves the heads to the model with a note.

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use signatur::decision::journal::Status;
use signatur::decision::{
    journal, CaseDirectory, CaseInfo, CaseNoteKind, CaseQuery, CaseSource, DecidedBy, Decision,
    DirectoryOptions, JournalOptions, LookupError, MemoryDirectory, Router,
};
use signatur::kle::Taxonomy;
use signatur::Message;

/// KL's XML test fixtures: emner 00.01.00, 00.01.05 (outdated), 27.24.00, 32.18.0x; facets
/// G01, P22, P23, Ø34.
fn taxonomy() -> Arc<Taxonomy> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/kle");
    let spec = format!("kle-xml:{}", dir.display());
    Arc::new(Taxonomy::from_spec(&spec).expect("the KLE fixtures load"))
}

fn mail(subject: &str, body: &str, extra_headers: &str) -> Message {
    let raw = format!(
        "From: Borger <borger@example.dk>\r\nTo: post@egeskov.dk\r\nSubject: {subject}\r\n\
         Date: Tue, 13 Aug 2024 10:00:00 +0200\r\nMessage-ID: <new@example.dk>\r\n{extra_headers}\
         Content-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n"
    );
    Message::from_bytes(raw.as_bytes()).expect("the test mail parses")
}

fn decide(router: &Router, msg: &Message) -> Decision {
    router
        .decide(msg, &Default::default(), false)
        .expect("decides")
}

fn top<'a>(d: &'a Decision, head: &str) -> Option<(&'a str, f32, &'a DecidedBy)> {
    let h = d.head(head)?;
    let t = h.top()?;
    Some((t.label.as_str(), t.probability, &h.decided_by))
}

fn decided_json(d: &DecidedBy) -> serde_json::Value {
    serde_json::to_value(d).expect("serialises")
}

fn notes(d: &Decision) -> Vec<CaseNoteKind> {
    d.case_notes.iter().map(|n| n.kind).collect()
}

#[test]
fn an_sbsys_number_in_the_subject_decides_kle_and_facet_with_confidence_one() {
    let router = Router::without_model().with_taxonomy(taxonomy());
    let msg = mail(
        "SV: Vedr. plejebolig (sag 27.24.00-G01-5-19)",
        "Tak for svaret. Hvornaar kan min mor flytte ind?",
        "",
    );
    let d = decide(&router, &msg);
    let (kle, p, by) = top(&d, "kle").expect("kle decided");
    assert_eq!((kle, p), ("27.24.00", 1.0));
    assert_eq!(
        decided_json(by),
        serde_json::json!({"by": "case_number", "reference": "27.24.00-G01-5-19"})
    );
    assert_eq!(top(&d, "facet").map(|t| (t.0, t.1)), Some(("G01", 1.0)));
    assert!(
        d.head("unit").is_none(),
        "a case number says nothing of the unit"
    );
    let case = d.case.as_ref().expect("a case");
    assert_eq!(case.source, CaseSource::CaseNumber);
    assert!(d.case_notes.is_empty(), "{:?}", d.case_notes);
    let rec = journal(&msg, &d, None, None, &JournalOptions::default());
    assert_eq!(rec.status, Status::Auto, "{:?}", rec.status_reason);
    let json = serde_json::to_value(&rec).unwrap();
    assert_eq!(json["case"]["source"], "case_number");
    assert_eq!(json["case"]["decided"], serde_json::json!(["kle", "facet"]));
}

#[test]
fn place_and_label_set_the_confidence() {
    let router = Router::without_model().with_taxonomy(taxonomy());
    let cases = [
        (
            "Hej\n\nJeres j.nr. 32.18.04-P22-12-23. Hvad er status?",
            "",
            1.0,
        ),
        ("Hej\n\nHvad er status paa 32.18.04-P22-12-23?", "", 0.9),
    ];
    for (body, _, want) in cases {
        let d = decide(&router, &mail("Status", body, ""));
        assert_eq!(top(&d, "kle").map(|t| t.1), Some(want), "{body}");
    }
    // Only in the quoted history of a reply: lower.
    let body = "Tak, det passer fint.\n\nDen 3. maj 2024 kl. 10.12 skrev Sagsbehandler <sb@egeskov.dk>:\n> Vi har oprettet en sag med nummer 32.18.04-P22-12-23.\n> Med venlig hilsen";
    let d = decide(&router, &mail("SV: Din henvendelse", body, ""));
    assert_eq!(top(&d, "kle").map(|t| (t.0, t.1)), Some(("32.18.04", 0.8)));
    let rec = journal(
        &mail("SV: Din henvendelse", body, ""),
        &d,
        None,
        None,
        &JournalOptions::default(),
    );
    assert_ne!(
        rec.status,
        Status::Auto,
        "a number only in quoted history is no exact case"
    );
}

#[test]
fn bad_numbers_decide_nothing_and_say_why() {
    let router = Router::without_model().with_taxonomy(taxonomy());
    let cases: [(&str, CaseNoteKind); 6] = [
        // Two different cases.
        (
            "Sagsnr. 27.24.00-G01-5-19 og 32.18.04-P22-12-23",
            CaseNoteKind::Conflict,
        ),
        // An emne the taxonomy does not have (a real hovedgruppe, so the detector finds it).
        ("Sagsnr. 27.99.99-G01-5-19", CaseNoteKind::UnknownEmne),
        // An outdated emne.
        ("Sagsnr. 00.01.05-G01-5-19", CaseNoteKind::OutdatedEmne),
        // A facet that does not exist.
        ("Sagsnr. 27.24.00-X77-5-19", CaseNoteKind::UnknownFacet),
        // A year after the letter (2024) was written.
        (
            "Sagsnr. 27.24.00-G01-5-2031",
            CaseNoteKind::ImpossibleNumber,
        ),
        // Running number 0.
        ("Sagsnr. 27.24.00-G01-0-19", CaseNoteKind::ImpossibleNumber),
    ];
    for (body, want) in cases {
        let d = decide(&router, &mail("Henvendelse", body, ""));
        assert!(d.head("kle").is_none(), "{body}: {:?}", d.head("kle"));
        assert!(d.head("facet").is_none(), "{body}");
        assert_eq!(notes(&d), [want], "{body}");
        assert!(!d.case_notes[0].message.is_empty());
    }
    // The same number twice is one case.
    let d = decide(
        &router,
        &mail("Sag 27.24.00-G01-5-19", "Jeres ref.: 27.24.00-G01-5-19", ""),
    );
    assert_eq!(top(&d, "kle").map(|t| t.0), Some("27.24.00"));
}

/// A directory that counts its lookups and behaves as told.
struct Scripted {
    calls: AtomicUsize,
    answer: fn(CaseQuery<'_>) -> Result<Option<CaseInfo>, LookupError>,
}

impl CaseDirectory for Scripted {
    fn lookup(&self, query: CaseQuery<'_>) -> Result<Option<CaseInfo>, LookupError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        (self.answer)(query)
    }
}

fn scripted(answer: fn(CaseQuery<'_>) -> Result<Option<CaseInfo>, LookupError>) -> Arc<Scripted> {
    Arc::new(Scripted {
        calls: AtomicUsize::new(0),
        answer,
    })
}

fn byg() -> CaseInfo {
    CaseInfo::new("02.34.02-P19-12-24")
        .unit("Byggeri og Miljø")
        .kle("02.34.02")
        .facet("P19")
        .title("Carport, Vestergade 3, cpr 010190-1234")
}

#[test]
fn a_known_case_decides_unit_kle_and_facet() {
    let mut dir = MemoryDirectory::new();
    dir.insert_case("2024-012345", byg());
    let router = Router::without_model()
        .with_taxonomy(taxonomy())
        .with_case_directory(Arc::new(dir));
    let msg = mail(
        "Carport",
        "Vores j.nr. 2024-012345\n\nHer er tegningerne.",
        "",
    );
    let d = decide(&router, &msg);
    for (head, want) in [
        ("unit", "Byggeri og Miljø"),
        ("kle", "02.34.02"),
        ("facet", "P19"),
    ] {
        let (label, p, by) = top(&d, head).expect(head);
        assert_eq!((label, p), (want, 1.0));
        assert_eq!(
            decided_json(by),
            serde_json::json!({"by": "directory", "reference": "02.34.02-P19-12-24"})
        );
    }
    let case = d.case.as_ref().unwrap();
    assert_eq!(case.source, CaseSource::Directory);
    let title = case.title.as_deref().unwrap();
    assert!(!title.contains("010190"), "the title is masked: {title}");
    let rec = journal(&msg, &d, None, None, &JournalOptions::default());
    assert_eq!(rec.status, Status::Auto);
    assert_eq!(
        serde_json::to_value(&rec).unwrap()["case"]["source"],
        "directory"
    );
}

#[test]
fn a_reply_inherits_its_threads_case() {
    let mut dir = MemoryDirectory::new();
    dir.insert_case("02.34.02-P19-12-24", byg());
    dir.insert_message("<letter-1@egeskov.dk>", "02.34.02-P19-12-24");
    let router = Router::without_model().with_case_directory(Arc::new(dir));
    let msg = mail(
        "SV: Din ansøgning",
        "Tak, jeg sender tegningerne i morgen.",
        "In-Reply-To: <letter-1@egeskov.dk>\r\nReferences: <older@egeskov.dk> <letter-1@egeskov.dk>\r\n",
    );
    let d = decide(&router, &msg);
    let (unit, _, by) = top(&d, "unit").expect("unit");
    assert_eq!(unit, "Byggeri og Miljø");
    assert_eq!(
        decided_json(by),
        serde_json::json!({"by": "thread", "reference": "02.34.02-P19-12-24"})
    );
    assert_eq!(d.case.as_ref().unwrap().source, CaseSource::Thread);
    let rec = journal(&msg, &d, None, None, &JournalOptions::default());
    assert_eq!(
        serde_json::to_value(&rec).unwrap()["case"]["source"],
        "thread"
    );
}

#[test]
fn directory_failures_leave_the_model_with_a_reason() {
    type Answer = fn(CaseQuery<'_>) -> Result<Option<CaseInfo>, LookupError>;
    let cases: [(Answer, CaseNoteKind); 7] = [
        (
            |_| Err(LookupError::failed("database offline")),
            CaseNoteKind::LookupFailed,
        ),
        (
            |_| Err(LookupError::timeout("no answer in 50 ms")),
            CaseNoteKind::LookupTimeout,
        ),
        (
            |_| panic!("a bug in the host's directory"),
            CaseNoteKind::LookupFailed,
        ),
        (
            |_| Ok(Some(byg().kle("not a code"))),
            CaseNoteKind::InvalidAnswer,
        ),
        (|_| Ok(Some(byg().facet("G1"))), CaseNoteKind::InvalidAnswer),
        (
            |_| Ok(Some(byg().unit("x".repeat(100_000)))),
            CaseNoteKind::InvalidAnswer,
        ),
        (
            |_| Ok(Some(byg().unit("Byg\u{0}\u{7}"))),
            CaseNoteKind::InvalidAnswer,
        ),
    ];
    for (answer, want) in cases {
        let dir = scripted(answer);
        let router = Router::without_model()
            .with_taxonomy(taxonomy())
            .with_case_directory(dir.clone());
        let msg = mail(
            "Carport",
            "Vores j.nr. 2024-012345",
            "In-Reply-To: <x@egeskov.dk>\r\n",
        );
        let d = decide(&router, &msg);
        assert!(d.head("unit").is_none(), "{want:?}");
        assert_eq!(notes(&d)[0], want);
        assert!(dir.calls.load(Ordering::SeqCst) >= 1);
    }
    // A failing directory does not stop an SBSYS number from deciding.
    let router = Router::without_model()
        .with_taxonomy(taxonomy())
        .with_case_directory(scripted(|_| Err(LookupError::failed("offline"))));
    let d = decide(&router, &mail("Sag 27.24.00-G01-5-19", "", ""));
    assert_eq!(top(&d, "kle").map(|t| t.0), Some("27.24.00"));
    assert_eq!(notes(&d), [CaseNoteKind::LookupFailed]);
}

#[test]
fn slow_lookups_time_out_and_lookups_are_bounded() {
    let slow = scripted(|_| {
        std::thread::sleep(Duration::from_millis(60));
        Ok(Some(byg()))
    });
    let router = Router::without_model()
        .with_case_directory(slow.clone())
        .with_directory_options(DirectoryOptions {
            timeout: Duration::from_millis(20),
            max_lookups: 8,
        });
    let msg = mail(
        "Carport",
        "Vores j.nr. 2024-012345",
        "In-Reply-To: <x@egeskov.dk>\r\n",
    );
    let d = decide(&router, &msg);
    assert!(d.head("unit").is_none());
    assert_eq!(notes(&d), [CaseNoteKind::LookupTimeout]);
    assert_eq!(
        slow.calls.load(Ordering::SeqCst),
        1,
        "no lookup after the time ran out"
    );

    let unknown = scripted(|_| Ok(None));
    let refs: Vec<String> = (0..20).map(|i| format!("<m{i}@egeskov.dk>")).collect();
    let router = Router::without_model()
        .with_case_directory(unknown.clone())
        .with_directory_options(DirectoryOptions {
            timeout: Duration::from_secs(5),
            max_lookups: 4,
        });
    let d = decide(
        &router,
        &mail(
            "Sv: x",
            "tekst",
            &format!("References: {}\r\n", refs.join(" ")),
        ),
    );
    assert_eq!(unknown.calls.load(Ordering::SeqCst), 4);
    assert_eq!(notes(&d), [CaseNoteKind::LookupTimeout]);
}

#[test]
fn cases_that_disagree_decide_nothing() {
    let mut dir = MemoryDirectory::new();
    dir.insert_case("2024-000001", byg());
    dir.insert_case(
        "2024-000002",
        CaseInfo::new("2024-000002")
            .unit("Jobcenter")
            .kle("15.17.06")
            .facet("G01"),
    );
    let router = Router::without_model().with_case_directory(Arc::new(dir));
    let d = decide(
        &router,
        &mail(
            "x",
            "Vores j.nr. 2024-000001\n\nJeres j.nr. 2024-000002",
            "",
        ),
    );
    assert!(d.head("unit").is_none());
    assert_eq!(notes(&d), [CaseNoteKind::Conflict]);
    assert!(d.case.is_none());
}

#[test]
fn a_cpr_number_used_as_case_id_is_masked_unless_asked_for() {
    // An authority may journal by CPR number: the MeMo reply's caseID is one here.
    let xml = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/memo/reply_with_case.xml"),
    )
    .unwrap()
    .replace("28.03.00-G01-231-24", "150390-0005");
    let msg = Message::from_memo(xml.as_bytes()).unwrap();
    let router = Router::without_model();
    let masked = decide(&router, &msg);
    let case = masked.case.as_ref().expect("the letter states its case");
    assert_eq!(case.reference, "XXXXXX-XXXX");
    let json = serde_json::to_string(&masked).unwrap();
    assert!(!json.contains("150390"), "{json}");
    let record = journal(&msg, &masked, None, None, &JournalOptions::default());
    assert!(!serde_json::to_string(&record).unwrap().contains("150390"));
    // Asked for as written (the C ABI, `--unmasked`): the host files by it.
    let clear = router.decide(&msg, &Default::default(), true).unwrap();
    assert_eq!(clear.case.unwrap().reference, "150390-0005");
    // A case number that is not personal is shown as written.
    let sbsys =
        Message::from_memo(xml.replace("150390-0005", "28.03.00-G01-231-24").as_bytes()).unwrap();
    assert_eq!(
        decide(&router, &sbsys).case.unwrap().reference,
        "28.03.00-G01-231-24"
    );
    // A reply in a thread the directory files by CPR number: the heads the thread decides
    // name the case in `decided_by`.
    let mut dir = MemoryDirectory::new();
    dir.insert_case(
        "150390-0005",
        CaseInfo::new("150390-0005").unit("Byggeri og Miljø"),
    );
    dir.insert_message("<letter-1@egeskov.dk>", "150390-0005");
    let router = Router::without_model().with_case_directory(Arc::new(dir));
    let reply = mail(
        "SV: Din ansøgning",
        "Tak, jeg sender tegningerne i morgen.",
        "In-Reply-To: <letter-1@egeskov.dk>\r\n",
    );
    let masked = decide(&router, &reply);
    let (unit, _, by) = top(&masked, "unit").expect("the thread decides the unit");
    assert_eq!(unit, "Byggeri og Miljø");
    assert_eq!(
        decided_json(by),
        serde_json::json!({"by": "thread", "reference": "XXXXXX-XXXX"})
    );
    let json = serde_json::to_string(&masked).unwrap();
    assert!(!json.contains("150390"), "{json}");
    let record = journal(&reply, &masked, None, None, &JournalOptions::default());
    assert!(!serde_json::to_string(&record).unwrap().contains("150390"));
    let clear = router.decide(&reply, &Default::default(), true).unwrap();
    let (_, _, by) = top(&clear, "unit").unwrap();
    assert_eq!(
        decided_json(by),
        serde_json::json!({"by": "thread", "reference": "150390-0005"})
    );
}
