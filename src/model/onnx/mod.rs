//! The model file: standard ONNX (opset 13) with everything needed to use it in
//! `metadata_props`.
//!
//! # The graph
//!
//! Inputs `ids` (int64 `[N, L]`, hashed feature ids) and `tf` (float `[N, L]`, term
//! frequencies from the featuriser; padding has tf 0). The graph applies the learned IDF,
//! L2-normalises, and computes logits with one `Gather` of weight rows and a `MatMul`
//! (the fastest formulation measured in tract), optionally through a low-rank hidden layer.
//! The big table (`weights`, or `embed` of a low-rank model: one row per hash bucket) is
//! stored as float16 and `Cast` to float32 after the `Gather`: it halves the file (a
//! 20-label model over 2^18 buckets is 10.5 MB instead of 21) and the memory a lookup
//! touches, and the rounding (relative 2^-11) is far below what moves a decision. Training
//! rounds the weights the same way ([`Params::round_weights`]), so a model in memory and
//! its file give the same probabilities.
//! Each head then gets its slice of the logits, divided by its calibration temperature,
//! through a `Softmax`: output `probs_<i>` (float `[N, labels_i]`) for head `i`.
//!
//! A model with a keyword prior (see [`crate::model::prior`]) adds, before the temperature,
//! the prior's scores times its scale to its head's slice: a cold-start model is a prior
//! over a zero learned part, a `learned+prior` model both.
//!
//! # Metadata (`metadata_props`)
//!
//! | key | value |
//! |---|---|
//! | `signatur.format_version` | `5` when the features use the shared word space ([`FeatureConfig::shared_words`](crate::features::FeatureConfig::shared_words) > 0; the graph is that of format 2 or 4, but a version that reads only up to 4 would featurise without the space, so it must refuse the file), else `4` for a file with a ranker-form prior (opset 16; `3`, the ranker graph before `NonZero` compaction, is still read), else `2` (float16 weight table; `1`, float32, is still read); a larger number is refused |
//! | `signatur.library_version` | the crate version that wrote the file |
//! | `signatur.features` | JSON [`FeatureConfig`](crate::features::FeatureConfig): hash seed and bits, n-gram ranges, stemmer, stop words, field weights |
//! | `signatur.heads` | JSON list of [`HeadInfo`](crate::model::HeadInfo): name, labels, per-label counts, temperature, threshold, target precision |
//! | `signatur.form` | `linear` or `low_rank:<hidden>` |
//! | `signatur.loss` | `softmax` or `squared_hinge`: what online learning steps on (absent: `softmax`) |
//! | `signatur.idf` | `initializer:idf`: the IDF vector is the graph's `idf` initializer (2^bits floats are too many for a text property; the graph uses it, so every runtime applies it) |
//! | `signatur.summary` | JSON [`Summary`]: messages, when, seed, lineage |
//! | `signatur.prior` | only with a keyword prior: JSON `{head, labels, per_feature, rows, scale, groups: [A, B], stats}`; the tables are the initializers `kw_slot` (int32 `[dim]`), `kw_weight` (float `[rows, K]`), `kw_hi` and `kw_lo` (uint8 `[rows, K]`, the label index is `hi × B + lo`). A ranker-form prior adds `ranker: {tiers, rows, columns}` (see `RankerMeta`) |
//!
//! The file holds no text of the training messages: features are hashed ids, and labels
//! are the municipality's own unit names and KLE codes.

//!
//! # What this module owns
//!
//! The file format: writing it ([`encode`]), reading and checking it (`decode`), and
//! preparing its graph for tract. It must not import `crate::train` or `crate::eval`.

use serde::{Deserialize, Serialize};
use tract_onnx::pb;

use crate::model::params::Params;
use crate::model::prior::KeywordStats;
use crate::model::summary::Summary;
use crate::{Error, ErrorKind};

mod proto;
mod read;
mod write;

pub(crate) use read::{decode, feed_normalised, widen_gathered_tables};
pub use write::encode;
pub(crate) use write::model_proto;

/// The newest model format this library reads, and the one it writes for features with the
/// shared word space (the default).
pub const FORMAT_VERSION: u32 = 5;

/// The ONNX opset of a file with a ranker-form prior (`ScatterElements` with `reduction`);
/// other files are written at opset 13.
const RANKER_OPSET: i64 = 16;

