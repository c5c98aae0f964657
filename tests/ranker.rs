//! The KLE ranker (the cold-start model of `signatur train --taxonomy`) as a model file:
//! tract runs the same arithmetic as `KeywordPrior::add_logits`, titles and compounds
//! match, explanations are the matched words, old keyword and format-3 ranker files still
//! load, and a damaged file is refused clearly.

mod common;

use signatur::features::FeatureConfig;
use signatur::kle::Taxonomy;
use signatur::train::RankerOptions;
use signatur::train::{keyword_model, ranker_features, ranker_model, KeywordOptions};
use signatur::{Classifier, ErrorKind, Message, Model};

const TXT: &str = "KLENummer='02.00.00':KLETitel='Byggeri i almindelighed':Keywords[Weight]=byggeri[5];\n\
KLENummer='02.34.00':KLETitel='Byggesager i almindelighed':Keywords[Weight]=byggesag[5];\n\
KLENummer='02.34.02':KLETitel='Byggetilladelser':Keywords[Weight]=byggetilladelse[5];carport[5];tilbygning[5];\n\
KLENummer='32.00.00':KLETitel='Sociale ydelser i almindelighed':Keywords[Weight]=ydelse[5];\n\
KLENummer='32.18.00':KLETitel='Sociale ydelser':Keywords[Weight]=ydelse[5];særlig støtte[10];\n\
KLENummer='27.00.00':KLETitel='Sundhed i almindelighed':Keywords[Weight]=sundhed[5];\n\
KLENummer='27.36.00':KLETitel='Tandpleje i almindelighed':Keywords[Weight]=tandlæge[5];\n\
KLENummer='27.36.02':KLETitel='Børnetandpleje':Keywords[Weight]=tandregulering[5];\n\
KLENummer='17.00.00':KLETitel='Folkeskolen i almindelighed':Keywords[Weight]=folkeskole[5];\n\
KLENummer='17.01.00':KLETitel='Skoler':Keywords[Weight]=skolebus[5];frokostordning[5];ok01[1000];\n\
KLENummer='05.00.00':KLETitel='Veje og trafik i almindelighed':Keywords[Weight]=trafik[5];\n\
KLENummer='05.07.02':KLETitel='Vintertjeneste':Keywords[Weight]=snerydning[5];glatførebekæmpelse[5];saltning[5];\n";

const TEXTS: [&str; 7] = [
    "Hej. Jeg søger om byggetilladelse til en carport og en tilbygning.",
    "Vedr. byggetilladelsessagen på Egevej 4",
    "Min søn tager skolebussen, og frokostordningen virker ikke.",
    "Vejen er ikke saltet, hvornår kommer snerydningen?",
    "Spørgsmål om kommunal tandpleje til min datter",
    "Tak for sidst.",
    "",
];

fn features() -> FeatureConfig {
    FeatureConfig {
        hash_bits: 16,
        ..ranker_features()
    }
}

/// The largest difference between tract's probabilities, the classifier's (in process)
/// and `add_logits`'s.
fn max_difference(clf: &Classifier, texts: &[&str]) -> f32 {
    assert!(clf.params().prior.as_ref().unwrap().is_ranker());
    common::prior_only_difference(clf, texts)
}

#[test]
fn tract_runs_the_same_arithmetic_as_add_logits() {
    let t = Taxonomy::from_os2kle_txt(TXT).unwrap();
    let model = ranker_model(&t, &features(), &RankerOptions::default()).unwrap();
    assert_eq!(model.summary().kind, "ranker");
    let clf = Classifier::from_model(&model).unwrap();
    assert_eq!(clf.heads()[0].name, "kle");
    let d = max_difference(&clf, &TEXTS);
    assert!(d < 1e-5, "max difference {d}");
    let top = |text: &str| {
        let dec = clf.classify(&Message::from_text(text)).unwrap();
        dec.heads[0].labels[0].label.clone()
    };
    assert_eq!(top(TEXTS[0]), "02.34.02");
    assert_eq!(top(TEXTS[3]), "05.07.02");
    // No keyword says "tandpleje": the titles of 27.36.00 and 27.36.02 do.
    assert!(top(TEXTS[4]).starts_with("27.36"), "{}", top(TEXTS[4]));
    // A message with nothing of the taxonomy is uniform and abstains.
    let dec = clf.classify(&Message::from_text(TEXTS[5])).unwrap();
    assert!(dec.heads[0].abstain);
    let n = clf.heads()[0].labels.len() as f32;
    assert!((dec.heads[0].labels[0].probability - 1.0 / n).abs() < 1e-5);
    // Explanations are the message's words that matched.
    let dec = clf.classify(&Message::from_text(TEXTS[0])).unwrap();
    let words: Vec<&str> = dec.heads[0]
        .explanation
        .iter()
        .map(|e| e.text.as_str())
        .collect();
    assert!(
        words
            .iter()
            .any(|w| w.contains("carport") || w.contains("byggetilladelse")),
        "{words:?}"
    );
}

