//! From a [`Message`] to a [`SparseVec`].

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};

use crate::features::hash::{combine, fmix64, hash_bytes};
use crate::features::{FeatureConfig, Field};
use crate::message::Message;
use crate::prefetch::prefetch;
use crate::text::{
    add_all_words, add_capitalised_words, add_proper_nouns, normalize, tokenize, NumberClass,
    Stemmer, StemmerKind, StopWords, Token, TokenKind,
};
use crate::Result;

/// A sparse feature vector: ids sorted ascending and unique, with their values.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SparseVec {
    /// Hash bucket ids, ascending, unique.
    pub ids: Vec<u32>,
    /// Term-frequency values (sublinear, times field weight), one per id.
    pub vals: Vec<f32>,
}

impl SparseVec {
    /// The number of non-zero entries.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// Whether the vector has no entries.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }
}

/// Where a feature came from in the message: used to explain decisions in the message's own
/// words. Built only on request, never stored.
#[derive(Clone, PartialEq)]
pub struct Surface {
    /// The feature id.
    pub id: u32,
    /// The field it came from.
    pub field: Field,
    /// The word (for a character n-gram: the word containing it), or the two words of a
    /// bigram, lowercased; from [`Featurizer::surfaces`] a class token (`#name`,
    /// `#sender`, `#address`, `#short`, `#cpr`) where the word could show personal data.
    pub text: String,
}

impl std::fmt::Debug for Surface {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Redacted: the text is the message's own words.
        write!(
            f,
            "Surface({}, {:?}, <{} bytes>)",
            self.id,
            self.field,
            self.text.len()
        )
    }
}

// Sub-namespaces within a field's space.
const NS_UNIGRAM: u64 = 0x01;
const NS_BIGRAM: u64 = 0x02;
const NS_CHAR: u64 = 0x03;
const NS_ADDRESS: u64 = 0x04;
const NS_DOMAIN: u64 = 0x05;
const NS_LOCAL: u64 = 0x06;
const NS_MEDIA: u64 = 0x07;
/// The shared word space ([`FeatureConfig::shared_words`]), with [`SHARED_SPACE`] in place
/// of a field's namespace.
const NS_SHARED_WORD: u64 = 0x08;
/// The namespace of the shared word space (a field's namespace is four letters of its
/// name; this is `Text`).
const SHARED_SPACE: u64 = 0x5465_7874;

/// Turns messages into feature vectors under one [`FeatureConfig`].
///
/// Immutable and `Send + Sync`: build one per model and share it.
#[derive(Debug)]
pub struct Featurizer {
    config: FeatureConfig,
    stemmer: Stemmer,
    stop: StopWords,
    /// The stem cache keys ([`word_key`]) of the stop words, sorted: a word whose key is
    /// not here is not a stop word, found without comparing strings.
    stop_keys: Box<[u64]>,
    mask: u64,
    /// Identifies the stemmer and stop words for the per-thread stem cache.
    fingerprint: u64,
}

/// Receives each feature occurrence: (hash, weight, and what an explanation shows for it).
///
/// `Shown` is what the sink keeps of a token for explanations: nothing for plain
/// featurisation, the text for [`Featurizer::surfaces`], an interned key for a
/// [`Trace`]. A bigram shows its two tokens.
trait Sink {
    type Shown<'s>: Copy;
    /// What to show for a token whose feature text is `surface`, with `rest` the text
    /// after it: the surface, or a class token that hides personal data.
    fn shown<'s>(
        &mut self,
        field: Field,
        kind: TokenKind,
        surface: &'s str,
        rest: &str,
    ) -> Self::Shown<'s>;
    /// What to show for a text that is shown as it is (a domain, a media type).
    fn literal<'s>(&mut self, text: &'s str, field: Field) -> Self::Shown<'s>;
    fn emit(&mut self, hash: u64, weight: f32, shown: Self::Shown<'_>, field: Field);
    fn emit2(
        &mut self,
        hash: u64,
        weight: f32,
        first: Self::Shown<'_>,
        second: Self::Shown<'_>,
        field: Field,
    );
}

struct Occurrences<'a>(&'a mut Vec<(u32, f32)>, u64);

impl Sink for Occurrences<'_> {
    type Shown<'s> = ();
    #[inline]
    fn shown(&mut self, _: Field, _: TokenKind, _: &str, _: &str) {}
    #[inline]
    fn literal(&mut self, _: &str, _: Field) {}
    #[inline]
    fn emit(&mut self, hash: u64, weight: f32, _: (), _: Field) {
        self.0.push(((hash & self.1) as u32, weight));
    }
    #[inline]
    fn emit2(&mut self, hash: u64, weight: f32, _: (), _: (), _: Field) {
        self.0.push(((hash & self.1) as u32, weight));
    }
}

/// What a token shows before the names of the message are known.
enum Masked<'s> {
    /// Shown as this text whatever the names are.
    Shown(&'s str),
    /// A word, shown unless [`is_name`] says it could be (part of) a name.
    Word(&'s str),
}

/// The masking rules that do not depend on the message's names (see
/// [`Featurizer::surfaces`]).
fn masked<'s>(field: Field, kind: TokenKind, surface: &'s str, rest: &str) -> Masked<'s> {
    // The run of text up to the next space: an address's `@` in it means this word is
    // (part of) the local part (`anne.holm@`, `anne-holm@`).
    let run = || rest.split(char::is_whitespace).next().unwrap_or("");
    match kind {
        // Short numbers may be groups of a phone or CPR number written apart.
        TokenKind::Number(NumberClass::Short) => Masked::Shown(NumberClass::Short.token()),
        // `01.02.90-1234` is a CPR number with dots, not a KLE code and a number.
        TokenKind::Number(NumberClass::Kle) if is_serial(rest) => {
            Masked::Shown(NumberClass::Cpr.token())
        }
        TokenKind::Number(_) => Masked::Shown(surface),
        // The sender's signature and organisation: names, titles, phone numbers.
        TokenKind::Word if field == Field::Sender => Masked::Shown("#sender"),
        TokenKind::Word if run().contains('@') => Masked::Shown("#address"),
        TokenKind::Word => Masked::Word(surface),
    }
}

/// Whether a word is shown as `#name`: long digit runs inside a word (`nr12345678`, an
/// IBAN) are identifiers, and a joined word (`ansøgning_mette_hansen`) hides a name in one
/// of its parts.
fn is_name(word: &str, names: &Names) -> bool {
    word.bytes().filter(u8::is_ascii_digit).count() >= 5
        || names.contains(word)
        || word
            .split(|c: char| !c.is_alphanumeric())
            .any(|part| names.contains(part))
}

struct Surfaces<'a> {
    out: &'a mut Vec<Surface>,
    mask: u64,
    /// Words to hide (see [`crate::text::add_proper_nouns`]); `None` shows every word as
    /// it is (internal uses that never display it).
    names: Option<Names>,
}

impl Sink for Surfaces<'_> {
    type Shown<'s> = &'s str;

    fn shown<'s>(
        &mut self,
        field: Field,
        kind: TokenKind,
        surface: &'s str,
        rest: &str,
    ) -> &'s str {
        let Some(names) = &self.names else {
            return surface;
        };
        match masked(field, kind, surface, rest) {
            Masked::Shown(text) => text,
            Masked::Word(word) if is_name(word, names) => "#name",
            Masked::Word(word) => word,
        }
    }

    fn literal<'s>(&mut self, text: &'s str, _: Field) -> &'s str {
        text
    }

    fn emit(&mut self, hash: u64, _weight: f32, shown: &str, field: Field) {
        self.out.push(Surface {
            id: (hash & self.mask) as u32,
            field,
            text: shown.to_string(),
        });
    }

    fn emit2(&mut self, hash: u64, _weight: f32, first: &str, second: &str, field: Field) {
        self.out.push(Surface {
            id: (hash & self.mask) as u32,
            field,
            text: format!("{first} {second}"),
        });
    }
}

