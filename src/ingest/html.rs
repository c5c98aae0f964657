//! HTML to readable text, for messages that only have an HTML body (newsletters, web forms,
//! many Outlook messages) and for HTML attachments.
//!
//! What a reader sees is what comes out: no tags, nothing from `<head>`, `<style>` or
//! `<script>`, entities decoded (`&aelig;` → `æ`), whitespace collapsed as a browser does,
//! paragraphs and line breaks kept, list items on their own lines with `- ` or `1. `,
//! table cells separated by a space and rows by a line. Invisible characters that newsletters
//! use as padding (zero-width spaces, soft hyphens) are dropped.
//!
//! One pass over the input with no backtracking: every search moves forward, and searches
//! for closing quotes are cached, so time is linear even on hostile markup. Output stops at a
//! caller's byte limit.

use memchr::{memchr, memchr3};

use super::entities;

/// How strong a pending break between two pieces of text is.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Break {
    None,
    Space,
    Line,
    Paragraph,
}

/// The text being written, with the break owed before the next visible character.
struct Out {
    text: String,
    pending: Break,
    /// Whitespace right after a list marker is not written.
    after_marker: bool,
    limit: usize,
}

impl Out {
    fn want(&mut self, b: Break) {
        if b > self.pending {
            self.pending = b;
        }
    }

    fn flush(&mut self) {
        if self.text.is_empty() {
            self.pending = Break::None;
            return;
        }
        match self.pending {
            Break::None => {}
            Break::Space => self.text.push(' '),
            Break::Line => self.text.push('\n'),
            Break::Paragraph => self.text.push_str("\n\n"),
        }
        self.pending = Break::None;
    }

    /// Writes text from the document: whitespace collapses unless `pre`.
    fn push_text(&mut self, s: &str, pre: bool) {
        let bytes = s.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            // Runs of visible ASCII go in whole; everything else char by char.
            let run = bytes
                .get(i..)
                .unwrap_or_default()
                .iter()
                .take_while(|b| b.is_ascii_graphic())
                .count();
            if run > 0 {
                self.flush();
                self.after_marker = false;
                self.text.push_str(s.get(i..i + run).unwrap_or(""));
                i += run;
                continue;
            }
            // ASCII white space outside <pre> collapses without decoding characters.
            if !pre && bytes.get(i).is_some_and(|b| b.is_ascii_whitespace()) {
                if !self.after_marker {
                    self.want(Break::Space);
                }
                i += 1;
                continue;
            }
            match s.get(i..).and_then(|rest| rest.chars().next()) {
                Some(c) => {
                    self.push_char(c, pre);
                    i += c.len_utf8();
                }
                None => break,
            }
        }
    }

    fn push_char(&mut self, c: char, pre: bool) {
        if is_invisible(c) {
            return;
        }
        if pre && c == '\n' {
            self.want(Break::Line);
            self.after_marker = false;
            return;
        }
        if c.is_whitespace() {
            if pre && c != '\r' {
                self.flush();
                self.text.push(' ');
            } else if !self.after_marker {
                self.want(Break::Space);
            }
            return;
        }
        self.flush();
        self.after_marker = false;
        self.text.push(c);
    }

    /// Writes a list marker at the start of a line.
    fn push_marker(&mut self, marker: &str) {
        self.want(Break::Line);
        self.flush();
        self.text.push_str(marker);
        self.after_marker = true;
    }

    fn full(&self) -> bool {
        self.text.len() > self.limit
    }
}

/// Characters a reader never sees, used by newsletters to pad preview text.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}' | '\u{034F}' | '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}'
    )
}

/// Elements whose content is never shown.
fn is_hidden(name: &str) -> bool {
    matches!(name, "script" | "style" | "title" | "template" | "xml")
}

/// The break an element (lowercase name) causes before and after itself.
fn block_break(name: &str) -> Break {
    match name {
        "p" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "blockquote" | "pre" | "table" | "hr"
        | "dl" | "ul" | "ol" => Break::Paragraph,
        "br" | "div" | "tr" | "li" | "dt" | "dd" | "section" | "article" | "header" | "footer"
        | "address" | "center" | "form" | "fieldset" | "figure" | "figcaption" | "main" | "nav"
        | "aside" | "caption" | "body" | "html" | "option" | "legend" | "details" | "summary" => {
            Break::Line
        }
        "td" | "th" | "img" | "input" | "button" | "select" | "textarea" | "label" => Break::Space,
        _ => Break::None,
    }
}

