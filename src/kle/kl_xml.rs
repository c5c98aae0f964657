//! KL's KLE XML: `KLE-Emneplan` and `KLE-Handlingsfacetter`, version 2.0 and the REST
//! "fuld" form.
//!
//! Element names follow KL's XSD (see `docs` in the shared folder, DOMAIN.md):
//! `Hovedgruppe` > `HovedgruppeNr`, `HovedgruppeTitel`, `Gruppe` > … > `Emne` > `EmneNr`,
//! `EmneTitel`; each level may have `…Vejledning/VejledningTekst` (XHTML), `…AdministrativInfo`
//! (`OprettetDato`, `RettetDato`, `Historisk` with `UdgaaetDato` and `Flyttet` >
//! `FlyttetDato`, `AfloestAf`), and emner `BevaringJaevnfoerArkivloven` and
//! `SletningJaevnfoerPersondataloven`. The REST "fuld" form adds `EmneStikord` (and
//! `GruppeStikord`, `HovedgruppeStikord`) and `EmneOgHandlingsfacetStikord` (a keyword with
//! its `HandlingsfacetNr`); a keyword's text is read from a `Tekst` child or, failing that,
//! the element's own text, and keywords marked `Historisk` are left out.
//!
//! Elements are matched by local name, so a namespace prefix does not matter, and elements
//! this loader does not use (UUIDs, filters, legal references, dates of change) are skipped,
//! so KL can add fields without breaking it.

use super::code::{quote, KleCode, Level};
use super::facet::{category_letter, Facet};
use super::retention::{Preservation, Retention, RetentionPeriod};
use super::taxonomy::{
    FacetCategory, FacetEntry, Keyword, KleEntry, Outdated, Taxonomy, TaxonomyFormat,
    DEFAULT_KEYWORD_WEIGHT,
};
use super::xml::{self, collapse, Element, Node};
use crate::{Error, ErrorKind, Result};

/// Which of KL's files a document is, by its root element; `None` for other XML.
pub(crate) fn root_format(bytes: &[u8]) -> Option<TaxonomyFormat> {
    // The root's name is within the first few kilobytes; UTF-16 is decoded for the look.
    let head = bytes.get(..bytes.len().min(8192))?;
    let text: String = match encoding_rs::Encoding::for_bom(head) {
        Some((enc, bom)) => enc
            .decode_without_bom_handling(head.get(bom..)?)
            .0
            .into_owned(),
        None => String::from_utf8_lossy(head).into_owned(),
    };
    format_of(&root_name(&text)?)
}

fn format_of(root: &str) -> Option<TaxonomyFormat> {
    if root.contains("Emneplan") {
        Some(TaxonomyFormat::KleEmneplan)
    } else if root.contains("Handlingsfacet") {
        Some(TaxonomyFormat::KleHandlingsfacetter)
    } else {
        None
    }
}

/// The local name of the first element, skipping the declaration, comments and DOCTYPE.
fn root_name(text: &str) -> Option<String> {
    let mut rest = text;
    loop {
        let at = rest.find('<')?;
        rest = rest.get(at..)?;
        if let Some(after) = rest.strip_prefix("<!--") {
            rest = after.get(after.find("-->")? + 3..)?;
        } else if rest.starts_with("<?") || rest.starts_with("<!") {
            rest = rest.get(rest.find('>')? + 1..)?;
        } else {
            let name: String = rest
                .get(1..)?
                .chars()
                .take_while(|c| !c.is_whitespace() && *c != '>' && *c != '/')
                .collect();
            return Some(name.rsplit(':').next().unwrap_or_default().to_string());
        }
    }
}

/// Reads one of KL's files.
pub(crate) fn parse(bytes: &[u8]) -> Result<Taxonomy> {
    let text = xml::decode(bytes)?;
    let root = xml::parse(&text)?;
    match format_of(&root.name) {
        Some(TaxonomyFormat::KleEmneplan) => read_emneplan(&root),
        Some(TaxonomyFormat::KleHandlingsfacetter) => read_facetter(&root),
        _ => Err(Error::new(
            ErrorKind::Parse,
            format!(
                "line {}: root element <{}> is neither <KLE-Emneplan> nor <KLE-Handlingsfacetter>",
                root.line, root.name
            ),
        )),
    }
}