/// Where each feature occurrence of a message came from, recorded while featurising it
/// once ([`Featurizer::trace`]): per occurrence the entry of the feature vector and a key
/// for the token it came from. Explaining then needs no second pass over the text: the
/// keys are resolved against the message's names once per message ([`Trace::words`]), and
/// each head's explanation sums the features' contributions over the occurrences.
///
/// What an explanation costs (issue #18, stop 42: a temporary probe over every 11th post of
/// 20 Newsgroups' training set, the fastest of seven rounds, six runs on a machine whose
/// speed varied by a fifth between runs): an explained decision took 56–89 µs more than a
/// plain one (158–200 against 96–111 µs per post). Of that, [`Featurizer::trace`] took
/// 17–30 µs more than [`Featurizer::featurize`] (54–76 against 37–46 µs), [`Trace::words`]
/// 23–25 µs (finding the message's names 12 µs of it), the push per feature 9–10 µs (timed
/// on rows out of cache; a decision finds them in cache) and [`Words::top`] 8–9 µs. perf
/// puts the trace's extra time in its merge and radix sort over occurrence numbers, in
/// interning each token's text and in growing its vectors, none of them dominant.
///
/// Tried and dropped, as none moved those figures beyond the runs' noise:
/// - together, in two alternating pairs of runs against this code: keys of single tokens
///   found by index rather than by hash, with the stem cache's word hash reused for
///   interning; the thread's featurisation buffers reused for the trace's occurrences and
///   sort; the groups of single tokens in `words` found by index;
/// - a table of each row's mean over a head (1 MB per head at 2^18 buckets), read by the
///   push instead of summing the row: 1–2 µs less in the push timed alone, nothing
///   measurable in a whole explained decision (three alternating rounds in one run).
///
/// Finding the body's parts in its text with `str::find` before `lines_of` made finding
/// the names 3 µs slower.
#[derive(Default)]
pub(crate) struct Trace {
    /// Per occurrence, in the order featurisation met them: entry of the feature vector.
    entry: Vec<u32>,
    /// The occurrences' keys, as runs of one key: the key and where the run ends (a word's
    /// character n-grams and unigram are neighbours, with one key).
    key_runs: Vec<(u32, u32)>,
    /// Per entry of the feature vector: its number of occurrences.
    counts: Vec<u32>,
    keys: Vec<Key>,
    /// The distinct texts of the keys, one after the other (one allocation, not one per
    /// text: a post has hundreds).
    texts: Texts,
}

/// Strings kept end to end in one buffer, each found by its index.
#[derive(Default)]
struct Texts {
    bytes: String,
    /// Per text: where it ends in `bytes` (it starts where the one before ends).
    ends: Vec<u32>,
}

impl Texts {
    fn len(&self) -> usize {
        self.ends.len()
    }

    fn get(&self, i: u32) -> &str {
        let i = i as usize;
        let start = i.checked_sub(1).map_or(0, |j| self.ends[j] as usize);
        &self.bytes[start..self.ends[i] as usize]
    }

    /// Adds `text`; returns its index.
    fn push(&mut self, text: &str) -> u32 {
        self.bytes.push_str(text);
        self.ends.push(self.bytes.len() as u32);
        self.ends.len() as u32 - 1
    }
}

/// A distinct token (or pair of tokens, for a bigram) of a trace.
#[derive(Clone, Copy)]
enum Key {
    Text {
        text: u32,
        field: Field,
        /// A word that is shown as `#name` if it is a name ([`Masked::Word`]).
        word: bool,
    },
    Pair {
        first: u32,
        second: u32,
        field: Field,
    },
}

/// A hasher for keys that are already hashes.
#[derive(Default)]
struct Prehashed(u64);

impl std::hash::Hasher for Prehashed {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        self.0 = hash_bytes(self.0, bytes);
    }
    fn write_u64(&mut self, v: u64) {
        self.0 = v;
    }
}

type PrehashedMap = HashMap<u64, u32, std::hash::BuildHasherDefault<Prehashed>>;

/// Interns values by a 64-bit hash, checking equality (a collision takes the next hash).
fn intern<T>(
    index: &mut PrehashedMap,
    items: &mut Vec<T>,
    hash: u64,
    same: impl Fn(&T) -> bool,
    make: impl FnOnce() -> T,
) -> u32 {
    let mut h = hash;
    loop {
        match index.get(&h) {
            Some(&k) if same(&items[k as usize]) => return k,
            Some(_) => h = h.wrapping_add(1),
            None => break,
        }
    }
    let k = items.len() as u32;
    items.push(make());
    index.insert(h, k);
    k
}

/// A key's identity as one number: a text key's text, field and kind, or a pair's keys
/// and field (keys and texts are far below 2^28 in a message bounded by
/// `max_field_bytes`).
fn key_code(key: &Key) -> u64 {
    match *key {
        Key::Text { text, field, word } => {
            (u64::from(text) << 8) | (u64::from(word) << 4) | field as u64
        }
        Key::Pair {
            first,
            second,
            field,
        } => (1 << 63) | (u64::from(first) << 34) | (u64::from(second) << 5) | field as u64,
    }
}

struct Tracer<'a> {
    occ: &'a mut Vec<(u32, f32)>,
    mask: u64,
    trace: &'a mut Trace,
    /// Text hash to text index.
    text_index: PrehashedMap,
    /// Key hash to key index.
    key_index: PrehashedMap,
}

impl Tracer<'_> {
    fn key(&mut self, key: Key) -> u32 {
        let code = key_code(&key);
        intern(
            &mut self.key_index,
            &mut self.trace.keys,
            fmix64(code),
            |k| key_code(k) == code,
            || key,
        )
    }

    fn text(&mut self, text: &str, field: Field, word: bool) -> u32 {
        let texts = &mut self.trace.texts;
        let mut h = hash_bytes(0, text.as_bytes());
        let text = loop {
            match self.text_index.get(&h) {
                Some(&t) if texts.get(t) == text => break t,
                Some(_) => h = h.wrapping_add(1),
                None => {
                    let t = texts.push(text);
                    self.text_index.insert(h, t);
                    break t;
                }
            }
        };
        self.key(Key::Text { text, field, word })
    }
}

impl Sink for Tracer<'_> {
    type Shown<'s> = u32;

    fn shown(&mut self, field: Field, kind: TokenKind, surface: &str, rest: &str) -> u32 {
        match masked(field, kind, surface, rest) {
            Masked::Shown(text) => self.text(text, field, false),
            Masked::Word(word) => self.text(word, field, true),
        }
    }

    fn literal(&mut self, text: &str, field: Field) -> u32 {
        self.text(text, field, false)
    }

    #[inline]
    fn emit(&mut self, hash: u64, weight: f32, shown: u32, _: Field) {
        self.occ.push(((hash & self.mask) as u32, weight));
        extend_run(&mut self.trace.key_runs, shown, self.occ.len() as u32);
    }

    fn emit2(&mut self, hash: u64, weight: f32, first: u32, second: u32, field: Field) {
        let pair = self.key(Key::Pair {
            first,
            second,
            field,
        });
        self.emit(hash, weight, pair, field);
    }
}

/// Extends the last of `runs` (each a value and where its run of occurrences ends) to
/// `end` when it has `value`, else starts a new run.
fn extend_run(runs: &mut Vec<(u32, u32)>, value: u32, end: u32) {
    match runs.last_mut() {
        Some((last, run_end)) if *last == value => *run_end = end,
        _ => runs.push((value, end)),
    }
}

/// The text id that stands for `#name` in [`Words`].
const NAME: u32 = u32::MAX;
/// The second text id of a group that is one token.
const ALONE: u32 = u32::MAX - 1;

/// A message's trace resolved against its names ([`Trace::words`]): what each occurrence
/// shows, grouped by shown text and field, as [`Featurizer::surfaces`] would show it.
pub(crate) struct Words<'t> {
    trace: &'t Trace,
    /// Distinct (first text, second text or [`ALONE`], field); a text is an index into
    /// the trace's texts or [`NAME`].
    groups: Vec<(u32, u32, Field)>,
    /// The occurrences in order, as runs of one group: the group and where the run ends.
    runs: Vec<(u32, u32)>,
}

