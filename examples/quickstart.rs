//! Quickstart: train on the Danish demo corpus, measure on a held-out fifth, and show the
//! decisions as a records clerk reads them.
//!
//! ```sh
//! cargo run --release --example quickstart                  # train, evaluate, show examples
//! cargo run --release --example quickstart -- a.eml b.xml   # train on all, classify these
//! ```
//!
//! Needs nothing outside the repository: the corpus is `demo/corpus/` (invented mail to an
//! invented municipality, see `demo/README.md`). KLE titles are shown when OS2KLE is found
//! in `$SIGNATUR_DATA` or `../shared/data`; without it the codes are shown alone.
//!
//! What is shown of a message is what a clerk may see on screen: the subject with personal
//! identifiers masked, the sender's address masked down to its domain, references masked,
//! and evidence words (which never contain identifiers). Bodies are not printed.

use std::collections::BTreeSet;
use std::error::Error;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use signatur::decision::directory::{CaseInfo, MemoryDirectory};
use signatur::decision::redact::{redact, RedactOptions};
use signatur::decision::refs::{find_in_message, RefKind};
use signatur::decision::sensitive::{self, Category};
use signatur::decision::{journal, DecidedBy, Decision, JournalOptions, Router};
use signatur::eval::{evaluate, prepare, EvalReport};
use signatur::eval::{read_message, Dataset, TextMode};
use signatur::features::{FeatureConfig, Featurizer};
use signatur::kle::{KleCode, Taxonomy};
use signatur::model::ClassifyOptions;
use signatur::train::TrainOptions;
use signatur::train::{train_prepared, Prepared};
use signatur::{Channel, Classifier, Message};

/// Every `HOLDOUT`-th message of the corpus (in manifest order) is held out for evaluation.
const HOLDOUT: usize = 5;
/// How many held-out messages are shown in full.
const SHOWN: usize = 6;
/// The precision at which coverage is reported ("how much could go through unseen").
const TARGET_PRECISION: f32 = 0.95;

fn main() -> ExitCode {
    let files: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    match run(&files) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("quickstart: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The whole walk-through; `files` given: train on the whole corpus and classify them.
/// (`signatur demo` runs this same function.)
pub fn run(files: &[PathBuf]) -> Result<ExitCode, Box<dyn Error>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let started = Instant::now();
    let dataset = Dataset::load(root.join("demo/corpus/manifest.csv"))?;
    let features = FeatureConfig::default();
    let featurizer = Featurizer::new(&features)?;
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    let prepared = prepare(&dataset, &featurizer, TextMode::Mail, threads, None);
    for (path, e) in &prepared.failures {
        eprintln!("quickstart: skipped {}: {e}", path.display());
    }
    let titles = KleTitles::find(root);

    if !files.is_empty() {
        // Classify the given files with a model trained on the whole corpus.
        let (model, _) = train_prepared(
            &prepared,
            &dataset.heads,
            &features,
            &TrainOptions::default(),
        )?;
        let clf = Classifier::from_model(&model)?;
        println!(
            "Trained on all {} demo messages in {:.1} s.\n",
            prepared.examples.len(),
            started.elapsed().as_secs_f64()
        );
        let mut failed = false;
        for path in files {
            match read_message(path, TextMode::Mail) {
                Ok(msg) => show(&clf, &msg, &path.display().to_string(), None, &titles)?,
                Err(e) => {
                    eprintln!("quickstart: {e}");
                    failed = true;
                }
            }
        }
        return Ok(if failed {
            ExitCode::FAILURE
        } else {
            ExitCode::SUCCESS
        });
    }

    let train = subset(&prepared, |i| i % HOLDOUT != HOLDOUT - 1);
    let test = subset(&prepared, |i| i % HOLDOUT == HOLDOUT - 1);
    let t = Instant::now();
    let (model, _) = train_prepared(&train, &dataset.heads, &features, &TrainOptions::default())?;
    let trained_in = t.elapsed();
    let clf = Classifier::from_model(&model)?;
    let report = evaluate(&clf, &dataset, &test, TARGET_PRECISION)?;
    println!(
        "libsignatur quickstart: Egeskov Kommune's demo corpus ({} invented messages, {} units, {} KLE emner)",
        prepared.examples.len(),
        dataset.head_index("unit").map(|h| dataset.heads[h].labels.len()).unwrap_or(0),
        dataset.head_index("kle").map(|h| dataset.heads[h].labels.len()).unwrap_or(0),
    );
    println!(
        "Trained on {} messages in {:.2} s; evaluated on the {} held out (every {HOLDOUT}th).\n",
        train.examples.len(),
        trained_in.as_secs_f64(),
        test.examples.len()
    );
    print_table(&report);
    cases(
        Arc::new(Classifier::from_model(&model)?),
        &dataset,
        &test,
        &report,
        root,
    )?;

    println!("\nA few held-out messages, as the clerk sees them:\n");
    for i in showcase(&dataset, &test, &clf)? {
        let item = &dataset.items[i];
        let msg = read_message(&item.path, TextMode::Mail)?;
        let name = item
            .path
            .strip_prefix(root)
            .unwrap_or(&item.path)
            .display()
            .to_string();
        let truth: Vec<String> = dataset
            .heads
            .iter()
            .zip(&item.labels)
            .filter_map(|(h, l)| {
                l.and_then(|l| h.labels.get(l as usize))
                    .map(|l| format!("{} {l}", h.name))
            })
            .collect();
        show(&clf, &msg, &name, Some(&truth.join(", ")), &titles)?;
    }
    // The messages the model was trained on are kept for replay: each correction below is
    // followed by steps on a few of them, so that it does not erode the other labels.
    for ex in &train.examples {
        let labels: Vec<(&str, &str)> = dataset
            .heads
            .iter()
            .zip(&ex.labels)
            .filter_map(|(h, l)| Some((h.name.as_str(), h.labels.get((*l)? as usize)?.as_str())))
            .collect();
        clf.remember_features(ex.x.clone(), &labels)?;
    }
    corrections(&clf, &dataset, &test, root, &titles)?;
    println!("Done in {:.1} s.", started.elapsed().as_secs_f64());
    Ok(ExitCode::SUCCESS)
}

/// The truth of head `head` for data-set item `i`, as named in the manifest.
fn truth_of<'a>(dataset: &'a Dataset, i: usize, head: &str) -> Option<&'a str> {
    let h = dataset.head_index(head)?;
    let l = dataset.items[i].labels.get(h).copied().flatten()?;
    dataset.heads[h].labels.get(l as usize).map(String::as_str)
}

