//! Municipal routing rules: a declarative TOML file that decides before any model is asked.
//!
//! Municipalities have rules no model should override: "all mail from rigspolitiet.dk goes
//! to Borgerservice", "a subject with 'aktindsigt' goes to Jura". A [`RuleSet`] holds them;
//! [`RuleSet::apply`] returns the first rule that matches a [`Message`], with the labels it
//! sets, and the decision says which rule fired.
//!
//! # The file
//!
//! ```toml
//! version = 1                       # optional; the only version so far
//!
//! [[rule]]
//! name = "Politiet til Borgerservice"
//! sender_domain = "rigspolitiet.dk" # also matches x.rigspolitiet.dk
//! set = { unit = "Borgerservice" }
//!
//! [[rule]]
//! name = "Aktindsigt til Jura"
//! subject = ["aktindsigt", "aktindsigtsanmodning"]
//! set = { unit = "Jura", kle = "00.01.10" }
//! confidence = 0.95
//! ```
//!
//! Each `[[rule]]` has
//! - `set` (required): a table of head → label; any head (`unit`, `kle`, `facet`, …). Labels of
//!   the `kle` head must be KLE codes, and [`RuleSet::validate_against`] checks them against a
//!   [`Taxonomy`].
//! - `name` (optional, unique): what the decision cites; default `rule N` (N counts from 1).
//! - `confidence` (optional, default 1.0, in (0, 1]).
//! - one or more conditions. **All** conditions of a rule must hold; a condition given a
//!   list holds when **any** of its values does.
//!
//! | condition | matches | how |
//! |---|---|---|
//! | `sender` | the sender's address | whole address, ignoring case |
//! | `sender_domain` | the sender's domain | the domain or any subdomain of it, ignoring case |
//! | `recipient` | a `To` or `Cc` address, or `Delivered-To`, `X-Original-To`, `Envelope-To` | whole address, ignoring case |
//! | `subject` | the subject | substring, ignoring case |
//! | `subject_regex` | the subject | regular expression ([`regex`] syntax), case-insensitive unless it says `(?-i)` |
//! | `body` | the readable body text | substring, ignoring case |
//! | `body_regex` | the readable body text | regular expression, as `subject_regex` |
//! | `memo_sender_id` | a Digital Post sender's `senderID` | whole id, ignoring case |
//! | `memo_sender_id_type` | its `idType` (`CPR`, `CVR`, `MyndighedsID`, `Andet`) | ignoring case |
//! | `memo_kle` | a `KLEdata/subjectKey` | KLE prefix: `27.24` matches `27.24.00` |
//! | `memo_case_id` | a `CaseID/caseID`, or the `caseID` of a message it replies to | whole id, ignoring case |
//!
//! `memo_*` conditions only hold for Digital Post messages ([`Message::memo`]).
//!
//! # Which rule wins
//!
//! Rules are tried in file order and **the first rule whose conditions all hold wins**; later
//! rules are not consulted, even for heads the winner does not set. This is the order a
//! clerk reads the file in, and it makes every decision traceable to exactly one rule: put
//! specific rules before general ones.
//!
//! # Errors
//!
//! A file that does not parse, an unknown key, an empty pattern, a regular expression that
//! does not compile, a confidence out of range or a `kle` label that is not a KLE code is an
//! [`ErrorKind::Config`] error naming the line and the rule:
//! `line 7, rule 2 "Aktindsigt til Jura": unknown field `subjekt` …`.

use std::cell::OnceCell;
use std::collections::{BTreeMap, HashMap};
use std::ops::Range;
use std::path::Path;

use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::kle::{read_bounded, KleCode, LineIndex, Taxonomy};
use crate::{Error, ErrorKind, Message, Result};

/// The largest rule file read.
pub const MAX_RULE_FILE_BYTES: u64 = 4 * 1024 * 1024;
/// The most rules in one file.
pub const MAX_RULES: usize = 10_000;
/// The longest pattern (substring or regular expression), in bytes.
pub const MAX_PATTERN_BYTES: usize = 1_000;
/// The most values one condition may list.
pub const MAX_PATTERNS: usize = 1_000;
/// The head whose labels must be KLE codes.
pub const KLE_HEAD: &str = "kle";

