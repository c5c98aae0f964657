//! RTF: a control-word stripper. Text outside control words is kept; `\'hh` bytes are
//! decoded in the document's code page (`\ansicpg`, Windows-1252 by default), `\uN`
//! characters taken with their `\ucN` fallbacks skipped; destinations that hold no body
//! text (font and colour tables, styles, pictures, objects, field instructions, `\*`
//! groups) are skipped. Groups are tracked on a heap stack of at most [`MAX_DEPTH`]
//! groups, so nesting costs no call stack and bounded memory; the text of groups nested
//! deeper than that is skipped (no real document nests so deep).

use encoding_rs::{Encoding, WINDOWS_1252};

use super::{Budget, Failure, Found, TextOut};

/// The state of one `{…}` group.
#[derive(Clone, Copy)]
struct Group {
    /// Whether the group's text is skipped.
    skip: bool,
    /// How many fallback characters follow a `\uN` (`\ucN`, default 1).
    uc: usize,
}

/// The deepest nesting of groups whose state is kept. 16 M `{` used to take 16 bytes each
/// of stack, 297 MB for one attachment.
pub(crate) const MAX_DEPTH: usize = 256;

/// Destinations whose text is not body text.
const SKIPPED: &[&str] = &[
    "fonttbl",
    "colortbl",
    "stylesheet",
    "info",
    "pict",
    "object",
    "fldinst",
    "themedata",
    "colorschememapping",
    "datastore",
    "latentstyles",
    "listtable",
    "listoverridetable",
    "rsidtbl",
    "generator",
    "xmlnstbl",
    "mmathPr",
    "header",
    "footer",
    "headerl",
    "headerr",
    "headerf",
    "footerl",
    "footerr",
    "footerf",
    "filetbl",
    "revtbl",
    "pgdsctbl",
];

/// Extracts the text of an RTF document into `out`.
pub(super) fn extract(
    bytes: &[u8],
    budget: &mut Budget,
    out: &mut TextOut,
) -> Result<Found, Failure> {
    if !bytes.starts_with(b"{\\rtf") {
        return Err(Failure::Broken(
            "not an RTF document (no {\\rtf header)".into(),
        ));
    }
    let mut encoding: &'static Encoding = WINDOWS_1252;
    let mut stack: Vec<Group> = Vec::new();
    let mut group = Group { skip: false, uc: 1 };
    // Groups open beyond `MAX_DEPTH`, and the group to return to when they are closed.
    let (mut deeper, mut at_limit) = (0usize, group);
    // Bytes of `\'hh` escapes and plain text waiting to be decoded in the code page.
    let mut pending: Vec<u8> = Vec::new();
    // Fallback characters still to skip after a `\uN`.
    let mut skip_fallback = 0usize;
    let mut i = 0usize;
    let flush = |pending: &mut Vec<u8>, enc: &'static Encoding, out: &mut TextOut| {
        if !pending.is_empty() {
            let (text, _) = enc.decode_without_bom_handling(pending);
            out.push_str(&text);
            pending.clear();
        }
    };
    while let Some(&b) = bytes.get(i) {
        budget.tick()?;
        if out.is_full() {
            break;
        }
        match b {
            b'{' => {
                flush(&mut pending, encoding, out);
                if stack.len() < MAX_DEPTH {
                    stack.push(group);
                    // `{\*\dest …}`: an optional destination this reader does not know.
                    if bytes.get(i + 1..i + 3) == Some(b"\\*") {
                        group.skip = true;
                    }
                } else {
                    if deeper == 0 {
                        at_limit = group;
                    }
                    deeper += 1;
                    group.skip = true;
                }
                i += 1;
            }
            b'}' => {
                flush(&mut pending, encoding, out);
                if deeper > 0 {
                    deeper -= 1;
                    if deeper == 0 {
                        group = at_limit;
                    }
                } else {
                    group = stack.pop().unwrap_or(Group { skip: false, uc: 1 });
                }
                i += 1;
            }
            b'\\' => {
                let (word, param, next) = control(bytes, i + 1);
                i = next;
                if word == "'" {
                    let byte = param.and_then(|p| u8::try_from(p).ok());
                    if skip_fallback > 0 {
                        skip_fallback -= 1;
                    } else if let (Some(byte), false) = (byte, group.skip) {
                        pending.push(byte);
                    }
                    continue;
                }
                flush(&mut pending, encoding, out);
                if skip_fallback > 0 && word.len() == 1 {
                    // A control symbol (`\~`, `\-`) counts as one fallback character.
                    skip_fallback -= 1;
                    continue;
                }
                skip_fallback = 0;
                match word {
                    w if SKIPPED.contains(&w) => group.skip = true,
                    "ansicpg" => {
                        let label = format!("windows-{}", param.unwrap_or(1252));
                        encoding = Encoding::for_label(label.as_bytes()).unwrap_or(WINDOWS_1252);
                    }
                    "uc" => group.uc = param.and_then(|p| usize::try_from(p).ok()).unwrap_or(1),
                    "u" => {
                        if let Some(p) = param {
                            // Negative values are UTF-16 units written as signed 16-bit.
                            let unit = if p < 0 { p + 65536 } else { p };
                            if !group.skip {
                                let c = u32::try_from(unit).ok().and_then(char::from_u32);
                                out.push(c.unwrap_or('\u{fffd}'));
                            }
                            skip_fallback = group.uc;
                        }
                    }
                    _ if group.skip => {}
                    "par" | "line" | "row" | "sect" | "page" => out.push('\n'),
                    "tab" | "cell" => out.push('\t'),
                    "~" => out.push('\u{a0}'),
                    "_" => out.push('-'),
                    "emdash" => out.push('—'),
                    "endash" => out.push('–'),
                    "bullet" => out.push('•'),
                    "lquote" => out.push('‘'),
                    "rquote" => out.push('’'),
                    "ldblquote" => out.push('“'),
                    "rdblquote" => out.push('”'),
                    "\\" | "{" | "}" => out.push_str(word),
                    _ => {}
                }
            }
            b'\r' | b'\n' => i += 1,
            _ => {
                i += 1;
                if skip_fallback > 0 {
                    skip_fallback -= 1;
                } else if !group.skip {
                    pending.push(b);
                }
            }
        }
    }
    flush(&mut pending, encoding, out);
    Ok(Found::default())
}

