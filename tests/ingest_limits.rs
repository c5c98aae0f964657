//! Hostile and oversized messages, generated here: each must give a `Message` within
//! bounded time and memory, say what was cut, and never overflow the stack.
//!
//! The time bounds are generous (debug builds are slow): they catch work that grows
//! without bound (quadratic scans, unbounded recursion), not speed. Memory is read from
//! Linux's peak resident set (`VmHWM`, reset through `/proc/self/clear_refs`); elsewhere
//! that check is skipped. The tests run one at a time so that the peaks are their own.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use signatur::ingest::Limits;
use signatur::Message;

static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

/// Runs `f` on a thread with a small stack (so that recursion would show), one test at a
/// time, and returns its result, how long it took and the peak memory growth in bytes
/// (when the platform reports it).
fn measured<T: Send + 'static>(
    f: impl FnOnce() -> T + Send + 'static,
) -> (T, Duration, Option<u64>) {
    let _guard = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let reset = std::fs::write("/proc/self/clear_refs", "5").is_ok();
    let before = peak_rss();
    let start = Instant::now();
    let out = std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(f)
        .unwrap()
        .join()
        .expect("the parser panicked or overflowed its stack");
    let elapsed = start.elapsed();
    let growth = match (reset, before, peak_rss()) {
        (true, Some(b), Some(a)) => Some(a.saturating_sub(b)),
        _ => None,
    };
    (out, elapsed, growth)
}

fn peak_rss() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

fn truncation(m: &Message, what: &str) -> (u64, u64) {
    let t = m
        .truncations
        .iter()
        .find(|t| t.what == what)
        .unwrap_or_else(|| panic!("no {what} truncation in {:?}", m.truncations));
    (t.limit, t.actual)
}

const MIB: u64 = 1024 * 1024;

#[test]
fn a_50_mb_message_is_cut_to_the_size_limit() {
    let (result, elapsed, growth) = measured(|| {
        // A letter with a 50 MB base64 attachment, as a scanner might send.
        let mut raw = String::from(
            "From: scanner@example.dk\r\nSubject: Scannet brev\r\n\
             Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\
             Content-Type: text/plain\r\n\r\nSe vedhæftede scanning.\r\n--b\r\n\
             Content-Type: application/pdf; name=scan.pdf\r\nContent-Transfer-Encoding: base64\r\n\r\n",
        );
        let line = "JVBERi0xLjQKJcOkw7zDtsOfCjIgMCBvYmoKPDwvTGVuZ3RoIDMgMCBSPj4Kc3RyZWFtCgAAAA\r\n";
        while raw.len() < 50 * MIB as usize {
            raw.push_str(line);
        }
        raw.push_str("--b--\r\n");
        let len = raw.len() as u64;
        (Message::from_bytes(raw.as_bytes()).unwrap(), len)
    });
    let (m, len) = result;
    assert_eq!(truncation(&m, "message_size"), (25 * MIB, len));
    assert_eq!(m.body.text, "Se vedhæftede scanning.");
    assert_eq!(m.attachments[0].name.as_deref(), Some("scan.pdf"));
    // What survived the cut is still decoded: about 3/4 of 25 MiB.
    assert!(
        m.attachments[0].size > 18 * MIB,
        "{}",
        m.attachments[0].size
    );
    assert!(elapsed < Duration::from_secs(60), "{elapsed:?}");
    if let Some(g) = growth {
        // The 50 MB input itself is in here; parsing adds the decoded attachment.
        assert!(g < 400 * MIB, "peak memory grew by {} MiB", g / MIB);
        eprintln!("50 MB message: {elapsed:?}, peak memory +{} MiB", g / MIB);
    }
}

#[test]
fn a_50_mb_text_body_is_cut_to_the_text_limit() {
    let line = "Dette er en meget lang linje i et brev.\n";
    let (m, elapsed, _) = measured(move || {
        let mut raw = String::from("Subject: lang\r\n\r\n");
        raw.push_str(&line.repeat(1_300_000));
        Message::from_bytes(raw.as_bytes()).unwrap()
    });
    assert_eq!(truncation(&m, "message_size").0, 25 * MIB);
    assert_eq!(truncation(&m, "body_text").0, MIB);
    assert!(m.body.text.len() <= MIB as usize && m.body.text.len() > MIB as usize - 256);
    // Cut at the end of a word, never inside one.
    let whole = line.repeat(m.body.text.len() / line.len() + 2);
    assert!(whole.starts_with(&m.body.text));
    assert!(whole[m.body.text.len()..].starts_with([' ', '\n']));
    assert!(elapsed < Duration::from_secs(60), "{elapsed:?}");
}

