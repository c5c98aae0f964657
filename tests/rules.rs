//! Municipal routing rules: matching tables, MeMo conditions and errors that name the line.

mod common;

use signatur::decision::rules::RuleSet;
use signatur::ingest::MessageBuilder;
use signatur::kle::Taxonomy;
use signatur::{ErrorKind, Message};

fn mail(sender: &str, to: &str, subject: &str, body: &str) -> Message {
    MessageBuilder::new()
        .sender(sender, None)
        .to(to, None)
        .subject(subject)
        .text_body(body)
        .build()
        .unwrap()
}

fn valid_rules() -> RuleSet {
    RuleSet::load(common::fixture("rules/valid.toml")).unwrap()
}

#[test]
fn matching_table() {
    let rules = valid_rules();
    assert_eq!(rules.len(), 8);
    // (sender, to, subject, body, expected rule, expected unit)
    let cases = [
        (
            "a@b.dk",
            "post@kommune.dk",
            "Anmodning om AKTINDSIGT",
            "",
            Some("Aktindsigt"),
            Some("Jura"),
        ),
        (
            "x@rigspolitiet.dk",
            "post@kommune.dk",
            "Sag",
            "",
            Some("Politiet"),
            Some("Borgerservice"),
        ),
        (
            "x@nord.rigspolitiet.dk",
            "post@kommune.dk",
            "Sag",
            "",
            Some("Politiet"),
            Some("Borgerservice"),
        ),
        (
            "x@RIGSPOLITIET.DK",
            "post@kommune.dk",
            "Sag",
            "",
            Some("Politiet"),
            Some("Borgerservice"),
        ),
        (
            "x@politi.dk",
            "post@kommune.dk",
            "Sag",
            "",
            Some("Politiet"),
            Some("Borgerservice"),
        ),
        // A suffix that is not a subdomain does not match.
        (
            "x@falskrigspolitiet.dk",
            "post@kommune.dk",
            "Sag",
            "",
            None,
            None,
        ),
        (
            "x@rigspolitiet.dk.example.com",
            "post@kommune.dk",
            "Sag",
            "",
            None,
            None,
        ),
        // First match wins: the police asking for aktindsigt go to Jura (rule 1 before rule 2).
        (
            "x@rigspolitiet.dk",
            "post@kommune.dk",
            "Aktindsigt",
            "",
            Some("Aktindsigt"),
            Some("Jura"),
        ),
        (
            "kontakt@skat.dk",
            "post@kommune.dk",
            "Restance",
            "",
            Some("Bestemt afsender"),
            Some("Opkrævning"),
        ),
        (
            "andet@skat.dk",
            "post@kommune.dk",
            "Restance",
            "",
            None,
            None,
        ),
        // All conditions of a rule must hold: mailbox and body.
        (
            "a@b.dk",
            "BYG@kommune.dk",
            "Hej",
            "Vi vil bygge en Carport.",
            Some("Postkassen byg"),
            Some("Byg og Miljø"),
        ),
        ("a@b.dk", "byg@kommune.dk", "Hej", "Om skolen.", None, None),
        (
            "a@b.dk",
            "post@kommune.dk",
            "Hej",
            "Vi vil bygge en carport.",
            None,
            None,
        ),
        (
            "a@b.dk",
            "post@kommune.dk",
            "Vedr. 27.24.00-G01-5-19",
            "",
            Some("Sagsnummer i emnet"),
            Some("Journalisering"),
        ),
        (
            "a@b.dk",
            "post@kommune.dk",
            "Vedr. 27.24.00-g01-5-19",
            "",
            Some("Sagsnummer i emnet"),
            Some("Journalisering"),
        ),
        (
            "a@b.dk",
            "post@kommune.dk",
            "Vedr. 27.24.00",
            "",
            None,
            None,
        ),
        (
            "a@b.dk",
            "post@kommune.dk",
            "Ansøgning",
            "aktindsigt",
            None,
            None,
        ),
    ];
    for (sender, to, subject, body, rule, unit) in cases {
        let hit = rules.apply(&mail(sender, to, subject, body));
        assert_eq!(
            hit.as_ref().map(|h| h.rule.as_str()),
            rule,
            "{sender} {to} {subject:?}"
        );
        assert_eq!(
            hit.as_ref()
                .and_then(|h| h.labels.get("unit"))
                .map(String::as_str),
            unit,
            "{subject:?}"
        );
    }
}

