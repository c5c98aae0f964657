//! [`Taxonomy`]: the KLE plan a municipality uses, loaded from KL's XML or OS2KLE.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::code::{quote, KleCode, Level};
use super::facet::Facet;
use super::retention::Retention;
use super::source::read_bounded;
use super::{kl_xml, os2kle};
use crate::{Error, ErrorKind, Result};

/// The largest taxonomy file read (KL's full emneplan with keywords is a few tens of MB).
pub const MAX_TAXONOMY_BYTES: u64 = 256 * 1024 * 1024;

/// The most files read from one folder given as a taxonomy (`kle-xml:DIR`).
const MAX_FILES_IN_FOLDER: usize = 16;

/// The weight given to keywords whose source has none (KL's `EmneStikord`): 5, the weight of
/// nine in ten OS2KLE keywords.
pub const DEFAULT_KEYWORD_WEIGHT: u32 = 5;

/// A keyword (stikord) that points to a code, with its weight.
///
/// OS2KLE weights are integers: 5 for most keywords, 1000 for form numbers that settle the
/// emne alone. KL's own keywords carry no weight and get [`DEFAULT_KEYWORD_WEIGHT`]; a
/// `EmneOgHandlingsfacetStikord` also names the facet it recommends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Keyword {
    /// The word or phrase as written in the source (soft hyphens removed).
    pub text: String,
    /// How strongly the keyword points to its code.
    pub weight: u32,
    /// The handling facet the keyword recommends, if the source names one.
    pub facet: Option<Facet>,
}

impl Keyword {
    /// A keyword without a facet.
    pub fn new(text: impl Into<String>, weight: u32) -> Keyword {
        Keyword {
            text: text.into(),
            weight,
            facet: None,
        }
    }
}

/// Why and since when a code is no longer in use (KL's `Historisk`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
#[non_exhaustive]
pub struct Outdated {
    /// `UdgaaetDato`: the date the code went out of use, as written (`2019-01-01`).
    pub since: Option<String>,
    /// `AfloestAf`: the code that replaced it, where KL names one.
    pub replaced_by: Option<KleCode>,
    /// `FlyttetDato`: when it was moved to `replaced_by`, as written.
    pub moved: Option<String>,
}

/// What the taxonomy knows about one KLE code.
///
/// Which fields are filled depends on the source: OS2KLE gives titles and weighted
/// keywords for emner only (its grupper and hovedgrupper appear here with `title: None`
/// unless a KL file is merged in); KL's XML gives titles, guidance, outdated flags and
/// retention hints at every level, and keywords in its REST "fuld" form.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct KleEntry {
    /// The code.
    pub code: KleCode,
    /// The title (`Kommunens styrelse i almindelighed`), when the source has one.
    pub title: Option<String>,
    /// Keywords that point here.
    pub keywords: Vec<Keyword>,
    /// KL's guidance (`…Vejledning`) as plain text: paragraphs separated by blank lines,
    /// list items on lines starting with `- `.
    pub guidance: Option<String>,
    /// Set when the code is no longer in use.
    pub outdated: Option<Outdated>,
    /// A year announced in an OS2KLE title such as `Forrevalidering [udgår 2027]`: the
    /// code is still valid but is due to go.
    pub announced_expiry: Option<u16>,
    /// Retention hints (emner in KL's XML).
    pub retention: Retention,
}

impl KleEntry {
    /// An entry with only a code and an optional title.
    pub fn new(code: KleCode, title: Option<String>) -> KleEntry {
        KleEntry {
            code,
            title,
            keywords: Vec::new(),
            guidance: None,
            outdated: None,
            announced_expiry: None,
            retention: Retention::default(),
        }
    }

    /// The level of the code.
    pub fn level(&self) -> Level {
        self.code.level()
    }

