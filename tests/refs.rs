//! Tables of positive and tricky negative cases for every reference detector.
//!
//! The CPR numbers here are made up for the tests (valid dates, check digits computed for
//! the purpose); they are not anybody's number as far as the authors know.

use signatur::decision::refs::check::{cpr_birth_date, cpr_mod11, cvr_mod11, p_number_mod11};
use signatur::decision::refs::{find, RefKind, Reference};

/// The references of `kind` in `text`, as (text of the span, value, checksum).
fn of_kind(text: &str, kind: RefKind) -> Vec<(String, String, Option<bool>)> {
    find(text)
        .into_iter()
        .filter(|r| r.kind == kind)
        .map(|r| (text[r.start..r.end].to_string(), r.value, r.checksum))
        .collect()
}

/// The single reference of `kind` in `text`; fails the test with the text when there is
/// not exactly one.
fn one(text: &str, kind: RefKind) -> Reference {
    let mut found: Vec<Reference> = find(text).into_iter().filter(|r| r.kind == kind).collect();
    assert_eq!(
        found.len(),
        1,
        "expected one {kind} in {text:?}, got {found:?}"
    );
    found.remove(0)
}

fn none_of(text: &str, kind: RefKind) {
    let found = of_kind(text, kind);
    assert!(
        found.is_empty(),
        "expected no {kind} in {text:?}, got {found:?}"
    );
}

// ---------------------------------------------------------------- CPR

#[test]
fn cpr_century_rules_give_the_birth_year() {
    // (ten digits, birth date) for every branch of the rule of the 7th digit.
    let table = [
        ("1503900005", Some((1990, 3, 15))), // 0 → 1900s
        ("1503901001", Some((1990, 3, 15))), // 1
        ("1503902008", Some((1990, 3, 15))), // 2
        ("1503903004", Some((1990, 3, 15))), // 3
        ("1503364006", Some((2036, 3, 15))), // 4, YY ≤ 36 → 2000s
        ("1503374001", Some((1937, 3, 15))), // 4, YY > 36 → 1900s
        ("1503369008", Some((2036, 3, 15))), // 9, YY ≤ 36
        ("1503379003", Some((1937, 3, 15))), // 9, YY > 36
        ("1503575007", Some((2057, 3, 15))), // 5, YY ≤ 57 → 2000s
        ("1503585002", Some((1858, 3, 15))), // 5, YY > 57 → 1800s
        ("1503578006", Some((2057, 3, 15))), // 8, YY ≤ 57
        ("1503588001", Some((1858, 3, 15))), // 8, YY > 57
        ("1503906003", Some((1890, 3, 15))), // 6, YY = 90 > 57 → 1890
        ("2902004001", Some((2000, 2, 29))), // 29 Feb 2000: leap (7th digit 4)
        ("2902001002", None),                // 29 Feb 1900: not leap (7th digit 1)
        ("2902014007", None),                // 29 Feb 2001: not leap
        ("3102901000", None),                // 31 February
        ("3104901000", None),                // 31 April
        ("0012901000", None),                // day 0
        ("1513901000", None),                // month 13
    ];
    for (digits, want) in table {
        assert_eq!(cpr_birth_date(digits), want, "{digits}");
    }
}

#[test]
fn cpr_found_in_every_century_and_form() {
    for digits in [
        "1503900005",
        "1503901001",
        "1503902008",
        "1503903004",
        "1503364006",
        "1503374001",
        "1503369008",
        "1503379003",
        "1503575007",
        "1503585002",
        "1503578006",
        "1503588001",
        "2902004001",
    ] {
        let (date, serial) = digits.split_at(6);
        for written in [
            digits.to_string(),
            format!("{date}-{serial}"),
            format!("{date} {serial}"),
            format!("{date}\u{2013}{serial}"), // en dash from a word processor
        ] {
            let text = format!("Vedr. {written}, se vedhæftede.");
            let r = one(&text, RefKind::Cpr);
            assert_eq!(r.value, digits);
            assert_eq!(&text[r.start..r.end], written);
            assert_eq!(r.checksum, Some(true), "{text}");
        }
    }
}