/// Reads the control word or symbol starting at `start` (after the backslash): its name,
/// its numeric parameter, and where the text after it begins (a space delimiting a
/// control word belongs to it).
fn control(bytes: &[u8], start: usize) -> (&str, Option<i32>, usize) {
    let Some(&first) = bytes.get(start) else {
        return ("", None, start);
    };
    if first == b'\'' {
        let hex = bytes
            .get(start + 1..start + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| i32::from_str_radix(h, 16).ok());
        return ("'", hex, start + 3);
    }
    if !first.is_ascii_alphabetic() {
        let symbol = bytes
            .get(start..start + 1)
            .and_then(|s| std::str::from_utf8(s).ok())
            .unwrap_or("");
        return (symbol, None, start + 1);
    }
    let mut end = start;
    // Control words are at most 32 letters; longer runs are cut there.
    while end - start < 32 && bytes.get(end).is_some_and(u8::is_ascii_alphabetic) {
        end += 1;
    }
    let word = std::str::from_utf8(bytes.get(start..end).unwrap_or_default()).unwrap_or("");
    let mut p = end;
    if bytes.get(p) == Some(&b'-') {
        p += 1;
    }
    let digits_start = p;
    while p - digits_start < 10 && bytes.get(p).is_some_and(u8::is_ascii_digit) {
        p += 1;
    }
    let param = if p > digits_start {
        std::str::from_utf8(bytes.get(end..p).unwrap_or_default())
            .ok()
            .and_then(|s| s.parse::<i32>().ok())
    } else {
        p = end;
        None
    };
    if bytes.get(p) == Some(&b' ') {
        p += 1;
    }
    (word, param, p)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::Limits;
    use std::time::{Duration, Instant};

    fn text(rtf: &[u8]) -> String {
        let limits = Limits::default();
        let mut budget = Budget::new(&limits, Instant::now() + Duration::from_secs(30));
        let mut out = TextOut::new(10_000);
        extract(rtf, &mut budget, &mut out).unwrap();
        out.finish().0
    }

    #[test]
    fn code_page_bytes_unicode_and_skipped_destinations() {
        let rtf = br"{\rtf1\ansi\ansicpg1252{\fonttbl{\f0 Times;}}{\*\generator Foo;}\pard K\'e6re \u248\'f8rn\par {\pict 0123abc}Linje\tab to\line \{tre\}}";
        assert_eq!(text(rtf), "Kære ørn\nLinje\tto\n{tre}");
    }

    #[test]
    fn uc_counts_fallbacks_and_other_code_pages() {
        let rtf = br"{\rtf1\ansi\ansicpg1251\uc2 \u1046??x\'c6}";
        assert_eq!(text(rtf), "Жx\u{416}");
    }

    #[test]
    fn deep_nesting_and_truncation_do_not_panic() {
        // Text nested deeper than MAX_DEPTH is skipped; what follows the deep groups, at a
        // depth kept, is read again.
        let nested = |depth: usize, inner: &str, after: &str| {
            let mut rtf = b"{\\rtf1 ".to_vec();
            rtf.extend(std::iter::repeat_n(b'{', depth));
            rtf.extend_from_slice(inner.as_bytes());
            rtf.extend(std::iter::repeat_n(b'}', depth));
            rtf.extend_from_slice(after.as_bytes());
            text(&rtf)
        };
        // The document's own `{\\rtf1` group is one of the MAX_DEPTH.
        assert_eq!(nested(MAX_DEPTH - 1, "dybt", " efter}"), "dybt efter");
        assert_eq!(nested(MAX_DEPTH, "dybt", " efter}"), " efter");
        assert_eq!(nested(200_000, "dybt", " efter}"), " efter");
        let mut rtf = b"{\\rtf1 ".to_vec();
        rtf.extend(std::iter::repeat_n(b'{', 200_000));
        rtf.extend_from_slice(b"dybt\\");
        assert_eq!(text(&rtf), "");
        assert!(matches!(
            extract(
                b"plain",
                &mut Budget::new(&Limits::default(), Instant::now() + Duration::from_secs(1)),
                &mut TextOut::new(10)
            ),
            Err(Failure::Broken(_))
        ));
    }
}
