//! The KLE taxonomy: OS2KLE's real TXT file, and our own KL XML and OS2KLE JSON fixtures.

mod common;

use signatur::kle::{
    Facet, KleCode, Level, Preservation, Taxonomy, TaxonomyFormat, DEFAULT_KEYWORD_WEIGHT,
};
use signatur::ErrorKind;

fn code(s: &str) -> KleCode {
    KleCode::parse(s).unwrap()
}

fn fixture(name: &str) -> Taxonomy {
    Taxonomy::load(common::fixture(&format!("kle/{name}"))).unwrap()
}

#[test]
fn os2kle_txt_loads_every_emne_and_keyword() {
    let Some(dir) = common::shared_data("os2kle") else {
        return;
    };
    let t = Taxonomy::load(dir.join("OS2KLE.txt")).unwrap();
    assert_eq!(t.formats(), [TaxonomyFormat::Os2kleTxt]);
    assert_eq!(t.emner().count(), 2390);
    assert_eq!(t.keyword_count(), 32295);
    assert_eq!(t.at(Level::Hovedgruppe).count(), 37);
    assert_eq!(t.emner().filter(|e| e.keywords.is_empty()).count(), 17);
    // Grupper and hovedgrupper are implied by the emner and have no title in the TXT form.
    assert!(t.at(Level::Gruppe).all(|e| e.title.is_none()));
    assert_eq!(t.len(), 2390 + t.at(Level::Gruppe).count() + 37);

    let e = t.get(&code("00.01.00")).unwrap();
    assert_eq!(
        e.title.as_deref(),
        Some("Kommunens styrelse i almindelighed")
    );
    assert_eq!(
        e.keywords.first().map(|k| (k.text.as_str(), k.weight)),
        Some(("Partistøtteloven §4", 5))
    );
    assert!(e
        .keywords
        .iter()
        .any(|k| k.text == "ok01" && k.weight == 1000));
    assert!(e.keywords.iter().all(|k| k.facet.is_none()));

    // Soft hyphens are removed; weight 0 is kept.
    let e = t.get(&code("09.40.20")).unwrap();
    assert!(e
        .keywords
        .iter()
        .any(|k| k.text == "Offentliggørelse af screeningsafgørelse"));
    assert!(t
        .get(&code("02.01.12"))
        .unwrap()
        .keywords
        .iter()
        .any(|k| k.text == "byggeri" && k.weight == 0));
    assert!(t
        .entries()
        .flat_map(|e| &e.keywords)
        .all(|k| !k.text.contains('\u{AD}')));

    // `[udgår YYYY]` notes: 17 titles announce an expiry; none is outdated yet.
    let e = t.get(&code("15.17.09")).unwrap();
    assert_eq!(e.title.as_deref(), Some("Forrevalidering [udgår 2027]"));
    assert_eq!(e.announced_expiry, Some(2027));
    assert_eq!(
        t.emner().filter(|e| e.announced_expiry.is_some()).count(),
        17
    );
    assert!(!t.entries().any(|e| t.is_outdated(&e.code)));

    // Hierarchy over the real plan.
    let under: Vec<String> = t
        .emner_under(&code("32.18"))
        .map(|e| e.code.to_string())
        .collect();
    assert!(under.contains(&"32.18.00".to_string()) && under.contains(&"32.18.14".to_string()));
    assert!(under.iter().all(|c| c.starts_with("32.18.")));
    assert!(t.children(&code("32")).all(|e| e.level() == Level::Gruppe));
    assert_eq!(t.validate_label("32.18.08").unwrap(), code("32.18.08"));
    let err = t.validate_label("32.18.99").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    assert!(err.to_string().contains("32.18.99"), "{err}");
}

#[test]
fn os2kle_spec_accepts_the_folder_and_skips_change_json() {
    let Some(dir) = common::shared_data("os2kle") else {
        return;
    };
    let from_spec = Taxonomy::from_spec(&format!("os2kle:{}", dir.display())).unwrap();
    assert_eq!(from_spec.emner().count(), 2390);
    // A folder given to `load` merges every taxonomy file in it; change.json is not one.
    let from_folder = Taxonomy::load(&dir).unwrap();
    assert_eq!(from_folder.keyword_count(), 32295);
    // The prefix must fit the content.
    let err =
        Taxonomy::from_spec(&format!("kle-xml:{}", dir.join("OS2KLE.txt").display())).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Config);
    assert!(err.to_string().contains("is an OS2KLE file"), "{err}");
}

