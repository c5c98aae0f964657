//! OS2KLE, the open KLE with weighted keywords: its TXT and JSON forms.
//!
//! **TXT** (`OS2KLE.txt`, UTF-8, one emne per line, LF line ends):
//! `KLENummer='00.01.00':KLETitel='Kommunens styrelse i almindelighed':Keywords[Weight]=Partistøtteloven §4[5];ok01[1000];`
//! Quirks of the real file (version 3.23, 2,390 lines), all handled here:
//! - every keyword ends with `;`, including the last; 17 emner have no keywords at all
//!   (`Keywords[Weight]=` and nothing after it);
//! - weights are integers from 0 (two keywords) to 10000; 5 is by far the most common, 1000
//!   marks form numbers (`ok01`, `OK760_F`) that settle the emne alone;
//! - keywords may contain `§`, `(`, `"`, `|` (`trafikspejlet|e|ene`), `_`, en dashes, a
//!   Cyrillic `с` inside a form number; they are kept as written, except that soft hyphens
//!   (U+00AD, present in two keywords) are removed, because they are invisible in text and
//!   would stop a keyword from ever matching;
//! - titles may carry a bracketed note: `[udgår 2027]` (due to go; read into
//!   [`KleEntry::announced_expiry`](super::KleEntry::announced_expiry)),
//!   `[jobcenter-fagsystemsag]`, `[fagsystem-emne]`; the title is kept as written;
//! - four titles occur twice under different codes (e.g. `Egne kulturelle arrangementer`);
//! - only emner are listed: grupper and hovedgrupper are implied by the codes.
//!
//! **JSON** (`OS2KLE.json`, a Taxon 3.x taxonomy as read by TaxonClassifierLib's
//! `makeLookupTaxonomy`): `{"system": {"versions": {"taxon_version": "3.x"}, …}, "classes":
//! {"<KLE code>": {"id": …, "title": "…", "terms": {"<term>": {"title": "…", "weight": 5,
//! "prefix": "", "suffix": "", "required": …}}, …}}}`. Classes are keyed by KLE code (an
//! `id` field is used when the key is not one); a term's text is its `title`, else its key;
//! `weight` may be a number or a numeric string; `terms` may be an object, `[]` or `null`
//! (PHP's encoding of an empty map). Term constraints (`required`, `excludeOnText`, prefixes,
//! …) are classifier settings, not taxonomy, and are not read.

use std::collections::HashMap;

use serde_json::Value;

use super::code::{quote, KleCode};
use super::taxonomy::{Keyword, KleEntry, Taxonomy, TaxonomyFormat};
use crate::{Error, ErrorKind, Result};

/// Part of the message when a JSON file has no `classes`.
const NOT_A_TAXONOMY: &str = "has no \"classes\" object";

const KEYWORDS_SEPARATOR: &str = "':Keywords[Weight]=";

/// Reads `OS2KLE.txt`. Errors name the line (and the keyword, counted from 1).
pub(crate) fn parse_txt(text: &str) -> Result<Taxonomy> {
    let mut taxonomy = Taxonomy::with_format(TaxonomyFormat::Os2kleTxt);
    let mut first_seen: HashMap<KleCode, usize> = HashMap::new();
    for (index, line) in text.lines().enumerate() {
        let number = index + 1;
        if line.trim().is_empty() {
            continue;
        }
        let entry = parse_line(line.trim_end())
            .map_err(|m| Error::new(ErrorKind::Parse, format!("line {number}: {m}")))?;
        let code = entry.code;
        if !taxonomy.insert(entry) {
            let first = first_seen.get(&code).copied().unwrap_or_default();
            return Err(Error::new(
                ErrorKind::Parse,
                format!("line {number}: KLENummer {code} was already given on line {first}"),
            ));
        }
        first_seen.insert(code, number);
    }
    if first_seen.is_empty() {
        return Err(Error::new(
            ErrorKind::Parse,
            "no KLENummer lines: not an OS2KLE TXT file",
        ));
    }
    taxonomy.add_implied_parents();
    Ok(taxonomy)
}

fn parse_line(line: &str) -> std::result::Result<KleEntry, String> {
    let rest = line
        .strip_prefix("KLENummer='")
        .ok_or("does not start with KLENummer='")?;
    let (nr, rest) = rest
        .split_once('\'')
        .ok_or("the KLENummer has no closing '")?;
    let code = KleCode::parse(nr).map_err(|e| e.message().to_string())?;
    let rest = rest
        .strip_prefix(":KLETitel='")
        .ok_or("expected :KLETitel=' after the KLENummer")?;
    let (title, keywords) = rest
        .split_once(KEYWORDS_SEPARATOR)
        .ok_or("expected ':Keywords[Weight]= after the title")?;
    let title = title.trim();
    if title.is_empty() {
        return Err(format!("KLENummer {code} has an empty title"));
    }
    let mut entry = KleEntry::new(code, Some(title.to_string()));
    entry.announced_expiry = announced_expiry(title);
    for (i, item) in keywords.split(';').enumerate() {
        if item.trim().is_empty() {
            continue;
        }
        let n = i + 1;
        let (word, weight) = item
            .trim()
            .strip_suffix(']')
            .and_then(|s| s.rsplit_once('['))
            .ok_or_else(|| format!("keyword {n} {} has no [weight]", quote(item)))?;
        let weight: u32 = weight.trim().parse().map_err(|_| {
            format!(
                "keyword {n} {} has a weight that is not a whole number",
                quote(item)
            )
        })?;
        let text = clean_keyword(word);
        if text.is_empty() {
            return Err(format!("keyword {n} is empty"));
        }
        entry.keywords.push(Keyword::new(text, weight));
    }
    Ok(entry)
}

