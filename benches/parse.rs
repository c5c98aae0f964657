//! Ingestion speed: `Message::from_bytes` (mail-parser plus the input bounds, body selection,
//! HTML to text, charset repair, attachment text and the quote split) against bare
//! `mail_parser::MessageParser::default().parse()` on the same input, in the same run.
//! The target is within 1.5× of the bare parser.
//!
//! Input: every SpamAssassin message (real mail with HTML, base64 and odd charsets), read
//! into memory before measuring from `$SIGNATUR_DATA/spamassassin` (default
//! `../shared/data`). Each iteration parses the whole corpus on one core; criterion reports
//! MB/s (group `parse_bytes`) and messages/s (group `parse_messages`).
//!
//! Time is the benchmark thread's CPU time (`/proc/thread-self/schedstat`) where Linux
//! provides it, else wall time: the machines this runs on are shared, and CPU time does not
//! count the time another process had the core.
//!
//! `cargo bench --bench parse -- --warm-up-time 1 --measurement-time 5`

use std::path::{Path, PathBuf};

use criterion::measurement::{Measurement, ValueFormatter};
use criterion::{black_box, BenchmarkGroup, Criterion, Throughput};
use signatur::Message;

fn corpus() -> Vec<Vec<u8>> {
    let root = std::env::var_os("SIGNATUR_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/data"))
        .join("spamassassin");
    let mut files = Vec::new();
    collect(&root, &mut files);
    files.sort();
    assert!(
        !files.is_empty(),
        "no messages under {} (set SIGNATUR_DATA)",
        root.display()
    );
    files
        .iter()
        .map(|p| std::fs::read(p).expect("readable message"))
        .collect()
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, out);
        } else {
            out.push(path);
        }
    }
}

/// CPU time of the calling thread in nanoseconds (Linux).
fn thread_cpu_ns() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    s.split_whitespace().next()?.parse().ok()
}

/// Criterion measurement of the benchmark thread's CPU time.
struct ThreadCpuTime;

impl Measurement for ThreadCpuTime {
    type Intermediate = u64;
    type Value = u64;

    fn start(&self) -> u64 {
        thread_cpu_ns().unwrap_or(0)
    }
    fn end(&self, start: u64) -> u64 {
        thread_cpu_ns().unwrap_or(0).saturating_sub(start)
    }
    fn add(&self, a: &u64, b: &u64) -> u64 {
        a + b
    }
    fn zero(&self) -> u64 {
        0
    }
    fn to_f64(&self, v: &u64) -> f64 {
        *v as f64
    }
    fn formatter(&self) -> &dyn ValueFormatter {
        &NanosFormatter
    }
}

/// Formats nanoseconds and throughputs like criterion's wall-time formatter.
struct NanosFormatter;

impl ValueFormatter for NanosFormatter {
    fn scale_values(&self, ns: f64, values: &mut [f64]) -> &'static str {
        let (factor, unit) = if ns < 1e3 {
            (1.0, "ns")
        } else if ns < 1e6 {
            (1e-3, "µs")
        } else if ns < 1e9 {
            (1e-6, "ms")
        } else {
            (1e-9, "s")
        };
        values.iter_mut().for_each(|v| *v *= factor);
        unit
    }

    fn scale_throughputs(&self, _typical: f64, t: &Throughput, values: &mut [f64]) -> &'static str {
        let (per_iteration, unit) = match *t {
            Throughput::Bytes(b) => (b as f64 / (1024.0 * 1024.0), "MiB/s"),
            Throughput::BytesDecimal(b) => (b as f64 / 1e6, "MB/s"),
            Throughput::Elements(e) => (e as f64, "elem/s"),
        };
        values
            .iter_mut()
            .for_each(|v| *v = per_iteration * 1e9 / *v);
        unit
    }

    fn scale_for_machines(&self, _values: &mut [f64]) -> &'static str {
        "ns"
    }
}

fn both<M: Measurement>(group: &mut BenchmarkGroup<'_, M>, messages: &[Vec<u8>]) {
    let parser = mail_parser::MessageParser::default();
    group.bench_function("mail_parser", |b| {
        b.iter(|| {
            for raw in messages {
                black_box(parser.parse(black_box(raw.as_slice())));
            }
        })
    });
    group.bench_function("from_bytes", |b| {
        b.iter(|| {
            for raw in messages {
                // Every SpamAssassin message parses; an error here would be a bug.
                black_box(Message::from_bytes(black_box(raw)).ok());
            }
        })
    });
}

fn bench<M: Measurement>(c: &mut Criterion<M>, messages: &[Vec<u8>]) {
    let bytes: u64 = messages.iter().map(|m| m.len() as u64).sum();

    let mut group = c.benchmark_group("parse_bytes");
    group.sample_size(10);
    group.throughput(Throughput::Bytes(bytes));
    both(&mut group, messages);
    group.finish();

    let mut group = c.benchmark_group("parse_messages");
    group.sample_size(10);
    group.throughput(Throughput::Elements(messages.len() as u64));
    both(&mut group, messages);
    group.finish();
}

/// The ratio of `from_bytes` to bare mail-parser, measured interleaved (one pass of each,
/// alternately, 15 rounds, median): on a shared machine, load that comes and goes hits both
/// sides alike, which two criterion runs one after the other cannot promise.
fn interleaved_ratio(messages: &[Vec<u8>]) -> Option<f64> {
    let parser = mail_parser::MessageParser::default();
    let clock = || thread_cpu_ns();
    let mut ratios = Vec::new();
    for _ in 0..15 {
        let t0 = clock()?;
        for raw in messages {
            black_box(parser.parse(black_box(raw.as_slice())));
        }
        let t1 = clock()?;
        for raw in messages {
            black_box(Message::from_bytes(black_box(raw)).ok());
        }
        let t2 = clock()?;
        ratios.push((t2 - t1) as f64 / (t1 - t0).max(1) as f64);
    }
    ratios.sort_by(f64::total_cmp);
    ratios.get(ratios.len() / 2).copied()
}

fn main() {
    let messages = corpus();
    if let Some(r) = interleaved_ratio(&messages) {
        eprintln!("from_bytes / mail_parser, thread CPU time, interleaved, median of 15: {r:.2}x");
    }
    let bytes: u64 = messages.iter().map(|m| m.len() as u64).sum();
    let clock = if thread_cpu_ns().is_some() {
        "thread CPU time"
    } else {
        "wall time"
    };
    eprintln!(
        "spamassassin: {} messages, {:.1} MB; measuring {clock}",
        messages.len(),
        bytes as f64 / 1e6
    );
    if thread_cpu_ns().is_some() {
        let mut c = Criterion::default()
            .with_measurement(ThreadCpuTime)
            .configure_from_args();
        bench(&mut c, &messages);
        c.final_summary();
    } else {
        let mut c = Criterion::default().configure_from_args();
        bench(&mut c, &messages);
        c.final_summary();
    }
}