/// The rule file's contents: rules in file order.
///
/// Parse once and share: matching is read-only and `Send + Sync`.
///
/// ```
/// # fn example() -> Result<(), Box<dyn std::error::Error>> {
/// use signatur::decision::rules::RuleSet;
/// let rules = RuleSet::from_toml_str(r#"
///     [[rule]]
///     name = "Politiet"
///     sender_domain = "rigspolitiet.dk"
///     set = { unit = "Borgerservice" }
/// "#)?;
/// let msg = signatur::ingest::MessageBuilder::new()
///     .sender("sagsbehandler@nord.rigspolitiet.dk", None)
///     .subject("Anmodning")
///     .build()?;
/// let hit = rules.apply(&msg).ok_or("no rule fired")?;
/// assert_eq!(hit.rule, "Politiet");
/// assert_eq!(hit.labels["unit"], "Borgerservice");
/// # Ok(()) }
/// # example().unwrap();
/// ```
#[derive(Debug, Clone, Default)]
pub struct RuleSet {
    rules: Vec<Rule>,
}

/// One compiled rule.
#[derive(Debug, Clone)]
pub struct Rule {
    name: String,
    line: usize,
    conditions: Vec<Condition>,
    labels: BTreeMap<String, String>,
    confidence: f32,
}

impl Rule {
    /// The rule's name (given, or `rule N`).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The line of the rule in its file (1-based).
    pub fn line(&self) -> usize {
        self.line
    }

    /// The labels it sets, head → label.
    pub fn labels(&self) -> &BTreeMap<String, String> {
        &self.labels
    }

    /// How sure a decision made by this rule is.
    pub fn confidence(&self) -> f32 {
        self.confidence
    }
}

/// The outcome of [`RuleSet::apply`]: which rule fired and what it sets.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct RuleMatch {
    /// The rule's name, for the decision's "decided by".
    pub rule: String,
    /// The rule's line in its file.
    pub line: usize,
    /// The labels it sets, head → label.
    pub labels: BTreeMap<String, String>,
    /// The rule's confidence.
    pub confidence: f32,
    /// The conditions that held, as `condition "pattern"` (the patterns come from the rule
    /// file, never from the message), for the explanation shown to a clerk.
    pub matched: Vec<String>,
}

impl RuleSet {
    /// Parses a rule file's text. Errors name the line and the rule.
    pub fn from_toml_str(text: &str) -> Result<RuleSet> {
        let lines = LineIndex::new(text);
        let raw: RawFile = match toml::from_str(text) {
            Ok(raw) => raw,
            Err(e) => return Err(syntax_error(text, &lines, &e)),
        };
        if let Some(v) = &raw.version {
            if *v.get_ref() != 1 {
                return Err(config(format!(
                    "line {}: version {} is not supported (expected 1)",
                    lines.line(v.span().start),
                    v.get_ref()
                )));
            }
        }
        if raw.rule.len() > MAX_RULES {
            return Err(config(format!("more than {MAX_RULES} rules")));
        }
        let mut rules = Vec::with_capacity(raw.rule.len());
        let mut names: HashMap<String, usize> = HashMap::new();
        for (i, spanned) in raw.rule.into_iter().enumerate() {
            let line = lines.line(spanned.span().start);
            let raw = spanned.into_inner();
            let name = match &raw.name {
                Some(n) => n.get_ref().trim().to_string(),
                None => format!("rule {}", i + 1),
            };
            let ctx = RuleContext {
                lines: &lines,
                index: i + 1,
                name: &name,
            };
            if name.is_empty() {
                return Err(ctx.error(line, "`name` is empty"));
            }
            if let Some(first) = names.insert(name.clone(), line) {
                return Err(ctx.error(
                    line,
                    format!("the name is also used by the rule on line {first}"),
                ));
            }
            rules.push(compile(raw, name.clone(), line, &ctx)?);
        }
        Ok(RuleSet { rules })
    }

    /// Reads and parses a rule file. Errors name the file, the line and the rule.
    pub fn load(path: impl AsRef<Path>) -> Result<RuleSet> {
        let path = path.as_ref();
        let bytes = read_bounded(path, MAX_RULE_FILE_BYTES, "a rule file")?;
        let text = std::str::from_utf8(&bytes).map_err(|e| {
            Error::new(
                ErrorKind::Config,
                format!(
                    "{}: not valid UTF-8 (at byte {}; TOML files are UTF-8)",
                    path.display(),
                    e.valid_up_to()
                ),
            )
        })?;
        RuleSet::from_toml_str(text).map_err(|e| e.context(path.display()))
    }