fn read_emneplan(root: &Element) -> Result<Taxonomy> {
    let mut taxonomy = Taxonomy::with_format(TaxonomyFormat::KleEmneplan);
    taxonomy.set_published(root.text_of("UdgivelsesDato"));
    for hovedgruppe in root.all("Hovedgruppe") {
        read_level(hovedgruppe, Level::Hovedgruppe, None, &mut taxonomy)?;
    }
    taxonomy.add_implied_parents();
    Ok(taxonomy)
}

/// The element name of each level, which is also the prefix of its fields
/// (`EmneNr`, `EmneTitel`, `EmneVejledning` …).
fn element_name(level: Level) -> &'static str {
    match level {
        Level::Hovedgruppe => "Hovedgruppe",
        Level::Gruppe => "Gruppe",
        Level::Emne => "Emne",
    }
}

fn read_level(
    el: &Element,
    level: Level,
    parent: Option<KleCode>,
    taxonomy: &mut Taxonomy,
) -> Result<()> {
    let prefix = element_name(level);
    let nr_name = format!("{prefix}Nr");
    let nr = required(el, &nr_name)?;
    let code =
        KleCode::parse(&nr).map_err(|e| at(el.first(&nr_name).unwrap_or(el), e.message()))?;
    let fits = code.level() == level && code.parent() == parent;
    if !fits {
        let expected = match parent {
            Some(p) => format!("a {level} under {p}"),
            None => format!("a {level}"),
        };
        return Err(at(el, format!("<{nr_name}> {code} is not {expected}")));
    }
    let mut entry = KleEntry::new(code, Some(required(el, &format!("{prefix}Titel"))?));
    entry.guidance = el.first(&format!("{prefix}Vejledning")).and_then(guidance);
    entry.outdated = outdated(el.first(&format!("{prefix}AdministrativInfo")))?;
    entry.retention = retention(el)?;
    entry.keywords = keywords(el, prefix)?;
    if !taxonomy.insert(entry) {
        return Err(at(el, format!("<{nr_name}> {code} appears a second time")));
    }
    let child_level = match level {
        Level::Hovedgruppe => Some(Level::Gruppe),
        Level::Gruppe => Some(Level::Emne),
        Level::Emne => None,
    };
    if let Some(child_level) = child_level {
        for child in el.all(element_name(child_level)) {
            read_level(child, child_level, Some(code), taxonomy)?;
        }
    }
    Ok(())
}

fn read_facetter(root: &Element) -> Result<Taxonomy> {
    let mut taxonomy = Taxonomy::with_format(TaxonomyFormat::KleHandlingsfacetter);
    taxonomy.set_published(root.text_of("UdgivelsesDato"));
    for kategori in root.all("HandlingsfacetKategori") {
        let nr = required(kategori, "HandlingsfacetKategoriNr")?;
        let mut chars = nr.chars();
        let letter = match (chars.next().and_then(category_letter), chars.next()) {
            (Some(letter), None) => letter,
            _ => {
                return Err(at(
                    kategori,
                    format!(
                        "<HandlingsfacetKategoriNr> {} is not a single letter",
                        quote(&nr)
                    ),
                ))
            }
        };
        let category = FacetCategory {
            letter,
            title: kategori.text_of("HandlingsfacetKategoriTitel"),
            guidance: kategori
                .first("HandlingsfacetKategoriVejledning")
                .and_then(guidance),
            outdated: outdated(kategori.first("HandlingsfacetKategoriAdministrativInfo"))?,
        };
        if !taxonomy.insert_category(category) {
            return Err(at(
                kategori,
                format!("facet category {letter} appears a second time"),
            ));
        }
        for el in kategori.all("Handlingsfacet") {
            let nr = required(el, "HandlingsfacetNr")?;
            let facet = Facet::parse(&nr).map_err(|e| at(el, e.message()))?;
            if facet.category() != letter {
                return Err(at(
                    el,
                    format!("facet {facet} is listed under category {letter}"),
                ));
            }
            let entry = FacetEntry {
                facet,
                title: Some(required(el, "HandlingsfacetTitel")?),
                guidance: el.first("HandlingsfacetVejledning").and_then(guidance),
                outdated: outdated(el.first("HandlingsfacetAdministrativInfo"))?,
                retention: retention(el)?,
            };
            if !taxonomy.insert_facet(entry) {
                return Err(at(el, format!("facet {facet} appears a second time")));
            }
        }
    }
    Ok(taxonomy)
}