/// Mail that continues a case: the `kle` accuracy on the held-out fifth when the router lets
/// an SBSYS case number decide before the model, and one message decided by its case number
/// and one through a small in-memory case directory (the host's records system).
fn cases(
    clf: Arc<Classifier>,
    dataset: &Dataset,
    test: &Prepared,
    report: &EvalReport,
    root: &Path,
) -> Result<(), Box<dyn Error>> {
    let router = Router::new(clf.clone());
    let opts = ClassifyOptions::default();
    // Right with the case step (`after`) and without it (`before`: the kle the model gives
    // where a case number decided, as the router did before #20; MeMo data decides in both).
    let (mut after, mut before, mut total, mut by_number) = (0usize, 0usize, 0usize, Vec::new());
    let mut held: Vec<(usize, Message)> = Vec::new();
    for &i in &test.item_index {
        let msg = read_message(&dataset.items[i].path, TextMode::Mail)?;
        if let Some(truth) = truth_of(dataset, i, "kle") {
            let d = router.decide(&msg, &opts, false)?;
            if let Some(h) = d.head("kle") {
                let right = |h: &signatur::decision::HeadDecision| {
                    usize::from(h.top().is_some_and(|t| t.label == truth))
                };
                total += 1;
                after += right(h);
                if matches!(h.decided_by, DecidedBy::CaseNumber { .. }) {
                    by_number.push(i);
                    before += clf.classify(&msg)?.head("kle").map_or(0, right);
                } else {
                    before += right(h);
                }
            }
        }
        held.push((i, msg));
    }
    let model_alone = report
        .heads
        .iter()
        .find(|h| h.head == "kle")
        .map_or(0.0, |h| h.accuracy);
    let share = |n: usize| n as f64 / total.max(1) as f64;
    println!(
        "\nCase numbers: {} of the {total} held-out messages have kle and facet decided by the SBSYS case number they cite.\nkle accuracy: model alone {model_alone:.3}; Router without the case step {:.3}, with it {:.3}.",
        by_number.len(),
        share(before),
        share(after)
    );

    // The host's records system knows its cases: here a directory built from the manifest,
    // one case per Acadre-style number the corpus cites (the SBSYS ones decide by themselves).
    let mut directory = MemoryDirectory::new();
    for (i, item) in dataset.items.iter().enumerate() {
        let msg = read_message(&item.path, TextMode::Mail)?;
        for r in find_in_message(&msg) {
            let value = &r.reference.value;
            if r.reference.kind != RefKind::CaseNumber || value.contains('.') {
                continue;
            }
            let mut case = CaseInfo::new(value.clone());
            case.unit = truth_of(dataset, i, "unit").map(str::to_string);
            case.kle = truth_of(dataset, i, "kle").map(str::to_string);
            case.facet = truth_of(dataset, i, "facet").map(str::to_string);
            directory.insert_case(value.clone(), case);
        }
    }
    let with_directory = router.with_case_directory(Arc::new(directory));
    let by_directory = held.iter().find_map(|(i, msg)| {
        let d = with_directory.decide(msg, &opts, false).ok()?;
        let decided = d
            .heads
            .iter()
            .any(|h| matches!(h.decided_by, DecidedBy::Directory { .. }));
        decided.then_some((*i, msg, d))
    });
    if let Some(&i) = by_number.first() {
        let msg = &held.iter().find(|(j, _)| *j == i).expect("held out").1;
        let d = with_directory.decide(msg, &opts, false)?;
        show_case(
            dataset,
            i,
            msg,
            &d,
            root,
            "decided by its SBSYS case number",
        );
    }
    if let Some((i, msg, d)) = by_directory {
        show_case(
            dataset,
            i,
            msg,
            &d,
            root,
            "decided through the host's case directory",
        );
    }
    Ok(())
}