    /// Checks every `kle` label against `taxonomy` (it must be a code the taxonomy has), and,
    /// when the taxonomy has handling facets, every `facet` label against them. The error
    /// names the rule and its line.
    pub fn validate_against(&self, taxonomy: &Taxonomy) -> Result<()> {
        let has_facets = taxonomy.facets().next().is_some();
        for rule in &self.rules {
            let checked = rule
                .labels
                .iter()
                .try_for_each(|(head, label)| match head.as_str() {
                    KLE_HEAD => taxonomy.validate_label(label).map(drop),
                    "facet" if has_facets => taxonomy.validate_facet(label).map(drop),
                    _ => Ok(()),
                });
            checked.map_err(|e| {
                config(format!(
                    "line {}, rule {:?}: {}",
                    rule.line,
                    rule.name,
                    e.message()
                ))
            })?;
        }
        Ok(())
    }

    /// The first rule (in file order) whose conditions all hold for `msg`, with its labels;
    /// `None` when no rule matches and the model decides.
    pub fn apply(&self, msg: &Message) -> Option<RuleMatch> {
        let view = View::new(msg);
        self.rules.iter().find_map(|rule| {
            let matched = rule
                .conditions
                .iter()
                .map(|c| c.check(&view))
                .collect::<Option<Vec<String>>>()?;
            Some(RuleMatch {
                rule: rule.name.clone(),
                line: rule.line,
                labels: rule.labels.clone(),
                confidence: rule.confidence,
                matched,
            })
        })
    }

    /// The rules in file order.
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// How many rules there are.
    pub fn len(&self) -> usize {
        self.rules.len()
    }

    /// Whether there are no rules.
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }
}

// ---------------------------------------------------------------------------------------
// The file as written.

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    version: Option<Spanned<i64>>,
    #[serde(default)]
    rule: Vec<Spanned<RawRule>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    name: Option<Spanned<String>>,
    set: Option<Spanned<BTreeMap<String, Spanned<String>>>>,
    confidence: Option<Spanned<f64>>,
    sender: Option<Spanned<Patterns>>,
    sender_domain: Option<Spanned<Patterns>>,
    recipient: Option<Spanned<Patterns>>,
    subject: Option<Spanned<Patterns>>,
    subject_regex: Option<Spanned<Patterns>>,
    body: Option<Spanned<Patterns>>,
    body_regex: Option<Spanned<Patterns>>,
    memo_sender_id: Option<Spanned<Patterns>>,
    memo_sender_id_type: Option<Spanned<Patterns>>,
    memo_kle: Option<Spanned<Patterns>>,
    memo_case_id: Option<Spanned<Patterns>>,
}

/// A condition's value: one string or a list of them.
struct Patterns(Vec<String>);

impl Patterns {
    fn into_vec(self) -> Vec<String> {
        self.0
    }
}

impl<'de> Deserialize<'de> for Patterns {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Patterns, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = Patterns;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a string or a list of strings")
            }

            fn visit_str<E: serde::de::Error>(self, v: &str) -> std::result::Result<Patterns, E> {
                Ok(Patterns(vec![v.to_string()]))
            }

            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> std::result::Result<Patterns, A::Error> {
                let mut out = Vec::new();
                while let Some(s) = seq.next_element::<String>()? {
                    if out.len() >= MAX_PATTERNS {
                        return Err(serde::de::Error::custom(format!(
                            "more than {MAX_PATTERNS} patterns"
                        )));
                    }
                    out.push(s);
                }
                Ok(Patterns(out))
            }
        }
        d.deserialize_any(Visitor)
    }
}

// ---------------------------------------------------------------------------------------
// Compiled conditions.

/// Where a text condition looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Subject,
    Body,
}

/// Which MeMo field an id condition compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum MemoId {
    SenderId,
    SenderIdType,
    CaseId,
}

#[derive(Debug, Clone)]
enum Condition {
    /// Whole addresses, lowercased.
    Sender(Vec<String>),
    /// Domains, lowercased, without leading `@` or `.`.
    SenderDomain(Vec<String>),
    /// Whole addresses, lowercased.
    Recipient(Vec<String>),
    /// Lowercased substrings.
    Contains(Field, Vec<String>),
    /// Compiled expressions with their source text.
    Regex(Field, Vec<regex::Regex>),
    /// Ids or id types, lowercased.
    Memo(MemoId, Vec<String>),
    /// KLE prefixes.
    MemoKle(Vec<KleCode>),
}