#[test]
fn cpr_with_impossible_dates_is_not_found() {
    for text in [
        "cpr 310290-1000",     // 31 February
        "cpr 290201-4007",     // 29 February 2001
        "cpr 290200-1002",     // 29 February 1900 (7th digit 1: not the leap year 2000)
        "cpr 151390-1000",     // month 13
        "cpr 001290-1000",     // day 0
        "cpr-nr. 320190-1000", // day 32
    ] {
        none_of(text, RefKind::Cpr);
    }
    // 29 February 2000 (7th digit 4) is a real date.
    assert_eq!(one("cpr 290200-4001", RefKind::Cpr).value, "2902004001");
}

#[test]
fn cpr_failing_modulus_11_is_still_found_with_lower_confidence() {
    // 1 January 2007 without a valid check digit: the kind issued since 2007.
    assert!(!cpr_mod11("0101074000"));
    let failing = one("Barnets cpr-nr. er 010107-4000", RefKind::Cpr);
    assert_eq!(failing.checksum, Some(false));
    let valid = one("Barnets cpr-nr. er 010107-4005", RefKind::Cpr);
    assert_eq!(valid.checksum, Some(true));
    assert!(
        failing.confidence < valid.confidence,
        "{failing:?} vs {valid:?}"
    );
    // Any other date failing the check is found too, lower still than 1 January.
    let other = one("Barnets cpr-nr. er 150390-0000", RefKind::Cpr);
    assert_eq!(other.checksum, Some(false));
    assert!(other.confidence < failing.confidence);
    // Without context or separator it is weak, but still reported (and so masked).
    let weak = one("Nummer 1503900000 blev nævnt", RefKind::Cpr);
    assert!(weak.confidence < 0.5, "{weak:?}");
}

#[test]
fn cpr_context_and_form_raise_confidence() {
    let plain = one("nummer 1503900005", RefKind::Cpr).confidence;
    let separated = one("nummer 150390-0005", RefKind::Cpr).confidence;
    let context = one("CPR-nr.: 150390-0005", RefKind::Cpr).confidence;
    let personnummer = one(
        "Mit personnummer, som De bad om, er 1503900005",
        RefKind::Cpr,
    )
    .confidence;
    assert!(
        plain < separated && separated < context,
        "{plain} {separated} {context}"
    );
    assert!(personnummer > plain);
    assert!(context <= 1.0);
    for text in ["cpr.nr. 1503900005", "CPR: 1503900005", "cprnr 1503900005"] {
        assert!(one(text, RefKind::Cpr).confidence > plain, "{text}");
    }
}

#[test]
fn cpr_lookalikes_are_not_taken() {
    for text in [
        "tlf. 1503900005",              // a phone word
        "Faktura 1503900005 er betalt", // an invoice number
        "ordrenr. 150390-0005",         // an order number
        "ordrenr. 1503900005",          // an order number
        "Faktura nr.: 150390 0005",     // an invoice number in groups
        "kundenr 1503900005",           // a customer number
        "Beløb: 1503900005",            // an amount
        "i alt 1503900005 kr.",         // an amount by its currency
        "1503900005,- ",                // an amount, Danish style
        "1.503.900.005",                // thousands separators
        "15039000051",                  // eleven digits
        "150390-00051",                 // a longer serial
        "2024-1503900005",              // inside a longer code
        "A1503900005",                  // glued to letters
        "1503900005B",                  // glued to letters
        "+1503900005",                  // an international phone number
        "15.03.1990 kl. 10.00",         // a date
        "15-03-1990",                   // a date with hyphens
        "p-nr. 1503900005",             // a P-number
        "DK50 0040 0440 1162 43",       // an IBAN
        "150390/0005",                  // a slash is not a CPR separator
    ] {
        none_of(text, RefKind::Cpr);
    }
}

#[test]
fn cpr_as_journal_number_is_a_cpr_number() {
    // An authority may use the CPR number as journal number; it must still be found (and so
    // masked), not swallowed by the case number reading.
    let refs = find("J.nr. 150390-0005");
    assert_eq!(refs.len(), 1, "{refs:?}");
    assert_eq!(refs[0].kind, RefKind::Cpr);
}