#[test]
fn kl_emneplan_version_2() {
    let t = fixture("emneplan.xml");
    assert_eq!(t.formats(), [TaxonomyFormat::KleEmneplan]);
    assert_eq!(t.published(), Some("2024-04-01"));
    assert_eq!(t.at(Level::Hovedgruppe).count(), 3);
    assert_eq!(t.at(Level::Gruppe).count(), 4);
    assert_eq!(t.emner().count(), 7);
    assert_eq!(t.title(&code("00")), Some("Testkommunens styrelse"));
    assert_eq!(
        t.title(&code("00.01")),
        Some("Testkommunens styrelse i almindelighed")
    );
    assert_eq!(
        t.title(&code("32.18.02")),
        Some("Særlige sociale testydelser")
    );

    let hoved = t.get(&code("00")).unwrap();
    assert_eq!(
        hoved.guidance.as_deref(),
        Some("Her journaliseres sager om testkommunens egen styrelse.\n\nBemærk:\n\n- sager om udvalg\n- sager om valg")
    );
    let emne = t.get(&code("00.01.00")).unwrap();
    assert_eq!(
        emne.guidance.as_deref(),
        Some("Generelle sager om styrelsen & dens arbejde.")
    );
    assert_eq!(emne.retention.preservation, Some(Preservation::Keep));
    assert_eq!(
        emne.retention
            .delete_after
            .map(|d| d.to_string())
            .as_deref(),
        Some("P1825D")
    );
    assert_eq!(
        emne.retention.delete_after.map(|d| d.approx_days()),
        Some(1825)
    );
    assert!(emne.outdated.is_none());
    assert!(t
        .get(&code("27.24.00"))
        .unwrap()
        .retention
        .delete_after
        .is_none());

    // An outdated emne, moved to another.
    let old = t.get(&code("00.01.05")).unwrap();
    let outdated = old.outdated.as_ref().unwrap();
    assert_eq!(outdated.since.as_deref(), Some("2020-01-01"));
    assert_eq!(outdated.moved.as_deref(), Some("2020-01-01"));
    assert_eq!(outdated.replaced_by, Some(code("00.01.00")));
    assert_eq!(old.retention.preservation, Some(Preservation::Discard));
    assert!(t.is_outdated(&code("00.01.05")));
    assert!(!t.is_outdated(&code("00.01.00")));
    // An outdated gruppe makes its emner outdated too.
    assert!(t.is_outdated(&code("00.09.00")));
    assert!(t.get(&code("00.09.00")).unwrap().outdated.is_none());
    // Outdated codes are still valid labels (old cases use them).
    assert!(t.validate_label("00.01.05").is_ok());

    let kids: Vec<String> = t
        .children(&code("00.01"))
        .map(|e| e.code.to_string())
        .collect();
    assert_eq!(kids, ["00.01.00", "00.01.05"]);
    assert_eq!(t.emner_under(&code("32.18")).count(), 3);
    assert_eq!(t.emner_under(&code("00")).count(), 3);
    assert_eq!(t.keyword_count(), 0);
}

#[test]
fn kl_emneplan_rest_fuld_form_has_keywords() {
    let t = fixture("emneplan-fuld.xml");
    assert_eq!(t.formats(), [TaxonomyFormat::KleEmneplan]);
    let e = t.get(&code("02.34.02")).unwrap();
    assert_eq!(e.title.as_deref(), Some("Testbyggetilladelser"));
    let words: Vec<(&str, Option<String>)> = e
        .keywords
        .iter()
        .map(|k| (k.text.as_str(), k.facet.map(|f| f.to_string())))
        .collect();
    assert_eq!(
        words,
        [
            ("testbyggetilladelse", None),
            ("testtilbygning", None),
            ("testklage over byggetilladelse", Some("G01".to_string())),
            ("testgebyr for byggesag", Some("Ø34".to_string())),
        ],
        "the historic keyword is left out"
    );
    assert!(e
        .keywords
        .iter()
        .all(|k| k.weight == DEFAULT_KEYWORD_WEIGHT));
    assert_eq!(
        t.get(&code("02.34")).unwrap().keywords[0].text,
        "testbyggesag"
    );
    assert_eq!(
        t.get(&code("02")).unwrap().keywords[0].text,
        "testbyggeri i almindelighed"
    );
    assert_eq!(
        e.retention.delete_after.map(|d| d.approx_days()),
        Some(3650)
    );
}