/// Prints how a message's case decided its heads.
fn show_case(dataset: &Dataset, i: usize, msg: &Message, d: &Decision, root: &Path, what: &str) {
    let name = dataset.items[i]
        .path
        .strip_prefix(root)
        .unwrap_or(&dataset.items[i].path);
    println!("── {} ({what})", name.display());
    println!(
        "   subject    {}",
        redact(&msg.subject, &RedactOptions::default())
    );
    for h in &d.heads {
        let Some(top) = h.top() else { continue };
        let by = match &h.decided_by {
            DecidedBy::CaseNumber { reference } => format!("case number {reference}"),
            DecidedBy::Directory { reference } => format!("directory, case {reference}"),
            DecidedBy::Thread { reference } => format!("thread, case {reference}"),
            _ => format!("model {:.3}", top.probability),
        };
        let truth = truth_of(dataset, i, &h.head).unwrap_or("-");
        println!(
            "   {:<10} {:<20} by {by:<34} manifest {truth}",
            h.head, top.label
        );
    }
    if let Some(c) = &d.case {
        println!(
            "   case       {} (source {}, confidence {})",
            c.reference,
            c.source.as_str(),
            c.confidence
        );
    }
}

/// `(head, label)` pairs, as a clerk confirms them.
type Labels = Vec<(String, String)>;