impl Trace {
    /// Resolves the keys with the names of `msg`: done once per message, however many
    /// heads are explained.
    pub(crate) fn words(&self, msg: &Message) -> Words<'_> {
        let names = names_of(msg);
        // Per text, whether it is a name (checked once, when a word key has it).
        let mut is_a_name: Vec<Option<bool>> = vec![None; self.texts.len()];
        let mut shown: Vec<u32> = Vec::with_capacity(self.keys.len());
        let mut group_index =
            PrehashedMap::with_capacity_and_hasher(self.keys.len(), Default::default());
        let mut groups = Vec::with_capacity(self.keys.len());
        // Per key: its group.
        let mut key_group = Vec::with_capacity(self.keys.len());
        for key in &self.keys {
            let (a, b, field) = match *key {
                Key::Text { text, field, word } => {
                    let name = word
                        && *is_a_name[text as usize]
                            .get_or_insert_with(|| is_name(self.texts.get(text), &names));
                    (if name { NAME } else { text }, ALONE, field)
                }
                // Pairs come after both of their tokens.
                Key::Pair {
                    first,
                    second,
                    field,
                } => (shown[first as usize], shown[second as usize], field),
            };
            shown.push(a);
            let code = (u64::from(a) << 32 | u64::from(b)) ^ (field as u64) << 59;
            let g = intern(
                &mut group_index,
                &mut groups,
                fmix64(code),
                |&(x, y, f)| (x, y, f) == (a, b, field),
                || (a, b, field),
            );
            key_group.push(g);
        }
        let mut runs: Vec<(u32, u32)> = Vec::with_capacity(self.key_runs.len());
        for &(key, end) in &self.key_runs {
            extend_run(&mut runs, key_group[key as usize], end);
        }
        Words {
            trace: self,
            groups,
            runs,
        }
    }
}

impl Words<'_> {
    fn text(&self, t: u32) -> &str {
        match t {
            NAME => "#name",
            t => self.trace.texts.get(t),
        }
    }

    /// What group `g` shows: a token, or two tokens for a bigram.
    fn shown(&self, g: u32) -> std::borrow::Cow<'_, str> {
        match self.groups[g as usize] {
            (a, ALONE, _) => self.text(a).into(),
            (a, b, _) => format!("{} {}", self.text(a), self.text(b)).into(),
        }
    }

    /// The `k` shown words with the largest positive total contribution, largest first
    /// (ties by text, then field), where `contribution[i]` is entry `i` of the feature
    /// vector's contribution, shared evenly among its occurrences.
    pub(crate) fn top(&self, contribution: &[f32], k: usize) -> Vec<(String, Field, f32)> {
        let trace = self.trace;
        // Each entry's share per occurrence, divided once per entry rather than once per
        // occurrence (a post has several occurrences per entry): the same values.
        let share: Vec<f32> = contribution
            .iter()
            .zip(&trace.counts)
            .map(|(&c, &n)| c / n as f32)
            .collect();
        // Summed in the order of the occurrences, as the reference does, but a run's sum is
        // kept out of memory until the run ends: adding into `totals[g]` occurrence after
        // occurrence waits on the store of the add before, every time. The same additions
        // in the same order, so the same totals.
        let mut totals = vec![0f32; self.groups.len()];
        let mut start = 0;
        for &(g, end) in &self.runs {
            let total = &mut totals[g as usize];
            let mut acc = *total;
            for &i in &trace.entry[start..end as usize] {
                if let Some(&s) = share.get(i as usize) {
                    acc += s;
                }
            }
            *total = acc;
            start = end as usize;
        }
        let mut list: Vec<(u32, f32)> = (0..self.groups.len() as u32)
            .zip(totals)
            .filter(|&(_, w)| w > 0.0)
            .collect();
        let order = |a: &(u32, f32), b: &(u32, f32)| {
            b.1.total_cmp(&a.1)
                .then_with(|| self.shown(a.0).cmp(&self.shown(b.0)))
                .then_with(|| {
                    (self.groups[a.0 as usize].2 as u8).cmp(&(self.groups[b.0 as usize].2 as u8))
                })
        };
        if k > 0 && list.len() > k {
            list.select_nth_unstable_by(k - 1, order);
        }
        list.truncate(k);
        list.sort_by(order);
        list.into_iter()
            .map(|(g, w)| (self.shown(g).into_owned(), self.groups[g as usize].2, w))
            .collect()
    }
}

/// The normalised words that could be names, hashed with the feature hash rather than
/// std's SipHash: an explained decision inserts every capitalised word and looks up every
/// distinct word, and the cheaper hash took 2-5 % off a C ABI decision (`cargo bench
/// --bench ffi -- classify/c_abi`).
type Names = HashSet<String, std::hash::BuildHasherDefault<WordHasher>>;

/// [`hash_bytes`] as a [`std::hash::Hasher`], for [`Names`].
#[derive(Default)]
struct WordHasher(u64);

impl std::hash::Hasher for WordHasher {
    fn write(&mut self, bytes: &[u8]) {
        self.0 = hash_bytes(self.0, bytes);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

/// Whether `part` is lines of `text`, in order, as the body's split into new text, quoted
/// history and signature makes its parts: whole lines (without a `\r` before the line
/// feed) joined by line feeds, except that spaces and `\r` may be trimmed off the start of
/// the first and the end of the last.
///
/// Then `part` has no name that `text` has not: a word's words and whether it starts a
/// sentence ([`add_proper_nouns`]) depend on its line alone (UAX #29 breaks at every line
/// feed, and a word that starts its line, after spaces or not, starts a sentence in both).
/// Comparing lines costs a fraction of segmenting them again.
fn lines_of(part: &str, text: &str) -> bool {
    const PAD: [char; 2] = [' ', '\r'];
    let mut text_lines = text.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l));
    let mut part_lines = part.split('\n').peekable();
    let mut first = true;
    while let Some(p) = part_lines.next() {
        let last = part_lines.peek().is_none();
        let fits = |l: &str| {
            let l = if first { l.trim_start_matches(PAD) } else { l };
            let l = if last { l.trim_end_matches(PAD) } else { l };
            l == p
        };
        if !text_lines.any(fits) {
            return false;
        }
        first = false;
    }
    true
}

/// [`names_of`] and the names found by reading every word of every text of `msg` (what
/// `names_of` did before it skipped texts and lines), sorted: they must be equal.
#[cfg(test)]
pub(crate) fn names_both_ways(msg: &Message) -> (Vec<String>, Vec<String>) {
    let sorted = |n: Names| {
        let mut v: Vec<String> = n.into_iter().collect();
        v.sort();
        v
    };
    let every = names_read(msg, crate::text::names::add_proper_nouns_every_word, false);
    (sorted(names_of(msg)), sorted(every))
}

/// The words of `msg` that could be (part of) a person's name, normalised: what
/// explanations show as `#name` (see [`Featurizer::surfaces`]).
fn names_of(msg: &Message) -> Names {
    names_read(msg, add_proper_nouns, true)
}

/// [`names_of`], finding the names of each text with `add`; with `skip` false, every text
/// is read (tests compare that with what is skipped).
fn names_read(msg: &Message, add: fn(&str, &mut Names), skip: bool) -> Names {
    let mut names = Names::default();
    // Each text, and whether it is one of the body's parts.
    let texts = [
        (msg.subject.as_str(), false),
        (&msg.body.text, false),
        (&msg.body.new_text, true),
        (&msg.body.quoted, true),
        (&msg.body.signature, true),
    ];
    let attachments = msg
        .attachments
        .iter()
        .flat_map(|a| a.name.iter().chain(&a.text).map(|t| (t.as_str(), false)));
    // A text's names depend on that text alone: one equal to a text already read (the
    // whole body when it has no quotes or signature is its new text) adds nothing, and
    // neither does a part of the body made of the body's own lines (see `lines_of`).
    let mut read: Vec<&str> = Vec::new();
    // Of the headers featurised as text, the ones people write (Outlook's categories).
    let headers = msg
        .headers
        .iter()
        .filter(|h| {
            ["keywords", "summary"]
                .iter()
                .any(|n| h.name.eq_ignore_ascii_case(n))
        })
        .map(|h| (h.value.as_str(), false));
    for (text, body_part) in texts.into_iter().chain(attachments).chain(headers) {
        if skip && (read.contains(&text) || (body_part && lines_of(text, &msg.body.text))) {
            continue;
        }
        add(text, &mut names);
        read.push(text);
    }
    // Whoever wrote it: the display name, the address's local part (`anne.holm`), and
    // the signature's capitalised words (its lines start with the name).
    if let Some(sender) = &msg.sender {
        add_all_words(sender.name.as_deref().unwrap_or(""), &mut names);
        if let Some(at) = sender.address.rfind('@') {
            add_all_words(&sender.address[..at], &mut names);
        }
    }
    add_capitalised_words(&msg.body.signature, &mut names);
    names
}

