//! The cold-start keyword model as a model file: tract runs the same arithmetic as
//! `KeywordPrior::add_logits`, the file is small, and a damaged file is refused clearly.

mod common;

use signatur::features::FeatureConfig;
use signatur::kle::Taxonomy;
use signatur::train::{keyword_model, KeywordOptions};
use signatur::{Classifier, ErrorKind, Message};

const TXT: &str = "KLENummer='02.34.02':KLETitel='Byggetilladelser':Keywords[Weight]=byggetilladelse[5];carport[5];tilbygning[5];\n\
KLENummer='32.18.00':KLETitel='Sociale ydelser':Keywords[Weight]=ydelse[5];særlig støtte[10];\n\
KLENummer='17.01.00':KLETitel='Skoler':Keywords[Weight]=skolebus[5];frokostordning[5];ok01[1000];\n\
KLENummer='07.18.06':KLETitel='Vintertjeneste':Keywords[Weight]=snerydning[5];glatførebekæmpelse[5];saltning[5];\n";

const TEXTS: [&str; 6] = [
    "Hej. Jeg søger om byggetilladelse til en carport og en tilbygning.",
    "Vedr. byggetilladelsessagen på Egevej 4",
    "Min søn tager skolebussen, og frokostordningen virker ikke.",
    "Vejen er ikke saltet, hvornår kommer snerydningen?",
    "Tak for sidst.",
    "",
];

fn max_difference(clf: &Classifier, texts: &[&str]) -> f32 {
    common::prior_only_difference(clf, texts)
}

#[test]
fn tract_runs_the_same_arithmetic_as_add_logits() {
    let t = Taxonomy::from_os2kle_txt(TXT).unwrap();
    let model = keyword_model(&t, &FeatureConfig::default(), &KeywordOptions::default()).unwrap();
    assert_eq!(model.summary().kind, "keyword");
    let clf = Classifier::from_model(&model).unwrap();
    assert_eq!(clf.heads()[0].name, "kle");
    let d = max_difference(&clf, &TEXTS);
    assert!(d < 1e-5, "max difference {d}");
    // And it classifies: the building permit text gets 02.34.02 first.
    let dec = clf.classify(&Message::from_text(TEXTS[0])).unwrap();
    assert_eq!(dec.heads[0].labels[0].label, "02.34.02");
    // A message with no keyword is uniform and abstains.
    let dec = clf.classify(&Message::from_text(TEXTS[4])).unwrap();
    assert!(dec.heads[0].abstain);
    assert!((dec.heads[0].labels[0].probability - 0.25).abs() < 1e-5);
    // It has nothing to learn online: a correction is refused, not silently ignored.
    let e = clf
        .learn(&Message::from_text(TEXTS[0]), &[("kle", "02.34.02")])
        .unwrap_err();
    assert_eq!(e.kind(), signatur::ErrorKind::InvalidInput);
    assert_eq!(clf.corrections(), 0);
}

#[test]
fn os2kle_model_is_small_and_agrees_with_add_logits() {
    let Some(path) = common::shared_data("os2kle/OS2KLE.txt") else {
        return;
    };
    let t = Taxonomy::from_spec(&format!("os2kle:{}", path.display())).unwrap();
    let model = keyword_model(&t, &FeatureConfig::default(), &KeywordOptions::default()).unwrap();
    let stats = model.params().prior.as_ref().unwrap().stats().clone();
    assert!(stats.emner > 2000, "{stats:?}");
    assert!(stats.entries > 50_000, "{stats:?}");
    let bytes = model.to_onnx().unwrap();
    assert!(
        bytes.len() < 16 << 20,
        "the keyword model takes {} bytes",
        bytes.len()
    );
    let clf = Classifier::from_bytes(&bytes).unwrap();
    let d = max_difference(&clf, &TEXTS);
    assert!(d < 1e-5, "max difference {d}");
    let dec = clf.classify(&Message::from_text(TEXTS[3])).unwrap();
    let top: Vec<&str> = dec.heads[0]
        .labels
        .iter()
        .map(|l| l.label.as_str())
        .collect();
    // OS2KLE has `snerydning` under 05.07.02 (Snerydning og glatførebekæmpelse) and 05.01.08
    // (Vejvedligeholdelse), with weight 100 in the latter.
    assert!(
        top.iter().any(|l| *l == "05.07.02" || *l == "05.01.08"),
        "snow clearing is not among {top:?}"
    );
    // Explanations name the message's words that matched.
    assert!(dec.heads[0]
        .explanation
        .iter()
        .any(|e| e.text.contains("snerydning")));
}

#[test]
fn a_damaged_keyword_model_is_refused_with_a_clear_error() {
    let t = Taxonomy::from_os2kle_txt(TXT).unwrap();
    let model = keyword_model(&t, &FeatureConfig::default(), &KeywordOptions::default()).unwrap();
    let bytes = model.to_onnx().unwrap();
    for cut in [bytes.len() / 2, bytes.len() - 7, 10] {
        let err = Classifier::from_bytes(&bytes[..cut]).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidModel, "cut at {cut}: {err}");
    }
    // The prior's metadata says other rows than its tables have.
    let key = b"\"rows\":";
    let at = bytes
        .windows(key.len())
        .position(|w| w == key)
        .expect("prior metadata");
    let mut broken = bytes.clone();
    // `"rows":N…` → `"rows":9…` keeps the length, and the tables no longer fit.
    broken[at + key.len()] = if bytes[at + key.len()] == b'9' {
        b'8'
    } else {
        b'9'
    };
    let err = Classifier::from_bytes(&broken).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidModel);
    assert!(err.to_string().contains("keyword prior"), "{err}");
}

