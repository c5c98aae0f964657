//! The journal-plan loaders: the first byte chooses OS2KLE TXT, OS2KLE JSON or KL's XML;
//! a taxonomy that loads answers lookups of its own codes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use signatur::kle::Taxonomy;

fuzz_target!(|data: &[u8]| {
    let Some((&format, rest)) = data.split_first() else {
        return;
    };
    let loaded = match format % 3 {
        0 => std::str::from_utf8(rest)
            .ok()
            .map(Taxonomy::from_os2kle_txt),
        1 => std::str::from_utf8(rest)
            .ok()
            .map(Taxonomy::from_os2kle_json),
        _ => Some(Taxonomy::from_kle_xml(rest)),
    };
    if let Some(Ok(t)) = loaded {
        for e in t.entries().take(64) {
            assert!(t.contains(&e.code));
            let _ = t.validate_label(&e.code.to_string());
            let _ = t.children(&e.code).count();
        }
    }
});
