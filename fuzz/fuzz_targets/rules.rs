//! Municipal routing rules: TOML through `RuleSet::from_toml_str`; a rule set that parses
//! is applied to a few messages, e-mail and Digital Post, so that the `memo_*` conditions
//! are reached too.
//!
//! A rule that fires must say why: at least one matched condition, and a `memo_*`
//! condition only for a Digital Post message. Applying the same rules twice gives the same
//! answer.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use signatur::decision::rules::RuleSet;
use signatur::Message;

fn messages() -> &'static [Message] {
    static MSGS: OnceLock<Vec<Message>> = OnceLock::new();
    MSGS.get_or_init(|| {
        let mut msgs: Vec<Message> = [
            &b"From: Anna <anna@example.dk>\r\nTo: byg@kommune.dk\r\nSubject: Byggetilladelse\r\n\r\nHej, jeg vil bygge en carport.\r\n"[..],
            &b"From: skat@skat.dk\r\nSubject: Ejendomsskat 2024\r\nX-Priority: 1\r\n\r\nSe vedhaeftede.\r\n"[..],
        ]
        .iter()
        .map(|raw| Message::from_bytes(raw).expect("a fixed message parses"))
        .chain([Message::from_text("Sagsnr. 27.24.00-G01-5-19")])
        .collect();
        // Digital Post with a sender id, KLE data, a case id, and a reply on a case.
        for xml in [
            &include_bytes!("../../tests/fixtures/memo/kle_and_case.xml")[..],
            &include_bytes!("../../tests/fixtures/memo/reply_with_case.xml")[..],
        ] {
            let msg = Message::from_memo(xml).expect("a fixture MeMo parses");
            assert!(msg.memo.is_some());
            msgs.push(msg);
        }
        msgs
    })
}

// What is made once is made before the first input, outside libFuzzer's per-input timeout.
fuzz_target!(init: {
    messages();
}, |data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(rules) = RuleSet::from_toml_str(text) {
        for m in messages() {
            let hit = rules.apply(m);
            if let Some(hit) = &hit {
                assert!(!hit.matched.is_empty(), "rule {:?} fired on nothing", hit.rule);
                assert!(!hit.labels.is_empty());
                if hit.matched.iter().any(|c| c.starts_with("memo_")) {
                    assert!(m.memo.is_some(), "a memo_* condition held for e-mail");
                }
            }
            let again = rules.apply(m);
            assert_eq!(
                hit.as_ref().map(|h| (&h.rule, &h.matched)),
                again.as_ref().map(|h| (&h.rule, &h.matched))
            );
        }
    }
});