#[test]
fn kl_xml_without_keywords_uses_titles() {
    let t = Taxonomy::load(common::fixture("kle/emneplan.xml")).unwrap();
    let model = keyword_model(&t, &FeatureConfig::default(), &KeywordOptions::default()).unwrap();
    let clf = Classifier::from_model(&model).unwrap();
    // Outdated emner are not offered.
    assert!(clf.heads()[0].labels.iter().all(|l| l != "00.01.05"));
    let dec = clf
        .classify(&Message::from_text(
            "Vi har spørgsmål om særlige sociale testydelser.",
        ))
        .unwrap();
    assert_eq!(dec.heads[0].labels[0].label, "32.18.02");
    let d = max_difference(&clf, &["særlige sociale testydelser", "intet"]);
    assert!(d < 1e-5, "max difference {d}");
}

#[test]
fn learned_plus_prior_adds_the_scaled_prior_to_the_kle_logits() {
    use signatur::model::Model;
    use signatur::train::{train_prepared_with_taxonomy, Prepared, PriorKind};
    use signatur::train::{Example, HeadSpec, TrainOptions};
    let t = Taxonomy::from_os2kle_txt(TXT).unwrap();
    let features = FeatureConfig {
        hash_bits: 16,
        ..FeatureConfig::default()
    };
    let f = signatur::features::Featurizer::new(&features).unwrap();
    let topics: [(&str, &[&str]); 4] = [
        (
            "02.34.02",
            &["carport", "tilbygning", "tegninger", "naboen"],
        ),
        (
            "32.18.00",
            &["ydelse", "særlig støtte", "bevilling", "sagsbehandler"],
        ),
        (
            "17.01.00",
            &["skolebus", "frokostordning", "klassen", "lærer"],
        ),
        ("07.18.06", &["snerydning", "saltning", "fortovet", "vejen"]),
    ];
    let mut msgs = Vec::new();
    let mut examples = Vec::new();
    for i in 0..80 {
        let (_, words) = topics[i % 4];
        let text = format!(
            "Hej\n\nDet drejer sig om {} og {}. Sag {i}.\n",
            words[i % words.len()],
            words[(i / 4 + 1) % words.len()]
        );
        let m = Message::from_text(&text);
        examples.push(Example {
            x: f.featurize(&m),
            labels: vec![Some((i % 4) as u32)],
        });
        msgs.push(m);
    }
    let heads = vec![HeadSpec {
        name: "kle".into(),
        labels: topics.iter().map(|t| t.0.to_string()).collect(),
    }];
    let prepared = Prepared {
        examples,
        item_index: Vec::new(),
        failures: Vec::new(),
    };
    let opts = TrainOptions {
        epochs: 3,
        ..TrainOptions::default()
    };
    // Both priors: the keyword table and the ranker (the default).
    for prior in &[
        PriorKind::Keyword(KeywordOptions::default()),
        PriorKind::default(),
    ] {
        let (model, _) =
            train_prepared_with_taxonomy(&prepared, &heads, &features, &opts, &t, prior).unwrap();
        assert_eq!(model.summary().kind, "learned+prior");
        // At the calibrated temperature (about 0.1 here) most probabilities underflow; at 1
        // they can be compared.
        let mut with = model.params().clone();
        with.heads[0].temperature = 1.0;
        // A scale of 1, whatever the out-of-fold choice was, so the prior shows.
        with.prior.as_mut().unwrap().set_scale(1.0);
        let prior = with.prior.clone().unwrap();
        let mut alone = with.clone();
        alone.prior = None;
        let full = Classifier::from_model(&Model::new(with, model.summary().clone())).unwrap();
        let learned = Classifier::from_model(&Model::new(alone, model.summary().clone())).unwrap();
        let temp = 1.0;
        assert!(full.params().prior.as_ref() == Some(&prior));
        let mut any = false;
        let xs: Vec<_> = msgs.iter().take(12).map(|m| f.featurize(m)).collect();
        let (pf, pl) = (
            full.probabilities(&xs).unwrap(),
            learned.probabilities(&xs).unwrap(),
        );
        for (r, x) in xs.iter().enumerate() {
            let mut xn = Vec::new();
            signatur::model::params::normalise(&x.ids, &x.vals, &model.params().idf, &mut xn);
            let mut kw = vec![0.0; 4];
            prior.add_logits(&x.ids, &xn, &mut kw);
            any |= kw.iter().any(|&v| v > 0.5);
            // ln p_full − ln p_learned − prior / T is the same for every label (the softmax
            // normaliser), when the graph adds exactly `add_logits` to the head's logits.
            // Probabilities near f32's smallest normal lose their low bits: left out.
            let d: Vec<f64> = (0..4)
                .filter(|&c| pf[0][r * 4 + c] > 1e-20 && pl[0][r * 4 + c] > 1e-20)
                .map(|c| {
                    (pf[0][r * 4 + c] as f64).ln()
                        - (pl[0][r * 4 + c] as f64).ln()
                        - (kw[c] / temp) as f64
                })
                .collect();
            let spread = d.iter().cloned().fold(f64::MIN, f64::max)
                - d.iter().cloned().fold(f64::MAX, f64::min);
            assert_eq!(d.len(), 4, "row {r}: {d:?}");
            assert!(spread < 1e-4, "row {r}: {d:?}");
        }
        assert!(any, "{prior:?}: no message matched a keyword");
    }
}