#[test]
fn kl_handlingsfacetter_with_the_danish_category() {
    let t = fixture("handlingsfacetter.xml");
    assert_eq!(t.formats(), [TaxonomyFormat::KleHandlingsfacetter]);
    let letters: Vec<char> = t.facet_categories().map(|c| c.letter).collect();
    assert_eq!(letters, ['G', 'P', 'Ø']);
    let facets: Vec<String> = t.facets().map(|f| f.facet.to_string()).collect();
    assert_eq!(facets, ["G01", "P22", "P23", "Ø34"]);
    let oe = t.facet(&Facet::parse("ø34").unwrap()).unwrap();
    assert_eq!(oe.title.as_deref(), Some("Testgebyrer"));
    assert_eq!(oe.retention.preservation, Some(Preservation::Discard));
    let g = t.facet(&Facet::parse("G01").unwrap()).unwrap();
    assert_eq!(
        g.guidance.as_deref(),
        Some("Bruges til generelle testsager.")
    );
    assert!(t
        .facet(&Facet::parse("P23").unwrap())
        .unwrap()
        .outdated
        .is_some());
    assert!(t
        .facet(&Facet::parse("P22").unwrap())
        .unwrap()
        .outdated
        .is_none());
    assert_eq!(t.validate_facet("Ø34").unwrap().category(), 'Ø');
    assert!(t
        .validate_facet("Ø35")
        .unwrap_err()
        .to_string()
        .contains("Ø35"));
    assert!(t.is_empty(), "a facet file has no KLE codes");
}

#[test]
fn os2kle_json_fixture() {
    let t = fixture("os2kle.json");
    assert_eq!(t.formats(), [TaxonomyFormat::Os2kleJson]);
    assert_eq!(t.emner().count(), 2);
    assert_eq!(t.title(&code("27.24")), Some("Testydelser til borgere"));
    let e = t.get(&code("27.24.00")).unwrap();
    let words: Vec<(&str, u32)> = e
        .keywords
        .iter()
        .map(|k| (k.text.as_str(), k.weight))
        .collect();
    assert_eq!(words, [("testskema 27", 1000), ("testydelse", 5)]);
    assert_eq!(
        t.get(&code("32.18.02")).unwrap().announced_expiry,
        Some(2027)
    );
    assert!(t.contains(&code("32.18")) && t.contains(&code("32")));
}

#[test]
fn a_folder_of_kl_files_merges_with_os2kle() {
    let dir = common::fixture("kle");
    let kl = Taxonomy::from_spec(&format!("kle-xml:{}", dir.display())).unwrap();
    assert_eq!(
        kl.formats(),
        [
            TaxonomyFormat::KleEmneplan,
            TaxonomyFormat::KleHandlingsfacetter
        ],
        "os2kle.json in the same folder is not a KLE XML file"
    );
    assert_eq!(kl.emner().count(), 8);
    assert_eq!(kl.facets().count(), 4);
    assert!(kl
        .get(&code("27.24.00"))
        .is_some_and(|e| e.keywords.is_empty()));

    let mut merged = kl;
    merged.merge(fixture("os2kle.json"));
    let e = merged.get(&code("27.24.00")).unwrap();
    assert_eq!(e.title.as_deref(), Some("Testydelser i almindelighed"));
    assert_eq!(
        e.keywords.len(),
        2,
        "OS2KLE's keywords are added to KL's entry"
    );
    assert_eq!(
        e.retention.preservation,
        Some(Preservation::Discard),
        "KL's fields stay"
    );
    assert_eq!(
        merged.title(&code("32.18.02")),
        Some("Særlige sociale testydelser"),
        "the first source's title wins"
    );
}