#[test]
fn a_match_says_what_fired_and_why() {
    let rules = valid_rules();
    let hit = rules
        .apply(&mail(
            "a@b.dk",
            "byg@kommune.dk",
            "Hej",
            "Vi vil bygge en carport.",
        ))
        .unwrap();
    assert_eq!(hit.rule, "Postkassen byg");
    assert_eq!(hit.line, 19, "the line of its [[rule]] header");
    assert_eq!(hit.confidence, 1.0);
    assert_eq!(hit.labels.get("kle").map(String::as_str), Some("02.34.02"));
    assert_eq!(
        hit.matched,
        ["recipient \"byg@kommune.dk\"", "body \"carport\""]
    );
    let hit = rules
        .apply(&mail("kontakt@skat.dk", "p@k.dk", "x", ""))
        .unwrap();
    assert!((hit.confidence - 0.8).abs() < 1e-6);
    let json = serde_json::to_value(&hit).unwrap();
    assert_eq!(json["rule"], "Bestemt afsender");
    assert_eq!(json["labels"]["unit"], "Opkrævning");
}

#[test]
fn delivered_to_and_cc_count_as_recipients() {
    let rules = valid_rules();
    let via_header = MessageBuilder::new()
        .sender("a@b.dk", None)
        .to("post@kommune.dk", None)
        .header("Delivered-To", "<Byg@Kommune.dk>")
        .text_body("tilbygning")
        .build()
        .unwrap();
    assert_eq!(
        rules.apply(&via_header).map(|h| h.rule).as_deref(),
        Some("Postkassen byg")
    );
    let via_cc = MessageBuilder::new()
        .sender("a@b.dk", None)
        .to("post@kommune.dk", None)
        .cc("byg@kommune.dk", None)
        .text_body("tilbygning")
        .build()
        .unwrap();
    assert_eq!(
        rules.apply(&via_cc).map(|h| h.rule).as_deref(),
        Some("Postkassen byg")
    );
    let no_sender = MessageBuilder::new().subject("x").build().unwrap();
    assert!(rules.apply(&no_sender).is_none());
}

#[test]
fn memo_conditions_match_digital_post() {
    let Some(dir) = common::shared_data("memo") else {
        return;
    };
    let rules = valid_rules();
    // The full example: sender CVR 12345678, CaseID SAG-12345, KLE 00.00.00, replies on SAG-456.
    let full =
        Message::from_memo(&std::fs::read(dir.join("MeMo_Full_Example.xml")).unwrap()).unwrap();
    let hit = rules.apply(&full).unwrap();
    assert_eq!(hit.rule, "Digital Post fra virksomhed på sag");
    assert_eq!(
        hit.matched,
        ["memo_sender_id_type \"cvr\"", "memo_case_id \"sag-456\""]
    );

    // Without the earlier rules, the KLE and sender id rules fire.
    let only_kle = RuleSet::from_toml_str(
        "[[rule]]\nname = \"kle\"\nmemo_kle = [\"27\", \"00.00\"]\nset = { kle = \"00.00.00\" }\n\
         [[rule]]\nname = \"id\"\nmemo_sender_id = \" 12345678 \"\nset = { unit = \"U\" }\n",
    )
    .unwrap();
    let hit = only_kle.apply(&full).unwrap();
    assert_eq!(
        (hit.rule.as_str(), hit.matched[0].as_str()),
        ("kle", "memo_kle \"00.00\"")
    );
    let minimum =
        Message::from_memo(&std::fs::read(dir.join("MeMo_Minimum_Example.xml")).unwrap()).unwrap();
    assert_eq!(
        only_kle.apply(&minimum).map(|h| h.rule).as_deref(),
        Some("id")
    );

    // MeMo conditions never hold for e-mail.
    let email = mail("a@b.dk", "post@kommune.dk", "x", "");
    assert!(only_kle.apply(&email).is_none());
    let kle_only =
        RuleSet::from_toml_str("[[rule]]\nmemo_kle = \"32\"\nset = { unit = \"U\" }\n").unwrap();
    assert!(kle_only.apply(&full).is_none());
}