    /// Fills what this entry lacks from `other` (same code) and adds `other`'s keywords that
    /// it does not have yet (same text ignoring case, same facet).
    fn absorb(&mut self, other: KleEntry) {
        if self.title.is_none() {
            self.title = other.title;
        }
        if self.guidance.is_none() {
            self.guidance = other.guidance;
        }
        if self.outdated.is_none() {
            self.outdated = other.outdated;
        }
        if self.announced_expiry.is_none() {
            self.announced_expiry = other.announced_expiry;
        }
        if self.retention.preservation.is_none() {
            self.retention.preservation = other.retention.preservation;
        }
        if self.retention.delete_after.is_none() {
            self.retention.delete_after = other.retention.delete_after;
        }
        for k in other.keywords {
            let known = self
                .keywords
                .iter()
                .any(|m| m.facet == k.facet && m.text.to_lowercase() == k.text.to_lowercase());
            if !known {
                self.keywords.push(k);
            }
        }
    }
}

/// A handling facet category (`HandlingsfacetKategori`), e.g. `G` Generelle sager.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct FacetCategory {
    /// The category letter (`G`, `P`, `Ø`).
    pub letter: char,
    /// Its title.
    pub title: Option<String>,
    /// KL's guidance as plain text.
    pub guidance: Option<String>,
    /// Set when the category is no longer in use.
    pub outdated: Option<Outdated>,
}

/// What the taxonomy knows about one handling facet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct FacetEntry {
    /// The facet (`G01`).
    pub facet: Facet,
    /// Its title (`Generelle sager`).
    pub title: Option<String>,
    /// KL's guidance as plain text.
    pub guidance: Option<String>,
    /// Set when the facet is no longer in use.
    pub outdated: Option<Outdated>,
    /// Keep or discard under the archives act.
    pub retention: Retention,
}

/// Which kind of file a taxonomy came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum TaxonomyFormat {
    /// OS2KLE's `OS2KLE.txt`: one line per emne with weighted keywords.
    Os2kleTxt,
    /// OS2KLE's `OS2KLE.json` (Taxon 3.x taxonomy, as read by TaxonClassifierLib).
    Os2kleJson,
    /// KL's `KLE-Emneplan` XML, version 2.0 or the REST "fuld" form.
    KleEmneplan,
    /// KL's `KLE-Handlingsfacetter` XML.
    KleHandlingsfacetter,
}

/// The KLE journal plan as a municipality has it: codes with titles and keywords, handling
/// facets, and which codes are outdated.
///
/// Load it once (OS2KLE's 929 KB TXT file takes about 0.1 s in a debug build) and share
/// it: it is immutable after loading, `Send + Sync`, and every lookup is a `BTreeMap`
/// search.
///
/// Sources are merged with [`Taxonomy::merge`]: OS2KLE's weighted keywords together with
/// KL's official titles, outdated flags and facets make the most complete plan.
///
/// ```
/// # fn example() -> Result<(), Box<dyn std::error::Error>> {
/// use signatur::kle::{KleCode, Taxonomy};
/// let txt = "KLENummer='00.01.00':KLETitel='Kommunens styrelse i almindelighed':\
///            Keywords[Weight]=partistøtte[5];ok01[1000];\n";
/// let taxonomy = Taxonomy::from_os2kle_txt(txt)?;
/// let code = taxonomy.validate_label("00.01.00")?;
/// assert_eq!(taxonomy.title(&code), Some("Kommunens styrelse i almindelighed"));
/// assert_eq!(taxonomy.children(&KleCode::parse("00.01")?).count(), 1);
/// assert!(taxonomy.validate_label("00.02.00").is_err());
/// # Ok(()) }
/// # example().unwrap();
/// ```
#[derive(Debug, Clone, Default)]
pub struct Taxonomy {
    entries: BTreeMap<KleCode, KleEntry>,
    facets: BTreeMap<Facet, FacetEntry>,
    categories: BTreeMap<char, FacetCategory>,
    formats: Vec<TaxonomyFormat>,
    published: Option<String>,
}

impl Taxonomy {
    /// An empty taxonomy; fill it by merging loaded ones.
    pub fn new() -> Taxonomy {
        Taxonomy::default()
    }

    /// Loads a taxonomy file, telling the format from its content: KL's XML (`<KLE-Emneplan>`
    /// or `<KLE-Handlingsfacetter>`), OS2KLE JSON (`{"classes": …}`) or OS2KLE TXT
    /// (`KLENummer='…'`). A folder loads every `.xml`, `.json` and `.txt` file in it that is a
    /// taxonomy (at most 16) and merges them, so `kle-xml:DIR` can hold both of KL's files.
    ///
    /// Errors name the file and the line or element at fault.
    pub fn load(path: impl AsRef<Path>) -> Result<Taxonomy> {
        Taxonomy::load_filtered(path.as_ref(), None)
    }

