//! Municipal routing rules: TOML through `RuleSet::from_toml_str`; a rule set that parses
//! is applied to a few messages.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use signatur::decision::rules::RuleSet;
use signatur::Message;

fn messages() -> &'static [Message] {
    static MSGS: OnceLock<Vec<Message>> = OnceLock::new();
    MSGS.get_or_init(|| {
        [
            &b"From: Anna <anna@example.dk>\r\nTo: byg@kommune.dk\r\nSubject: Byggetilladelse\r\n\r\nHej, jeg vil bygge en carport.\r\n"[..],
            &b"From: skat@skat.dk\r\nSubject: Ejendomsskat 2024\r\nX-Priority: 1\r\n\r\nSe vedhaeftede.\r\n"[..],
        ]
        .iter()
        .map(|raw| Message::from_bytes(raw).expect("a fixed message parses"))
        .chain([Message::from_text("Sagsnr. 27.24.00-G01-5-19")])
        .collect()
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
            let _ = rules.apply(m);
        }
    }
});