impl Featurizer {
    /// A featurizer for `config`, after checking it.
    pub fn new(config: &FeatureConfig) -> Result<Featurizer> {
        config.validate()?;
        let stemmer = Stemmer::new(config.stemmer.parse::<StemmerKind>()?);
        let stop = config.stop_words.parse::<StopWords>()?;
        let fingerprint = hash_bytes(1, format!("{}|{}", stemmer.kind(), stop).as_bytes()) | 1;
        let mut stop_keys: Vec<u64> = stop.words().map(word_key).collect();
        stop_keys.sort_unstable();
        stop_keys.dedup();
        Ok(Featurizer {
            config: config.clone(),
            stemmer,
            stop,
            stop_keys: stop_keys.into(),
            mask: (config.dim() as u64) - 1,
            fingerprint,
        })
    }

    /// The configuration.
    pub fn config(&self) -> &FeatureConfig {
        &self.config
    }

    /// The features of `msg`.
    pub fn featurize(&self, msg: &Message) -> SparseVec {
        let mut bufs = Buffers::take();
        let mut out = SparseVec::default();
        bufs.occ.clear();
        self.walk_with(
            msg,
            &mut Occurrences(&mut bufs.occ, self.mask),
            &mut bufs.scratch,
        );
        sort_by_id_with(&mut bufs.occ, self.config.hash_bits, &mut bufs.sorted);
        // The vector is kept (by training, for every message): sized to fit.
        let entries = usize::from(!bufs.occ.is_empty())
            + bufs.occ.windows(2).filter(|w| w[0].0 != w[1].0).count();
        out.ids.reserve_exact(entries);
        out.vals.reserve_exact(entries);
        merge_sorted(&bufs.occ, |w| w, &mut out, |_, _| {});
        bufs.put_back();
        out
    }

    /// The features of `msg`, reusing `scratch` and `out` (which saves most of the
    /// allocations of [`Featurizer::featurize`]).
    pub fn featurize_into(
        &self,
        msg: &Message,
        scratch: &mut Vec<(u32, f32)>,
        out: &mut SparseVec,
    ) {
        scratch.clear();
        self.walk(msg, &mut Occurrences(scratch, self.mask));
        merge(scratch, self.config.hash_bits, out);
    }

    /// Where each feature of `msg` came from, for explanations: the message's own words,
    /// except what would show personal data. Short numbers show as `#short` (they may be
    /// groups of a phone or CPR number), the sender's signature and organisation as
    /// `#sender`, the local part of an address in the text as `#address`, a CPR number
    /// written with dots as `#cpr`, and as `#name` the words of the sender's display name
    /// and address, the capitalised words of the signature, words capitalised inside a
    /// sentence anywhere in the message ([`crate::text::add_proper_nouns`]), words with
    /// five or more digits, and joined words (`ansøgning_mette`) with such a part.
    /// Features do not change.
    pub fn surfaces(&self, msg: &Message) -> Vec<Surface> {
        self.collect_surfaces(msg, Some(names_of(msg)))
    }

    /// The features of `msg` (the same as [`Featurizer::featurize`]) and where each came
    /// from, for explaining a decision without going over the text again.
    pub(crate) fn trace(&self, msg: &Message) -> (SparseVec, Trace) {
        let mut occ = Vec::with_capacity(1024);
        let mut trace = Trace::default();
        let mut tracer = Tracer {
            occ: &mut occ,
            mask: self.mask,
            trace: &mut trace,
            text_index: PrehashedMap::with_capacity_and_hasher(512, Default::default()),
            key_index: PrehashedMap::with_capacity_and_hasher(1024, Default::default()),
        };
        self.walk(msg, &mut tracer);
        // The merge of `featurize`, over occurrence numbers so that each learns its entry.
        let mut order: Vec<(u32, u32)> = occ
            .iter()
            .enumerate()
            .map(|(k, &(id, _))| (id, k as u32))
            .collect();
        sort_by_id(&mut order, self.config.hash_bits);
        let mut out = SparseVec::default();
        trace.entry = vec![0; occ.len()];
        merge_sorted(
            &order,
            |k| occ[k as usize].1,
            &mut out,
            |k, i| trace.entry[k as usize] = i,
        );
        trace.counts = vec![0; out.len()];
        for &i in &trace.entry {
            trace.counts[i as usize] += 1;
        }
        (out, trace)
    }

    /// Every feature's surface unmasked: for internal uses that never show it.
    pub(crate) fn raw_surfaces(&self, msg: &Message) -> Vec<Surface> {
        self.collect_surfaces(msg, None)
    }

    fn collect_surfaces(&self, msg: &Message, names: Option<Names>) -> Vec<Surface> {
        let mut out = Vec::new();
        self.walk(
            msg,
            &mut Surfaces {
                out: &mut out,
                mask: self.mask,
                names,
            },
        );
        out
    }

    fn walk(&self, msg: &Message, sink: &mut impl Sink) {
        let mut bufs = Buffers::take();
        self.walk_with(msg, sink, &mut bufs.scratch);
        bufs.put_back();
    }

    fn walk_with(&self, msg: &Message, sink: &mut impl Sink, buf: &mut Scratch) {
        let w = &self.config.fields;
        self.text(Field::Subject, &msg.subject, w.subject, sink, buf);
        let body = if msg.body.new_text.is_empty() && msg.body.quoted.is_empty() {
            &msg.body.text
        } else {
            &msg.body.new_text
        };
        self.text(Field::Body, body, w.body, sink, buf);
        self.text(Field::Quoted, &msg.body.quoted, w.quoted, sink, buf);
        if w.sender > 0.0 {
            if let Some(sender) = &msg.sender {
                self.address(Field::Sender, &sender.address, w.sender, sink);
            }
            if let Some(org) = msg.header("Organization") {
                self.text(Field::Sender, org, w.sender, sink, buf);
            }
            self.text(
                Field::Sender,
                &msg.body.signature,
                w.sender * 0.5,
                sink,
                buf,
            );
        }
        if w.recipient > 0.0 {
            for r in msg.to.iter().chain(&msg.cc) {
                self.address(Field::Recipient, &r.address, w.recipient, sink);
            }
        }
        if w.headers > 0.0 {
            for h in &msg.headers {
                let name = h.name.to_ascii_lowercase();
                match name.as_str() {
                    "message-id" | "reply-to" | "sender" | "references" | "in-reply-to"
                    | "return-path" => {
                        // Message ids and addresses: only their domains say something.
                        for addr in h.value.split([' ', ',', '<', '>', '\t']).take(16) {
                            if let Some(at) = addr.rfind('@') {
                                self.domains(
                                    Field::Headers,
                                    &normalize(&addr[at + 1..]),
                                    w.headers,
                                    sink,
                                );
                            }
                        }
                    }
                    "nntp-posting-host" | "x-mailer" | "user-agent" | "x-newsreader"
                    | "keywords" | "summary" | "distribution" => {
                        self.text(Field::Headers, &h.value, w.headers, sink, buf);
                    }
                    _ => {}
                }
            }
        }
        for a in &msg.attachments {
            if w.attachment_name > 0.0 {
                if let Some(name) = &a.name {
                    self.text(Field::AttachmentName, name, w.attachment_name, sink, buf);
                }
                let ns = self.config.seed ^ Field::AttachmentName.namespace() ^ (NS_MEDIA << 56);
                let shown = sink.literal(&a.media_type, Field::AttachmentName);
                sink.emit(
                    hash_bytes(ns, a.media_type.as_bytes()),
                    w.attachment_name,
                    shown,
                    Field::AttachmentName,
                );
            }
            if let Some(text) = &a.text {
                self.text(Field::AttachmentText, text, w.attachment_text, sink, buf);
            }
        }
    }

    /// An address: the whole address, its domain and each parent domain, and its local
    /// part (which names the shared mailbox: `byggeri@`, `post@`).
    fn address(&self, field: Field, address: &str, weight: f32, sink: &mut impl Sink) {
        let address = normalize(address.trim());
        if address.is_empty() {
            return;
        }
        let base = self.config.seed ^ field.namespace();
        // Evidence shows an address as its domain only: the local part may name a person.
        let shown = sink.literal(
            address.rfind('@').map(|at| &address[at..]).unwrap_or("@"),
            field,
        );
        sink.emit(
            hash_bytes(base ^ (NS_ADDRESS << 56), address.as_bytes()),
            weight,
            shown,
            field,
        );
        if let Some(at) = address.rfind('@') {
            let local = &address[..at];
            sink.emit(
                hash_bytes(base ^ (NS_LOCAL << 56), local.as_bytes()),
                weight * 0.5,
                shown,
                field,
            );
            self.domains(field, &address[at + 1..], weight * 0.5, sink);
        }
    }