#[test]
fn cpr_after_a_word_for_something_else_a_few_words_back_is_read_with_less_confidence() {
    // A context word that does not label the number (other words, or the rest of a longer
    // word, between them) is often about something else: the number is still found (and
    // masked), with less confidence.
    let clear = one("nummer 150390-0005", RefKind::Cpr).confidence;
    for text in [
        "Se bilag vedr. 150390-0005",
        "Jeg har talt med kontoret om 150390-0005",
        "CPR-nr. (se bilaget): 150390-0005",
        "Ring til mig om 150390-0005",
        "Se bilag vedr. 1503900005",
    ] {
        let r = one(text, RefKind::Cpr);
        assert_eq!(r.value, "1503900005", "{text}");
        assert!(r.confidence < clear, "{text}: {} {clear}", r.confidence);
    }
    assert_eq!(
        signatur::decision::redact::redact("Se bilag vedr. 150390-0005", &Default::default()),
        "Se bilag vedr. XXXXXX-XXXX"
    );
}

#[test]
fn written_cpr_between_other_digit_groups_is_found() {
    // Table cells that HTML mail turns into text, and lists, are one run of digit groups.
    let spans = |text: &str| -> Vec<String> {
        of_kind(text, RefKind::Cpr)
            .into_iter()
            .map(|(span, _, _)| span)
            .collect()
    };
    assert_eq!(spans("Jens Hansen 150390-0005 8500"), ["150390-0005"]);
    assert_eq!(spans("8500 150390-0005"), ["150390-0005"]);
    assert_eq!(spans("2024/150390-0005/7"), ["150390-0005"]);
    assert_eq!(spans("150390-0005 150390-0005"), ["150390-0005"; 2]);
    // More groups than a chunk records.
    let list = ["150390-0005"; 11].join(" ");
    assert_eq!(spans(&list).len(), 11);
    assert_eq!(spans(&format!("{list} 1 2 3")).len(), 11);
    // The dotted form.
    assert_eq!(spans("cpr 15.03.90-0005"), ["15.03.90-0005"]);
    // Ten digits and the dotted form between other groups (a table row: `<td>1</td>
    // <td>1503900005</td>`), and the journal number made of ten digits.
    assert_eq!(spans("1 1503900005 Jens Hansen"), ["1503900005"]);
    assert_eq!(spans("1503900005 8500"), ["1503900005"]);
    assert_eq!(spans("Jeres j.nr.: 1503900005/2024"), ["1503900005"]);
    assert_eq!(spans("15.03.90-0005 8500"), ["15.03.90-0005"]);
    assert_eq!(spans("8500 15.03.90-0005 1"), ["15.03.90-0005"]);
    // Hard-wrapped after the hyphen.
    for text in ["cpr 150390-\n0005", "cpr 150390-\r\n0005 8500"] {
        assert_eq!(one(text, RefKind::Cpr).value, "1503900005", "{text:?}");
        let masked = signatur::decision::redact::redact(text, &Default::default());
        assert!(
            !masked.contains("0005") && masked.contains("XXXXXX-"),
            "{masked:?}"
        );
    }
    // Dashes and hyphens that PDF text and word processors write, and a soft hyphen.
    for dash in ["\u{2212}", "\u{2014}", "\u{2012}", "\u{FF0D}", "\u{AD}"] {
        let text = format!("cpr {}{dash}{}", "150390", "0005");
        assert_eq!(one(&text, RefKind::Cpr).value, "1503900005", "{text:?}");
    }
    // Part of a longer code, glued, or an impossible date: not taken.
    for text in [
        "12-150390-0005 8500",
        "12-1503900005 8500",
        "1503900005-12 1",
        "8500 15.03.90-0005.1",
        "8500 1503900005B",
        "8500 3102900005 1",
        "8500 150390-0005-12",
        "8500.150390-0005 1",
        "A150390-0005 8500",
        "8500 150390-0005B",
        "8500 310290-0005 1",
        "8500 150390 0005 1",
    ] {
        none_of(text, RefKind::Cpr);
    }
}

