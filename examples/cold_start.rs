//! The cold-start model (the KLE ranker; the keyword model before it) and the keyword
//! prior, measured.
//!
//! ```sh
//! # Cold start (no training data) on the demo corpus and the council decision text:
//! cargo run --release --example cold_start -- cold
//! # The same with the keyword model that was the cold-start model before the ranker:
//! SIGNATUR_COLD=keyword cargo run --release --example cold_start -- cold
//! # Learned alone against learned + keyword prior and learned + ranker prior, trained on
//! # 25, 50, 100, 200 and 300 demo messages, three splits and their mean:
//! cargo run --release --example cold_start -- prior
//! # The top emner of a text:
//! cargo run --release --example cold_start -- text "Hvornår kommer snerydningen?"
//! ```
//!
//! Reads OS2KLE from `$SIGNATUR_DATA/os2kle/OS2KLE.txt` (default `../shared/data`) and the
//! demo corpus from `demo/corpus/manifest.csv`. `SIGNATUR_BITS` sets the hash bits of the
//! cold-start model (default: the ranker's 20, the keyword model's 18).

use std::process::ExitCode;
use std::time::Instant;

use signatur::eval::prepare;
use signatur::eval::{read_message, Dataset, TextMode};
use signatur::features::FeatureConfig;
use signatur::kle::{KleCode, Taxonomy};
use signatur::model::KeywordPrior;
use signatur::train::Example;
use signatur::train::TrainOptions;
use signatur::train::{keyword_model, KeywordOptions};
use signatur::train::{ranker_features, ranker_model, RankerOptions};
use signatur::train::{train_prepared, train_prepared_with_taxonomy, Prepared, PriorKind};
use signatur::{Classifier, ClassifyOptions, Message};

type Res<T> = Result<T, Box<dyn std::error::Error>>;

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("cold_start: {e}");
            ExitCode::FAILURE
        }
    }
}

fn data() -> String {
    std::env::var("SIGNATUR_DATA").unwrap_or_else(|_| "../shared/data".into())
}

fn taxonomy() -> Res<Taxonomy> {
    Ok(Taxonomy::from_spec(&format!(
        "os2kle:{}/os2kle/OS2KLE.txt",
        data()
    ))?)
}

fn run() -> Res<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("cold") => cold(),
        Some("prior") => prior(),
        Some("text") => text(args.get(1).map(String::as_str).unwrap_or("")),
        _ => Err("usage: cold_start cold | prior | text TEXT".into()),
    }
}

fn cold_model(t: &Taxonomy) -> Res<(Classifier, usize)> {
    let keyword = std::env::var("SIGNATUR_COLD").is_ok_and(|v| v == "keyword");
    let base = if keyword {
        FeatureConfig::for_keywords()
    } else {
        ranker_features()
    };
    let bits: u8 = std::env::var("SIGNATUR_BITS")
        .ok()
        .and_then(|b| b.parse().ok())
        .unwrap_or(base.hash_bits);
    let features = FeatureConfig {
        hash_bits: bits,
        ..base
    };
    let started = Instant::now();
    let model = if keyword {
        keyword_model(t, &features, &KeywordOptions::default())?
    } else {
        ranker_model(t, &features, &RankerOptions::default())?
    };
    let bytes = model.to_onnx()?;
    let stats = model.params().prior.as_ref().map(|p| p.stats().clone());
    eprintln!(
        "{} model: {} bytes, built in {:.2} s, {stats:?}",
        model.summary().kind,
        bytes.len(),
        started.elapsed().as_secs_f64()
    );
    Ok((Classifier::from_bytes(&bytes)?, bytes.len()))
}

/// The 1-based rank of `gold` among the head's labels by probability (ties count against).
fn rank(labels: &[String], probs: &[f32], gold: &str) -> Option<usize> {
    let i = labels.iter().position(|l| l == gold)?;
    Some(1 + probs.iter().filter(|&&p| p >= probs[i]).count() - 1)
}