    /// Loads from a `--taxonomy` specification: `os2kle:PATH` (OS2KLE TXT or JSON, or a folder
    /// holding `OS2KLE.json` or `OS2KLE.txt`), `kle-xml:PATH` (KL's XML file or a folder of
    /// them), or a bare `PATH` whose format is told from its content as in
    /// [`Taxonomy::load`]. A file of another kind than its prefix says is an error.
    pub fn from_spec(spec: &str) -> Result<Taxonomy> {
        let (kind, path) = match spec.split_once(':') {
            Some(("os2kle", p)) => (Some(SpecKind::Os2kle), p),
            Some(("kle-xml", p)) => (Some(SpecKind::KleXml), p),
            _ => (None, spec),
        };
        if path.is_empty() {
            return Err(Error::new(
                ErrorKind::Config,
                format!(
                    "taxonomy {} names no path (expected os2kle:PATH or kle-xml:PATH)",
                    quote(spec)
                ),
            ));
        }
        let path = Path::new(path);
        if kind == Some(SpecKind::Os2kle) && path.is_dir() {
            for name in ["OS2KLE.json", "OS2KLE.txt"] {
                let candidate = path.join(name);
                if candidate.is_file() {
                    return Taxonomy::load_filtered(&candidate, kind);
                }
            }
            return Err(Error::new(
                ErrorKind::Config,
                format!(
                    "{}: folder has neither OS2KLE.json nor OS2KLE.txt",
                    path.display()
                ),
            ));
        }
        Taxonomy::load_filtered(path, kind)
    }

    fn load_filtered(path: &Path, kind: Option<SpecKind>) -> Result<Taxonomy> {
        if path.is_dir() {
            return Taxonomy::load_folder(path, kind);
        }
        let bytes = read_bounded(path, MAX_TAXONOMY_BYTES, "a taxonomy")?;
        let format = sniff(&bytes).ok_or_else(|| {
            Error::new(
                ErrorKind::Parse,
                format!(
                    "{}: not a taxonomy (expected KL's KLE XML, OS2KLE JSON or OS2KLE TXT)",
                    path.display()
                ),
            )
        })?;
        if let Some(kind) = kind {
            if kind != SpecKind::of(format) {
                return Err(Error::new(
                    ErrorKind::Config,
                    format!(
                        "{}: is {}, but the taxonomy was given as {}:",
                        path.display(),
                        SpecKind::of(format).describe(),
                        kind.prefix()
                    ),
                ));
            }
        }
        Taxonomy::from_bytes(&bytes, format)
            .and_then(|t| {
                t.ok_or_else(|| {
                    Error::new(
                        ErrorKind::Parse,
                        "JSON without \"classes\": not an OS2KLE taxonomy",
                    )
                })
            })
            .map_err(|e| e.context(path.display()))
    }