const KEY_FORMAT: &str = "signatur.format_version";
const KEY_LIBRARY: &str = "signatur.library_version";
const KEY_FEATURES: &str = "signatur.features";
const KEY_HEADS: &str = "signatur.heads";
const KEY_FORM: &str = "signatur.form";
const KEY_LOSS: &str = "signatur.loss";
const KEY_IDF: &str = "signatur.idf";
const KEY_SUMMARY: &str = "signatur.summary";
const KEY_PRIOR: &str = "signatur.prior";

/// The keyword prior's description in `metadata_props` (its tables are initializers).
#[derive(Serialize, Deserialize)]
struct PriorMeta {
    head: usize,
    labels: usize,
    per_feature: usize,
    rows: usize,
    scale: f32,
    groups: [usize; 2],
    stats: KeywordStats,
    /// The ranker form's layout (absent: the keyword form).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    ranker: Option<RankerMeta>,
}

/// A ranker-form prior's layout: per tier its width and rows, and the table's columns (the
/// tables are the initializers `kw_slot` (int32 `[dim]`), `kw_weight_<t>` (float
/// `[rows, K]`), `kw_class_<t>` (uint16 `[rows, K]`) and `kw_eidx`, `kw_gidx`, `kw_hidx`
/// (int32 `[labels]`)).
#[derive(Serialize, Deserialize)]
struct RankerMeta {
    tiers: Vec<usize>,
    rows: Vec<usize>,
    columns: usize,
}

/// `[A, B]` with `A × B ≥ labels` and `B = ⌈√labels⌉`: the label index is split into
/// `hi = i / B` and `lo = i % B`, each one byte.
fn groups(labels: usize) -> [usize; 2] {
    let mut b = (labels as f64).sqrt().ceil() as usize;
    while b * b < labels {
        b += 1;
    }
    let b = b.max(1);
    [labels.div_ceil(b).max(1), b]
}

/// A decoded model file: the parameters and summary, plus the parsed protobuf that tract
/// builds its plan from.
pub(crate) struct Decoded {
    pub params: Params,
    pub summary: Summary,
    pub proto: pb::ModelProto,
}

fn invalid(msg: impl Into<String>) -> Error {
    Error::new(ErrorKind::InvalidModel, msg)
}

#[cfg(test)]
mod tests {
    use prost::Message as _;

    use super::proto::tensor_f32;
    use super::*;
    use crate::features::FeatureConfig;
    use crate::model::params::{HeadInfo, Layers, Loss};
    use crate::model::runtime::{Runtime, Shapes};

    fn params() -> Params {
        let features = FeatureConfig {
            hash_bits: 8,
            ..FeatureConfig::default()
        };
        Params {
            features,
            heads: vec![HeadInfo {
                name: "label".into(),
                labels: vec!["a".into(), "b".into()],
                counts: vec![3, 3],
                temperature: 1.0,
                threshold: 0.5,
                target_precision: 0.95,
                heldout_precision: None,
                heldout_coverage: None,
            }],
            idf: vec![1.0; 256],
            loss: Loss::SquaredHinge,
            layers: Layers::Linear {
                w: (0..512).map(|i| (i as f32 * 0.37).sin() * 3.0).collect(),
            },
            bias: vec![0.1, -0.1],
            prior: None,
        }
    }

    fn low_rank_params() -> Params {
        Params {
            layers: Layers::LowRank {
                hidden: 3,
                embed: (0..768).map(|i| (i as f32 * 0.11).cos()).collect(),
                out: vec![0.5, -0.25, 1.0, 0.75, -1.0, 0.125],
            },
            ..params()
        }
    }

    fn weights(p: &Params) -> &[f32] {
        match &p.layers {
            Layers::Linear { w } => w,
            Layers::LowRank { embed, .. } => embed,
        }
    }