#[test]
fn compounds_match_their_parts_and_common_words_count_little() {
    let t = Taxonomy::from_os2kle_txt(TXT).unwrap();
    let model = ranker_model(&t, &features(), &RankerOptions::default()).unwrap();
    let clf = Classifier::from_model(&model).unwrap();
    // "børnetandplejen" shares its parts with 27.36.02's title.
    let dec = clf
        .classify(&Message::from_text("Om børnetandplejen"))
        .unwrap();
    assert_eq!(dec.heads[0].labels[0].label, "27.36.02");
}

#[test]
fn old_keyword_files_still_load_and_ranker_files_round_trip() {
    let t = Taxonomy::from_os2kle_txt(TXT).unwrap();
    let old = keyword_model(&t, &FeatureConfig::default(), &KeywordOptions::default()).unwrap();
    let clf = Classifier::from_bytes(&old.to_onnx().unwrap()).unwrap();
    assert!(!clf.params().prior.as_ref().unwrap().is_ranker());
    let hay = |b: &[u8], s: &str| b.windows(s.len()).any(|w| w == s.as_bytes());
    let old_bytes = old.to_onnx().unwrap();
    assert!(hay(&old_bytes, "signatur.format_version"));
    let new = ranker_model(&t, &features(), &RankerOptions::default()).unwrap();
    let bytes = new.to_onnx().unwrap();
    let back = Classifier::from_bytes(&bytes).unwrap();
    assert_eq!(back.params().prior, new.params().prior);
    assert_eq!(back.params().idf, new.params().idf);
}

/// A ranker file in format 3 (`tests/fixtures/kle/ranker-format3.onnx`, see the README
/// there) still loads and runs in tract, and the same tables written now (format 4, with
/// `NonZero` compaction) give the same probabilities.
#[test]
fn format_3_ranker_files_still_load_and_agree_with_format_4() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/kle/ranker-format3.onnx"
    );
    let old_bytes = std::fs::read(path).unwrap();
    let hay = |b: &[u8], s: &str| b.windows(s.len()).any(|w| w == s.as_bytes());
    assert!(
        !hay(&old_bytes, "NonZero"),
        "the fixture is not the format-3 graph"
    );
    let old = Classifier::from_bytes(&old_bytes).unwrap();
    assert!(max_difference(&old, &TEXTS) < 1e-5);
    let again = Model::new(old.params().clone(), old.summary().clone())
        .to_onnx()
        .unwrap();
    assert!(
        hay(&again, "NonZero"),
        "a new file is not the format-4 graph"
    );
    let new = Classifier::from_bytes(&again).unwrap();
    assert!(max_difference(&new, &TEXTS) < 1e-5);
    for text in TEXTS {
        let msg = Message::from_text(text);
        let (a, b) = (old.classify(&msg).unwrap(), new.classify(&msg).unwrap());
        for (x, y) in a.heads[0].labels.iter().zip(&b.heads[0].labels) {
            assert_eq!(x.label, y.label, "{text:?}");
            assert!((x.probability - y.probability).abs() < 1e-5, "{text:?}");
        }
    }
}

#[test]
fn a_damaged_ranker_file_is_refused_with_a_clear_error() {
    let t = Taxonomy::from_os2kle_txt(TXT).unwrap();
    let model = ranker_model(&t, &features(), &RankerOptions::default()).unwrap();
    let bytes = model.to_onnx().unwrap();
    for cut in [bytes.len() / 2, bytes.len() - 7, 10] {
        let err = Classifier::from_bytes(&bytes[..cut]).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidModel, "cut at {cut}: {err}");
    }
    // The metadata says the table has more columns than the group indices allow.
    let key = b"\"columns\":";
    let at = bytes
        .windows(key.len())
        .position(|w| w == key)
        .expect("ranker metadata");
    let mut broken = bytes.clone();
    // `"columns":NN` → `"columns":10` keeps the length; the labels' columns reach further.
    let digits = bytes[at + key.len()..]
        .iter()
        .take_while(|b| b.is_ascii_digit())
        .count();
    assert!(digits >= 2);
    broken[at + key.len()] = b'1';
    for b in &mut broken[at + key.len() + 1..at + key.len() + digits] {
        *b = b'0';
    }
    let err = Classifier::from_bytes(&broken).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidModel, "{err}");
}