    fn load_folder(dir: &Path, kind: Option<SpecKind>) -> Result<Taxonomy> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
            .map_err(|e| Error::from(e).context(dir.display()))?
            .filter_map(|entry| entry.ok().map(|e| e.path()))
            .filter(|p| {
                p.is_file()
                    && p.extension().and_then(|e| e.to_str()).is_some_and(|e| {
                        ["xml", "json", "txt"].contains(&e.to_ascii_lowercase().as_str())
                    })
            })
            .collect();
        files.sort();
        if files.len() > MAX_FILES_IN_FOLDER {
            return Err(Error::new(
                ErrorKind::TooLarge,
                format!(
                    "{}: more than {MAX_FILES_IN_FOLDER} candidate taxonomy files",
                    dir.display()
                ),
            ));
        }
        let mut taxonomy = Taxonomy::new();
        for file in files {
            let bytes = read_bounded(&file, MAX_TAXONOMY_BYTES, "a taxonomy")?;
            // Only files that are taxonomies of the requested kind count; a README.txt or
            // OS2KLE's change.json beside them is not an error.
            let Some(format) = sniff(&bytes) else {
                continue;
            };
            if kind.is_some_and(|k| k != SpecKind::of(format)) {
                continue;
            }
            let loaded =
                Taxonomy::from_bytes(&bytes, format).map_err(|e| e.context(file.display()))?;
            if let Some(t) = loaded {
                taxonomy.merge(t);
            }
        }
        if taxonomy.formats.is_empty() {
            return Err(Error::new(
                ErrorKind::Config,
                format!("{}: no taxonomy file in this folder", dir.display()),
            ));
        }
        Ok(taxonomy)
    }

    /// `None` for JSON that is not a taxonomy (OS2KLE's `change.json`).
    fn from_bytes(bytes: &[u8], format: TaxonomyFormat) -> Result<Option<Taxonomy>> {
        match format {
            TaxonomyFormat::Os2kleTxt => os2kle::parse_txt(&utf8(bytes)?).map(Some),
            TaxonomyFormat::Os2kleJson => os2kle::parse_json_if_taxonomy(&utf8(bytes)?),
            TaxonomyFormat::KleEmneplan | TaxonomyFormat::KleHandlingsfacetter => {
                kl_xml::parse(bytes).map(Some)
            }
        }
    }

    /// Reads OS2KLE's TXT form (`KLENummer='00.01.00':KLETitel='…':Keywords[Weight]=…`).
    /// Errors name the line.
    pub fn from_os2kle_txt(text: &str) -> Result<Taxonomy> {
        os2kle::parse_txt(text)
    }

    /// Reads OS2KLE's JSON form (a Taxon 3.x taxonomy: `{"system": …, "classes": {…}}`).
    /// Errors name the line (syntax) or the class (content).
    pub fn from_os2kle_json(text: &str) -> Result<Taxonomy> {
        os2kle::parse_json(text)
    }

    /// Reads KL's KLE XML (`KLE-Emneplan` or `KLE-Handlingsfacetter`, version 2.0 or the
    /// REST "fuld" form), decoding by byte-order mark or XML declaration. Errors name the
    /// line and element.
    pub fn from_kle_xml(bytes: &[u8]) -> Result<Taxonomy> {
        kl_xml::parse(bytes)
    }

    /// Adds everything `other` knows: codes, facets and categories it has that this one
    /// lacks, and for codes both have, the fields this one lacks plus keywords it does not
    /// have yet. What this taxonomy already says wins, so merge the most authoritative source
    /// (KL's file) first.
    pub fn merge(&mut self, other: Taxonomy) {
        for (code, entry) in other.entries {
            match self.entries.get_mut(&code) {
                Some(mine) => mine.absorb(entry),
                None => {
                    self.entries.insert(code, entry);
                }
            }
        }
        for (facet, entry) in other.facets {
            self.facets.entry(facet).or_insert(entry);
        }
        for (letter, category) in other.categories {
            self.categories.entry(letter).or_insert(category);
        }
        for format in other.formats {
            if !self.formats.contains(&format) {
                self.formats.push(format);
            }
        }
        if self.published.is_none() {
            self.published = other.published;
        }
    }

    /// The entry for `code`, if the taxonomy has it.
    pub fn get(&self, code: &KleCode) -> Option<&KleEntry> {
        self.entries.get(code)
    }

    /// Whether the taxonomy has `code`.
    pub fn contains(&self, code: &KleCode) -> bool {
        self.entries.contains_key(code)
    }

    /// The title of `code`, if the taxonomy has one.
    pub fn title(&self, code: &KleCode) -> Option<&str> {
        self.entries.get(code)?.title.as_deref()
    }

    /// All entries in plan order (`00`, `00.01`, `00.01.00`, …).
    pub fn entries(&self) -> impl Iterator<Item = &KleEntry> + '_ {
        self.entries.values()
    }

    /// The direct children of `code`: the grupper of a hovedgruppe, the emner of a gruppe,
    /// nothing for an emne.
    pub fn children(&self, code: &KleCode) -> impl Iterator<Item = &KleEntry> + '_ {
        let code = *code;
        self.subtree(code)
            .filter(move |e| e.code.parent() == Some(code))
    }

    /// The emner under `code` (a hovedgruppe or gruppe), in plan order; for an emne, the
    /// emne itself. A hierarchical decision sums its probabilities over these.
    pub fn emner_under(&self, code: &KleCode) -> impl Iterator<Item = &KleEntry> + '_ {
        self.subtree(*code).filter(|e| e.level() == Level::Emne)
    }

    /// `code` and everything below it, in plan order.
    fn subtree(&self, code: KleCode) -> impl Iterator<Item = &KleEntry> + '_ {
        self.entries
            .range(code..)
            .take_while(move |(c, _)| code.is_prefix_of(c))
            .map(|(_, e)| e)
    }

    /// All emner (`NN.NN.NN`), in plan order: the label space of a `kle` head.
    pub fn emner(&self) -> impl Iterator<Item = &KleEntry> + '_ {
        self.at(Level::Emne)
    }

    /// All entries of one level, in plan order.
    pub fn at(&self, level: Level) -> impl Iterator<Item = &KleEntry> + '_ {
        self.entries.values().filter(move |e| e.level() == level)
    }

    /// How many codes of all levels the taxonomy has.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the taxonomy has no codes.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// How many keywords all codes have together.
    pub fn keyword_count(&self) -> usize {
        self.entries.values().map(|e| e.keywords.len()).sum()
    }

    /// Checks a label of a `kle` head: it must be a KLE code (any level) that this taxonomy
    /// has. Outdated codes pass (old training data and open cases use them; see
    /// [`Taxonomy::is_outdated`]). The error names the bad label.
    pub fn validate_label(&self, label: &str) -> Result<KleCode> {
        let code = KleCode::parse(label).map_err(|e| {
            Error::new(
                ErrorKind::InvalidInput,
                format!("KLE label: {}", e.message()),
            )
        })?;
        if self.entries.contains_key(&code) {
            Ok(code)
        } else {
            Err(Error::new(
                ErrorKind::InvalidInput,
                format!(
                    "KLE label {} is not in the taxonomy ({} codes loaded)",
                    quote(label),
                    self.entries.len()
                ),
            ))
        }
    }

    /// Whether `code`, or the gruppe or hovedgruppe it belongs to, is marked outdated. A code
    /// the taxonomy does not have is not outdated (it is unknown: see
    /// [`Taxonomy::validate_label`]).
    pub fn is_outdated(&self, code: &KleCode) -> bool {
        let mut current = Some(*code);
        while let Some(c) = current {
            if self.entries.get(&c).is_some_and(|e| e.outdated.is_some()) {
                return true;
            }
            current = c.parent();
        }
        false
    }

    /// The handling facets, in order (`A00` … `Ø34`).
    pub fn facets(&self) -> impl Iterator<Item = &FacetEntry> + '_ {
        self.facets.values()
    }

    /// The entry for one facet.
    pub fn facet(&self, facet: &Facet) -> Option<&FacetEntry> {
        self.facets.get(facet)
    }

    /// The facet categories (`A`, `G`, `P`, …, `Ø`).
    pub fn facet_categories(&self) -> impl Iterator<Item = &FacetCategory> + '_ {
        self.categories.values()
    }

    /// Checks a label of a facet head: a facet this taxonomy has. The error names the label.
    pub fn validate_facet(&self, label: &str) -> Result<Facet> {
        let facet = Facet::parse(label)?;
        if self.facets.contains_key(&facet) {
            Ok(facet)
        } else {
            Err(Error::new(
                ErrorKind::InvalidInput,
                format!(
                    "handling facet {} is not in the taxonomy ({} facets loaded)",
                    quote(label),
                    self.facets.len()
                ),
            ))
        }
    }

    /// The kinds of file this taxonomy was loaded from, in merge order.
    pub fn formats(&self) -> &[TaxonomyFormat] {
        &self.formats
    }

    /// KL's `UdgivelsesDato` (publication date) as written, when a KL file was loaded.
    pub fn published(&self) -> Option<&str> {
        self.published.as_deref()
    }
}