/// Removes soft hyphens and surrounding whitespace.
fn clean_keyword(word: &str) -> String {
    word.replace('\u{AD}', "").trim().to_string()
}

/// The year of a `[udgår YYYY]` note in a title.
fn announced_expiry(title: &str) -> Option<u16> {
    let (_, after) = title.split_once("[udgår ")?;
    let (year, _) = after.split_once(']')?;
    year.trim().parse().ok()
}

/// Reads `OS2KLE.json`; a JSON file without `classes` is an error.
pub(crate) fn parse_json(text: &str) -> Result<Taxonomy> {
    parse_json_if_taxonomy(text)?.ok_or_else(|| {
        Error::new(
            ErrorKind::Parse,
            format!("{NOT_A_TAXONOMY}: not an OS2KLE taxonomy"),
        )
    })
}

/// Reads `OS2KLE.json`; `None` for well-formed JSON without `classes` (such as OS2KLE's
/// `change.json`), which a folder of taxonomy files may hold beside the taxonomy.
pub(crate) fn parse_json_if_taxonomy(text: &str) -> Result<Option<Taxonomy>> {
    let value: Value = serde_json::from_str(text).map_err(|e| {
        Error::with_source(
            ErrorKind::Parse,
            format!("line {}: not valid JSON ({e})", e.line()),
            e,
        )
    })?;
    if let Some(version) = value
        .pointer("/system/versions/taxon_version")
        .and_then(Value::as_str)
    {
        if !version.starts_with('3') {
            return Err(Error::new(
                ErrorKind::Parse,
                format!(
                    "system.versions.taxon_version is {}, expected 3.x",
                    quote(version)
                ),
            ));
        }
    }
    let Some(classes) = value.get("classes").and_then(Value::as_object) else {
        return Ok(None);
    };
    let mut taxonomy = Taxonomy::with_format(TaxonomyFormat::Os2kleJson);
    for (key, class) in classes {
        let entry = parse_class(key, class)
            .map_err(|m| Error::new(ErrorKind::Parse, format!("class {}: {m}", quote(key))))?;
        let code = entry.code;
        if !taxonomy.insert(entry) {
            return Err(Error::new(
                ErrorKind::Parse,
                format!(
                    "class {}: KLE code {code} is given by two classes",
                    quote(key)
                ),
            ));
        }
    }
    taxonomy.add_implied_parents();
    Ok(Some(taxonomy))
}