#[test]
fn bad_ranker_options_are_refused() {
    let t = Taxonomy::from_os2kle_txt(TXT).unwrap();
    for opts in [
        RankerOptions {
            per_kind: 0,
            ..RankerOptions::default()
        },
        RankerOptions {
            tiers: vec![],
            ..RankerOptions::default()
        },
        RankerOptions {
            gruppe: f32::NAN,
            ..RankerOptions::default()
        },
    ] {
        let err = ranker_model(&t, &features(), &opts).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput, "{err}");
    }
}

#[test]
fn os2kle_ranker_is_small_and_agrees_with_add_logits() {
    let Some(path) = common::shared_data("os2kle/OS2KLE.txt") else {
        return;
    };
    let t = Taxonomy::from_spec(&format!("os2kle:{}", path.display())).unwrap();
    let model = ranker_model(&t, &ranker_features(), &RankerOptions::default()).unwrap();
    let bytes = model.to_onnx().unwrap();
    assert!(
        bytes.len() <= 20 << 20,
        "the ranker takes {} bytes",
        bytes.len()
    );
    let clf = Classifier::from_bytes(&bytes).unwrap();
    let d = max_difference(&clf, &TEXTS);
    assert!(d < 1e-5, "max difference {d}");
    // The failures: texts whose deciding words are only in the titles.
    for (text, prefix) in [
        ("kommunal tandpleje", "29."),
        ("sundhedspleje", "29."),
        ("snerydning", "05."),
    ] {
        let dec = clf.classify(&Message::from_text(text)).unwrap();
        let top = &dec.heads[0].labels[0].label;
        assert!(top.starts_with(prefix), "{text:?} → {top}");
    }
}

/// Issue #17 item 2: every `kle` decision ranks the emner, grupper and hovedgrupper, and a
/// coarser level's probabilities are the sums over its emner, so each level adds up to 1.
#[test]
fn a_kle_decision_ranks_every_level_with_summed_probabilities() {
    use signatur::ClassifyOptions;
    use std::collections::BTreeMap;
    let t = Taxonomy::from_os2kle_txt(TXT).unwrap();
    let model = ranker_model(&t, &features(), &RankerOptions::default()).unwrap();
    let clf = Classifier::from_model(&model).unwrap();
    let n = clf.heads()[0].labels.len();
    let all = ClassifyOptions {
        top_k: n,
        ..ClassifyOptions::default()
    };
    for text in TEXTS {
        let dec = clf.classify_with(&Message::from_text(text), &all).unwrap();
        let head = &dec.heads[0];
        let names: Vec<&str> = head.levels.iter().map(|l| l.level.as_str()).collect();
        assert_eq!(names, ["emne", "gruppe", "hovedgruppe"], "{text:?}");
        assert_eq!(head.levels[0].labels, head.labels, "{text:?}");
        for (level, width) in [(1, 5), (2, 2)] {
            let mut sums: BTreeMap<String, f32> = BTreeMap::new();
            for l in &head.labels {
                *sums.entry(l.label[..width].to_string()).or_default() += l.probability;
            }
            let ranked = &head.levels[level].labels;
            assert_eq!(ranked.len(), sums.len(), "{text:?}");
            for w in ranked.windows(2) {
                assert!(w[0].probability >= w[1].probability, "{text:?}: {ranked:?}");
            }
            for s in ranked {
                assert!(
                    (s.probability - sums[&s.label]).abs() < 1e-5,
                    "{text:?}: {} has {} but its emner sum to {}",
                    s.label,
                    s.probability,
                    sums[&s.label]
                );
            }
            let total: f32 = ranked.iter().map(|s| s.probability).sum();
            assert!(
                (total - 1.0).abs() < 1e-4,
                "{text:?}: level {level} sums to {total}"
            );
        }
        // The fallback, when there is one, is the best code of its level.
        if let Some(f) = &head.fallback {
            let level = head.levels.iter().find(|l| l.level == f.level).unwrap();
            assert_eq!(level.labels[0].label, f.code, "{text:?}");
            assert!(f.probability >= head.threshold && head.abstain, "{text:?}");
        }
    }
    // With the default top k, each level lists the three best.
    let dec = clf.classify(&Message::from_text(TEXTS[4])).unwrap();
    let head = &dec.heads[0];
    assert!(head.levels.iter().all(|l| l.labels.len() == 3));
    assert_eq!(head.levels[1].labels[0].label, "27.36", "{head:?}");
    assert_eq!(head.levels[2].labels[0].label, "27", "{head:?}");
}