impl Condition {
    /// `Some(description of what matched)` when the condition holds.
    fn check(&self, v: &View<'_>) -> Option<String> {
        let hit = |what: &str, pattern: &str| Some(format!("{what} {pattern:?}"));
        match self {
            Condition::Sender(addresses) => {
                let sender = v.sender.as_deref()?;
                addresses
                    .iter()
                    .find(|a| *a == sender)
                    .and_then(|a| hit("sender", a))
            }
            Condition::SenderDomain(domains) => {
                let domain = v.sender_domain.as_deref()?;
                domains
                    .iter()
                    .find(|d| {
                        domain == d.as_str()
                            || domain
                                .strip_suffix(d.as_str())
                                .is_some_and(|p| p.ends_with('.'))
                    })
                    .and_then(|d| hit("sender_domain", d))
            }
            Condition::Recipient(addresses) => addresses
                .iter()
                .find(|a| v.recipients.contains(a))
                .and_then(|a| hit("recipient", a)),
            Condition::Contains(field, needles) => {
                let text = v.lowered(*field);
                needles
                    .iter()
                    .find(|n| text.contains(n.as_str()))
                    .and_then(|n| hit(field.name(), n))
            }
            Condition::Regex(field, regexes) => {
                let text = v.original(*field);
                regexes
                    .iter()
                    .find(|r| r.is_match(text))
                    .and_then(|r| hit(field.regex_name(), r.as_str()))
            }
            Condition::Memo(which, ids) => {
                let memo = v.msg.memo.as_ref()?;
                let values: Vec<String> = match which {
                    MemoId::SenderId => memo.sender.iter().filter_map(|p| p.id.clone()).collect(),
                    MemoId::SenderIdType => memo
                        .sender
                        .iter()
                        .filter_map(|p| p.id_type.as_ref().map(|t| t.as_str().to_string()))
                        .collect(),
                    MemoId::CaseId => memo
                        .content
                        .case_ids
                        .iter()
                        .filter_map(|c| c.case_id.clone())
                        .chain(memo.replies.iter().filter_map(|r| r.case_id.clone()))
                        .collect(),
                };
                let values: Vec<String> = values.iter().map(|s| s.trim().to_lowercase()).collect();
                ids.iter()
                    .find(|id| values.contains(id))
                    .and_then(|id| hit(which.name(), id))
            }
            Condition::MemoKle(prefixes) => {
                let memo = v.msg.memo.as_ref()?;
                let keys: Vec<KleCode> = memo
                    .content
                    .kle
                    .iter()
                    .filter_map(|k| k.subject_key.as_deref())
                    .filter_map(|k| KleCode::parse(k).ok())
                    .collect();
                prefixes
                    .iter()
                    .find(|p| keys.iter().any(|k| p.is_prefix_of(k)))
                    .and_then(|p| hit("memo_kle", &p.to_string()))
            }
        }
    }
}

impl Field {
    fn name(self) -> &'static str {
        match self {
            Field::Subject => "subject",
            Field::Body => "body",
        }
    }

    fn regex_name(self) -> &'static str {
        match self {
            Field::Subject => "subject_regex",
            Field::Body => "body_regex",
        }
    }
}

impl MemoId {
    fn name(self) -> &'static str {
        match self {
            MemoId::SenderId => "memo_sender_id",
            MemoId::SenderIdType => "memo_sender_id_type",
            MemoId::CaseId => "memo_case_id",
        }
    }
}

/// What the conditions look at, normalised once per message; the lowercased subject and
/// body are only made when a rule asks for them.
struct View<'a> {
    msg: &'a Message,
    sender: Option<String>,
    sender_domain: Option<String>,
    recipients: Vec<String>,
    subject: OnceCell<String>,
    body: OnceCell<String>,
}