/// The clerk corrects three held-out messages the model got wrong or was unsure of; each
/// correction is learned at once. Shows each decision before and after, what the other
/// held-out messages gain, the updated model's lineage, and one journal record.
fn corrections(
    clf: &Classifier,
    dataset: &Dataset,
    test: &Prepared,
    root: &Path,
    titles: &KleTitles,
) -> Result<(), Box<dyn Error>> {
    // The first three (in file order) whose unit or KLE emne was wrong or abstained.
    let mut order: Vec<usize> = (0..test.examples.len()).collect();
    order.sort_by_key(|&t| {
        dataset.items[test.item_index[t]]
            .path
            .file_stem()
            .map(|s| s.to_os_string())
    });
    let mut chosen: Vec<(usize, Message, Labels)> = Vec::new();
    for t in order {
        let item = &dataset.items[test.item_index[t]];
        let msg = read_message(&item.path, TextMode::Mail)?;
        let truth: Vec<(String, String)> = dataset
            .heads
            .iter()
            .zip(&item.labels)
            .filter_map(|(h, l)| Some((h.name.clone(), h.labels.get((*l)? as usize)?.clone())))
            .collect();
        let d = clf.classify(&msg)?;
        let off = ["unit", "kle"].iter().any(|head| {
            let (Some(h), Some((_, want))) = (d.head(head), truth.iter().find(|(n, _)| n == head))
            else {
                return false;
            };
            h.abstain || h.top().map(|l| &l.label) != Some(want)
        });
        if off && msg.channel == Channel::Email {
            chosen.push((t, msg, truth));
        }
        if chosen.len() == 3 {
            break;
        }
    }
    let others = subset(test, |i| {
        !chosen.iter().any(|(t, _, _)| test.item_index[*t] == i)
    });
    let before = evaluate(clf, dataset, &others, TARGET_PRECISION)?;

    println!("Three corrections by the clerk, each learned at once:\n");
    for (t, msg, truth) in &chosen {
        let name = dataset.items[test.item_index[*t]]
            .path
            .strip_prefix(root)
            .map(|p| p.display().to_string())
            .unwrap_or_default();
        // Every label, so the corrected one's probability shows even outside the top 3.
        let all = ClassifyOptions {
            top_k: usize::MAX,
            ..ClassifyOptions::default()
        };
        let was = clf.classify_with(msg, &all)?;
        let labels: Vec<(&str, &str)> = truth
            .iter()
            .map(|(h, l)| (h.as_str(), l.as_str()))
            .collect();
        let started = Instant::now();
        clf.learn(msg, &labels)?;
        let took = started.elapsed();
        let now = clf.classify_with(msg, &all)?;
        println!(
            "── {name}: {}",
            redact(&msg.subject, &RedactOptions::default())
        );
        for (head, want) in truth {
            let (Some(a), Some(b)) = (was.head(head), now.head(head)) else {
                continue;
            };
            let p = |h: &signatur::decision::HeadDecision, l: &str| {
                h.labels
                    .iter()
                    .find(|x| x.label == l)
                    .map(|x| x.probability)
            };
            let state = |h: &signatur::decision::HeadDecision| match h.top() {
                Some(t) if h.abstain => format!(
                    "{} {:.3}, needs review",
                    titles.label(&t.label),
                    t.probability
                ),
                Some(t) => format!("{} {:.3}", titles.label(&t.label), t.probability),
                None => "-".into(),
            };
            println!("   {head:<6} corrected to {}", titles.label(want));
            println!("          before: {}", state(a));
            println!(
                "          after:  {}{}",
                state(b),
                match (p(a, want), p(b, want), b.top()) {
                    (Some(x), Some(y), Some(t)) if t.label != *want =>
                        format!("  ({want}: {x:.3} -> {y:.3})"),
                    _ => String::new(),
                }
            );
        }
        println!("   learned in {:.2} ms\n", took.as_secs_f64() * 1000.0);
    }
    let after = evaluate(clf, dataset, &others, TARGET_PRECISION)?;
    println!(
        "The other {} held-out messages, before and after the corrections:",
        others.examples.len()
    );
    for (b, a) in before.heads.iter().zip(&after.heads) {
        println!(
            "   {:<6} accuracy {:.3} -> {:.3}   coverage at {:.0}% precision {:.3} -> {:.3}",
            b.head,
            b.accuracy,
            a.accuracy,
            TARGET_PRECISION * 100.0,
            b.coverage_at_precision,
            a.coverage_at_precision
        );
    }
    let updated = clf.to_model()?;
    let s = updated.summary();
    println!(
        "\nThe updated model can be saved as a new file (Classifier::to_model): parent {}, {} corrections since its last full training.",
        s.parent.as_deref().unwrap_or("-"),
        s.corrections_since_training
    );
    if let Some((_, msg, _)) = chosen.first() {
        let decision = Router::new(Arc::new(Classifier::from_model(&updated)?)).decide(
            msg,
            &ClassifyOptions::default(),
            false,
        )?;
        let record = journal(
            msg,
            &decision,
            Some(s),
            titles.0.as_ref(),
            &JournalOptions::default(),
        );
        println!(
            "\nThe journal record a records system receives for the first one (`signatur classify --journal`):\n{}\n",
            serde_json::to_string_pretty(&record)?
        );
    }
    Ok(())
}

/// The prepared examples whose data-set index satisfies `pick`.
fn subset(prepared: &Prepared, pick: impl Fn(usize) -> bool) -> Prepared {
    let keep: Vec<usize> = (0..prepared.examples.len())
        .filter(|&i| pick(prepared.item_index[i]))
        .collect();
    Prepared {
        examples: keep.iter().map(|&i| prepared.examples[i].clone()).collect(),
        item_index: keep.iter().map(|&i| prepared.item_index[i]).collect(),
        failures: Vec::new(),
    }
}