/// Building a taxonomy, for the loaders in this module's siblings.
impl Taxonomy {
    pub(crate) fn with_format(format: TaxonomyFormat) -> Taxonomy {
        Taxonomy {
            formats: vec![format],
            ..Taxonomy::default()
        }
    }

    /// Inserts an entry; `false` (and nothing changed) when the code is there already, so
    /// the loader can report the duplicate.
    pub(crate) fn insert(&mut self, entry: KleEntry) -> bool {
        if self.entries.contains_key(&entry.code) {
            return false;
        }
        self.entries.insert(entry.code, entry);
        true
    }

    /// Inserts a facet; `false` when it is there already.
    pub(crate) fn insert_facet(&mut self, entry: FacetEntry) -> bool {
        if self.facets.contains_key(&entry.facet) {
            return false;
        }
        self.facets.insert(entry.facet, entry);
        true
    }

    pub(crate) fn insert_category(&mut self, category: FacetCategory) -> bool {
        if self.categories.contains_key(&category.letter) {
            return false;
        }
        self.categories.insert(category.letter, category);
        true
    }

    pub(crate) fn set_published(&mut self, date: Option<String>) {
        self.published = date;
    }

    /// Adds untitled grupper and hovedgrupper for emner whose parents the source does not
    /// list (OS2KLE's TXT has emner only), so that `children` and `emner_under` work on
    /// every source.
    pub(crate) fn add_implied_parents(&mut self) {
        let missing: Vec<KleCode> = self
            .entries
            .keys()
            .flat_map(|c| [c.parent(), c.parent().and_then(|p| p.parent())])
            .flatten()
            .filter(|p| !self.entries.contains_key(p))
            .collect();
        for code in missing {
            self.entries
                .entry(code)
                .or_insert_with(|| KleEntry::new(code, None));
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SpecKind {
    Os2kle,
    KleXml,
}

impl SpecKind {
    fn of(format: TaxonomyFormat) -> SpecKind {
        match format {
            TaxonomyFormat::Os2kleTxt | TaxonomyFormat::Os2kleJson => SpecKind::Os2kle,
            TaxonomyFormat::KleEmneplan | TaxonomyFormat::KleHandlingsfacetter => SpecKind::KleXml,
        }
    }

    fn prefix(self) -> &'static str {
        match self {
            SpecKind::Os2kle => "os2kle",
            SpecKind::KleXml => "kle-xml",
        }
    }

    fn describe(self) -> &'static str {
        match self {
            SpecKind::Os2kle => "an OS2KLE file",
            SpecKind::KleXml => "a KLE XML file",
        }
    }
}

/// Tells the format from the first bytes: `<` XML (the root element decides which of KL's
/// files), `{` JSON, `KLENummer=` OS2KLE TXT. Byte-order marks and leading whitespace are
/// skipped.
fn sniff(bytes: &[u8]) -> Option<TaxonomyFormat> {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        // UTF-16 is only used for XML here.
        return kl_xml::root_format(bytes);
    }
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let start = body.iter().position(|b| !b.is_ascii_whitespace())?;
    let body = body.get(start..)?;
    match body.first()? {
        b'<' => kl_xml::root_format(bytes),
        b'{' => Some(TaxonomyFormat::Os2kleJson),
        _ if body.starts_with(b"KLENummer=") => Some(TaxonomyFormat::Os2kleTxt),
        _ => None,
    }
}