    /// A domain and each parent domain (`mail.aarhus.dk`, `aarhus.dk`, `dk`).
    fn domains(&self, field: Field, domain: &str, weight: f32, sink: &mut impl Sink) {
        let seed = self.config.seed ^ field.namespace() ^ (NS_DOMAIN << 56);
        let mut domain = domain.trim_end_matches('.');
        while !domain.is_empty() {
            let shown = sink.literal(domain, field);
            sink.emit(hash_bytes(seed, domain.as_bytes()), weight, shown, field);
            match domain.find('.') {
                Some(dot) => domain = &domain[dot + 1..],
                None => break,
            }
        }
    }

    /// A text field: stemmed word unigrams (each also in the shared word space when the
    /// field [shares its words](FeatureConfig::shares_words_of)), bigrams of neighbouring
    /// non-stop words, and character n-grams of longer words.
    ///
    /// The field's tokens are found first, and each word's stem cache slot is prefetched
    /// as its word is found; the features are made in a second pass over the tokens. In
    /// a decision, the model's weight table (21 MB for 20 Newsgroups) pushes the 1 MB stem
    /// cache out of L2 between messages, and a lookup per word then waited on a miss:
    /// `Featurizer::stem_key` was the largest symbol of a routed decision in perf (8 % of
    /// the samples). With the prefetch and the stop words found by key, a routed 20
    /// Newsgroups decision took 5–6 % less time in a temporary probe, and `cargo bench
    /// --bench classify` gave 8–10 % more decisions per second (the CHANGELOG has both).
    fn text(&self, field: Field, text: &str, weight: f32, sink: &mut impl Sink, buf: &mut Scratch) {
        if weight <= 0.0 || text.is_empty() {
            return;
        }
        let text = truncate(text, self.config.max_field_bytes as usize);
        let text = normalize(text);
        let text: &str = &text;
        let base = self.config.seed ^ field.namespace();
        let uni_seed = base ^ (NS_UNIGRAM << 56);
        let bi_seed = base ^ (NS_BIGRAM << 56);
        let char_seed = base ^ (NS_CHAR << 56);
        let [c0, c1] = self.config.char_ngrams;
        let bigrams = self.config.word_ngrams[1] >= 2;
        let unigrams = self.config.word_ngrams[0] <= 1;
        let char_weight = weight * self.config.char_weight;
        let shared_seed = self.config.seed ^ SHARED_SPACE ^ (NS_SHARED_WORD << 56);
        let shared_weight = (self.config.shares_words_of(field) && unigrams)
            .then_some(weight * self.config.shared_words);
        let mut prev = None;
        let Scratch {
            grams: buf,
            offsets,
            tokens,
        } = buf;
        tokens.clear();
        self.with_slots(|slots| {
            tokenize(text, |tok| {
                let key = match tok.kind {
                    TokenKind::Word => {
                        let key = word_key(tok.feature_text(text));
                        if let Some(s) = slots.get(slot_of(key)) {
                            prefetch(s);
                        }
                        key
                    }
                    TokenKind::Number(_) => 0,
                };
                tokens.push((tok, key));
            })
        });
        for &(tok, key) in tokens.iter() {
            // Numbers show as their class (`#cpr`), never as their digits.
            let surface = tok.feature_text(text);
            let rest = || text.get(tok.end..).unwrap_or("");
            // The token's hash before its field is mixed in.
            let token_key;
            let (h, shown) = match tok.kind {
                TokenKind::Word => {
                    let Some(stem_key) = self.stem_key(surface, key) else {
                        continue;
                    };
                    token_key = stem_key;
                    let shown = sink.shown(field, tok.kind, surface, rest());
                    if c0 > 0 && long_enough(surface, self.config.char_min_word_len as usize) {
                        char_ngrams(surface, c0, c1, buf, offsets, |gram| {
                            sink.emit(hash_bytes(char_seed, gram), char_weight, shown, field);
                        });
                    }
                    (fmix64(stem_key ^ uni_seed), shown)
                }
                TokenKind::Number(_) => {
                    token_key = hash_bytes(STEM_SEED, surface.as_bytes());
                    (
                        fmix64(token_key ^ uni_seed),
                        sink.shown(field, tok.kind, surface, rest()),
                    )
                }
            };
            if unigrams {
                sink.emit(h, weight, shown, field);
            }
            if let Some(w) = shared_weight {
                // Shown as the word in its field: an explanation names where it stood.
                sink.emit(fmix64(token_key ^ shared_seed), w, shown, field);
            }
            if bigrams {
                if let Some((ph, psurface)) = prev {
                    sink.emit2(combine(ph, h) ^ bi_seed, weight, psurface, shown, field);
                }
            }
            prev = Some((h, shown));
        }
    }
}

/// Buffers that [`Featurizer::text`] reuses from one field to the next.
#[derive(Default)]
struct Scratch {
    /// A word between `<` and `>`, for its character n-grams.
    grams: Vec<u8>,
    /// Where the characters of a non-ASCII word start in `grams`.
    offsets: Vec<usize>,
    /// A field's tokens, each word's with its stem cache key.
    tokens: Vec<(Token, u64)>,
}

/// Whether `word` has at least `min` characters (counted only when its bytes don't decide).
fn long_enough(word: &str, min: usize) -> bool {
    word.len() >= min && (word.is_ascii() || word.chars().count() >= min)
}

/// Whether `rest` starts with `-` and four digits (and no fifth): the serial number of a
/// CPR number whose date part came before.
fn is_serial(rest: &str) -> bool {
    let b = rest.as_bytes();
    b.len() >= 5
        && b[0] == b'-'
        && b[1..5].iter().all(u8::is_ascii_digit)
        && !b.get(5).is_some_and(u8::is_ascii_digit)
}

/// Seed of the hash of a stem (before the field's namespace is mixed in).
const STEM_SEED: u64 = 0x7374_656d;

/// Most words recur, so their stop-word check, stem and stem hash are remembered per thread:
/// Snowball stemming costs more than everything else done for a word. (A new word's
/// stop-word check compares its key with the stop words' keys first, `stop_keys`: the
/// binary search over strings cost more than the stemming on 20 Newsgroups.)
///
/// Direct-mapped (a word's hash picks its one slot; a new word takes the slot over): one
/// memory access per lookup and a fixed 1 MB per thread (16-byte slots, so four share a
/// cache line). A hash map that grew to a
/// quarter of a million words took two cache misses per word on 20 Newsgroups.
struct StemCache {
    /// Which stemmer and stop words the entries were made with.
    fingerprint: u64,
    slots: Vec<Slot>,
}

#[derive(Clone, Copy, Default)]
struct Slot {
    /// The word's hash with the lowest bit set (0: empty), and bit 1 set for a stop word
    /// (bit 1 of the hash is not compared).
    key: u64,
    /// The stem's hash (0 for a stop word).
    stem: u64,
}

/// Bit 1 of a slot's key: the word is a stop word.
const STOP: u64 = 2;

/// Slots per thread.
const STEM_CACHE_SLOTS: usize = 1 << 16;

thread_local! {
    static STEM_CACHE: RefCell<StemCache> = const {
        RefCell::new(StemCache { fingerprint: 0, slots: Vec::new() })
    };
}

impl Featurizer {
    /// Calls `f` with this thread's stem cache slots (empty if there are none yet).
    fn with_slots(&self, f: impl FnOnce(&[Slot])) {
        let mut f = Some(f);
        let _ = STEM_CACHE.try_with(|cache| {
            let cache = cache.borrow();
            if cache.fingerprint == self.fingerprint {
                if let Some(f) = f.take() {
                    f(&cache.slots);
                }
            }
        });
        if let Some(f) = f {
            f(&[]);
        }
    }

