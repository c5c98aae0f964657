//! Cost of reference finding and the sensitivity check per message, with featurisation of the
//! same messages measured in the same run as the baseline (it is the first step of every
//! classification, so references must cost a fraction of it to be "less than classifying").
//!
//! Messages: a typical Danish municipal e-mail of about 2 KB written for this bench, and
//! 20 Newsgroups posts read in place from `$SIGNATUR_DATA/20news/train` (default
//! `../shared/data`). Run with `cargo bench --bench refs`; set `REFS_BENCH_MESSAGES` to change
//! how many 20news posts are used (default 500, spread over the groups).

use std::path::PathBuf;
use std::time::Duration;

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use signatur::decision::refs::find_in_message;
use signatur::decision::sensitive::assess_found;
use signatur::features::{FeatureConfig, Featurizer};
use signatur::Message;

/// A citizen's mail to a municipality, as they come: a case number, a CPR number, a phone
/// number, an account, an amount, dates, a quoted earlier reply and a signature.
const DANISH: &str = "From: Mette Sørensen <mette.sorensen@example.dk>\r\n\
To: Borgerservice <post@kommune.dk>\r\n\
Subject: =?utf-8?q?Sv=3A_Ans=C3=B8gning_om_enkeltydelse_-_sagsnr=2E_05.14.10-G01-1234-23?=\r\n\
Date: Tue, 14 Nov 2023 09:12:44 +0100\r\n\
Content-Type: text/plain; charset=utf-8\r\n\
Content-Transfer-Encoding: 8bit\r\n\r\n\
Hej Borgerservice\r\n\r\n\
Tak for jeres brev af 02.11.2023 vedrørende min ansøgning om enkeltydelse til tandbehandling.\r\n\
Som ønsket sender jeg hermed de oplysninger, I mangler. Mit cpr-nr. er 150390-0005, og min\r\n\
søn (cpr 010107-4000) bor stadig hjemme hos mig. Regningen fra tandlægen lyder på 8.450,00 kr.\r\n\
og skal betales senest den 1. december. Jeg har vedhæftet overslaget og min lønseddel for\r\n\
oktober. Min husleje er steget til 7.250 kr. om måneden fra 1. januar 2024, og jeg modtager\r\n\
ikke længere boligstøtte, fordi min datter er flyttet hjemmefra.\r\n\r\n\
Hvis ansøgningen bliver bevilget, vil jeg gerne have pengene udbetalt til min NemKonto, reg.nr.\r\n\
1234 kontonr. 0001234567. Jeg kan ikke tage telefonen mellem kl. 8 og 15, men I er velkomne til\r\n\
at ringe efter kl. 15 på tlf. 20 30 40 50 eller skrive til mig her på mail. Min sagsbehandler\r\n\
hos jobcentret (jeres ref. 2023-0045678) kender til sagen og kan bekræfte min situation.\r\n\r\n\
Jeg håber, at I kan behandle sagen hurtigt, da tandlægen ikke vil begynde behandlingen, før\r\n\
betalingen er på plads, og jeg har haft ondt i flere uger.\r\n\r\n\
Med venlig hilsen\r\n\
Mette Sørensen\r\n\
Skovvej 12, 8500 Grenaa\r\n\r\n\
-----Oprindelig meddelelse-----\r\n\
Fra: Borgerservice <post@kommune.dk>\r\n\
Sendt: 2. november 2023 13:05\r\n\
Emne: Ansøgning om enkeltydelse\r\n\r\n\
Kære Mette Sørensen\r\n\r\n\
Vi har modtaget din ansøgning om hjælp til tandbehandling efter aktivlovens § 82. For at vi kan\r\n\
behandle ansøgningen, skal du sende os et overslag fra tandlægen, dokumentation for din\r\n\
indtægt og dine faste udgifter samt oplysning om, hvem der bor i husstanden. Oplysningerne skal\r\n\
være os i hænde senest 14 dage fra dags dato. Husk at oplyse sagsnummer 05.14.10-G01-1234-23\r\n\
i alle henvendelser. Kommunens CVR-nr. er 13748136.\r\n\r\n\
Med venlig hilsen\r\n\
Borgerservice, Ydelseskontoret\r\n\
Tlf. 89 59 10 00\r\n";