/// Forward-only search for a closing quote, cached so that unclosed quotes cannot make the
/// scan quadratic: once a search found the next quote at `p` (or none up to the end), later
/// searches from before `p` reuse that answer.
#[derive(Default)]
struct QuoteCache {
    double: Option<Option<usize>>,
    single: Option<Option<usize>>,
}

impl QuoteCache {
    fn find(&mut self, bytes: &[u8], quote: u8, from: usize) -> Option<usize> {
        let slot = if quote == b'"' {
            &mut self.double
        } else {
            &mut self.single
        };
        match *slot {
            Some(None) => return None,
            Some(Some(p)) if p >= from => return Some(p),
            _ => {}
        }
        let found = bytes
            .get(from..)
            .and_then(|rest| memchr(quote, rest))
            .map(|p| p + from);
        *slot = Some(found);
        found
    }
}

/// Finds `</name` (ASCII case-insensitive) at or after `from`.
fn find_close_tag(bytes: &[u8], from: usize, name: &str) -> Option<usize> {
    find_ci(bytes, from, b"</", name.as_bytes())
}

/// Finds `prefix` followed by `name` (ASCII case-insensitive) at or after `from`.
fn find_ci(bytes: &[u8], from: usize, prefix: &[u8], name: &[u8]) -> Option<usize> {
    let mut pos = from;
    while let Some(rel) = bytes.get(pos..).and_then(|rest| memchr(b'<', rest)) {
        let at = pos + rel;
        let cand = bytes.get(at..at + prefix.len() + name.len());
        if let Some(cand) = cand {
            let (p, n) = cand.split_at(prefix.len());
            if p == prefix && n.eq_ignore_ascii_case(name) {
                return Some(at);
            }
        }
        pos = at + 1;
    }
    None
}

/// Converts `html` to readable text of at most about `limit` bytes. Returns the text and
/// whether it was cut at the limit.
///
/// ```
/// # fn example() -> Result<(), Box<dyn std::error::Error>> {
/// let html = "<p>K&aelig;re borger</p><ul><li>Bil&aring;g</li></ul>";
/// let (text, cut) = signatur::ingest::html_to_text(html, 1024);
/// assert_eq!(text, "Kære borger\n\n- Bilåg");
/// assert!(!cut);
/// # Ok(()) }
/// # example().unwrap();
/// ```
pub fn html_to_text(html: &str, limit: usize) -> (String, bool) {
    let bytes = html.as_bytes();
    let mut out = Out {
        text: String::with_capacity(html.len().min(limit) / 2),
        pending: Break::None,
        after_marker: false,
        limit,
    };
    let mut quotes = QuoteCache::default();
    // Open lists: ordered or not, and the next item number. Deeper nesting is not tracked.
    let mut lists: Vec<(bool, u32)> = Vec::new();
    let mut pre_depth = 0u32;
    let mut head_ends = HeadEnds::default();
    let mut i = 0;

    while i < bytes.len() && !out.full() {
        let Some(rel) = memchr3(b'<', b'&', b'\r', bytes.get(i..).unwrap_or_default()) else {
            out.push_text(html.get(i..).unwrap_or(""), pre_depth > 0);
            break;
        };
        let at = i + rel;
        out.push_text(html.get(i..at).unwrap_or(""), pre_depth > 0);
        i = at;
        match bytes.get(at) {
            Some(b'&') => match html.get(at..).and_then(entities::decode_at) {
                Some((c, used)) => {
                    let c = if c == '\u{A0}' { ' ' } else { c };
                    out.push_char(c, pre_depth > 0);
                    i += used;
                }
                None => {
                    out.push_char('&', pre_depth > 0);
                    i += 1;
                }
            },
            Some(b'\r') => i += 1,
            _ => {
                i = tag(
                    html,
                    at,
                    &mut out,
                    &mut quotes,
                    &mut lists,
                    &mut pre_depth,
                    &mut head_ends,
                );
            }
        }
    }
    let cut = out.full();
    let mut text = out.text;
    if cut {
        super::limits::cut_text(&mut text, limit);
    }
    let trimmed_len = text.trim_end().len();
    text.truncate(trimmed_len);
    (text, cut)
}

/// Where a `<head>` ends: at its `</head`, or else at the next `<body`.
///
/// Remembers which of the two searches found nothing, since neither can find anything
/// later in the input: without that, `<head><body>` repeated with no `</head` anywhere
/// searched the rest of the input for `</head` at every `<head>`, time quadratic in the
/// size (a 1 MiB body took about a minute).
#[derive(Default)]
struct HeadEnds {
    no_close: bool,
    no_body: bool,
}