    /// The hash of `word`'s stem, or `None` for a stop word; `key` is the word's
    /// [`word_key`].
    fn stem_key(&self, word: &str, key: u64) -> Option<u64> {
        let compute = || {
            if self.stop_keys.binary_search(&key).is_ok() && self.stop.contains(word) {
                None
            } else {
                Some(hash_bytes(STEM_SEED, self.stemmer.stem(word).as_bytes()))
            }
        };
        STEM_CACHE
            .try_with(|cache| {
                let mut cache = cache.borrow_mut();
                if cache.fingerprint != self.fingerprint || cache.slots.is_empty() {
                    cache.fingerprint = self.fingerprint;
                    cache.slots.clear();
                    cache.slots.resize(STEM_CACHE_SLOTS, Slot::default());
                }
                let slot = &mut cache.slots[slot_of(key)];
                if slot.key | STOP != key | STOP {
                    *slot = match compute() {
                        Some(stem) => Slot {
                            key: key & !STOP,
                            stem,
                        },
                        None => Slot {
                            key: key | STOP,
                            stem: 0,
                        },
                    };
                }
                (slot.key & STOP == 0).then_some(slot.stem)
            })
            .unwrap_or_else(|_| compute())
    }
}

/// A word's key in the stem cache: its hash with the lowest bit set.
fn word_key(word: &str) -> u64 {
    hash_bytes(0, word.as_bytes()) | 1
}

/// The stem cache slot of a key.
fn slot_of(key: u64) -> usize {
    (key >> 40) as usize % STEM_CACHE_SLOTS
}

/// Calls `each` with every character n-gram (orders `lo..=hi`) of `<word>`.
fn char_ngrams(
    word: &str,
    lo: u8,
    hi: u8,
    buf: &mut Vec<u8>,
    offsets: &mut Vec<usize>,
    mut each: impl FnMut(&[u8]),
) {
    buf.clear();
    buf.push(b'<');
    if word.is_ascii() {
        // One byte per character: the n-grams are the byte windows.
        buf.extend_from_slice(word.as_bytes());
        buf.push(b'>');
        for n in lo as usize..=hi as usize {
            if n > buf.len() {
                break;
            }
            buf.windows(n).for_each(&mut each);
        }
        return;
    }
    offsets.clear();
    offsets.push(0);
    for (i, _) in word.char_indices() {
        offsets.push(1 + i);
    }
    buf.extend_from_slice(word.as_bytes());
    offsets.push(buf.len());
    buf.push(b'>');
    offsets.push(buf.len());
    let chars = offsets.len() - 1;
    for n in lo as usize..=hi as usize {
        if n > chars {
            break;
        }
        for i in 0..=chars - n {
            each(&buf[offsets[i]..offsets[i + n]]);
        }
    }
}