    #[test]
    fn heads_whose_numbers_would_make_wrong_decisions_are_refused() {
        let with = |f: &dyn Fn(&mut HeadInfo)| {
            let mut p = params();
            f(&mut p.heads[0]);
            decode(&encode(&p, &Summary::default()).unwrap()).map(|_| ())
        };
        // (NaN and infinity are written to JSON as null, which does not read as a number.)
        for t in [0.0, -1.0, 1e-45, f32::NAN, f32::INFINITY, 1e4] {
            let err = with(&|h| h.temperature = t).unwrap_err();
            assert_eq!(err.kind(), crate::ErrorKind::InvalidModel, "{t}");
            let says = if t.is_finite() { "temperature" } else { "null" };
            assert!(err.message().contains(says), "{err}");
        }
        for t in [f32::NAN, f32::INFINITY, -0.1] {
            let err = with(&|h| h.threshold = t).unwrap_err();
            let says = if t.is_finite() { "threshold" } else { "null" };
            assert!(err.message().contains(says), "{err}");
        }
        let err = with(&|h| h.name.clear()).unwrap_err();
        assert!(err.message().contains("name"), "{err}");
        // Training's own extremes load: a threshold just above 1 (never decide) and the
        // ends of the temperature search.
        with(&|h| h.threshold = 1.0f32.next_up()).unwrap();
        with(&|h| h.temperature = 0.02).unwrap();
        with(&|h| h.temperature = 50.0).unwrap();
        // A repeated name.
        let mut p = params();
        let mut second = p.heads[0].clone();
        second.labels = vec!["c".into()];
        second.counts = vec![1];
        p.heads.push(second);
        p.bias.push(0.0);
        p.layers = Layers::Linear {
            w: vec![0.5; 256 * 3],
        };
        let err = decode(&encode(&p, &Summary::default()).unwrap())
            .map(|_| ())
            .unwrap_err();
        assert!(err.message().contains("repeated"), "{err}");
    }

    #[test]
    fn the_weight_table_is_float16_and_format_1_float32_files_still_load() {
        let p = params();
        let bytes = encode(&p, &Summary::default()).unwrap();
        let d = decode(&bytes).unwrap();
        let graph = d.proto.graph.as_ref().unwrap();
        let table = graph
            .initializer
            .iter()
            .find(|t| t.name == "weights")
            .unwrap();
        assert_eq!(table.data_type, pb::tensor_proto::DataType::Float16 as i32);
        assert_eq!(table.raw_data.len(), 512 * 2);
        // What the file holds is what `round_weights` gives in memory.
        let mut rounded = p.clone();
        rounded.round_weights();
        assert_eq!(weights(&d.params), weights(&rounded));
        assert_ne!(weights(&d.params), weights(&p));
        assert_eq!(d.params.loss, Loss::SquaredHinge);

        // A format-1 file: the same graph with a float32 table and no Cast.
        let mut old = d.proto.clone();
        let g = old.graph.as_mut().unwrap();
        for t in g.initializer.iter_mut().filter(|t| t.name == "weights") {
            *t = tensor_f32("weights", &[256, 2], weights(&p));
        }
        g.node.retain(|n| n.op_type != "Cast");
        for n in g.node.iter_mut() {
            for o in n.output.iter_mut().filter(|o| *o == "rows16") {
                *o = "rows".into();
            }
        }
        for m in old.metadata_props.iter_mut() {
            if m.key == KEY_FORMAT {
                m.value = "1".into();
            }
        }
        // Format 1 had no loss key: those models were trained on softmax.
        old.metadata_props.retain(|m| m.key != KEY_LOSS);
        let d1 = decode(&old.encode_to_vec()).unwrap();
        assert_eq!(weights(&d1.params), weights(&p));
        assert_eq!(d1.params.loss, Loss::Softmax);
        Runtime::new(&d1.proto, vec![2], "weights", Shapes::PerLength).unwrap();
        Runtime::new(&d.proto, vec![2], "weights", Shapes::PerLength).unwrap();
    }

    #[test]
    fn tract_gets_the_float16_table_widened_once_with_the_same_results() {
        let p = params();
        let bytes = encode(&p, &Summary::default()).unwrap();
        let d = decode(&bytes).unwrap();
        let mut wide = d.proto.clone();
        widen_gathered_tables(&mut wide).unwrap();
        let g = wide.graph.as_ref().unwrap();
        assert!(
            g.node.iter().all(|n| n.op_type != "Cast"),
            "the Cast is gone"
        );
        let table = g.initializer.iter().find(|t| t.name == "weights").unwrap();
        assert_eq!(table.data_type, pb::tensor_proto::DataType::Float as i32);
        let gather = g
            .node
            .iter()
            .find(|n| n.op_type == "Gather" && n.input[0] == "weights")
            .unwrap();
        assert_eq!(gather.output, ["rows"]);
        // The same probabilities, bit for bit: float16 to float32 is exact.
        let ids: Vec<i64> = vec![3, 17, 255, 0];
        let tf = vec![1.0f32, 2.0, 0.5, 0.0];
        let a = Runtime::new(&d.proto, vec![2], "weights", Shapes::PerLength).unwrap();
        let b = Runtime::new(&wide, vec![2], "weights", Shapes::PerLength).unwrap();
        assert_eq!(
            a.run(ids.clone(), tf.clone(), 1, 4).unwrap(),
            b.run(ids, tf, 1, 4).unwrap()
        );
        // A graph without such a pattern (format 1) is left as it is.
        let mut again = wide.clone();
        widen_gathered_tables(&mut again).unwrap();
        assert_eq!(again, wide);
    }