fn print_table(r: &EvalReport) {
    println!(
        "{:<6} {:>9} {:>9} {:>7} {:>15} {:>8}",
        "head",
        "accuracy",
        "macro F1",
        "top-3",
        format!("cov@{:.0}% prec", TARGET_PRECISION * 100.0),
        "labels"
    );
    for h in &r.heads {
        let with_support = h.labels.iter().filter(|l| l.support > 0).count();
        println!(
            "{:<6} {:>9.3} {:>9.3} {:>7.3} {:>15.3} {:>8}",
            h.head, h.accuracy, h.macro_f1, h.top3_accuracy, h.coverage_at_precision, with_support
        );
    }
    println!(
        "(cov@prec: share the model could handle alone at that precision; labels: how many of the\n head's labels occur among the held-out messages)"
    );
    for h in &r.heads {
        if let Some(c) = h.confused.first() {
            println!(
                "  most confused ({}): {} taken for {} ({}x)",
                h.head, c.truth, c.predicted, c.count
            );
        }
    }
}

/// Which held-out messages to show: the first (by the number in the file name, so e-mail
/// and Digital Post interleave) of each kind a clerk meets: one the model is unsure of, a
/// Digital Post message that states its own routing, a reply on an existing case, one with a
/// CPR number, a forward; then other units until `SHOWN`.
fn showcase(
    dataset: &Dataset,
    test: &Prepared,
    clf: &Classifier,
) -> Result<Vec<usize>, Box<dyn Error>> {
    let mut order: Vec<usize> = test.item_index.clone();
    order.sort_by_key(|&i| dataset.items[i].path.file_stem().map(|s| s.to_os_string()));
    let mut held: Vec<(usize, Message, bool)> = Vec::with_capacity(order.len());
    for i in order {
        let msg = read_message(&dataset.items[i].path, TextMode::Mail)?;
        let unsure = clf.classify(&msg)?.heads.iter().any(|h| h.abstain);
        held.push((i, msg, unsure));
    }
    let has_ref =
        |m: &Message, kind: RefKind| find_in_message(m).iter().any(|r| r.reference.kind == kind);
    let subject_starts =
        |m: &Message, p: &[&str]| p.iter().any(|p| m.subject.to_lowercase().starts_with(p));
    type Wanted<'a> = Box<dyn Fn(&Message, bool) -> bool + 'a>;
    let wanted: Vec<Wanted<'_>> = vec![
        Box::new(|m, unsure| unsure && m.channel == Channel::Email),
        Box::new(|m, _| m.memo.as_ref().and_then(|x| x.deterministic()).is_some()),
        Box::new(|m, _| !m.in_reply_to.is_empty() && has_ref(m, RefKind::CaseNumber)),
        Box::new(|m, _| m.channel == Channel::Email && has_ref(m, RefKind::Cpr)),
        Box::new(|m, _| subject_starts(m, &["vs:", "fwd:", "fw:"])),
    ];
    let unit = dataset.head_index("unit");
    let unit_of = |i: usize| unit.and_then(|h| dataset.items[i].labels.get(h).copied().flatten());
    let mut picked: Vec<usize> = Vec::new();
    for want in &wanted {
        let units: BTreeSet<_> = picked.iter().map(|&i| unit_of(i)).collect();
        let fresh = |(i, m, u): &&(usize, Message, bool)| !picked.contains(i) && want(m, *u);
        let hit = held
            .iter()
            .filter(fresh)
            .find(|(i, _, _)| !units.contains(&unit_of(*i)))
            .or_else(|| held.iter().find(fresh));
        if let Some((i, _, _)) = hit {
            picked.push(*i);
        }
    }
    for (i, _, _) in &held {
        if picked.len() >= SHOWN {
            break;
        }
        if !picked.iter().any(|&p| p == *i || unit_of(p) == unit_of(*i)) {
            picked.push(*i);
        }
    }
    Ok(picked)
}

/// KLE titles from OS2KLE, when the shared data is there.
struct KleTitles(Option<Taxonomy>);

impl KleTitles {
    fn find(root: &Path) -> KleTitles {
        let data = std::env::var_os("SIGNATUR_DATA")
            .map(PathBuf::from)
            .unwrap_or_else(|| root.join("../shared/data"));
        let path = data.join("os2kle/OS2KLE.txt");
        KleTitles(path.is_file().then(|| Taxonomy::load(&path).ok()).flatten())
    }

