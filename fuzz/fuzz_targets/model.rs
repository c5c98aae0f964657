//! Model files through `Classifier::from_bytes` (seeds: small real models trained by
//! `scripts/fuzz-seeds.py`); a file that loads must classify a message and export again.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use signatur::{Classifier, Message};

fn message() -> &'static Message {
    static MSG: OnceLock<Message> = OnceLock::new();
    MSG.get_or_init(|| {
        Message::from_text("Ansøgning om byggetilladelse til carport, sagsnr. 02.34.02-P19-1-24")
    })
}

// What is made once is made before the first input, outside libFuzzer's per-input timeout.
fuzz_target!(init: {
    message();
}, |data: &[u8]| {
    if let Ok(clf) = Classifier::from_bytes(data) {
        let _ = clf.classify(message());
        let _ = clf.to_model().and_then(|m| m.to_onnx());
    }
});