    /// `Classifier::from_bytes` gives tract the graph written for the decoded parameters;
    /// for a file this version wrote, that is the file's own graph, node for node and
    /// initializer for initializer (a keyword or ranker prior: tests/onnx_runtime.rs,
    /// where onnxruntime runs the file and tract the rewritten graph). Explanations read
    /// the rows of tract's own copy of the table (still in cache after the run), so the
    /// runtime must find it in the optimised plan, with the parameters' values.
    #[test]
    fn the_graph_written_from_decoded_parameters_is_the_files_graph() {
        let linear = params();
        let low_rank = low_rank_params();
        for p in [linear, low_rank] {
            let bytes = encode(&p, &Summary::default()).unwrap();
            let mut d = decode(&bytes).unwrap();
            d.params.round_weights();
            let again = model_proto(&d.params, &d.summary).unwrap();
            assert_eq!(again.graph, d.proto.graph);
            assert_eq!(again.encode_to_vec(), bytes);

            let mut wide = again;
            widen_gathered_tables(&mut wide).unwrap();
            let name = d.params.layers.table_name();
            let shapes = match name {
                "weights" => Shapes::PerLength,
                _ => Shapes::Symbolic,
            };
            // The IDF vector is gathered too, but it is not a table of rows.
            let idf = Runtime::new(&wide, vec![2], "idf", Shapes::Symbolic).unwrap();
            assert_eq!(idf.gathered_table(), None);
            // What `Classifier::from_bytes` gives tract: fed normalised values.
            assert!(feed_normalised(&mut wide), "{name}");
            let rt = Runtime::new(&wide, vec![2], name, shapes).unwrap();
            assert_eq!(rt.gathered_table(), Some(weights(&d.params)), "{name}");
        }
    }