/// The text of a required child; its absence is an error naming the parent's line.
fn required(el: &Element, name: &str) -> Result<String> {
    el.text_of(name)
        .ok_or_else(|| at(el, format!("<{}> has no <{name}>", el.name)))
}

/// An error at `el`'s line.
fn at(el: &Element, message: impl std::fmt::Display) -> Error {
    Error::new(ErrorKind::Parse, format!("line {}: {message}", el.line))
}

/// `Historisk` (or an `UdgaaetDato`/`AfloestAf` anywhere in the administrative info) marks
/// a code as outdated. `<Historisk>false</Historisk>` does not.
fn outdated(admin: Option<&Element>) -> Result<Option<Outdated>> {
    let Some(admin) = admin else { return Ok(None) };
    let historisk = admin.first("Historisk");
    let since = admin.find("UdgaaetDato").map(Element::own_text);
    let replaced = admin.find("AfloestAf");
    let marked = historisk
        .is_some_and(|h| !matches!(h.own_text().to_ascii_lowercase().as_str(), "false" | "0"));
    if !marked && since.is_none() && replaced.is_none() {
        return Ok(None);
    }
    let replaced_by = match replaced {
        None => None,
        Some(a) => {
            let nr = ["EmneNr", "GruppeNr", "HovedgruppeNr"]
                .iter()
                .find_map(|n| a.text_of(n))
                .unwrap_or_else(|| a.own_text());
            if nr.is_empty() {
                None
            } else {
                Some(
                    KleCode::parse(&nr)
                        .map_err(|e| at(a, format!("<AfloestAf>: {}", e.message())))?,
                )
            }
        }
    };
    Ok(Some(Outdated {
        since: since.filter(|s| !s.is_empty()),
        replaced_by,
        moved: admin
            .find("FlyttetDato")
            .map(Element::own_text)
            .filter(|s| !s.is_empty()),
    }))
}

fn retention(el: &Element) -> Result<Retention> {
    let mut r = Retention::default();
    if let Some(b) = el.first("BevaringJaevnfoerArkivloven") {
        let text = b.own_text();
        if !text.is_empty() {
            r.preservation = Some(Preservation::parse(&text).map_err(|e| at(b, e.message()))?);
        }
    }
    if let Some(s) = el.first("SletningJaevnfoerPersondataloven") {
        let text = s.own_text();
        if !text.is_empty() {
            r.delete_after = Some(RetentionPeriod::parse(&text).map_err(|e| at(s, e.message()))?);
        }
    }
    Ok(r)
}

/// `{prefix}Stikord` keywords and, for emner, `EmneOgHandlingsfacetStikord` with a facet.
fn keywords(el: &Element, prefix: &str) -> Result<Vec<Keyword>> {
    let plain = format!("{prefix}Stikord");
    let mut out = Vec::new();
    for k in el.elements() {
        let with_facet = k.name == "EmneOgHandlingsfacetStikord";
        if k.name != plain && !with_facet {
            continue;
        }
        if outdated(k.first("StikordAdministrativInfo"))?.is_some() {
            continue;
        }
        let text = k.text_of("Tekst").unwrap_or_else(|| k.own_text());
        if text.is_empty() {
            continue;
        }
        let facet = match k.text_of("HandlingsfacetNr") {
            Some(nr) => Some(Facet::parse(&nr).map_err(|e| at(k, e.message()))?),
            None if with_facet => {
                return Err(at(
                    k,
                    "<EmneOgHandlingsfacetStikord> has no <HandlingsfacetNr>",
                ))
            }
            None => None,
        };
        out.push(Keyword {
            text,
            weight: DEFAULT_KEYWORD_WEIGHT,
            facet,
        });
    }
    Ok(out)
}