#[test]
fn invalid_rule_files_name_the_line_and_the_rule() {
    let err = RuleSet::load(common::fixture("rules/invalid-key.toml")).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Config);
    let shown = err.to_string();
    assert!(shown.contains("invalid-key.toml"), "{shown}");
    assert!(shown.contains("line 8, rule 2 \"Stavefejl\""), "{shown}");
    assert!(shown.contains("subjekt"), "{shown}");

    let err = RuleSet::load(common::fixture("rules/invalid-regex.toml")).unwrap_err();
    let shown = err.to_string();
    assert!(
        shown.contains("line 9, rule 2 \"Brudt mønster\": subject_regex does not compile"),
        "{shown}"
    );

    let cases = [
        ("[[rule]]\nname = \"a\"\nset = { unit = \"A\" }\n", "line 1, rule 1 \"a\": has no condition"),
        ("[[rule]]\nname = \"a\"\nsubject = \"x\"\n", "line 1, rule 1 \"a\": has no `set`"),
        ("[[rule]]\nsubject = \"x\"\nset = {}\n", "line 3, rule 1 \"rule 1\": `set` names no head"),
        ("[[rule]]\nsubject = \"\"\nset = { unit = \"A\" }\n", "line 2, rule 1 \"rule 1\": an empty pattern"),
        ("[[rule]]\nsubject = []\nset = { unit = \"A\" }\n", "line 2, rule 1 \"rule 1\": an empty list"),
        ("[[rule]]\nsubject = \"x\"\nset = { unit = \"\" }\n", "line 3, rule 1 \"rule 1\": `set` has an empty"),
        ("[[rule]]\nsubject = \"x\"\nset = { kle = \"27.4\" }\n", "line 3, rule 1 \"rule 1\": \"27.4\" is not a KLE code"),
        ("[[rule]]\nsubject = \"x\"\nset = { unit = \"A\" }\nconfidence = 1.5\n", "line 4, rule 1 \"rule 1\": confidence 1.5"),
        ("[[rule]]\nsubject = \"x\"\nset = { unit = \"A\" }\nconfidence = 0\n", "line 4"),
        ("[[rule]]\nmemo_kle = \"x\"\nset = { unit = \"A\" }\n", "line 2, rule 1 \"rule 1\": memo_kle: \"x\" is not a KLE code"),
        ("[[rule]]\nsender_domain = \"a b\"\nset = { unit = \"A\" }\n", "line 2, rule 1 \"rule 1\": \"a b\" is not a domain"),
        (
            "[[rule]]\nname = \"a\"\nsubject = \"x\"\nset = { unit = \"A\" }\n\n[[rule]]\nname = \"a\"\nbody = \"y\"\nset = { unit = \"B\" }\n",
            "line 6, rule 2 \"a\": the name is also used by the rule on line 1",
        ),
        ("version = 2\n", "line 1: version 2 is not supported"),
        ("[[rule]]\nsubject = \"x\"\nset = { unit = \"A\" \n", "line 3"),
        ("[[rule]]\nname = \"n\"\nsubject = 5\nset = { unit = \"A\" }\n", "line 3, rule 1 \"n\": invalid type: integer `5`, expected a string or a list of strings"),
        ("regel = 1\n", "line 1: unknown field `regel`"),
        (
            "[[rule]]\nname = \"ok\"\nsubject = \"x\"\nset = { unit = \"A\" }\n[[rule]]\nname = \"bad\"\nsubject = \"x\"\nset = { unit = 3 }\n",
            "line 8, rule 2 \"bad\"",
        ),
    ];
    for (text, expected) in cases {
        let err = RuleSet::from_toml_str(text).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Config, "{text}");
        assert!(err.to_string().contains(expected), "{text:?}\n{err}");
    }
}

#[test]
fn the_example_rule_file_parses_and_fits_os2kle() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/rules.toml");
    let rules = RuleSet::load(&path).unwrap();
    assert_eq!(rules.len(), 5);
    let hit = rules
        .apply(&mail(
            "betjent@fyn.rigspolitiet.dk",
            "post@kommune.dk",
            "Underretning",
            "",
        ))
        .unwrap();
    assert_eq!(hit.rule, "Politiet til Borgerservice");
    let hit = rules
        .apply(&mail(
            "a@b.dk",
            "post@kommune.dk",
            "Vedr. BTL-2024 tilbygning",
            "",
        ))
        .unwrap();
    assert_eq!(
        (hit.rule.as_str(), hit.labels["kle"].as_str()),
        ("Byggetilladelser", "02.34.02")
    );
    let Some(dir) = common::shared_data("os2kle") else {
        return;
    };
    let taxonomy = Taxonomy::from_spec(&format!("os2kle:{}", dir.display())).unwrap();
    rules.validate_against(&taxonomy).unwrap();
    let unknown = RuleSet::from_toml_str(
        "[[rule]]\nname = \"x\"\nsubject = \"x\"\nset = { kle = \"99.99.99\" }\n",
    )
    .unwrap();
    let err = unknown.validate_against(&taxonomy).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Config);
    assert!(
        err.to_string()
            .contains("line 1, rule \"x\": KLE label \"99.99.99\" is not in the taxonomy"),
        "{err}"
    );
}