/// Up to `n` 20news posts, round-robin over the groups, parsed as mail.
fn newsgroup_messages(n: usize) -> Vec<(usize, Message)> {
    let root = std::env::var_os("SIGNATUR_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/data"))
        .join("20news/train");
    let Ok(groups) = std::fs::read_dir(&root) else {
        eprintln!(
            "refs bench: {} not found (set SIGNATUR_DATA); 20news skipped",
            root.display()
        );
        return Vec::new();
    };
    let mut lists: Vec<Vec<PathBuf>> = groups
        .filter_map(|g| g.ok())
        .filter_map(|g| std::fs::read_dir(g.path()).ok())
        .map(|files| {
            let mut v: Vec<PathBuf> = files.filter_map(|f| f.ok().map(|f| f.path())).collect();
            v.sort();
            v
        })
        .collect();
    lists.sort();
    let mut out = Vec::with_capacity(n);
    let mut i = 0;
    while out.len() < n && lists.iter().any(|l| i < l.len()) {
        for list in &lists {
            if out.len() >= n {
                break;
            }
            if let Some(path) = list.get(i) {
                let Ok(bytes) = std::fs::read(path) else {
                    continue;
                };
                if let Ok(msg) = Message::from_bytes(&bytes) {
                    out.push((bytes.len(), msg));
                }
            }
        }
        i += 1;
    }
    out
}

fn bench(c: &mut Criterion) {
    let featurizer = match Featurizer::new(&FeatureConfig::default()) {
        Ok(f) => f,
        Err(e) => panic!("default feature configuration: {e}"),
    };
    let danish = match Message::from_bytes(DANISH.as_bytes()) {
        Ok(m) => m,
        Err(e) => panic!("the bench message parses: {e}"),
    };
    let text_bytes = |m: &Message| {
        m.subject.len()
            + m.body.text.len()
            + m.attachments
                .iter()
                .filter_map(|a| a.text.as_ref())
                .map(String::len)
                .sum::<usize>()
    };
    let found = find_in_message(&danish);
    eprintln!(
        "refs bench: Danish message {} bytes raw, {} bytes of text, {} references, sensitive: {}",
        DANISH.len(),
        text_bytes(&danish),
        found.len(),
        assess_found(&danish, &found).sensitive
    );

    let mut group = c.benchmark_group("danish_2kb");
    group.throughput(Throughput::Bytes(text_bytes(&danish) as u64));
    group.bench_function("refs_and_sensitive", |b| {
        b.iter(|| {
            let refs = find_in_message(black_box(&danish));
            black_box(assess_found(&danish, &refs))
        })
    });
    group.bench_function("refs_only", |b| {
        b.iter(|| black_box(find_in_message(black_box(&danish))))
    });
    group.bench_function("sensitive_words_only", |b| {
        b.iter(|| black_box(assess_found(black_box(&danish), &[])))
    });
    group.bench_function("featurize_baseline", |b| {
        b.iter(|| black_box(featurizer.featurize(black_box(&danish))))
    });
    group.finish();

    let n = std::env::var("REFS_BENCH_MESSAGES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(500);
    let news = newsgroup_messages(n);
    if news.is_empty() {
        return;
    }
    let text: usize = news.iter().map(|(_, m)| text_bytes(m)).sum();
    eprintln!(
        "refs bench: 20news {} messages, {} bytes of text (divide the time per iteration by {} \
         for the time per message)",
        news.len(),
        text,
        news.len()
    );
    let mut group = c.benchmark_group("20news");
    group.throughput(Throughput::Bytes(text as u64));
    group.measurement_time(Duration::from_secs(8));
    group.bench_function("refs_and_sensitive", |b| {
        b.iter(|| {
            for (_, msg) in &news {
                let refs = find_in_message(black_box(msg));
                black_box(assess_found(msg, &refs));
            }
        })
    });
    group.bench_function("featurize_baseline", |b| {
        b.iter(|| {
            for (_, msg) in &news {
                black_box(featurizer.featurize(black_box(msg)));
            }
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