#[test]
fn a_label_shared_with_a_cpr_word_labels_a_cpr_number() {
    // One label for two kinds of number: the shape decides.
    for text in [
        "CPR/CVR-nr.: 150390-0005",
        "CPR-/CVR-nr.: 150390-0005",
        "CPR- og telefonnummer: 1503900005",
        "cpr eller cvr nr. 150390-0005",
    ] {
        assert_eq!(one(text, RefKind::Cpr).value, "1503900005", "{text}");
        assert!(!signatur::decision::redact::redact(text, &Default::default()).contains("150390"));
    }
    // A label of something else alone still rules it out.
    none_of("Faktura nr. 150390-0005", RefKind::Cpr);
    none_of("CVR-nr.: 150390-0005", RefKind::Cpr);
    // Another word between the CPR word and the label breaks the chain.
    none_of("CPR står i bilaget, faktura nr. 150390-0005", RefKind::Cpr);
}

#[test]
fn cpr_inside_a_longer_case_number_is_kept() {
    for text in ["Jeres ref.: 150390-0005/JH", "J.nr. 150390-0005/2024"] {
        let refs = find(text);
        let cpr = one(text, RefKind::Cpr);
        assert_eq!(&text[cpr.start..cpr.end], "150390-0005", "{text}");
        assert!(
            refs.iter()
                .all(|r| r.kind == RefKind::Cpr || r.end <= cpr.start || r.start >= cpr.end),
            "{text}: {refs:?}"
        );
        assert!(!signatur::decision::redact::redact(text, &Default::default()).contains("150390"));
    }
}

#[test]
fn byte_spans_after_danish_letters() {
    let text = "Kære Søren Ærø, dit cpr-nr. er 150390-0005. Ring på +45 86 12 34 56.";
    let refs = find(text);
    let spans: Vec<(RefKind, usize, usize)> =
        refs.iter().map(|r| (r.kind, r.start, r.end)).collect();
    assert_eq!(spans, [(RefKind::Cpr, 35, 46), (RefKind::Phone, 57, 72)]);
    assert_eq!(&text[35..46], "150390-0005");
    assert_eq!(&text[57..72], "+45 86 12 34 56");
}

// ---------------------------------------------------------------- CVR and P-numbers

#[test]
fn cvr_table() {
    assert!(cvr_mod11("13748136"));
    // (text, span text, value, checksum)
    for (text, span, value, checksum) in [
        ("CVR-nr. 13748136", "13748136", "13748136", Some(true)),
        ("cvr: 13748137", "13748137", "13748137", Some(false)), // a typing error is still shown
        (
            "Firmaet (CVR 13 74 81 36) skriver",
            "13 74 81 36",
            "13748136",
            Some(true),
        ),
        ("Momsnr. DK13748136", "DK13748136", "13748136", Some(true)),
        ("VAT no. DK-13748136", "DK-13748136", "13748136", Some(true)),
        ("Vi har CVR 13748136.", "13748136", "13748136", Some(true)),
        (
            "Firma med nummer 13748136 har skrevet",
            "13748136",
            "13748136",
            Some(true),
        ),
    ] {
        let found = of_kind(text, RefKind::Cvr);
        assert_eq!(found.len(), 1, "{text}: {found:?}");
        assert_eq!(
            found[0],
            (span.to_string(), value.to_string(), checksum),
            "{text}"
        );
    }
    let with = one("CVR-nr. 13748136", RefKind::Cvr).confidence;
    let without = one("nummer 13748136", RefKind::Cvr).confidence;
    assert!(with > without, "{with} {without}");
}

#[test]
fn cvr_lookalikes_are_not_taken() {
    for text in [
        "nummer 13748137",        // no context and the check fails: not reported
        "dato 05012023",          // a date DDMMYYYY (which happens to pass modulus 11)
        "ordre 12345674",         // an order number (passes modulus 11)
        "12345674 kr",            // an amount
        "tlf 33663366",           // a phone number (passes modulus 11)
        "nr. 01374813",           // a leading zero
        "137481361",              // nine digits
        "1374-8136",              // a hyphenated pair without context
        "X13748136",              // glued
        "DB 10001110B ;10001110", // a binary number (passes modulus 11)
        "Phone: +46 (0)47021340", // a phone number after a dialling code
        "ABC-13748136",           // part of a code
    ] {
        none_of(text, RefKind::Cvr);
    }
}