    fn label(&self, code: &str) -> String {
        let title = KleCode::parse(code).ok().and_then(|c| {
            self.0
                .as_ref()
                .and_then(|t| t.title(&c).map(str::to_string))
        });
        match title {
            Some(t) => format!("{code} {t}"),
            None => code.to_string(),
        }
    }
}

/// How many decimals show that `p` is under `threshold` (3, or more when they round alike).
fn distinguishing_digits(p: f32, threshold: f32) -> usize {
    (3..6)
        .find(|&d| format!("{p:.d$}") != format!("{threshold:.d$}"))
        .unwrap_or(6)
}

/// The name a value serialises to (`attachment_text` → "attachment text"): the library's
/// own names for fields and categories, so new variants need no change here.
fn name_of<T: serde::Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s.replace('_', " "),
        _ => "other".to_string(),
    }
}

/// Prints one decision the way a records clerk wants to read it.
fn show(
    clf: &Classifier,
    msg: &Message,
    name: &str,
    truth: Option<&str>,
    titles: &KleTitles,
) -> Result<(), Box<dyn Error>> {
    let mask = RedactOptions::default();
    let decision = clf.classify(msg)?;
    let channel = match msg.channel {
        Channel::DigitalPost => "Digital Post",
        Channel::Email => "e-mail",
        _ => "other",
    };
    println!(
        "── {name} ({channel}{})",
        msg.date
            .as_deref()
            .map(|d| format!(", {d}"))
            .unwrap_or_default()
    );
    println!("   subject    {}", redact(&msg.subject, &mask));
    if let Some(sender) = &msg.sender {
        println!("   from       {}", redact(&sender.address, &mask));
    }
    for head in &decision.heads {
        let Some(top) = head.top() else { continue };
        let label = if head.head == "kle" {
            titles.label(&top.label)
        } else {
            top.label.clone()
        };
        let digits = if head.abstain {
            distinguishing_digits(top.probability, head.threshold)
        } else {
            3
        };
        let status = if head.abstain {
            format!("NEEDS REVIEW (under {:.*})", digits, head.threshold)
        } else {
            "suggested".to_string()
        };
        let runner_up = head
            .labels
            .get(1)
            .map(|l| format!("  next: {} {:.3}", l.label, l.probability))
            .unwrap_or_default();
        println!(
            "   {:<10} {label}  {:.*}  {status}{runner_up}",
            head.head, digits, top.probability
        );
    }
    let mut because: Vec<String> = Vec::new();
    for ev in decision.heads.iter().flat_map(|h| h.explanation.iter()) {
        let word = format!("'{}' ({})", ev.text, name_of(&ev.field));
        if !because.contains(&word) && because.len() < 6 {
            because.push(word);
        }
    }
    if !because.is_empty() {
        println!("   because    {}", because.join(", "));
    }
    if let Some(routing) = msg.memo.as_ref().and_then(|m| m.deterministic()) {
        let stated: Vec<String> = routing
            .labels()
            .map(|(head, l)| format!("{head} {} ({})", redact(&l.value, &mask), l.reason))
            .collect();
        println!(
            "   stated     by the sender, no model needed: {}",
            stated.join("; ")
        );
    }
    let refs = find_in_message(msg);
    let mut shown: Vec<String> = Vec::new();
    for r in &refs {
        let s = format!(
            "{} {} ({})",
            r.reference.kind,
            r.reference.masked_with(&mask),
            r.field
        );
        if !shown.contains(&s) {
            shown.push(s);
        }
    }
    if !shown.is_empty() {
        println!("   references {}", shown.join(", "));
    }
    let s = sensitive::assess_found(msg, &refs);
    if s.sensitive {
        let mut why: Vec<String> = Vec::new();
        for r in &s.reasons {
            let w = if r.category == Category::Cpr {
                "CPR number".to_string()
            } else {
                format!("{} ('{}')", name_of(&r.category), r.term)
            };
            if !why.contains(&w) {
                why.push(w);
            }
        }
        println!(
            "   SENSITIVE  answer through a secure channel: {}",
            why.join(", ")
        );
    }
    if let Some(t) = truth {
        println!("   manifest   {t}");
    }
    println!();
    Ok(())
}