fn cold() -> Res<()> {
    let t = taxonomy()?;
    let (clf, _) = cold_model(&t)?;
    let head = &clf.heads()[0];
    let ds = Dataset::load("demo/corpus/manifest.csv")?;
    let kle = ds
        .head_index("kle")
        .ok_or("no kle head in the demo manifest")?;
    let msgs: Vec<(Message, String)> = ds
        .items
        .iter()
        .filter_map(|it| {
            let l = it.labels.get(kle).copied().flatten()?;
            let m = read_message(&it.path, TextMode::Mail).ok()?;
            Some((m, ds.heads[kle].labels[l as usize].clone()))
        })
        .collect();
    let started = Instant::now();
    let mut ranks = Vec::new();
    let (mut decided, mut decided_ok, mut gruppe_ok, mut hoved_ok) = (0, 0, 0, 0);
    let (mut confident, mut confident_ok) = (0, 0);
    let quick = ClassifyOptions {
        top_k: 1,
        explain: 0,
        ..ClassifyOptions::default()
    };
    for (m, gold) in &msgs {
        let x = clf.featurizer().featurize(m);
        let p = clf.probabilities(std::slice::from_ref(&x))?;
        let r = rank(&head.labels, &p[0], gold).unwrap_or(usize::MAX);
        ranks.push(r);
        let best = (0..p[0].len())
            .max_by(|&a, &b| p[0][a].total_cmp(&p[0][b]))
            .unwrap_or(0);
        if p[0][best] >= head.threshold {
            decided += 1;
            decided_ok += (head.labels[best] == *gold) as usize;
        }
        let g = |c: &str| KleCode::parse(c).ok().and_then(|c| c.gruppe());
        gruppe_ok += (g(&head.labels[best]) == g(gold)) as usize;
        hoved_ok += (head.labels[best].get(..2) == gold.get(..2)) as usize;
        // A confident suggestion at some level: the emne, else the decision's fallback.
        let d = clf.classify_with(m, &quick)?;
        let h = &d.heads[0];
        let suggested = match (&h.fallback, h.labels.first()) {
            (_, Some(top)) if !h.abstain => Some(top.label.as_str()),
            (Some(f), _) => Some(f.code.as_str()),
            _ => None,
        };
        if let Some(code) = suggested {
            confident += 1;
            confident_ok += gold.starts_with(code) as usize;
        }
    }
    let secs = started.elapsed().as_secs_f64();
    let n = msgs.len() as f64;
    let at = |k: usize| ranks.iter().filter(|&&r| r <= k).count() as f64 / n;
    println!(
        "demo corpus, cold start ({} messages, {} emner): top-1 {:.3}, top-5 {:.3}, top-10 {:.3}, gruppe of top-1 right {:.3}, hovedgruppe {:.3}; \
         decided alone {:.3} of messages at threshold {} with precision {:.3}; \
         confident at some level {:.3} with precision {:.3}; {:.0} msgs/s (one at a time, featurising included, twice)",
        msgs.len(),
        head.labels.len(),
        at(1),
        at(5),
        at(10),
        gruppe_ok as f64 / n,
        hoved_ok as f64 / n,
        decided as f64 / n,
        head.threshold,
        decided_ok as f64 / decided.max(1) as f64,
        confident as f64 / n,
        confident_ok as f64 / confident.max(1) as f64,
        n / secs
    );
    let path = format!("{}/danish/council-decision-signaturprojekt.txt", data());
    let text = std::fs::read_to_string(&path)?;
    let m = Message::from_text(&text);
    let x = clf.featurizer().featurize(&m);
    let p = clf.probabilities(std::slice::from_ref(&x))?;
    for gold in ["00.30.08", "00.01.00", "00.30.18"] {
        println!(
            "council decision: {gold} ({}) ranks {:?} of {}",
            t.title(&KleCode::parse(gold)?).unwrap_or("?"),
            rank(&head.labels, &p[0], gold),
            head.labels.len()
        );
    }
    show(&clf, &t, &m)?;
    Ok(())
}

fn show(clf: &Classifier, t: &Taxonomy, m: &Message) -> Res<()> {
    let opts = ClassifyOptions {
        top_k: 5,
        explain: 6,
        ..ClassifyOptions::default()
    };
    let d = clf.classify_with(m, &opts)?;
    let h = &d.heads[0];
    for l in &h.labels {
        println!(
            "  {} {:.4} {}",
            l.label,
            l.probability,
            t.title(&KleCode::parse(&l.label)?).unwrap_or("?")
        );
    }
    let words: Vec<String> = h
        .explanation
        .iter()
        .map(|e| format!("{} ({:.2})", e.text, e.weight))
        .collect();
    println!("  because of: {}", words.join(", "));
    if let Some(f) = &h.fallback {
        println!("  fallback: {} {} {:.3}", f.level, f.code, f.probability);
    }
    Ok(())
}

fn text(s: &str) -> Res<()> {
    let t = taxonomy()?;
    let (clf, _) = cold_model(&t)?;
    show(&clf, &t, &Message::from_text(s))
}

/// The split seeds of `prior`: each shuffles the demo corpus once; the last 139 messages are
/// that split's test set.
const SPLITS: [u64; 3] = [7, 8, 9];

/// One model's results on one test set.
#[derive(Default, Clone, Copy)]
struct Scores {
    top1: f64,
    top3: f64,
    log_loss: f64,
    decided: f64,
    decided_precision: f64,
    micros: f64,
}