fn parse_class(key: &str, class: &Value) -> std::result::Result<KleEntry, String> {
    let class = class.as_object().ok_or("is not an object")?;
    let code = KleCode::parse(key)
        .ok()
        .or_else(|| {
            class
                .get("id")
                .and_then(Value::as_str)
                .and_then(|id| KleCode::parse(id).ok())
        })
        .ok_or("neither its key nor its \"id\" is a KLE code")?;
    let title = match class.get("title") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.trim().to_string()).filter(|s| !s.is_empty()),
        Some(_) => return Err("\"title\" is not a string".into()),
    };
    let mut entry = KleEntry::new(code, title);
    entry.announced_expiry = entry.title.as_deref().and_then(announced_expiry);
    let terms: Vec<(Option<&str>, &Value)> = match class.get("terms") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Object(map)) => map.iter().map(|(k, v)| (Some(k.as_str()), v)).collect(),
        Some(Value::Array(items)) => items.iter().map(|v| (None, v)).collect(),
        Some(_) => return Err("\"terms\" is neither an object nor a list".into()),
    };
    for (key, term) in terms {
        let named = term.get("title").and_then(Value::as_str).map(clean_keyword);
        let text = named
            .filter(|t| !t.is_empty())
            .or_else(|| key.map(clean_keyword))
            .filter(|t| !t.is_empty())
            .ok_or("a term has neither a title nor a key")?;
        let weight = match term.get("weight") {
            Some(Value::Number(n)) => n.as_u64().and_then(|w| u32::try_from(w).ok()),
            Some(Value::String(s)) => s.trim().parse().ok(),
            _ => None,
        }
        .ok_or_else(|| format!("term {} has no whole-number \"weight\"", quote(&text)))?;
        entry.keywords.push(Keyword::new(text, weight));
    }
    Ok(entry)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(e: &KleEntry) -> Vec<(&str, u32)> {
        e.keywords
            .iter()
            .map(|k| (k.text.as_str(), k.weight))
            .collect()
    }

    #[test]
    fn txt_lines_with_quirks() {
        let txt = "KLENummer='00.01.00':KLETitel='Kommunens styrelse':Keywords[Weight]=Partistøtteloven §4[5];ind\u{AD}satsen[100];trafikspejlet|e|ene[0];\r\n\
                   \n\
                   KLENummer='03.09.47':KLETitel='Uden ord [udgår 2027]':Keywords[Weight]=\n";
        let t = parse_txt(txt).unwrap();
        let e = t.get(&KleCode::parse("00.01.00").unwrap()).unwrap();
        let words = words(e);
        assert_eq!(
            words,
            [
                ("Partistøtteloven §4", 5),
                ("indsatsen", 100),
                ("trafikspejlet|e|ene", 0)
            ]
        );
        let e = t.get(&KleCode::parse("03.09.47").unwrap()).unwrap();
        assert!(e.keywords.is_empty());
        assert_eq!(e.announced_expiry, Some(2027));
        assert_eq!(e.title.as_deref(), Some("Uden ord [udgår 2027]"));
    }

    #[test]
    fn txt_errors_name_the_line() {
        let cases = [
            ("KLENummer='00.01.00':KLETitel='A':Keywords[Weight]=a[5];\nhello\n", "line 2: does not start with KLENummer='"),
            ("KLENummer='0.1':KLETitel='A':Keywords[Weight]=", "line 1: \"0.1\" is not a KLE code"),
            ("KLENummer='00.01.00':KLETitel='A':Keywords[Weight]=a[5];b;", "line 1: keyword 2 \"b\" has no [weight]"),
            ("KLENummer='00.01.00':KLETitel='A':Keywords[Weight]=a[x];", "line 1: keyword 1 \"a[x]\" has a weight"),
            ("KLENummer='00.01.00':KLETitel='A':Keywords[Weight]=a[-5];", "not a whole number"),
            ("KLENummer='00.01.00':KLETitel='A':Keywords[Weight]=[5];", "keyword 1 is empty"),
            ("KLENummer='00.01.00':KLETitel='A'", "expected ':Keywords[Weight]="),
            ("KLENummer='00.01.00':KLETitel='':Keywords[Weight]=", "empty title"),
            (
                "KLENummer='00.01.00':KLETitel='A':Keywords[Weight]=\n\nKLENummer='00.01.00':KLETitel='B':Keywords[Weight]=",
                "line 3: KLENummer 00.01.00 was already given on line 1",
            ),
            ("\n\n", "no KLENummer lines"),
        ];
        for (txt, expected) in cases {
            let err = parse_txt(txt).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::Parse);
            assert!(err.to_string().contains(expected), "{txt:?}: {err}");
        }
    }

    #[test]
    fn json_shapes_and_errors() {
        let json = r#"{"system":{"versions":{"taxon_version":"3.x"}},"classes":{
            "00.01":{"id":"00.01","title":"Gruppe","terms":[]},
            "x1":{"id":"00.01.00","title":"Emne","terms":{"a":{"title":"A","weight":"5"},"b":{"weight":1000}}},
            "00.02.00":{"title":"Tom","terms":null}}}"#;
        let t = parse_json(json).unwrap();
        assert_eq!(t.title(&KleCode::parse("00.01").unwrap()), Some("Gruppe"));
        let e = t.get(&KleCode::parse("00.01.00").unwrap()).unwrap();
        let words = words(e);
        assert_eq!(words, [("A", 5), ("b", 1000)]);
        assert!(t.contains(&KleCode::parse("00").unwrap()));
        let cases = [
            ("{\"classes\":\n{,}}", "line 2: not valid JSON"),
            ("{\"a\":1}", NOT_A_TAXONOMY),
            (
                r#"{"system":{"versions":{"taxon_version":"2.0"}},"classes":{}}"#,
                "expected 3.x",
            ),
            (
                r#"{"classes":{"nope":{"title":"x"}}}"#,
                "class \"nope\": neither its key",
            ),
            (
                r#"{"classes":{"00.01.00":{"terms":{"a":{"weight":-1}}}}}"#,
                "term \"a\" has no whole-number",
            ),
            (
                r#"{"classes":{"00.01.00":{"terms":7}}}"#,
                "neither an object nor a list",
            ),
            (
                r#"{"classes":{"00.01.00":{},"y":{"id":"00.01.00"}}}"#,
                "given by two classes",
            ),
        ];
        for (json, expected) in cases {
            let err = parse_json(json).unwrap_err();
            assert!(err.to_string().contains(expected), "{json}: {err}");
        }
    }
}