/// The text of a UTF-8 file (a leading byte-order mark dropped); invalid UTF-8 is an error
/// naming the line.
fn utf8(bytes: &[u8]) -> Result<std::borrow::Cow<'_, str>> {
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(body) {
        Ok(s) => Ok(std::borrow::Cow::Borrowed(s)),
        Err(e) => {
            let upto = body.get(..e.valid_up_to()).unwrap_or_default();
            let line = 1 + memchr::memchr_iter(b'\n', upto).count();
            Err(Error::new(
                ErrorKind::Utf8,
                format!("line {line}: not valid UTF-8 (OS2KLE files are UTF-8)"),
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(s: &str) -> KleCode {
        KleCode::parse(s).unwrap()
    }

    fn sample() -> Taxonomy {
        let txt = "KLENummer='32.18.02':KLETitel='B':Keywords[Weight]=b[5];\n\
                   KLENummer='32.18.00':KLETitel='A':Keywords[Weight]=a[5];\n\
                   KLENummer='32.19.00':KLETitel='C':Keywords[Weight]=\n\
                   KLENummer='00.01.00':KLETitel='D':Keywords[Weight]=d[1000];\n";
        Taxonomy::from_os2kle_txt(txt).unwrap()
    }

    #[test]
    fn hierarchy_lookups() {
        let t = sample();
        assert_eq!(t.emner().count(), 4);
        assert_eq!(t.at(Level::Hovedgruppe).count(), 2);
        assert_eq!(t.at(Level::Gruppe).count(), 3);
        let kids: Vec<String> = t
            .children(&code("32"))
            .map(|e| e.code.to_string())
            .collect();
        assert_eq!(kids, ["32.18", "32.19"]);
        let emner: Vec<String> = t
            .emner_under(&code("32.18"))
            .map(|e| e.code.to_string())
            .collect();
        assert_eq!(emner, ["32.18.00", "32.18.02"]);
        assert_eq!(t.emner_under(&code("32")).count(), 3);
        assert_eq!(t.emner_under(&code("32.18.02")).count(), 1);
        assert_eq!(t.children(&code("32.18.02")).count(), 0);
        assert_eq!(
            t.title(&code("32.18")),
            None,
            "implied parents have no title"
        );
        assert_eq!(t.title(&code("32.18.02")), Some("B"));
        assert_eq!(t.keyword_count(), 3);
    }

    #[test]
    fn validate_label_names_the_label() {
        let t = sample();
        assert_eq!(t.validate_label("32.18").unwrap(), code("32.18"));
        let err = t.validate_label("32.20.00").unwrap_err();
        assert!(
            err.to_string()
                .contains("\"32.20.00\" is not in the taxonomy"),
            "{err}"
        );
        let err = t.validate_label("Borgerservice").unwrap_err();
        assert!(
            err.to_string()
                .contains("\"Borgerservice\" is not a KLE code"),
            "{err}"
        );
    }

    #[test]
    fn merge_fills_gaps_and_keeps_what_is_there() {
        let mut a = sample();
        let mut b = Taxonomy::from_os2kle_txt(
            "KLENummer='32.18.02':KLETitel='other':Keywords[Weight]=B[5];new[10];\n\
             KLENummer='99.01.00':KLETitel='E':Keywords[Weight]=e[5];\n",
        )
        .unwrap();
        b.entries.get_mut(&code("32.18.02")).unwrap().outdated = Some(Outdated::default());
        a.merge(b);
        let e = a.get(&code("32.18.02")).unwrap();
        assert_eq!(e.title.as_deref(), Some("B"));
        let words: Vec<&str> = e.keywords.iter().map(|k| k.text.as_str()).collect();
        assert_eq!(words, ["b", "new"]);
        assert!(a.is_outdated(&code("32.18.02")));
        assert!(a.contains(&code("99.01")));
        assert_eq!(a.emner().count(), 5);
    }

    #[test]
    fn outdated_is_inherited_from_parents() {
        let mut t = sample();
        t.entries.get_mut(&code("32.18")).unwrap().outdated = Some(Outdated::default());
        assert!(t.is_outdated(&code("32.18.00")));
        assert!(t.is_outdated(&code("32.18")));
        assert!(!t.is_outdated(&code("32")));
        assert!(!t.is_outdated(&code("32.19.00")));
        assert!(!t.is_outdated(&code("77.77.77")));
    }

    #[test]
    fn sniffing() {
        assert_eq!(
            sniff(b"KLENummer='00.01.00'"),
            Some(TaxonomyFormat::Os2kleTxt)
        );
        assert_eq!(
            sniff(b"\xEF\xBB\xBF  {\"classes\":{}}"),
            Some(TaxonomyFormat::Os2kleJson)
        );
        assert_eq!(
            sniff(b"<?xml version=\"1.0\"?>\n<KLE-Emneplan/>"),
            Some(TaxonomyFormat::KleEmneplan)
        );
        assert_eq!(
            sniff(b"<KLE-Handlingsfacetter>"),
            Some(TaxonomyFormat::KleHandlingsfacetter)
        );
        assert_eq!(sniff(b"<html>"), None);
        assert_eq!(sniff(b"hello"), None);
        assert_eq!(sniff(b""), None);
    }
}