#[test]
fn ten_thousand_parts_are_cut_to_the_part_limit() {
    let (m, elapsed, growth) = measured(|| {
        let mut raw = String::from(
            "Subject: mange dele\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n",
        );
        raw.push_str("--b\r\nContent-Type: text/plain\r\n\r\nHoveddelen.\r\n");
        for i in 0..10_000 {
            raw.push_str(&format!(
                "--b\r\nContent-Type: application/octet-stream; name=f{i}.bin\r\n\r\nx\r\n"
            ));
        }
        raw.push_str("--b--\r\n");
        Message::from_bytes(raw.as_bytes()).unwrap()
    });
    let (limit, actual) = truncation(&m, "parts");
    assert_eq!(limit, 1000);
    assert_eq!(actual, 10_002);
    assert_eq!(m.body.text, "Hoveddelen.");
    assert_eq!(m.attachments.len(), 200);
    assert!(truncation(&m, "attachments").1 >= 998);
    assert!(elapsed < Duration::from_secs(30), "{elapsed:?}");
    if let Some(g) = growth {
        assert!(g < 100 * MIB, "peak memory grew by {} MiB", g / MIB);
    }
}

#[test]
fn millions_of_empty_parts_cost_bounded_memory() {
    // 2 million parts in 14 MB made mail-parser use 350 MB; the cut happens first.
    let (m, elapsed, growth) = measured(|| {
        let mut raw = String::from("Subject: x\nContent-Type: multipart/mixed; boundary=b\n\n");
        raw.push_str(&"--b\n\nx\n".repeat(2_000_000));
        Message::from_bytes(raw.as_bytes()).unwrap()
    });
    assert_eq!(truncation(&m, "parts").1, 2_000_001);
    assert!(elapsed < Duration::from_secs(60), "{elapsed:?}");
    if let Some(g) = growth {
        assert!(g < 100 * MIB, "peak memory grew by {} MiB", g / MIB);
    }
}

#[test]
fn a_flood_of_header_lines_is_dropped() {
    let (m, elapsed, growth) = measured(|| {
        let mut raw = String::from("Subject: x\nContent-Type: multipart/mixed; boundary=b\n");
        raw.push_str(&"X-Top: 1\n".repeat(5000));
        raw.push_str("\n--b\n");
        raw.push_str(&"X:1\n".repeat(3_000_000));
        raw.push_str("\nindhold\n--b--\n");
        Message::from_bytes(raw.as_bytes()).unwrap()
    });
    assert_eq!(truncation(&m, "headers"), (1000, 3_000_000));
    assert_eq!(m.headers.len(), 1000);
    assert_eq!(m.subject, "x");
    assert_eq!(m.body.text, "indhold");
    assert!(elapsed < Duration::from_secs(60), "{elapsed:?}");
    if let Some(g) = growth {
        assert!(g < 150 * MIB, "peak memory grew by {} MiB", g / MIB);
    }
}

#[test]
fn a_huge_subject_and_mime_field_are_cut() {
    // A 4 MB subject (scanned for references and case numbers like the body) and a 4 MB
    // Content-Type of RFC 2231 continuations, which mail-parser joins in quadratic time
    // (2 s at 4 MB, 8 s at 8 MB in a release build).
    let (m, elapsed, growth) = measured(|| {
        let mut raw = String::from("Subject: ");
        raw.push_str(&"1:".repeat(2 * MIB as usize));
        raw.push_str("\nContent-Type: text/plain; ");
        raw.push_str(&"name*1=x; ".repeat(400_000));
        raw.push_str("\nX-Note: kort\n\nhej\n");
        Message::from_bytes(raw.as_bytes()).unwrap()
    });
    let limit = Limits::default().max_header_value_bytes as u64;
    assert_eq!(truncation(&m, "header_value"), (limit, 4 * MIB));
    assert!(m.subject.len() as u64 <= limit && m.subject.starts_with("1:1:"));
    assert!(!m
        .headers
        .iter()
        .any(|h| h.name.eq_ignore_ascii_case("content-type")));
    assert!(m
        .headers
        .iter()
        .any(|h| h.name == "X-Note" && h.value == "kort"));
    assert_eq!(m.body.text, "hej");
    assert!(elapsed < Duration::from_secs(60), "{elapsed:?}");
    if let Some(g) = growth {
        assert!(g < 150 * MIB, "peak memory grew by {} MiB", g / MIB);
    }
    // A host's builder cuts the subject and header values too.
    let built = signatur::ingest::MessageBuilder::new()
        .subject("æ".repeat(40_000))
        .header("X-Lang", "x".repeat(70_000))
        .build()
        .unwrap();
    assert!(built.subject.len() as u64 <= limit);
    assert!(built.headers[0].value.len() as u64 <= limit);
    assert_eq!(truncation(&built, "header_value").1, 80_000);
}