/// `text` cut to at most `max` bytes at a character boundary.
fn truncate(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// Sorts occurrences by id and merges them: value = mean weight × (1 + ln count).
fn merge(occ: &mut Vec<(u32, f32)>, bits: u8, out: &mut SparseVec) {
    sort_by_id(occ, bits);
    merge_sorted(occ, |w| w, out, |_, _| {});
}

/// [`merge`] of occurrences sorted by id, each carrying a `T` that gives its weight;
/// `each(t, i)` is told that the occurrence of `t` is entry `i` of `out`.
fn merge_sorted<T: Copy>(
    sorted: &[(u32, T)],
    weight: impl Fn(T) -> f32,
    out: &mut SparseVec,
    mut each: impl FnMut(T, u32),
) {
    out.ids.clear();
    out.vals.clear();
    let mut i = 0;
    while i < sorted.len() {
        let id = sorted[i].0;
        let entry = out.ids.len() as u32;
        let mut sum = 0.0f32;
        let mut count = 0u32;
        while i < sorted.len() && sorted[i].0 == id {
            sum += weight(sorted[i].1);
            each(sorted[i].1, entry);
            count += 1;
            i += 1;
        }
        out.ids.push(id);
        // Most features occur once, and ln 1 = 0 exactly: the same value without `ln`.
        out.vals.push(if count == 1 {
            sum
        } else {
            sum / count as f32 * (1.0 + (count as f32).ln())
        });
    }
}

/// What featurisation reuses from one message to the next on a thread: the occurrence list
/// and the radix sort's second buffer (a post of 20 Newsgroups has about a thousand
/// occurrences), and the tokens' scratch (a field's tokens, one word's character n-grams).
/// Taken out of the thread's slot for the duration of a call (so a call never holds a
/// borrow of it) and put back after, unless a buffer grew past [`KEEP_BYTES`]: one huge
/// message does not pin its memory to the thread.
struct Buffers {
    occ: Vec<(u32, f32)>,
    sorted: Vec<(u32, f32)>,
    scratch: Scratch,
}

impl Buffers {
    const EMPTY: Buffers = Buffers {
        occ: Vec::new(),
        sorted: Vec::new(),
        scratch: Scratch {
            grams: Vec::new(),
            offsets: Vec::new(),
            tokens: Vec::new(),
        },
    };

    /// This thread's buffers (new ones if they are out, or the thread is ending).
    fn take() -> Buffers {
        BUFFERS
            .try_with(|b| {
                b.try_borrow_mut()
                    .map(|mut b| std::mem::replace(&mut *b, Buffers::EMPTY))
            })
            .ok()
            .and_then(Result::ok)
            .unwrap_or(Buffers::EMPTY)
    }

    /// Gives the buffers back to this thread, empty, if they are not too large to keep.
    fn put_back(mut self) {
        let Scratch {
            grams,
            offsets,
            tokens,
        } = &self.scratch;
        let largest = [
            room(&self.occ),
            room(&self.sorted),
            room(grams),
            room(offsets),
            room(tokens),
        ]
        .into_iter()
        .max()
        .unwrap_or(0);
        if largest > KEEP_BYTES {
            return;
        }
        self.occ.clear();
        self.sorted.clear();
        let _ = BUFFERS.try_with(|b| {
            if let Ok(mut b) = b.try_borrow_mut() {
                *b = self;
            }
        });
    }
}

/// The most room, in bytes, each of a thread's five [`Buffers`] vectors keeps between
/// messages: 128 KiB, 16,384 occurrences or 4,096 tokens, so at most 640 KiB a thread
/// beside its stem cache; a 20 Newsgroups post's occurrence list takes about 8 KiB.
const KEEP_BYTES: usize = 128 << 10;

/// The bytes `v` has room for.
fn room<T>(v: &Vec<T>) -> usize {
    v.capacity().saturating_mul(std::mem::size_of::<T>())
}

thread_local! {
    static BUFFERS: RefCell<Buffers> = const { RefCell::new(Buffers::EMPTY) };
}

/// Occurrences below which a comparison sort beats clearing the radix counters.
const RADIX_MIN: usize = 256;

/// Sorts `occ` by id (ids below `2^bits`, `bits` at most 24), keeping the order of equal
/// ids. A post has over a thousand occurrences: two counting passes over half the bits
/// each took a fifth of the time of a comparison sort, which was a sixth of featurisation.
fn sort_by_id<T: Copy + Default>(occ: &mut Vec<(u32, T)>, bits: u8) {
    sort_by_id_with(occ, bits, &mut Vec::new());
}

/// [`sort_by_id`] with `spare` as the radix sort's second buffer (left with unspecified
/// contents and the capacity of the larger of the two).
fn sort_by_id_with<T: Copy + Default>(
    occ: &mut Vec<(u32, T)>,
    bits: u8,
    spare: &mut Vec<(u32, T)>,
) {
    if occ.len() < RADIX_MIN || bits > 24 {
        occ.sort_by_key(|&(id, _)| id);
        return;
    }
    let low = u32::from(bits).div_ceil(2);
    let mut from = std::mem::take(occ);
    let mut to = std::mem::take(spare);
    to.clear();
    to.resize(from.len(), (0u32, T::default()));
    let mut all_counts = [0usize; 1 << 12];
    let counts = &mut all_counts[..1 << low];
    for shift in [0, low] {
        let mask = (1u32 << low) - 1;
        let digit = |id: u32| ((id >> shift) & mask) as usize;
        counts.fill(0);
        for &(id, _) in &from {
            counts[digit(id)] += 1;
        }
        let mut at = 0;
        for c in counts.iter_mut() {
            let n = *c;
            *c = at;
            at += n;
        }
        for &(id, v) in &from {
            let d = digit(id);
            to[counts[d]] = (id, v);
            counts[d] += 1;
        }
        std::mem::swap(&mut from, &mut to);
    }
    *occ = from;
    *spare = to;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message::{Address, Body};

    #[test]
    fn every_stop_word_and_only_a_stop_word_has_no_stem() {
        for list in ["danish+english", "danish", "english", "none"] {
            let config = FeatureConfig {
                stop_words: list.to_string(),
                ..FeatureConfig::default()
            };
            let f = Featurizer::new(&config).unwrap();
            let stop: StopWords = list.parse().unwrap();
            // Twice: the first look fills the cache, the second reads it.
            for _ in 0..2 {
                for list in [StopWords::DanishEnglish, StopWords::None] {
                    for word in list.words().chain(["kommune", "byggetilladelse", "x"]) {
                        let stem = f.stem_key(word, word_key(word));
                        assert_eq!(stem.is_none(), stop.contains(word), "{word} in {stop}");
                    }
                }
            }
            assert_eq!(
                f.stop_keys.len(),
                stop.words().collect::<HashSet<_>>().len()
            );
        }
    }

    #[test]
    fn long_enough_counts_characters_not_bytes() {
        assert!(long_enough("abcde", 5));
        assert!(!long_enough("abcd", 5));
        assert!(!long_enough("æøåb", 5)); // 8 bytes, 4 characters
        assert!(long_enough("æøåbc", 5));
        assert!(!long_enough("", 1));
    }

    #[test]
    fn the_bodys_parts_are_lines_of_its_text_and_other_texts_are_not() {
        let raw = "From: a@example.dk\r\nSubject: s\r\n\r\n  Tak til Mette.\r\n\r\n\
                   > Hej fra Anne Holm\r\n> og Ole\r\n\r\nMed venlig hilsen\r\nJens Hansen  \r\n";
        let m = Message::from_bytes(raw.as_bytes()).unwrap();
        for part in [&m.body.new_text, &m.body.quoted, &m.body.signature] {
            assert!(!part.is_empty());
            assert!(
                lines_of(part, &m.body.text),
                "{part:?} of {:?}",
                m.body.text
            );
        }
        assert!(lines_of("abc\ndef", "  abc\r\nx\ndef  \n"));
        assert!(lines_of("", "a\n\nb"));
        // Not a whole line, not in order, a middle line trimmed, a line that is not there.
        assert!(!lines_of("Mette", "Tak til Mette"));
        assert!(!lines_of("b\na", "a\nb"));
        assert!(!lines_of("a\nb\nc", "a\n b\nc"));
        assert!(!lines_of("a\nz", "a\nb"));

        // A message built by hand whose quoted text is not in its body: its names count.
        let mut hand = msg("", "Hej");
        hand.body.new_text = "Hej".into();
        hand.body.quoted = "Tak til Mette for hjælpen.".into();
        assert!(names_of(&hand).contains("mette"));
        let (names, every) = names_both_ways(&hand);
        assert_eq!(names, every);
        let (names, every) = names_both_ways(&m);
        assert_eq!(names, every);
        assert!(names.contains(&"mette".to_string()), "{names:?}");
    }

    fn msg(subject: &str, body: &str) -> Message {
        Message {
            subject: subject.into(),
            sender: Some(Address::new("borger@example.dk", None)),
            body: Body {
                text: body.into(),
                new_text: body.into(),
                ..Body::default()
            },
            ..Message::default()
        }
    }

    #[test]
    fn explanations_hide_names_addresses_and_number_groups_but_features_do_not_change() {
        let f = Featurizer::new(&FeatureConfig::default()).unwrap();
        let mut m = msg(
            "Ansøgning om tilskud",
            "Hej Mette. Ring på 12 34 56 78 eller skriv til anne.holm@egeskov.dk om § 42. \
             Kopi til kim-lund@egeskov.dk, cpr 01.02.90-1234, bilag skema_jørgensen.pdf \
             og nr12345678.",
        );
        m.sender = Some(Address::new(
            "jorgensen@example.dk",
            Some("Bo Jørgensen".into()),
        ));
        m.body.signature = "Susanne Kjærgaard\nSagsbehandler".into();
        let shown = f.surfaces(&m);
        let raw = f.raw_surfaces(&m);
        let ids = |v: &[Surface]| v.iter().map(|s| (s.id, s.field)).collect::<Vec<_>>();
        assert_eq!(
            ids(&shown),
            ids(&raw),
            "masking changes what is shown, not the features"
        );
        for word in [
            "mette",
            "kim",
            "lund",
            "01.02.90",
            "skema_jørgensen.pdf",
            "nr12345678",
            "12",
            "34",
            "56",
            "78",
            "42",
            "anne.holm",
            "susanne",
            "kjærgaard",
        ] {
            assert!(
                !shown.iter().any(|s| s.text.split(' ').any(|w| w == word)),
                "{word} is shown"
            );
            assert!(
                raw.iter().any(|s| s.text.split(' ').any(|w| w == word)),
                "{word} in raw"
            );
        }
        for token in ["#name", "#short", "#address", "#sender"] {
            assert!(shown.iter().any(|s| s.text == token), "{token} missing");
        }
        assert!(shown.iter().any(|s| s.text == "tilskud"));
        assert!(shown.iter().any(|s| s.text == "egeskov.dk"));
    }

    #[test]
    fn a_name_joined_to_a_file_type_or_a_possessive_is_hidden() {
        let f = Featurizer::new(&FeatureConfig::default()).unwrap();
        let mut m = msg(
            "Lægeerklæring",
            "Se vedhæftede. Vi har talt med Mr Hansen's læge.",
        );
        m.attachments.push(crate::message::Attachment {
            name: Some("Lægeerklæring Mette Kjærsgaard.pdf".into()),
            media_type: "application/pdf".into(),
            size: 0,
            text: None,
            pages: None,
            extraction: crate::message::Extraction::Extracted,
        });
        m.headers.push(crate::message::Header {
            name: "Keywords".into(),
            value: "klage, Bodil Egeskov".into(),
        });
        let shown = f.surfaces(&m);
        let raw = f.raw_surfaces(&m);
        for word in ["kjærsgaard.pdf", "hansen's", "egeskov"] {
            assert!(
                raw.iter().any(|s| s.text.split(' ').any(|w| w == word)),
                "{word} in raw"
            );
            assert!(
                !shown.iter().any(|s| s.text.split(' ').any(|w| w == word)),
                "{word} is shown"
            );
        }
        assert!(shown.iter().any(|s| s.text == "klage"));
    }

    #[test]
    fn radix_sort_orders_by_id_and_keeps_equal_ids_in_order() {
        for bits in [8u8, 13, 18, 24] {
            for n in [0usize, 5, RADIX_MIN - 1, RADIX_MIN, 3000] {
                let mut state = 0x1234_5678_9abc_def0u64 ^ n as u64;
                let occ: Vec<(u32, f32)> = (0..n)
                    .map(|i| {
                        state = state
                            .wrapping_mul(6_364_136_223_846_793_005)
                            .wrapping_add(1_442_695_040_888_963_407);
                        (((state >> 33) as u32) & ((1 << bits) - 1), i as f32)
                    })
                    .collect();
                let mut expected = occ.clone();
                expected.sort_by_key(|&(id, _)| id);
                let mut got = occ;
                sort_by_id(&mut got, bits);
                assert_eq!(got, expected, "bits {bits}, n {n}");
            }
        }
    }

    #[test]
    fn reused_buffers_give_the_features_of_fresh_ones() {
        let f = Featurizer::new(&FeatureConfig::default()).unwrap();
        let words = "carport ansøgning tilladelse sagsbehandler ";
        let msgs = [
            msg("Skole", "Vores datter skal skifte skole."),
            // Past `KEEP_BYTES`: its buffers are dropped, not kept.
            msg("Byggesag", &words.repeat(4000)),
            msg("Re: skole", "Tak for svaret om skoleskift."),
            msg("", ""),
            // Past `RADIX_MIN` occurrences and within `KEEP_BYTES`: sorted with a kept
            // spare buffer, and its buffers kept for the next message.
            msg("Byggesag", &words.repeat(40)),
            msg(
                "Affald",
                "Skraldespanden er ikke tømt. Non-ASCII: æblegrød, ø, å.",
            ),
            msg("Byggesag", &words.repeat(30)),
        ];
        // The features of each message on a thread of its own, whose buffers are new.
        let fresh: Vec<SparseVec> = std::thread::scope(|scope| {
            msgs.iter()
                .map(|m| scope.spawn(|| f.featurize(m)))
                .collect::<Vec<_>>()
                .into_iter()
                .map(|t| t.join().unwrap())
                .collect()
        });
        let mut occ = Vec::new();
        f.walk_with(
            &msgs[1],
            &mut Occurrences(&mut occ, f.mask),
            &mut Scratch::default(),
        );
        assert!(std::mem::size_of_val(&occ[..]) > KEEP_BYTES);
        occ.clear();
        f.walk_with(
            &msgs[4],
            &mut Occurrences(&mut occ, f.mask),
            &mut Scratch::default(),
        );
        assert!(occ.len() >= RADIX_MIN && std::mem::size_of_val(&occ[..]) < KEEP_BYTES);
        // Twice over on this thread: each message after every kind of message before it.
        for (m, fresh) in msgs.iter().zip(&fresh).chain(msgs.iter().zip(&fresh)) {
            let got = f.featurize(m);
            assert_eq!((&got.ids, &got.vals), (&fresh.ids, &fresh.vals));
            assert_eq!(got.ids.capacity(), got.ids.len(), "sized to fit");
            assert_eq!(got.vals.capacity(), got.vals.len(), "sized to fit");
        }
    }

    #[test]
    fn vector_is_sorted_unique_and_deterministic() {
        let f = Featurizer::new(&FeatureConfig::default()).unwrap();
        let m = msg(
            "Byggetilladelse",
            "Jeg søger om byggetilladelse til en carport. Byggesagsbehandling tak.",
        );
        let v = f.featurize(&m);
        assert!(!v.is_empty());
        assert!(v.ids.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(v, f.featurize(&m));
        assert!(v.vals.iter().all(|x| x.is_finite() && *x > 0.0));
    }

    #[test]
    fn compound_parts_are_shared_features() {
        let f = Featurizer::new(&FeatureConfig::default()).unwrap();
        let a = f.featurize(&msg("", "byggesagsbehandling"));
        let b = f.featurize(&msg("", "byggesag"));
        let shared = a
            .ids
            .iter()
            .filter(|id| b.ids.binary_search(id).is_ok())
            .count();
        assert!(shared >= 3, "only {shared} shared features");
    }

    #[test]
    fn fields_are_separate_spaces() {
        let f = Featurizer::new(&FeatureConfig {
            shared_words: 0.0,
            ..FeatureConfig::default()
        })
        .unwrap();
        let mut a = msg("byggesag", "");
        a.sender = None;
        let mut b = msg("", "byggesag");
        b.sender = None;
        let (a, b) = (f.featurize(&a), f.featurize(&b));
        assert!(a.ids.iter().all(|id| b.ids.binary_search(id).is_err()));
    }

    /// The ids `a` and `b` have in common.
    fn common(a: &SparseVec, b: &SparseVec) -> Vec<u32> {
        a.ids
            .iter()
            .copied()
            .filter(|id| b.ids.binary_search(id).is_ok())
            .collect()
    }

    #[test]
    fn a_word_of_any_text_field_is_also_one_shared_feature() {
        let f = Featurizer::new(&FeatureConfig::default()).unwrap();
        let texts = [
            Field::Subject,
            Field::Body,
            Field::Quoted,
            Field::AttachmentText,
        ];
        let one = |field: Field, text: &str| {
            let mut m = msg("", "");
            m.sender = None;
            match field {
                Field::Subject => m.subject = text.into(),
                Field::Body => m.body.new_text = text.into(),
                Field::Quoted => m.body.quoted = text.into(),
                Field::AttachmentText => {
                    m.attachments.push(crate::message::Attachment {
                        name: None,
                        media_type: String::new(),
                        size: 0,
                        text: Some(text.into()),
                        pages: None,
                        extraction: crate::message::Extraction::Extracted,
                    });
                }
                Field::Headers => m.headers.push(crate::message::Header {
                    name: "Keywords".into(),
                    value: text.into(),
                }),
                _ => unreachable!(),
            }
            let mut x = f.featurize(&m);
            if field == Field::AttachmentText {
                // The attachment's media type (empty here) is a feature of its own.
                let empty = f.featurize(&{
                    let mut e = m.clone();
                    e.attachments[0].text = None;
                    e
                });
                x.ids.retain(|id| empty.ids.binary_search(id).is_err());
            }
            x
        };
        for (i, &a) in texts.iter().enumerate() {
            for &b in &texts[i + 1..] {
                // One word: its shared unigram is the one feature both have.
                let shared = common(&one(a, "byggesag"), &one(b, "byggesag"));
                assert_eq!(shared.len(), 1, "{a:?} and {b:?}");
                // Another word shares nothing with it.
                assert!(common(&one(a, "byggesag"), &one(b, "skole")).is_empty());
            }
            // Headers are not a text the message is about: no shared word.
            let header = one(Field::Headers, "byggesag");
            assert!(!header.ids.is_empty());
            assert!(common(&one(a, "byggesag"), &header).is_empty());
        }
        // Off: as before the shared space, no feature in common.
        let off = Featurizer::new(&FeatureConfig {
            shared_words: 0.0,
            ..FeatureConfig::default()
        })
        .unwrap();
        let (mut a, mut b) = (msg("byggesag", ""), msg("", "byggesag"));
        a.sender = None;
        b.sender = None;
        assert!(common(&off.featurize(&a), &off.featurize(&b)).is_empty());
    }

    #[test]
    fn a_configuration_written_before_the_shared_space_reads_as_without_it() {
        let mut json = serde_json::to_value(FeatureConfig::default()).unwrap();
        json.as_object_mut().unwrap().remove("shared_words");
        let old: FeatureConfig = serde_json::from_value(json).unwrap();
        assert_eq!(old.shared_words, 0.0);
        assert!(!old.shares_words_of(Field::Body));
        for w in [f32::NAN, f32::INFINITY, -1.0] {
            let bad = FeatureConfig {
                shared_words: w,
                ..FeatureConfig::default()
            };
            assert!(bad.validate().is_err(), "{w}");
        }
    }

    #[test]
    fn a_field_cut_to_nothing_is_refused() {
        let bad = FeatureConfig {
            max_field_bytes: 0,
            ..FeatureConfig::default()
        };
        assert!(Featurizer::new(&bad).is_err());
        let one = FeatureConfig {
            max_field_bytes: 1,
            ..FeatureConfig::default()
        };
        assert!(Featurizer::new(&one).is_ok());
    }

    #[test]
    fn cpr_numbers_are_one_class_feature() {
        let f = Featurizer::new(&FeatureConfig::default()).unwrap();
        let a = f.featurize(&msg("", "cpr 010190-1234"));
        let b = f.featurize(&msg("", "cpr 311285-4321"));
        assert_eq!(a, b);
    }

    #[test]
    fn surfaces_name_the_words() {
        let f = Featurizer::new(&FeatureConfig::default()).unwrap();
        let s = f.surfaces(&msg("Ansøgning", "om tilskud"));
        assert!(s
            .iter()
            .any(|s| s.text == "ansøgning" && s.field == Field::Subject));
        assert!(s
            .iter()
            .any(|s| s.text == "tilskud" && s.field == Field::Body));
    }

    #[test]
    fn char_ngrams_cover_the_word() {
        let mut buf = Vec::new();
        let mut off = Vec::new();
        let mut grams = Vec::new();
        char_ngrams("æble", 3, 3, &mut buf, &mut off, |g| {
            grams.push(String::from_utf8(g.to_vec()).unwrap())
        });
        assert_eq!(grams, ["<æb", "æbl", "ble", "le>"]);
        grams.clear();
        char_ngrams("able", 3, 4, &mut buf, &mut off, |g| {
            grams.push(String::from_utf8(g.to_vec()).unwrap())
        });
        assert_eq!(grams, ["<ab", "abl", "ble", "le>", "<abl", "able", "ble>"]);
        grams.clear();
        char_ngrams("ab", 5, 5, &mut buf, &mut off, |g| {
            grams.push(String::from_utf8(g.to_vec()).unwrap())
        });
        assert!(
            grams.is_empty(),
            "a word shorter than the n-gram gives none"
        );
    }
}