#[test]
fn p_numbers_after_their_word_only() {
    assert!(p_number_mod11("1003388391"));
    let r = one("P-nr. 1003388391", RefKind::PNumber);
    assert_eq!((r.value.as_str(), r.checksum), ("1003388391", Some(true)));
    // A failing check digit is reported, never rejected.
    let r = one("p-nummer: 1003388394", RefKind::PNumber);
    assert_eq!(r.checksum, Some(false));
    assert!(r.confidence < one("P-nr. 1003388391", RefKind::PNumber).confidence);
    one("produktionsenhed 1003388391", RefKind::PNumber);
    none_of("nummer 1003388391", RefKind::PNumber);
    none_of("P-nr. 100338839", RefKind::PNumber);
}

// ---------------------------------------------------------------- phones and e-mail

#[test]
fn phone_table() {
    for (text, span, value) in [
        (
            "Ring på +45 86 12 34 56 i dag",
            "+45 86 12 34 56",
            "+4586123456",
        ),
        ("+4586123456", "+4586123456", "+4586123456"),
        ("tlf. 0045 86123456", "0045 86123456", "+4586123456"),
        ("Tlf: (+45) 86 12 34 56", "(+45) 86 12 34 56", "+4586123456"),
        ("tlf. 86123456", "86123456", "+4586123456"),
        ("Tlf.: 8612 3456", "8612 3456", "+4586123456"),
        ("telefon 86-12-34-56", "86-12-34-56", "+4586123456"),
        ("Mobil 20 30 40 50", "20 30 40 50", "+4520304050"),
        ("telefonnummer 861 23 456", "861 23 456", "+4586123456"),
        ("Direkte: 8612 34 56", "8612 34 56", "+4586123456"),
        ("Kontakt 86 12 34 56 hverdage", "86 12 34 56", "+4586123456"),
        (
            "Telephone: +45 - 45 93 51 00",
            "+45 - 45 93 51 00",
            "+4545935100",
        ),
    ] {
        let found = of_kind(text, RefKind::Phone);
        assert_eq!(
            found,
            [(span.to_string(), value.to_string(), None)],
            "{text}"
        );
    }
    let bare = one("Kontakt 86 12 34 56", RefKind::Phone).confidence;
    let word = one("tlf. 86 12 34 56", RefKind::Phone).confidence;
    assert!(bare < word);
    // No Danish number starts with 0 or 1, but after `tlf.` the writer means one (an
    // invented `12 34 56 78`, a typo): it is taken, with less confidence, so it is masked.
    for text in ["tlf 16123456", "Tlf. 12 12 34 34", "+45 11 22 33 44"] {
        let r = one(text, RefKind::Phone);
        assert!(r.confidence < word, "{text}");
    }
}

#[test]
fn phone_lookalikes_are_not_taken() {
    for text in [
        "86123456",               // eight plain digits: an order or customer number as often
        "Mødet er 01.02.2023",    // a date
        "01 02 2023",             // a date with spaces
        "1990 2000",              // two years
        "1990-2000",              // a range of years
        "+44 20 7946 0958",       // another country
        "Kontakt 16 12 34 56",    // Danish numbers do not start with 1: bare, not taken
        "12 34 56 78 90",         // ten digits in pairs
        "86 12 34 56 kr.",        // an amount
        "10.20.30.40",            // an IP address
        "kontonr. 86 12 34 56",   // an account word
        "Tel.: +31 -30 50 67 11", // another country's code
        "Phone (33) 76 39 78 92", // an area code in brackets
        "Tel +33 (1) 43 36 77 50",
        "Phone: FRG-5824-3197", // part of a code
    ] {
        none_of(text, RefKind::Phone);
    }
}