impl HeadEnds {
    /// Where the head that starts before `from` ends, if it does.
    fn find(&mut self, bytes: &[u8], from: usize) -> Option<usize> {
        if !self.no_close {
            match find_close_tag(bytes, from, "head") {
                Some(p) => return Some(p),
                None => self.no_close = true,
            }
        }
        if !self.no_body {
            match find_ci(bytes, from, b"<", b"body") {
                Some(p) => return Some(p),
                None => self.no_body = true,
            }
        }
        None
    }
}

/// Handles the markup starting with `<` at `at`; returns where text resumes.
fn tag(
    html: &str,
    at: usize,
    out: &mut Out,
    quotes: &mut QuoteCache,
    lists: &mut Vec<(bool, u32)>,
    pre_depth: &mut u32,
    head_ends: &mut HeadEnds,
) -> usize {
    let bytes = html.as_bytes();
    let after = at + 1;
    let end_of_input = bytes.len();
    match bytes.get(after) {
        Some(b'!') => {
            if bytes.get(after + 1..after + 3) == Some(b"--") {
                // A comment runs to `-->`, or to the end of the input as in a browser.
                return memchr::memmem::find(bytes.get(after + 3..).unwrap_or_default(), b"-->")
                    .map_or(end_of_input, |p| after + 3 + p + 3);
            }
            return skip_to_gt(bytes, after);
        }
        Some(b'?') => return skip_to_gt(bytes, after),
        Some(b'/') => {}
        Some(c) if c.is_ascii_alphabetic() => {}
        _ => {
            // A lone `<` is text ("a < b").
            out.push_char('<', *pre_depth > 0);
            return after;
        }
    }
    let closing = bytes.get(after) == Some(&b'/');
    let name_start = if closing { after + 1 } else { after };
    let name_len = bytes
        .get(name_start..)
        .unwrap_or_default()
        .iter()
        .take_while(|b| b.is_ascii_alphanumeric() || **b == b':' || **b == b'-')
        .count();
    let end = tag_end(bytes, name_start + name_len, quotes);
    // Element names that matter are short; longer ones (custom elements) do nothing.
    let mut buf = [0u8; 12];
    let Some(lower) = buf.get_mut(..name_len) else {
        return end;
    };
    lower.copy_from_slice(
        bytes
            .get(name_start..name_start + name_len)
            .unwrap_or_default(),
    );
    lower.make_ascii_lowercase();
    let name = std::str::from_utf8(lower).unwrap_or("");
    if name.is_empty() {
        return end;
    }
    if !closing {
        if is_hidden(name) {
            return find_close_tag(bytes, end, name).map_or(end_of_input, |p| skip_to_gt(bytes, p));
        }
        if name == "head" {
            // Skip the head only if it ends somewhere; broken mail sometimes never closes it.
            if let Some(p) = head_ends.find(bytes, end) {
                return p;
            }
        }
    }

    let eq = |n: &str| name == n;
    let mut brk = block_break(name);
    let nested_list = if closing {
        lists.len() > 1
    } else {
        !lists.is_empty()
    };
    if (eq("ul") || eq("ol")) && nested_list {
        // A list inside a list item continues the outer list line by line.
        brk = Break::Line;
    }
    if brk != Break::None {
        out.want(brk);
    }
    if eq("pre") {
        *pre_depth = if closing {
            pre_depth.saturating_sub(1)
        } else {
            pre_depth.saturating_add(1)
        };
    } else if eq("ul") || eq("ol") {
        if closing {
            lists.pop();
        } else if lists.len() < 16 {
            lists.push((eq("ol"), 1));
        }
    } else if eq("li") && !closing {
        let depth = lists.len().saturating_sub(1);
        let mut marker = "  ".repeat(depth);
        match lists.last_mut() {
            Some((true, n)) => {
                marker.push_str(&format!("{n}. "));
                *n = n.saturating_add(1);
            }
            _ => marker.push_str("- "),
        }
        out.push_marker(&marker);
    }
    end
}