impl<'a> View<'a> {
    fn new(msg: &'a Message) -> View<'a> {
        let sender = msg.sender.as_ref().map(|a| normalise_address(&a.address));
        let mut recipients: Vec<String> = msg
            .to
            .iter()
            .chain(&msg.cc)
            .map(|a| normalise_address(&a.address))
            .collect();
        for h in &msg.headers {
            if ["delivered-to", "x-original-to", "envelope-to"]
                .iter()
                .any(|n| h.name.eq_ignore_ascii_case(n))
            {
                recipients.extend(h.value.split(',').map(normalise_address));
            }
        }
        View {
            msg,
            sender,
            sender_domain: msg.sender_domain(),
            recipients,
            subject: OnceCell::new(),
            body: OnceCell::new(),
        }
    }

    fn original(&self, field: Field) -> &'a str {
        match field {
            Field::Subject => &self.msg.subject,
            Field::Body => &self.msg.body.text,
        }
    }

    fn lowered(&self, field: Field) -> &str {
        let cell = match field {
            Field::Subject => &self.subject,
            Field::Body => &self.body,
        };
        cell.get_or_init(|| self.original(field).to_lowercase())
    }
}

/// `" <Jens@Example.DK> "` → `jens@example.dk`.
fn normalise_address(a: &str) -> String {
    a.trim()
        .trim_start_matches('<')
        .trim_end_matches('>')
        .trim()
        .to_lowercase()
}

// ---------------------------------------------------------------------------------------
// Compiling and errors.

struct RuleContext<'a> {
    lines: &'a LineIndex,
    index: usize,
    name: &'a str,
}

impl RuleContext<'_> {
    fn error(&self, line: usize, message: impl std::fmt::Display) -> Error {
        config(format!(
            "line {line}, rule {} {:?}: {message}",
            self.index, self.name
        ))
    }

    fn at(&self, span: Range<usize>, message: impl std::fmt::Display) -> Error {
        self.error(self.lines.line(span.start), message)
    }
}

fn compile(raw: RawRule, name: String, line: usize, ctx: &RuleContext<'_>) -> Result<Rule> {
    let set = raw
        .set
        .ok_or_else(|| ctx.error(line, "has no `set` (which heads does it decide?)"))?;
    let set_span = set.span();
    let mut labels = BTreeMap::new();
    for (head, label) in set.into_inner() {
        let span = label.span();
        let label = label.into_inner().trim().to_string();
        if head.trim().is_empty() || label.is_empty() {
            return Err(ctx.at(
                span,
                format!("`set` has an empty head or label ({head:?} = {label:?})"),
            ));
        }
        if head == KLE_HEAD {
            KleCode::parse(&label).map_err(|e| ctx.at(span.clone(), e.message()))?;
        }
        labels.insert(head, label);
    }
    if labels.is_empty() {
        return Err(ctx.at(set_span, "`set` names no head"));
    }
    let confidence = match raw.confidence {
        None => 1.0,
        Some(c) => {
            let value = *c.get_ref();
            if !(value > 0.0 && value <= 1.0) {
                return Err(ctx.at(c.span(), format!("confidence {value} is not in (0, 1]")));
            }
            value as f32
        }
    };
    let mut conditions = Vec::new();
    let plain = |p: Option<Spanned<Patterns>>| -> Result<Option<(Range<usize>, Vec<String>)>> {
        let Some(p) = p else { return Ok(None) };
        let span = p.span();
        let values = p.into_inner().into_vec();
        if values.is_empty() {
            return Err(ctx.at(span, "an empty list matches nothing"));
        }
        for v in &values {
            if v.trim().is_empty() {
                return Err(ctx.at(span.clone(), "an empty pattern would match every message"));
            }
            if v.len() > MAX_PATTERN_BYTES {
                return Err(ctx.at(
                    span.clone(),
                    format!("a pattern longer than {MAX_PATTERN_BYTES} bytes"),
                ));
            }
        }
        Ok(Some((span, values)))
    };
    if let Some((_, v)) = plain(raw.sender)? {
        conditions.push(Condition::Sender(
            v.iter().map(|a| normalise_address(a)).collect(),
        ));
    }
    if let Some((span, v)) = plain(raw.sender_domain)? {
        let mut domains = Vec::new();
        for d in v {
            let d = d
                .trim()
                .trim_start_matches(['@', '.'])
                .trim_end_matches('.')
                .to_lowercase();
            if d.is_empty() || d.contains(['@', ' ']) {
                return Err(ctx.at(
                    span,
                    format!("{d:?} is not a domain (write e.g. rigspolitiet.dk)"),
                ));
            }
            domains.push(d);
        }
        conditions.push(Condition::SenderDomain(domains));
    }
    if let Some((_, v)) = plain(raw.recipient)? {
        conditions.push(Condition::Recipient(
            v.iter().map(|a| normalise_address(a)).collect(),
        ));
    }
    for (field, contains, regex) in [
        (Field::Subject, raw.subject, raw.subject_regex),
        (Field::Body, raw.body, raw.body_regex),
    ] {
        if let Some((_, v)) = plain(contains)? {
            conditions.push(Condition::Contains(
                field,
                v.iter().map(|s| s.to_lowercase()).collect(),
            ));
        }
        if let Some((span, v)) = plain(regex)? {
            let mut compiled = Vec::new();
            for pattern in v {
                let r = regex::RegexBuilder::new(&pattern)
                    .case_insensitive(true)
                    .size_limit(1 << 20)
                    .build()
                    .map_err(|e| {
                        let text = e.to_string();
                        let last = text.lines().last().unwrap_or_default().trim();
                        let first = last.strip_prefix("error: ").unwrap_or(last).to_string();
                        ctx.at(
                            span.clone(),
                            format!("{} does not compile: {first}", field.regex_name()),
                        )
                    })?;
                compiled.push(r);
            }
            conditions.push(Condition::Regex(field, compiled));
        }
    }
    for (which, p) in [
        (MemoId::SenderId, raw.memo_sender_id),
        (MemoId::SenderIdType, raw.memo_sender_id_type),
        (MemoId::CaseId, raw.memo_case_id),
    ] {
        if let Some((_, v)) = plain(p)? {
            conditions.push(Condition::Memo(
                which,
                v.iter().map(|s| s.trim().to_lowercase()).collect(),
            ));
        }
    }
    if let Some((span, v)) = plain(raw.memo_kle)? {
        let codes = v
            .iter()
            .map(|s| {
                KleCode::parse(s)
                    .map_err(|e| ctx.at(span.clone(), format!("memo_kle: {}", e.message())))
            })
            .collect::<Result<Vec<_>>>()?;
        conditions.push(Condition::MemoKle(codes));
    }
    if conditions.is_empty() {
        return Err(ctx.error(
            line,
            "has no condition, so it would decide every message (give sender, sender_domain, recipient, subject, body or a memo_* condition)",
        ));
    }
    Ok(Rule {
        name,
        line,
        conditions,
        labels,
        confidence,
    })
}