#[test]
fn deeply_nested_messages_do_not_overflow_the_stack() {
    let (m, elapsed, _) = measured(|| {
        let mut raw = String::from("Subject: ydre\r\n");
        raw.push_str(&"Content-Type: message/rfc822\r\n\r\n".repeat(100_000));
        raw.push_str("Subject: inderst\r\n\r\ntekst\r\n");
        Message::from_bytes(raw.as_bytes()).unwrap()
    });
    assert_eq!(m.subject, "ydre");
    assert_eq!(truncation(&m, "parts").0, 1000);
    assert!(elapsed < Duration::from_secs(30), "{elapsed:?}");
}

fn base64(input: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut s = String::new();
    for (i, chunk) in input.chunks(3).enumerate() {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for k in 0..4 {
            s.push(if k <= chunk.len() {
                A[(n >> (18 - 6 * k) & 63) as usize] as char
            } else {
                '='
            });
        }
        if i % 19 == 18 {
            s.push_str("\r\n");
        }
    }
    s
}

#[test]
fn deeply_nested_encoded_messages_are_not_decoded() {
    // mail-parser parses base64 message/rfc822 parts by recursion and copies the result by
    // recursion: 100,000 levels inside one encoded part would abort the process.
    let (m, elapsed, _) = measured(|| {
        let inner = "Content-Type: message/rfc822\r\n\r\n".repeat(100_000)
            + "Subject: inderst\r\n\r\ntekst\r\n";
        let raw = format!(
            "Subject: ydre\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\
             Content-Type: text/plain\r\n\r\nVideresendt.\r\n--b\r\n\
             Content-Type: message/rfc822\r\nContent-Transfer-Encoding: base64\r\n\r\n{}\r\n--b--\r\n",
            base64(inner.as_bytes())
        );
        Message::from_bytes(raw.as_bytes()).unwrap()
    });
    assert_eq!(m.body.text, "Videresendt.");
    let (limit, actual) = truncation(&m, "nesting");
    assert_eq!(limit, 20);
    assert!(actual > 100_000);
    assert_eq!(m.attachments[0].media_type, "message/rfc822");
    assert!(elapsed < Duration::from_secs(30), "{elapsed:?}");

    // A few levels are decoded as usual.
    let inner = "Subject: videresendt\r\n\r\nindre tekst\r\n";
    let raw = format!(
        "Subject: ydre\r\nContent-Type: message/rfc822\r\nContent-Transfer-Encoding: base64\r\n\r\n{}\r\n",
        base64(inner.as_bytes())
    );
    let m = Message::from_bytes(raw.as_bytes()).unwrap();
    assert!(m.truncations.is_empty());
    assert_eq!(
        m.attachments[0].text.as_deref(),
        Some("videresendt\n\nindre tekst")
    );
}

#[test]
fn many_dash_lines_that_are_not_boundaries_are_kept() {
    let mut raw = String::from("Subject: streger\r\n\r\n");
    for i in 0..5000 {
        raw.push_str(&format!("-----\r\nlinje {i}\r\n"));
    }
    let m = Message::from_bytes(raw.as_bytes()).unwrap();
    assert!(m.truncations.is_empty(), "{:?}", m.truncations);
    assert!(m.body.text.ends_with("linje 4999"));
}

#[test]
fn custom_limits_apply_everywhere() {
    let limits = Limits {
        max_message_bytes: 2000,
        max_parts: 3,
        max_headers: 2,
        ..Limits::default()
    };
    let mut raw = String::from(
        "Subject: a\r\nX-A: 1\r\nX-B: 2\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n",
    );
    for i in 0..10 {
        raw.push_str(&format!(
            "--b\r\nContent-Type: text/plain; name=d{i}.txt\r\n\r\ndel {i}\r\n"
        ));
    }
    raw.push_str(&"fyld\r\n".repeat(400));
    let m = Message::from_bytes_with(raw.as_bytes(), &limits).unwrap();
    let what: Vec<&str> = m.truncations.iter().map(|t| t.what.as_str()).collect();
    assert!(
        what.contains(&"message_size") && what.contains(&"parts"),
        "{what:?}"
    );
    assert_eq!(m.headers.len(), 2);
    assert!(m.attachments.len() <= 3);
}