/// The position after the `>` that ends the tag whose attributes start at `from`, honouring
/// quoted attribute values; an unclosed quote falls back to the first `>`.
fn tag_end(bytes: &[u8], from: usize, quotes: &mut QuoteCache) -> usize {
    let mut pos = from;
    loop {
        let Some(rel) = bytes
            .get(pos..)
            .and_then(|rest| memchr3(b'>', b'"', b'\'', rest))
        else {
            return bytes.len();
        };
        let at = pos + rel;
        match bytes.get(at) {
            Some(b'>') => return at + 1,
            Some(&q) => match quotes.find(bytes, q, at + 1) {
                Some(close) => pos = close + 1,
                None => return skip_to_gt(bytes, at),
            },
            None => return bytes.len(),
        }
    }
}

/// The position after the next `>` at or after `from`, or the end.
fn skip_to_gt(bytes: &[u8], from: usize) -> usize {
    bytes
        .get(from..)
        .and_then(|rest| memchr(b'>', rest))
        .map_or(bytes.len(), |p| from + p + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn conv(html: &str) -> String {
        html_to_text(html, 1 << 20).0
    }

    #[test]
    fn cases() {
        let cases: &[(&str, &str)] = &[
            ("<p>Hej</p><p>med dig</p>", "Hej\n\nmed dig"),
            ("linje 1<br>linje 2<br/>linje 3", "linje 1\nlinje 2\nlinje 3"),
            (
                "<html><head><title>Nyhedsbrev</title><style>p{color:red}</style></head><body><p>Indhold</p></body></html>",
                "Indhold",
            ),
            ("<script>var x = '<p>';</script>Tekst", "Tekst"),
            ("<STYLE type=text/css>a{}</STYLE>Tekst", "Tekst"),
            ("K&aelig;re &Oslash;ster&aring;", "Kære Østerå"),
            ("&#230;&#xF8;&#229;", "æøå"),
            ("a&nbsp;&nbsp;b", "a b"),
            ("  mange    \n\t mellemrum  ", "mange mellemrum"),
            ("<ul><li>et</li><li>to</li></ul>", "- et\n- to"),
            ("<ol><li>et<li>to</ol>", "1. et\n2. to"),
            ("<ul><li>a<ul><li>b</li></ul></li></ul>", "- a\n  - b"),
            ("<table><tr><td>Navn</td><td>Jens</td></tr><tr><td>By</td><td>Aarhus</td></tr></table>", "Navn Jens\nBy Aarhus"),
            ("<!-- skjult --><p>synlig</p>", "synlig"),
            ("<!--[if mso]><xml><o:x>96</o:x></xml><![endif]-->Tekst", "Tekst"),
            ("<![if !supportLists]>1.<![endif]> punkt", "1. punkt"),
            ("a < b og c > d", "a < b og c > d"),
            ("<a href=\"x>y\">link</a> efter", "link efter"),
            ("<pre>  kode\n    indrykket</pre>", "  kode\n    indrykket"),
            ("Preheader&zwnj;&nbsp;&#8203;&shy;tekst", "Preheader tekst"),
            ("<head><p>ingen slut på head", "ingen slut på head"),
            ("<div>Fra<div>Til</div></div>", "Fra\nTil"),
            ("AT&T &amp; co", "AT&T & co"),
            ("<p>uafsluttet <b", "uafsluttet"),
            ("<h1>Overskrift</h1>Tekst", "Overskrift\n\nTekst"),
            ("x\r\ny", "x y"),
        ];
        for (html, want) in cases {
            assert_eq!(conv(html), *want, "for {html:?}");
        }
    }

    #[test]
    fn output_stops_at_the_limit() {
        let html = "<p>ord </p>".repeat(10_000);
        let (text, cut) = html_to_text(&html, 100);
        assert!(cut);
        assert!(text.len() <= 100, "{}", text.len());
        let (_, cut) = html_to_text("<p>kort</p>", 100);
        assert!(!cut);
    }

    #[test]
    fn hostile_markup_is_linear() {
        // Unclosed quotes and unclosed comments, repeated: must not rescan the input.
        let n = 200_000;
        let inputs = [
            "<a '".repeat(n),
            "<a \"x".repeat(n),
            "<head>".repeat(n),
            // A head that ends at the next `<body`, with no `</head` anywhere.
            "<head><body>".repeat(n),
            "<head><body>x</head".repeat(n),
            "<script".repeat(n),
            "&".repeat(n),
            "<".repeat(n),
        ];
        for html in inputs {
            let start = std::time::Instant::now();
            let _ = html_to_text(&html, 1 << 20);
            // Debug builds are slow, but a quadratic scan of 1 MB would take minutes.
            assert!(start.elapsed().as_secs() < 10);
        }
    }
}