#[test]
fn email_table() {
    for (text, span, value) in [
        (
            "Skriv til Jens.Hansen@Aarhus.dk.",
            "Jens.Hansen@Aarhus.dk",
            "jens.hansen@aarhus.dk",
        ),
        (
            "<søren+post@kommune.dk>",
            "søren+post@kommune.dk",
            "søren+post@kommune.dk",
        ),
        (
            "mail: a_b-c@sub.example.co.uk, tak",
            "a_b-c@sub.example.co.uk",
            "a_b-c@sub.example.co.uk",
        ),
    ] {
        let found = of_kind(text, RefKind::Email);
        assert_eq!(found.len(), 1, "{text}");
        assert_eq!((found[0].0.as_str(), found[0].1.as_str()), (span, value));
    }
    for text in [
        "a@b",
        "user@localhost",
        "@kommune.dk",
        "jens@.dk",
        "kl. 10@20.30",
        "x@y.1",
    ] {
        none_of(text, RefKind::Email);
    }
}

// ---------------------------------------------------------------- banks

#[test]
fn iban_table() {
    for (text, span, value) in [
        (
            "IBAN: DK50 0040 0440 1162 43.",
            "DK50 0040 0440 1162 43",
            "DK5000400440116243",
        ),
        (
            "til DK5000400440116243 senest",
            "DK5000400440116243",
            "DK5000400440116243",
        ),
        (
            "GB82 WEST 1234 5698 7654 32 Tak",
            "GB82 WEST 1234 5698 7654 32",
            "GB82WEST12345698765432",
        ),
    ] {
        let r = one(text, RefKind::Iban);
        assert_eq!(
            (&text[r.start..r.end], r.value.as_str(), r.checksum),
            (span, value, Some(true))
        );
    }
    // The digits inside an IBAN are neither a CPR nor a phone number.
    let kinds: Vec<RefKind> = find("IBAN DK50 0040 0440 1162 43")
        .iter()
        .map(|r| r.kind)
        .collect();
    assert_eq!(kinds, [RefKind::Iban]);
    // A failing check: only after the word IBAN, then reported with checksum false.
    none_of("DK5000400440116244", RefKind::Iban);
    let r = one("IBAN DK5000400440116244", RefKind::Iban);
    assert_eq!(r.checksum, Some(false));
    // Wrong length for the country, glued, unknown country.
    none_of("DK500040044011624", RefKind::Iban);
    none_of("XDK5000400440116243", RefKind::Iban);
    none_of("QQ5000400440116243", RefKind::Iban);
}

#[test]
fn danish_bank_account_table() {
    for (text, span, value) in [
        (
            "reg.nr. 1234 kontonr. 1234567890",
            "1234 kontonr. 1234567890",
            "1234-1234567890",
        ),
        (
            "Reg.nr.: 1234, Kontonr.: 0001234567",
            "1234, Kontonr.: 0001234567",
            "1234-0001234567",
        ),
        (
            "Beløbet sendes til konto 1234-1234567890.",
            "1234-1234567890",
            "1234-1234567890",
        ),
        (
            "kontonummer 1234 12345678",
            "1234 12345678",
            "1234-12345678",
        ),
        ("kontonr. 1503900005", "1503900005", "1503900005"), // alone; and not a CPR number
    ] {
        let refs = find(text);
        assert_eq!(refs.len(), 1, "{text}: {refs:?}");
        let r = &refs[0];
        assert_eq!(r.kind, RefKind::BankAccount, "{text}");
        assert_eq!((&text[r.start..r.end], r.value.as_str()), (span, value));
    }
    none_of("reg.nr. 1234", RefKind::BankAccount);
    none_of("nummer 1234 1234567890", RefKind::BankAccount);
}

// ---------------------------------------------------------------- cases and KLE