    /// A graph fed the normalised values (`feed_normalised`) gives the file's graph's
    /// probabilities when the values are normalised as `params::normalise` does, for a
    /// linear model (fixed-length plans and a batch), a low-rank one and one with a
    /// keyword prior, whose graph reads `xn` too. The IDF vector and epsilon are gone
    /// from the graph, and a graph already fed so, or one whose normalisation is read
    /// elsewhere, is left as it is.
    #[test]
    fn a_graph_fed_normalised_values_gives_the_files_probabilities() {
        use crate::model::params::normalise;
        use crate::model::prior::KeywordPrior;
        let with_idf = |p: Params| Params {
            idf: (0..256).map(|i| 0.5 + (i % 7) as f32 * 0.3).collect(),
            ..p
        };
        let prior = {
            let p = with_idf(params());
            let pending = [
                (3, vec![(0, 1.5)]),
                (17, vec![(1, 0.7), (0, 0.2)]),
                (40, vec![(0, 2.0)]),
                (99, vec![(1, 1.0)]),
            ];
            let prior = KeywordPrior::from_pending(
                0,
                2,
                2,
                256,
                pending.into_iter().collect(),
                KeywordStats::default(),
            );
            Params {
                prior: Some(prior),
                ..p
            }
        };
        let cases = [
            (with_idf(params()), Shapes::PerLength),
            (with_idf(low_rank_params()), Shapes::Symbolic),
            (prior, Shapes::Symbolic),
        ];
        for (p, shapes) in cases {
            let d = decode(&encode(&p, &Summary::default()).unwrap()).unwrap();
            let name = d.params.layers.table_name();
            let mut wide = d.proto.clone();
            widen_gathered_tables(&mut wide).unwrap();
            let file = Runtime::new(&wide, vec![2], name, shapes).unwrap();
            let mut fed = wide.clone();
            assert!(feed_normalised(&mut fed), "{name}");
            let g = fed.graph.as_ref().unwrap();
            assert!(g
                .initializer
                .iter()
                .all(|t| t.name != "idf" && t.name != "eps"));
            assert_eq!(g.input[1].name, "xn");
            let mut again = fed.clone();
            assert!(!feed_normalised(&mut again));
            assert_eq!(again, fed);
            let rt = Runtime::new(&fed, vec![2], name, shapes).unwrap();
            for l in [1usize, 3, 33, 700] {
                let ids: Vec<u32> = (0..l).map(|i| ((i * 37 + 11) % 256) as u32).collect();
                let tf: Vec<f32> = (0..l).map(|i| 0.5 + (i % 5) as f32 * 0.75).collect();
                let wide_ids: Vec<i64> = ids.iter().map(|&i| i64::from(i)).collect();
                let mut xn = Vec::new();
                normalise(&ids, &tf, &d.params.idf, &mut xn);
                let want = file.run(wide_ids.clone(), tf.clone(), 1, l).unwrap();
                let got = rt.run(wide_ids.clone(), xn.clone(), 1, l).unwrap();
                let batch = rt
                    .run(
                        [wide_ids.clone(), wide_ids].concat(),
                        [xn.clone(), xn].concat(),
                        2,
                        l,
                    )
                    .unwrap();
                for (w, (g, b)) in want[0].iter().zip(got[0].iter().zip(&batch[0][2..])) {
                    assert!(
                        (w - g).abs() <= 1e-6,
                        "{name}, {l}: {w} from tf, {g} from xn"
                    );
                    assert!(
                        (w - b).abs() <= 1e-6,
                        "{name}, {l}: {w} from tf, {b} in a batch"
                    );
                }
            }
            if shapes == Shapes::PerLength {
                assert_eq!(rt.fixed_lengths_made(), [32, 40, 728]);
                assert!(rt.fixed_plans_share_the_constants());
                assert!(rt.fixed_plans_are_fixed());
            }
        }
        // A graph that reads `x` (tf × idf) besides the normalisation keeps it.
        let d = decode(&encode(&params(), &Summary::default()).unwrap()).unwrap();
        let mut odd = d.proto.clone();
        let graph = odd.graph.as_mut().unwrap();
        let mut extra = graph.node[0].clone();
        extra.op_type = "Identity".into();
        extra.input = vec!["x".into()];
        extra.output = vec!["x_copy".into()];
        extra.attribute.clear();
        graph.node.push(extra);
        let before = odd.clone();
        assert!(!feed_normalised(&mut odd));
        assert_eq!(odd, before);
    }

    /// One message runs through a plan made for its feature count padded up to a length
    /// class (`FIXED_LENGTHS`); it must give what the symbolic plan gives the same message
    /// in a batch: below the first class (1, 31), at its edge (32, 33), inside a class
    /// (129), at the last (8,192) and past it (8,193).
    #[test]
    fn fixed_length_plans_give_the_symbolic_plans_probabilities() {
        let d = decode(&encode(&params(), &Summary::default()).unwrap()).unwrap();
        let mut wide = d.proto.clone();
        widen_gathered_tables(&mut wide).unwrap();
        let rt = Runtime::new(&wide, vec![2], "weights", Shapes::PerLength).unwrap();
        for l in [1usize, 31, 32, 33, 129, 8192, 8193] {
            let ids: Vec<i64> = (0..l).map(|i| ((i * 37 + 11) % 256) as i64).collect();
            let tf: Vec<f32> = (0..l).map(|i| 0.5 + (i % 5) as f32 * 0.75).collect();
            let single = rt.run(ids.clone(), tf.clone(), 1, l).unwrap();
            let batch = rt
                .run([ids.clone(), ids].concat(), [tf.clone(), tf].concat(), 2, l)
                .unwrap();
            assert_eq!(single[0].len(), 2);
            for (s, b) in single[0].iter().zip(&batch[0][..2]) {
                assert!(
                    (s - b).abs() <= 1e-6,
                    "{l} features: {s} alone, {b} in a batch"
                );
            }
        }
        // 1 and 31 share the class of 32; 8,193 is past the last class.
        assert_eq!(rt.fixed_lengths_made(), [32, 40, 160, 8192]);
        assert!(rt.fixed_plans_share_the_constants());
        assert!(rt.fixed_plans_are_fixed());
        // A low-rank model keeps the symbolic plan.
        let d = decode(&encode(&low_rank_params(), &Summary::default()).unwrap()).unwrap();
        let rt = Runtime::new(&d.proto, vec![2], "embed", Shapes::Symbolic).unwrap();
        rt.run(vec![1, 2, 3], vec![1.0; 3], 1, 3).unwrap();
        assert!(rt.fixed_lengths_made().is_empty());
    }

