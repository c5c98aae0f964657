//! Digital Post MeMo XML through `Message::from_memo_with`, then the MeMo routing and the
//! references found in the message.
#![no_main]

use libfuzzer_sys::fuzz_target;
use signatur::decision::refs;
use signatur::ingest::{memo, Limits};
use signatur::Message;

fuzz_target!(|data: &[u8]| {
    let _ = memo::looks_like_memo(data);
    if let Ok(msg) = Message::from_memo_with(data, &Limits::default()) {
        let _ = refs::find_in_message(&msg);
    }
});