#[test]
fn case_number_table() {
    for (text, span) in [
        ("Vedr. 27.24.00-G01-5-19", "27.24.00-G01-5-19"),
        ("Vores ref.: 27.24.00-G01-5-19", "27.24.00-G01-5-19"),
        ("journalnr. 00.01.00-A00-123-2024.", "00.01.00-A00-123-2024"),
        ("Sagsnr. 2024-012345", "2024-012345"),
        ("J.nr. 24/12345, bilag 3", "24/12345"),
        ("Jeres ref.: ABC-123", "ABC-123"),
        ("sag nr. 2019-0001234.", "2019-0001234"),
        ("Ref.: 2024-012345", "2024-012345"), // a bare ref with a case-shaped identifier
        ("Deres ref: 32.18.04-P22-17-23", "32.18.04-P22-17-23"),
        ("Emne: Byggesag 02.34.02-Ø34-7-24", "02.34.02-Ø34-7-24"),
    ] {
        let found = of_kind(text, RefKind::CaseNumber);
        assert_eq!(found.len(), 1, "{text}: {found:?}");
        assert_eq!(found[0].0, span, "{text}");
        assert_eq!(found[0].1, span, "{text}");
    }
    let with = one("Vores ref.: 27.24.00-G01-5-19", RefKind::CaseNumber).confidence;
    let without = one("Vedr. 27.24.00-G01-5-19", RefKind::CaseNumber).confidence;
    assert!(with > without);
    for text in [
        "2024-012345",                          // Acadre-like, without a case word
        "Jeres ref.: Anne Hansen",              // no digits
        "ref. 1",                               // too short
        "Criminologists (Ref. 5-8) have found", // a citation
        "IBM ThinkPad 770 (Stock Ref 683)",     // a stock number
        "x-ref: SSRT2300 php post requests",    // an advisory id
        "1 REF 0.167317532658774153E+05",       // a float in a table
        "27.24.00-G01-5-195",                   // three-digit year
    ] {
        none_of(text, RefKind::CaseNumber);
    }
}

#[test]
fn kle_code_table() {
    for (text, value) in [
        ("Emnet er 32.18.04.", "32.18.04"),
        ("KLE 32.18.04 G01", "32.18.04-G01"),
        ("journaliseres på 27.24.00-Ø34", "27.24.00-Ø34"),
        ("emne 01.02.03", "01.02.03"), // a date-like code after a KLE word
        ("KLE-nr. 32.18", "32.18"),    // a gruppe after a KLE word
        ("00.01.00 P22", "00.01.00-P22"),
    ] {
        let found = of_kind(text, RefKind::KleCode);
        assert_eq!(found.len(), 1, "{text}: {found:?}");
        assert_eq!(found[0].1, value, "{text}");
    }
    for text in [
        "01.02.03",                   // reads as a date without a KLE word
        "10.15.07",                   // 10 is no hovedgruppe (a version number)
        "01.02.2023",                 // a date
        "32.18",                      // a gruppe (or a decimal) without a KLE word
        "v32.18.04",                  // glued
        "1.234.567,00 kr",            // an amount
        "32.18.04.05",                // four groups
        "VOICE: (++ 49 40) 27.42.27", // a phone number after a dialling code
    ] {
        none_of(text, RefKind::KleCode);
    }
}

// ---------------------------------------------------------------- whole texts

#[test]
fn amounts_dates_and_accounts_in_a_letter_are_not_identifiers() {
    let text = "Kære borger\n\nDer er d. 01.02.2023 udbetalt 1.234.567,00 kr. til reg.nr. 1234 \
                kontonr. 0001234567. Beløbet 12.500 kr. dækker perioden 01.01.2023-31.12.2023. \
                Faktura nr. 150390-0005 kl. 10.30.\n\nMed venlig hilsen\nBorgerservice, tlf. 70 12 14 16";
    let found: Vec<(RefKind, &str)> = find(text)
        .iter()
        .map(|r| (r.kind, &text[r.start..r.end]))
        .collect();
    assert_eq!(
        found,
        [
            (RefKind::BankAccount, "1234 kontonr. 0001234567"),
            (RefKind::Phone, "70 12 14 16"),
        ]
    );
}

#[test]
fn output_is_ordered_without_overlaps_and_on_char_boundaries() {
    let text = "Æble: CVR 13748136, cpr 150390-0005, søren@kommune.dk, IBAN DK5000400440116243, \
                sag 27.24.00-G01-5-19, tlf +45 20 30 40 50, Øvrigt: 32.18.04 Ø34.";
    let refs = find(text);
    assert_eq!(refs.len(), 7, "{refs:?}");
    for pair in refs.windows(2) {
        assert!(pair[0].end <= pair[1].start, "{pair:?}");
    }
    for r in &refs {
        assert!(text.is_char_boundary(r.start) && text.is_char_boundary(r.end));
        assert!((0.0..=1.0).contains(&r.confidence));
    }
}