fn prior() -> Res<()> {
    let t = taxonomy()?;
    let ds = Dataset::load("demo/corpus/manifest.csv")?;
    let features = FeatureConfig::default();
    let f = signatur::features::Featurizer::new(&features)?;
    let prepared = prepare(&ds, &f, TextMode::Mail, 2, None);
    let kle = ds.head_index("kle").ok_or("no kle head")?;
    let sizes = [25usize, 50, 100, 200, 300];
    let names = ["learned alone", "+ keyword prior", "+ ranker prior"];
    // Per (size, model): the scores of each split.
    let mut all = vec![vec![Vec::new(); names.len()]; sizes.len()];
    for split in SPLITS {
        let mut order: Vec<usize> = (0..prepared.examples.len()).collect();
        let mut s = split;
        for i in (1..order.len()).rev() {
            s = s
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            order.swap(i, (s >> 33) as usize % (i + 1));
        }
        let test: Vec<&Example> = order[300..]
            .iter()
            .map(|&i| &prepared.examples[i])
            .collect();
        println!("split {split}: {} test messages (kle head)", test.len());
        for (si, &n) in sizes.iter().enumerate() {
            let train = Prepared {
                examples: order[..n]
                    .iter()
                    .map(|&i| prepared.examples[i].clone())
                    .collect(),
                item_index: Vec::new(),
                failures: Vec::new(),
            };
            let opts = TrainOptions::default();
            let (alone, _) = train_prepared(&train, &ds.heads, &features, &opts)?;
            let with = |prior: PriorKind| {
                train_prepared_with_taxonomy(&train, &ds.heads, &features, &opts, &t, &prior)
                    .map(|(m, _)| m)
            };
            let keyword = with(PriorKind::Keyword(KeywordOptions::default()))?;
            let ranker = with(PriorKind::Ranker(RankerOptions::default()))?;
            for (mi, model) in [&alone, &keyword, &ranker].into_iter().enumerate() {
                let clf = Classifier::from_model(model)?;
                let sc = score(&clf, kle, &test)?;
                let scale = model.params().prior.as_ref().map(KeywordPrior::scale);
                println!(
                    "{n:>4} training messages, {:<16} top-1 {:.3} top-3 {:.3} log-loss {:.3}; decided alone {:.3} at precision {:.3}; {:.0} µs/message{}",
                    names[mi],
                    sc.top1,
                    sc.top3,
                    sc.log_loss,
                    sc.decided,
                    sc.decided_precision,
                    sc.micros,
                    scale.map_or(String::new(), |s| format!(
                        " (prior scale {s}, temperature {:.3})",
                        clf.heads()[kle].temperature
                    ))
                );
                all[si][mi].push(sc);
            }
        }
    }
    println!("\nmean of {} splits:", SPLITS.len());
    println!("| filed messages | model | top-1 | top-3 | log-loss | decided alone | precision of those |");
    println!("|---|---|---|---|---|---|---|");
    for (si, &n) in sizes.iter().enumerate() {
        for (mi, name) in names.iter().enumerate() {
            let runs = &all[si][mi];
            let mean =
                |f: fn(&Scores) -> f64| runs.iter().map(f).sum::<f64>() / runs.len().max(1) as f64;
            // Precision over every split's decided messages together (the test sets are the
            // same size): a split that decided nothing does not count as precision 0.
            let decided: f64 = runs.iter().map(|s| s.decided).sum();
            let right: f64 = runs.iter().map(|s| s.decided * s.decided_precision).sum();
            println!(
                "| {n} | {name} | {:.3} | {:.3} | {:.3} | {:.3} | {} |",
                mean(|s| s.top1),
                mean(|s| s.top3),
                mean(|s| s.log_loss),
                mean(|s| s.decided),
                if decided > 0.0 {
                    format!("{:.3}", right / decided)
                } else {
                    "–".to_string()
                },
            );
        }
    }
    Ok(())
}

/// Top-1, top-3, log-loss and what the head decides alone (top probability at its
/// threshold) on `test`, through the model file's graph, and the time per message.
fn score(clf: &Classifier, kle: usize, test: &[&Example]) -> Res<Scores> {
    let xs: Vec<_> = test.iter().map(|e| e.x.clone()).collect();
    let started = Instant::now();
    for x in &xs {
        clf.probabilities(std::slice::from_ref(x))?;
    }
    let micros = started.elapsed().as_secs_f64() * 1e6 / xs.len().max(1) as f64;
    let p = clf.probabilities(&xs)?;
    let k = clf.heads()[kle].labels.len();
    let (mut ok, mut top3, mut decided, mut decided_ok) = (0, 0, 0, 0);
    let mut nll = 0.0f64;
    for (r, e) in test.iter().enumerate() {
        let Some(gold) = e.labels[kle] else { continue };
        let row = &p[kle][r * k..(r + 1) * k];
        let g = gold as usize;
        let rk = 1 + row.iter().filter(|&&v| v > row[g]).count();
        ok += (rk == 1) as usize;
        top3 += (rk <= 3) as usize;
        nll -= (row[g].max(1e-9) as f64).ln();
        let best = row.iter().cloned().fold(0.0f32, f32::max);
        if best >= clf.heads()[kle].threshold {
            decided += 1;
            decided_ok += (rk == 1) as usize;
        }
    }
    let m = test.len().max(1) as f64;
    Ok(Scores {
        top1: ok as f64 / m,
        top3: top3 as f64 / m,
        log_loss: nll / m,
        decided: decided as f64 / m,
        decided_precision: decided_ok as f64 / decided.max(1) as f64,
        micros,
    })
}