#[test]
fn bad_files_name_the_file_and_the_line() {
    let dir = tempfile::tempdir().unwrap();
    let cases: [(&str, &str, &str); 7] = [
        (
            "broken.xml",
            "<KLE-Emneplan>\n<Hovedgruppe>\n<HovedgruppeNr>00</HovedgruppeNr>\n</Gruppe>\n</KLE-Emneplan>",
            "line 4: not well-formed XML",
        ),
        (
            "badcode.xml",
            "<KLE-Emneplan>\n<Hovedgruppe>\n<HovedgruppeNr>0</HovedgruppeNr><HovedgruppeTitel>x</HovedgruppeTitel>\n</Hovedgruppe></KLE-Emneplan>",
            "line 3: \"0\" is not a KLE code",
        ),
        (
            "notitle.xml",
            "<KLE-Emneplan>\n<Hovedgruppe><HovedgruppeNr>00</HovedgruppeNr>\n<Gruppe>\n<GruppeNr>00.01</GruppeNr></Gruppe></Hovedgruppe></KLE-Emneplan>",
            "line 2: <Hovedgruppe> has no <HovedgruppeTitel>",
        ),
        (
            "retention.xml",
            "<KLE-Emneplan><Hovedgruppe><HovedgruppeNr>00</HovedgruppeNr><HovedgruppeTitel>x</HovedgruppeTitel>\n<Gruppe><GruppeNr>00.01</GruppeNr><GruppeTitel>y</GruppeTitel>\n<Emne><EmneNr>00.01.00</EmneNr><EmneTitel>z</EmneTitel>\n<SletningJaevnfoerPersondataloven>5 år</SletningJaevnfoerPersondataloven></Emne></Gruppe></Hovedgruppe></KLE-Emneplan>",
            "line 4: \"5 år\" is not an ISO-8601 duration",
        ),
        (
            "facet.xml",
            "<KLE-Handlingsfacetter>\n<HandlingsfacetKategori><HandlingsfacetKategoriNr>G</HandlingsfacetKategoriNr>\n<Handlingsfacet><HandlingsfacetNr>P22</HandlingsfacetNr><HandlingsfacetTitel>x</HandlingsfacetTitel></Handlingsfacet>\n</HandlingsfacetKategori></KLE-Handlingsfacetter>",
            "line 3: facet P22 is listed under category G",
        ),
        (
            "OS2KLE.txt",
            "KLENummer='00.01.00':KLETitel='A':Keywords[Weight]=a[5];\nKLENummer='00.01.01':KLETitel='B':Keywords[Weight]=b[fem];\n",
            "line 2: keyword 1 \"b[fem]\"",
        ),
        ("other.xml", "<?xml version=\"1.0\"?>\n<Message/>", "not a taxonomy"),
    ];
    for (name, content, expected) in cases {
        let path = dir.path().join(name);
        std::fs::write(&path, content).unwrap();
        let err = Taxonomy::load(&path).unwrap_err();
        let shown = err.to_string();
        assert!(shown.contains(name), "{name}: {shown}");
        assert!(shown.contains(expected), "{name}: {shown}");
    }
    let err = Taxonomy::from_spec("os2kle:").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Config);
    let err = Taxonomy::load(dir.path().join("missing.xml")).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Io);
    assert!(err.to_string().contains("missing.xml"), "{err}");
}

#[test]
fn latin1_and_utf16_kl_files_decode() {
    let xml = "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<KLE-Handlingsfacetter><HandlingsfacetKategori>\
               <HandlingsfacetKategoriNr>Ø</HandlingsfacetKategoriNr><Handlingsfacet><HandlingsfacetNr>Ø34</HandlingsfacetNr>\
               <HandlingsfacetTitel>Gebyrer</HandlingsfacetTitel></Handlingsfacet></HandlingsfacetKategori></KLE-Handlingsfacetter>";
    let latin1: Vec<u8> = xml
        .chars()
        .map(|c| u8::try_from(u32::from(c)).unwrap())
        .collect();
    let t = Taxonomy::from_kle_xml(&latin1).unwrap();
    assert_eq!(
        t.facets().next().map(|f| f.facet.to_string()).as_deref(),
        Some("Ø34")
    );
    let utf16: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain(
            xml.replace("ISO-8859-1", "UTF-16")
                .encode_utf16()
                .flat_map(u16::to_le_bytes),
        )
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("facetter-utf16.xml");
    std::fs::write(&path, utf16).unwrap();
    let t = Taxonomy::from_spec(&format!("kle-xml:{}", path.display())).unwrap();
    assert_eq!(t.facet_categories().next().map(|c| c.letter), Some('Ø'));
}