    /// A table of several huge pages (2^20 buckets of two labels: 8 MB) is backed by huge
    /// pages once the plan is built, where the system allows them, and still gives the
    /// file's values (`crate::ffi::pages`); a low-rank embedding of wide rows (40 floats)
    /// is not asked (`runtime::HUGE_PAGE_ROWS`).
    #[test]
    fn a_large_gathered_table_is_asked_for_huge_pages() {
        use crate::ffi::pages::HugePages;
        // `params()` over `2^bits` buckets with `layers`, through the file and widened.
        let runtime = |bits: u8, layers: Layers, shapes: Shapes| {
            let p = Params {
                features: FeatureConfig {
                    hash_bits: bits,
                    ..FeatureConfig::default()
                },
                idf: vec![1.0; 1 << bits],
                layers,
                ..params()
            };
            let d = decode(&encode(&p, &Summary::default()).unwrap()).unwrap();
            let mut wide = d.proto.clone();
            widen_gathered_tables(&mut wide).unwrap();
            let name = d.params.layers.table_name();
            (
                Runtime::new(&wide, vec![2], name, shapes).unwrap(),
                d.params,
            )
        };
        let dim = 1usize << 20;
        let w = (0..2 * dim)
            .map(|i| ((i % 1000) as f32 - 500.0) / 64.0)
            .collect();
        let (rt, p) = runtime(20, Layers::Linear { w }, Shapes::PerLength);
        assert_eq!(rt.gathered_table(), Some(weights(&p)));
        let thp = std::fs::read_to_string("/sys/kernel/mm/transparent_hugepage/enabled")
            .is_ok_and(|s| !s.contains("[never]"));
        // `Marked`: asked, but no huge page was free just then (`ffi::pages`'s own test
        // checks the collapse).
        match rt.huge_pages() {
            HugePages::Collapsed(bytes) => assert!(bytes >= 4 << 20, "{bytes}"),
            HugePages::Marked => {}
            other => assert!(
                !(cfg!(target_os = "linux") && thp),
                "transparent huge pages are allowed, but the table got {other:?}"
            ),
        }

        let dim = 1usize << 16;
        let layers = Layers::LowRank {
            hidden: 40,
            embed: (0..40 * dim).map(|i| (i as f32 * 0.11).cos()).collect(),
            out: (0..80).map(|i| (i as f32 * 0.3).sin()).collect(),
        };
        let (rt, _) = runtime(16, layers, Shapes::Symbolic);
        assert!(rt.gathered_table().is_some_and(|t| t.len() == 40 * dim));
        assert_eq!(rt.huge_pages(), HugePages::NotAsked);
    }

    #[test]
    fn fixed_lengths_follow_the_rule() {
        use crate::model::runtime::FIXED_LENGTHS;
        let rule: Vec<usize> = (20..=52)
            .map(|k| (2f64.powf(f64::from(k) / 4.0).ceil() as usize).div_ceil(8) * 8)
            .collect();
        assert_eq!(FIXED_LENGTHS.to_vec(), rule);
        for l in 32..=8192usize {
            let len = FIXED_LENGTHS[FIXED_LENGTHS.partition_point(|&x| x < l)];
            assert!(len >= l && len * 4 <= l * 5, "{l} features padded to {len}");
        }
    }

    #[test]
    fn a_float16_table_of_the_wrong_size_is_refused() {
        let bytes = encode(&params(), &Summary::default()).unwrap();
        let mut proto = pb::ModelProto::decode(bytes.as_slice()).unwrap();
        let g = proto.graph.as_mut().unwrap();
        for t in g.initializer.iter_mut().filter(|t| t.name == "weights") {
            t.raw_data.truncate(100);
        }
        let err = match decode(&proto.encode_to_vec()) {
            Err(e) => e,
            Ok(_) => panic!("a truncated table was accepted"),
        };
        assert!(err.message().contains("weights"), "{}", err.message());
    }
}