/// KL's XHTML guidance as plain text: paragraphs separated by a blank line, list items as
/// `- ` lines, inline markup dropped. `None` when there is no text.
fn guidance(vejledning: &Element) -> Option<String> {
    let body = vejledning.first("VejledningTekst").unwrap_or(vejledning);
    let mut raw = String::new();
    flatten(body, &mut raw);
    let mut out = String::new();
    let mut blank = false;
    for line in raw.lines().map(collapse) {
        if line.is_empty() {
            blank = !out.is_empty();
            continue;
        }
        if !out.is_empty() {
            out.push_str(if blank { "\n\n" } else { "\n" });
        }
        out.push_str(&line);
        blank = false;
    }
    (!out.is_empty()).then_some(out)
}

/// Appends `el`'s text with block elements turned into line breaks. Recursion is bounded by
/// the tree's depth limit.
fn flatten(el: &Element, out: &mut String) {
    for node in &el.content {
        match node {
            Node::Text(t) => out.push_str(&t.replace('\n', " ")),
            Node::Space => out.push(' '),
            Node::Element(child) => match child.name.as_str() {
                "p" | "div" => {
                    out.push_str("\n\n");
                    flatten(child, out);
                    out.push_str("\n\n");
                }
                "li" => {
                    out.push_str("\n- ");
                    flatten(child, out);
                }
                "ul" | "ol" => {
                    flatten(child, out);
                    out.push('\n');
                }
                "br" => out.push('\n'),
                _ => flatten(child, out),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn root_names_are_found_past_prologs() {
        let cases = [
            (
                "<?xml version=\"1.0\"?><!-- a > b --><KLE-Emneplan>",
                Some(TaxonomyFormat::KleEmneplan),
            ),
            (
                "<!DOCTYPE x><ns2:KLE-Handlingsfacetter xmlns:ns2=\"u\">",
                Some(TaxonomyFormat::KleHandlingsfacetter),
            ),
            ("<Message>", None),
            ("no xml", None),
        ];
        for (text, expected) in cases {
            assert_eq!(root_format(text.as_bytes()), expected, "{text}");
        }
    }

    #[test]
    fn guidance_keeps_paragraphs_and_lists() {
        let xml = "<EmneVejledning><VejledningTekst><p>Første <b>afsnit</b>\n fortsat.</p>\
                   <ul><li>et</li><li>to <i>tre</i></li></ul><p>Sidste.</p></VejledningTekst></EmneVejledning>";
        let el = xml::parse(xml).unwrap();
        assert_eq!(
            guidance(&el).unwrap(),
            "Første afsnit fortsat.\n\n- et\n- to tre\n\nSidste."
        );
        let empty =
            xml::parse("<EmneVejledning><VejledningTekst> </VejledningTekst></EmneVejledning>")
                .unwrap();
        assert_eq!(guidance(&empty), None);
    }

    #[test]
    fn levels_must_nest() {
        let xml = "<KLE-Emneplan>\n<Hovedgruppe><HovedgruppeNr>00</HovedgruppeNr><HovedgruppeTitel>A</HovedgruppeTitel>\n\
                   <Gruppe><GruppeNr>01.01</GruppeNr><GruppeTitel>B</GruppeTitel></Gruppe></Hovedgruppe></KLE-Emneplan>";
        let err = parse(xml.as_bytes()).unwrap_err();
        assert!(
            err.to_string()
                .contains("line 3: <GruppeNr> 01.01 is not a gruppe under 00"),
            "{err}"
        );
    }
}