/// A TOML error as `line N[, rule M "name"]: message`, finding the rule around the error.
fn syntax_error(text: &str, lines: &LineIndex, e: &toml::de::Error) -> Error {
    let Some(span) = e.span() else {
        return config(e.message().to_string());
    };
    let line = lines.line(span.start);
    let message = e.message().trim();
    match rule_around(text, span.start) {
        Some((index, Some(name))) => {
            config(format!("line {line}, rule {index} {name:?}: {message}"))
        }
        Some((index, None)) => config(format!("line {line}, rule {index}: {message}")),
        None => config(format!("line {line}: {message}")),
    }
}

/// The rule (number from 1, and name if it has one) whose table contains `offset`, read
/// leniently so that it works when the strict parse failed.
fn rule_around(text: &str, offset: usize) -> Option<(usize, Option<String>)> {
    #[derive(Deserialize)]
    struct Lenient {
        #[serde(default)]
        rule: Vec<Spanned<toml::Table>>,
    }
    // Each rule runs from its `[[rule]]` header to the next one; the lenient parse supplies
    // the names where the file is well-formed TOML.
    let headers: Vec<usize> = LineIndex::new(text)
        .starts()
        .iter()
        .copied()
        .filter(|&s| {
            text.get(s..)
                .and_then(|rest| rest.lines().next())
                .is_some_and(|line| line.trim_start().starts_with("[[rule]]"))
        })
        .collect();
    let index = headers.iter().take_while(|&&h| h <= offset).count();
    if index == 0 {
        return None;
    }
    let name = toml::from_str::<Lenient>(text).ok().and_then(|l| {
        l.rule
            .get(index - 1)
            .and_then(|t| t.get_ref().get("name"))
            .and_then(|n| n.as_str())
            .map(str::to_string)
    });
    Some((index, name))
}

fn config(message: impl Into<String>) -> Error {
    Error::new(ErrorKind::Config, message)
}
