//! Reference finding, redaction, the sensitivity check and featurisation on arbitrary text.
//! Shape masking keeps the text's byte length, as documented.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use signatur::decision::redact::{redact, Mask, RedactOptions};
use signatur::decision::{refs, sensitive};
use signatur::features::{FeatureConfig, Featurizer};
use signatur::Message;

fn featurizer() -> &'static Featurizer {
    static F: OnceLock<Featurizer> = OnceLock::new();
    F.get_or_init(|| Featurizer::new(&FeatureConfig::default()).expect("default features"))
}

// What is made once is made before the first input, outside libFuzzer's per-input timeout.
fuzz_target!(init: {
    featurizer();
}, |data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let found = refs::find(&text);
    for r in &found {
        assert!(
            text.get(r.start..r.end).is_some(),
            "a reference's span is not in the text"
        );
    }
    let shaped = redact(&text, &RedactOptions::all(Mask::Shape));
    assert_eq!(shaped.len(), text.len(), "shape masking changed the length");
    let _ = redact(&text, &RedactOptions::all(Mask::Label));
    let _ = redact(&text, &RedactOptions::default());
    let _ = sensitive::assess_text(&text);
    let _ = featurizer().featurize(&Message::from_text(&text));
});
