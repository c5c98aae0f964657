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
//! A model with a keyword prior (see [`crate::model::keyword`]) adds, before the temperature,
//! the prior's scores times its scale to its head's slice: a cold-start model is a prior
//! over a zero learned part, a `learned+prior` model both.
//!
//! # Metadata (`metadata_props`)
//!
//! | key | value |
//! |---|---|
//! | `signatur.format_version` | `2` (float16 weight table; `1`, float32, is still read); a larger number is refused |
//! | `signatur.library_version` | the crate version that wrote the file |
//! | `signatur.features` | JSON [`FeatureConfig`]: hash seed and bits, n-gram ranges, stemmer, stop words, field weights |
//! | `signatur.heads` | JSON list of [`HeadInfo`]: name, labels, per-label counts, temperature, threshold, target precision |
//! | `signatur.form` | `linear` or `low_rank:<hidden>` |
//! | `signatur.loss` | `softmax` or `squared_hinge`: what online learning steps on (absent: `softmax`) |
//! | `signatur.idf` | `initializer:idf`: the IDF vector is the graph's `idf` initializer (2^bits floats are too many for a text property; the graph uses it, so every runtime applies it) |
//! | `signatur.summary` | JSON [`Summary`]: messages, when, seed, lineage |
//! | `signatur.prior` | only with a keyword prior: JSON `{head, labels, per_feature, rows, scale, groups: [A, B], stats}`; the tables are the initializers `kw_slot` (int32 `[dim]`), `kw_weight` (float `[rows, K]`), `kw_hi` and `kw_lo` (uint8 `[rows, K]`, the label index is `hi × B + lo`) |
//!
//! The file holds no text of the training messages: features are hashed ids, and labels
//! are the municipality's own unit names and KLE codes.

use prost::Message as _;
use serde::{Deserialize, Serialize};
use tract_onnx::pb;

use crate::features::FeatureConfig;
use crate::model::keyword::{KeywordPrior, KeywordStats};
use crate::model::params::{to_f16, HeadInfo, Layers, Loss, Params, NORM_EPS};
use crate::{Error, ErrorKind, Result};

/// The newest model format this library reads and the one it writes.
pub const FORMAT_VERSION: u32 = 2;

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

/// How a model came to be: stored in the file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Summary {
    /// Messages trained on.
    pub messages: u64,
    /// Messages held out for calibration.
    pub heldout: u64,
    /// Messages that failed to parse and were skipped.
    pub skipped: u64,
    /// When training finished, RFC 3339 UTC.
    pub trained_at: String,
    /// The library version that trained it.
    pub library_version: String,
    /// The training seed.
    pub seed: u64,
    /// Epochs of SGD.
    pub epochs: u32,
    /// What kind of model: `learned`, `keyword` (cold start from a taxonomy), `learned+prior`.
    pub kind: String,
    /// The `trained_at` of the model this one was derived from, if any.
    pub parent: Option<String>,
    /// Corrections learned online since the last full training.
    pub corrections_since_training: u64,
    /// Warnings from training.
    pub warnings: Vec<String>,
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

/// Writes `params` and `summary` as ONNX protobuf bytes.
pub fn encode(params: &Params, summary: &Summary) -> Result<Vec<u8>> {
    let dim = params.dim() as i64;
    let classes = params.classes() as i64;
    let mut init = vec![
        tensor_f32("idf", &[dim], &params.idf),
        tensor_f32("bias", &[classes], &params.bias),
        tensor_i64("axis1", &[1], &[1]),
        tensor_f32("eps", &[], &[NORM_EPS]),
    ];
    let mut nodes = vec![
        node(
            "Gather",
            &["idf", "ids"],
            &["idf_g"],
            vec![attr_int("axis", 0)],
        ),
        node("Mul", &["tf", "idf_g"], &["x"], vec![]),
        node("Mul", &["x", "x"], &["x2"], vec![]),
        node(
            "ReduceSum",
            &["x2", "axis1"],
            &["ss"],
            vec![attr_int("keepdims", 1)],
        ),
        node("Add", &["ss", "eps"], &["ss_eps"], vec![]),
        node("Sqrt", &["ss_eps"], &["norm"], vec![]),
        node("Div", &["x", "norm"], &["xn"], vec![]),
        node("Unsqueeze", &["xn", "axis1"], &["xu"], vec![]),
    ];
    let form = match &params.layers {
        Layers::Linear { w } => {
            init.push(tensor_f16("weights", &[dim, classes], w));
            nodes.push(node(
                "Gather",
                &["weights", "ids"],
                &["rows16"],
                vec![attr_int("axis", 0)],
            ));
            nodes.push(cast_to_f32("rows16", "rows"));
            nodes.push(node("MatMul", &["xu", "rows"], &["z3"], vec![]));
            nodes.push(node("Squeeze", &["z3", "axis1"], &["z"], vec![]));
            "linear".to_string()
        }
        Layers::LowRank { hidden, embed, out } => {
            let h = *hidden as i64;
            init.push(tensor_f16("embed", &[dim, h], embed));
            init.push(tensor_f32("out", &[h, classes], out));
            nodes.push(node(
                "Gather",
                &["embed", "ids"],
                &["rows16"],
                vec![attr_int("axis", 0)],
            ));
            nodes.push(cast_to_f32("rows16", "rows"));
            nodes.push(node("MatMul", &["xu", "rows"], &["h3"], vec![]));
            nodes.push(node("Squeeze", &["h3", "axis1"], &["hid"], vec![]));
            nodes.push(node("MatMul", &["hid", "out"], &["z"], vec![]));
            format!("low_rank:{hidden}")
        }
    };
    nodes.push(node("Add", &["z", "bias"], &["logits"], vec![]));
    let mut prior_meta = None;
    if let Some(prior) = &params.prior {
        if prior.head() >= params.heads.len()
            || params.heads[prior.head()].labels.len() != prior.labels()
            || prior.dim() != params.dim()
        {
            return Err(invalid(
                "the keyword prior does not fit the model's heads or buckets",
            ));
        }
        prior_meta = Some(prior_graph(prior, &mut init, &mut nodes)?);
    }
    let mut outputs = Vec::new();
    let mut at = 0i64;
    for (i, head) in params.heads.iter().enumerate() {
        let n = head.labels.len() as i64;
        let (s, e, t) = (
            format!("start_{i}"),
            format!("end_{i}"),
            format!("temp_{i}"),
        );
        init.push(tensor_i64(&s, &[1], &[at]));
        init.push(tensor_i64(&e, &[1], &[at + n]));
        init.push(tensor_f32(&t, &[], &[head.temperature]));
        let (sl, sc, pr) = (
            format!("slice_{i}"),
            format!("scaled_{i}"),
            format!("probs_{i}"),
        );
        nodes.push(node("Slice", &["logits", &s, &e, "axis1"], &[&sl], vec![]));
        let sl = match &params.prior {
            Some(prior) if prior.head() == i => {
                let with = format!("with_prior_{i}");
                nodes.push(node("Add", &[&sl, "kw_scaled"], &[&with], vec![]));
                with
            }
            _ => sl,
        };
        nodes.push(node("Div", &[&sl, &t], &[&sc], vec![]));
        nodes.push(node("Softmax", &[&sc], &[&pr], vec![attr_int("axis", -1)]));
        outputs.push(value_info(
            &pr,
            pb::tensor_proto::DataType::Float,
            &[Dim::Param("N"), Dim::Value(n)],
        ));
        at += n;
    }
    let inputs = vec![
        value_info(
            "ids",
            pb::tensor_proto::DataType::Int64,
            &[Dim::Param("N"), Dim::Param("L")],
        ),
        value_info(
            "tf",
            pb::tensor_proto::DataType::Float,
            &[Dim::Param("N"), Dim::Param("L")],
        ),
    ];
    let json = |v: &dyn erased::Json| v.json();
    let mut meta = vec![
        (KEY_FORMAT, FORMAT_VERSION.to_string()),
        (KEY_LIBRARY, env!("CARGO_PKG_VERSION").to_string()),
        (KEY_FEATURES, json(&params.features)?),
        (KEY_HEADS, json(&params.heads)?),
        (KEY_FORM, form),
        (KEY_LOSS, params.loss.as_str().to_string()),
        (KEY_IDF, "initializer:idf".to_string()),
        (KEY_SUMMARY, json(summary)?),
    ];
    if let Some(p) = &prior_meta {
        meta.push((KEY_PRIOR, json(p)?));
    }
    let model = pb::ModelProto {
        ir_version: 8,
        opset_import: vec![pb::OperatorSetIdProto {
            domain: String::new(),
            version: 13,
        }],
        producer_name: "libsignatur".into(),
        producer_version: env!("CARGO_PKG_VERSION").into(),
        domain: "dk.signatur".into(),
        model_version: FORMAT_VERSION as i64,
        doc_string: "libsignatur mail classifier: hashed features -> per-head probabilities".into(),
        graph: Some(pb::GraphProto {
            node: nodes,
            name: "signatur".into(),
            initializer: init,
            input: inputs,
            output: outputs,
            ..Default::default()
        }),
        metadata_props: meta
            .into_iter()
            .map(|(k, v)| pb::StringStringEntryProto {
                key: k.into(),
                value: v,
            })
            .collect(),
        ..Default::default()
    };
    Ok(model.encode_to_vec())
}

/// Reads a model file: checks that it is a libsignatur model of a format this version
/// reads, and recovers its parameters.
pub(crate) fn decode(bytes: &[u8]) -> Result<Decoded> {
    if bytes.is_empty() {
        return Err(invalid("the model file is empty"));
    }
    let proto = pb::ModelProto::decode(bytes)
        .map_err(|e| invalid(format!("not an ONNX model, or truncated or corrupt: {e}")))?;
    let meta = |key: &str| -> Option<&str> {
        proto
            .metadata_props
            .iter()
            .find(|p| p.key == key)
            .map(|p| p.value.as_str())
    };
    let format = meta(KEY_FORMAT).ok_or_else(|| {
        invalid("an ONNX file, but not a libsignatur model (no signatur.format_version in metadata_props)")
    })?;
    let format: u32 = format
        .parse()
        .map_err(|_| invalid(format!("bad format version {format:?}")))?;
    if format > FORMAT_VERSION {
        return Err(Error::new(
            ErrorKind::UnsupportedModelVersion,
            format!(
                "the model was written in format {format} by libsignatur {}; this is libsignatur {} and reads format {FORMAT_VERSION} and older",
                meta(KEY_LIBRARY).unwrap_or("?"),
                env!("CARGO_PKG_VERSION")
            ),
        ));
    }
    let get = |key: &str| meta(key).ok_or_else(|| invalid(format!("metadata {key} is missing")));
    let features: FeatureConfig = serde_json::from_str(get(KEY_FEATURES)?)
        .map_err(|e| invalid(format!("metadata {KEY_FEATURES}: {e}")))?;
    features
        .validate()
        .map_err(|e| invalid(format!("feature configuration: {}", e.message())))?;
    let heads: Vec<HeadInfo> = serde_json::from_str(get(KEY_HEADS)?)
        .map_err(|e| invalid(format!("metadata {KEY_HEADS}: {e}")))?;
    let summary: Summary = serde_json::from_str(get(KEY_SUMMARY)?)
        .map_err(|e| invalid(format!("metadata {KEY_SUMMARY}: {e}")))?;
    let graph = proto
        .graph
        .as_ref()
        .ok_or_else(|| invalid("the model has no graph"))?;
    let find = |name: &str| -> Result<&pb::TensorProto> {
        graph
            .initializer
            .iter()
            .find(|t| t.name == name)
            .ok_or_else(|| invalid(format!("initializer {name} is missing")))
    };
    let dim = features.dim();
    let classes: usize = heads.iter().map(|h| h.labels.len()).sum();
    if heads.is_empty() || classes == 0 {
        return Err(invalid("the model has no heads or labels"));
    }
    let idf = read_f32(find("idf")?, &[dim])?;
    let bias = read_f32(find("bias")?, &[classes])?;
    let form = get(KEY_FORM)?;
    let loss = match meta(KEY_LOSS) {
        None => Loss::Softmax,
        Some(name) => name
            .parse::<Loss>()
            .map_err(|e| invalid(format!("metadata {KEY_LOSS}: {}", e.message())))?,
    };
    let layers = if form == "linear" {
        Layers::Linear {
            w: read_f32(find("weights")?, &[dim, classes])?,
        }
    } else if let Some(h) = form.strip_prefix("low_rank:") {
        let hidden: usize = h
            .parse()
            .map_err(|_| invalid(format!("bad form {form:?}")))?;
        if hidden == 0 || hidden > 4096 {
            return Err(invalid(format!("bad hidden size {hidden}")));
        }
        Layers::LowRank {
            hidden,
            embed: read_f32(find("embed")?, &[dim, hidden])?,
            out: read_f32(find("out")?, &[hidden, classes])?,
        }
    } else {
        return Err(invalid(format!("unknown model form {form:?}")));
    };
    for h in &heads {
        if h.counts.len() != h.labels.len() {
            return Err(invalid(format!(
                "head {:?}: {} counts for {} labels",
                h.name,
                h.counts.len(),
                h.labels.len()
            )));
        }
    }
    let prior = match meta(KEY_PRIOR) {
        None => None,
        Some(text) => {
            let pm: PriorMeta = serde_json::from_str(text)
                .map_err(|e| invalid(format!("metadata {KEY_PRIOR}: {e}")))?;
            let prior = read_prior(pm, &heads, dim, &find)
                .map_err(|e| invalid(format!("keyword prior: {}", e.message())))?;
            Some(prior)
        }
    };
    Ok(Decoded {
        params: Params {
            features,
            heads,
            idf,
            loss,
            layers,
            bias,
            prior,
        },
        summary,
        proto,
    })
}

/// Adds the prior's initializers and nodes; its scaled scores are `kw_scaled` `[N, C]`.
fn prior_graph(
    prior: &KeywordPrior,
    init: &mut Vec<pb::TensorProto>,
    nodes: &mut Vec<pb::NodeProto>,
) -> Result<PriorMeta> {
    let (slot, class, weight) = prior.tables();
    let (k, c) = (prior.per_feature(), prior.labels());
    let rows = prior.rows();
    let [a, b] = groups(c);
    if a > 256 || b > 256 {
        return Err(invalid(format!("a keyword prior cannot score {c} labels")));
    }
    let hi: Vec<u8> = class.iter().map(|&x| (x as usize / b) as u8).collect();
    let lo: Vec<u8> = class.iter().map(|&x| (x as usize % b) as u8).collect();
    let (dim, rows_i, k_i) = (slot.len() as i64, rows as i64, k as i64);
    init.push(tensor_i32("kw_slot", &[dim], slot));
    init.push(tensor_f32("kw_weight", &[rows_i, k_i], weight));
    init.push(tensor_u8("kw_hi", &[rows_i, k_i], &hi));
    init.push(tensor_u8("kw_lo", &[rows_i, k_i], &lo));
    let range = |n: usize| (0..n).map(|v| v as f32).collect::<Vec<f32>>();
    init.push(tensor_f32("kw_range_hi", &[a as i64, 1], &range(a)));
    init.push(tensor_f32("kw_range_lo", &[b as i64], &range(b)));
    init.push(tensor_f32("kw_zero", &[], &[0.0]));
    init.push(tensor_f32("kw_scale", &[], &[prior.scale()]));
    init.push(tensor_i64("kw_axis2", &[1], &[2]));
    init.push(tensor_i64("kw_shape_row", &[3], &[0, 1, -1]));
    init.push(tensor_i64("kw_shape_col", &[3], &[0, -1, 1]));
    init.push(tensor_i64("kw_shape_flat", &[2], &[0, -1]));
    init.push(tensor_i64("kw_start", &[1], &[0]));
    init.push(tensor_i64("kw_end", &[1], &[c as i64]));
    let float = pb::tensor_proto::DataType::Float as i64;
    let cast = || vec![attr_int("to", float)];
    let gather = || vec![attr_int("axis", 0)];
    let steps: [(&str, &[&str], &str, Vec<pb::AttributeProto>); 22] = [
        ("Gather", &["kw_slot", "ids"], "kw_s", gather()),
        ("Greater", &["xn", "kw_zero"], "kw_hit_b", vec![]),
        ("Cast", &["kw_hit_b"], "kw_hit", cast()),
        ("Unsqueeze", &["kw_hit", "kw_axis2"], "kw_hit3", vec![]),
        ("Gather", &["kw_weight", "kw_s"], "kw_w", gather()),
        ("Mul", &["kw_w", "kw_hit3"], "kw_v", vec![]),
        ("Reshape", &["kw_v", "kw_shape_row"], "kw_v_row", vec![]),
        ("Gather", &["kw_hi", "kw_s"], "kw_hi_g", gather()),
        ("Cast", &["kw_hi_g"], "kw_hi_f", cast()),
        ("Reshape", &["kw_hi_f", "kw_shape_row"], "kw_hi_row", vec![]),
        ("Equal", &["kw_hi_row", "kw_range_hi"], "kw_hi_eq", vec![]),
        ("Cast", &["kw_hi_eq"], "kw_hi_1h", cast()),
        ("Mul", &["kw_hi_1h", "kw_v_row"], "kw_hi_v", vec![]),
        ("Gather", &["kw_lo", "kw_s"], "kw_lo_g", gather()),
        ("Cast", &["kw_lo_g"], "kw_lo_f", cast()),
        ("Reshape", &["kw_lo_f", "kw_shape_col"], "kw_lo_col", vec![]),
        ("Equal", &["kw_lo_col", "kw_range_lo"], "kw_lo_eq", vec![]),
        ("Cast", &["kw_lo_eq"], "kw_lo_1h", cast()),
        ("MatMul", &["kw_hi_v", "kw_lo_1h"], "kw_grid", vec![]),
        ("Reshape", &["kw_grid", "kw_shape_flat"], "kw_flat", vec![]),
        (
            "Slice",
            &["kw_flat", "kw_start", "kw_end", "axis1"],
            "kw_scores",
            vec![],
        ),
        ("Mul", &["kw_scores", "kw_scale"], "kw_scaled", vec![]),
    ];
    for (op, inputs, output, attrs) in steps {
        nodes.push(node(op, inputs, &[output], attrs));
    }
    Ok(PriorMeta {
        head: prior.head(),
        labels: c,
        per_feature: k,
        rows,
        scale: prior.scale(),
        groups: [a, b],
        stats: prior.stats().clone(),
    })
}

/// The keyword prior of a model file, checked against the heads and the tables' shapes.
fn read_prior<'a>(
    pm: PriorMeta,
    heads: &[HeadInfo],
    dim: usize,
    find: &dyn Fn(&str) -> Result<&'a pb::TensorProto>,
) -> Result<KeywordPrior> {
    let head = heads
        .get(pm.head)
        .ok_or_else(|| invalid(format!("for head {} of {}", pm.head, heads.len())))?;
    if head.labels.len() != pm.labels || groups(pm.labels) != pm.groups {
        return Err(invalid(format!(
            "for {} labels (groups {:?}); head {:?} has {}",
            pm.labels,
            pm.groups,
            head.name,
            head.labels.len()
        )));
    }
    let (k, rows) = (pm.per_feature, pm.rows);
    if k == 0 || k > crate::model::keyword::MAX_PER_FEATURE || rows == 0 || rows > dim + 1 {
        return Err(invalid(format!("{rows} rows of {k} entries")));
    }
    let slot = read_ints(find("kw_slot")?, &[dim], pb::tensor_proto::DataType::Int32)?;
    let weight = read_f32(find("kw_weight")?, &[rows, k])?;
    let hi = read_ints(
        find("kw_hi")?,
        &[rows, k],
        pb::tensor_proto::DataType::Uint8,
    )?;
    let lo = read_ints(
        find("kw_lo")?,
        &[rows, k],
        pb::tensor_proto::DataType::Uint8,
    )?;
    let b = pm.groups[1] as u64;
    let class: Vec<u16> = hi
        .iter()
        .zip(&lo)
        .map(|(&h, &l)| (h as u64 * b + l as u64).min(u16::MAX as u64) as u16)
        .collect();
    if slot.iter().any(|&s| s < 0) {
        return Err(invalid("a negative row"));
    }
    KeywordPrior::from_tables(
        pm.head,
        pm.labels,
        k,
        pm.scale,
        slot.into_iter().map(|s| s as u32).collect(),
        class,
        weight,
        pm.stats,
    )
}

/// An int32 or uint8 initializer of `shape`, as `i64`s.
fn read_ints(
    t: &pb::TensorProto,
    shape: &[usize],
    dt: pb::tensor_proto::DataType,
) -> Result<Vec<i64>> {
    let n = check_shape(t, shape)?;
    if t.data_type != dt as i32 {
        return Err(invalid(format!(
            "initializer {} is not {}",
            t.name,
            dt.as_str_name()
        )));
    }
    let width = if dt == pb::tensor_proto::DataType::Uint8 {
        1
    } else {
        4
    };
    match raw_values(t, n, width)? {
        Some(raw) if width == 1 => Ok(raw.iter().map(|c| c[0] as i64).collect()),
        Some(raw) => Ok(raw
            .iter()
            .map(|c| i32::from_le_bytes([c[0], c[1], c[2], c[3]]) as i64)
            .collect()),
        None if t.int32_data.len() == n => Ok(t.int32_data.iter().map(|&v| v as i64).collect()),
        None => Err(no_data(t)),
    }
}

/// Checks that initializer `t` has `shape`; returns its element count.
fn check_shape(t: &pb::TensorProto, shape: &[usize]) -> Result<usize> {
    let dims: Vec<usize> = t.dims.iter().map(|&d| d.max(0) as usize).collect();
    if dims != shape {
        return Err(invalid(format!(
            "initializer {} has shape {:?}, expected {:?}",
            t.name, dims, shape
        )));
    }
    Ok(shape.iter().product())
}

/// `t`'s `raw_data` split into `n` little-endian values of `width` bytes, or `None` when
/// the values are in a typed field instead.
fn raw_values(t: &pb::TensorProto, n: usize, width: usize) -> Result<Option<Vec<&[u8]>>> {
    if t.raw_data.is_empty() {
        return Ok(None);
    }
    if t.raw_data.len() != n * width {
        return Err(invalid(format!(
            "initializer {} has {} bytes, expected {}",
            t.name,
            t.raw_data.len(),
            n * width
        )));
    }
    Ok(Some(t.raw_data.chunks_exact(width).collect()))
}

/// Prepares a decoded graph for tract: each float16 table that the graph gathers rows from
/// and then casts to float32 (`Gather(table, ids) -> Cast`) becomes a float32 table
/// gathered directly. The numbers are the same (float16 to float32 is exact), but the
/// conversion happens once at load instead of on every row of every run, where it cost
/// about a fifth of tract's time per message. The file keeps float16 (half the size); the
/// plan holds the table as float32 (twice the memory of the file's table).
pub(crate) fn widen_gathered_tables(proto: &mut pb::ModelProto) -> Result<()> {
    let Some(graph) = proto.graph.as_mut() else {
        return Ok(());
    };
    let float = pb::tensor_proto::DataType::Float as i32;
    let half = pb::tensor_proto::DataType::Float16 as i32;
    loop {
        let mut found = None;
        for (c, cast) in graph.node.iter().enumerate() {
            let to_float = cast
                .attribute
                .iter()
                .any(|a| a.name == "to" && a.i == float as i64);
            if cast.op_type != "Cast" || !to_float || cast.input.len() != 1 {
                continue;
            }
            let Some(g) = graph
                .node
                .iter()
                .position(|n| n.op_type == "Gather" && n.output.first() == cast.input.first())
            else {
                continue;
            };
            let Some(table) = graph.node[g].input.first() else {
                continue;
            };
            let Some(t) = graph
                .initializer
                .iter()
                .position(|t| &t.name == table && t.data_type == half)
            else {
                continue;
            };
            // Only when nothing else reads the table or the gathered rows.
            let uses = |name: &str| {
                graph
                    .node
                    .iter()
                    .flat_map(|n| &n.input)
                    .filter(|i| *i == name)
                    .count()
            };
            if uses(table) == 1 && uses(&cast.input[0]) == 1 {
                found = Some((c, g, t));
                break;
            }
        }
        let Some((c, g, t)) = found else {
            return Ok(());
        };
        let init = &graph.initializer[t];
        let shape: Vec<usize> = init.dims.iter().map(|&d| d.max(0) as usize).collect();
        let values = read_f32(init, &shape)?;
        let dims = init.dims.clone();
        let name = init.name.clone();
        graph.initializer[t] = tensor_f32(&name, &dims, &values);
        let cast = graph.node.remove(c);
        let g = if g > c { g - 1 } else { g };
        graph.node[g].output = cast.output;
    }
}

fn no_data(t: &pb::TensorProto) -> Error {
    invalid(format!(
        "initializer {} has no data of the right size",
        t.name
    ))
}

/// A float32 or float16 initializer as float32 values.
fn read_f32(t: &pb::TensorProto, shape: &[usize]) -> Result<Vec<f32>> {
    let n = check_shape(t, shape)?;
    let half = t.data_type == pb::tensor_proto::DataType::Float16 as i32;
    if !half && t.data_type != pb::tensor_proto::DataType::Float as i32 {
        return Err(invalid(format!(
            "initializer {} is not float32 or float16",
            t.name
        )));
    }
    let out: Vec<f32> = if half {
        // float16 comes as raw little-endian bytes, or (as ONNX allows) one value's bits
        // per element of int32_data.
        let bits: Vec<u16> = match raw_values(t, n, 2)? {
            Some(raw) => raw
                .iter()
                .map(|c| u16::from_le_bytes([c[0], c[1]]))
                .collect(),
            None if t.int32_data.len() == n => t.int32_data.iter().map(|&v| v as u16).collect(),
            None => return Err(no_data(t)),
        };
        bits.into_iter()
            .map(|b| half::f16::from_bits(b).to_f32())
            .collect()
    } else {
        match raw_values(t, n, 4)? {
            Some(raw) => raw
                .iter()
                .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
                .collect(),
            None if t.float_data.len() == n => t.float_data.clone(),
            None => return Err(no_data(t)),
        }
    };
    if out.iter().any(|v| !v.is_finite()) {
        return Err(invalid(format!(
            "initializer {} holds a non-finite value",
            t.name
        )));
    }
    Ok(out)
}

mod erased {
    /// Serialises to JSON behind a trait object, so `encode` can list metadata uniformly.
    pub trait Json {
        fn json(&self) -> crate::Result<String>;
    }
    impl<T: serde::Serialize> Json for T {
        fn json(&self) -> crate::Result<String> {
            serde_json::to_string(self)
                .map_err(|e| crate::Error::new(crate::ErrorKind::InvalidInput, e.to_string()))
        }
    }
}

enum Dim {
    Param(&'static str),
    Value(i64),
}

fn value_info(name: &str, dt: pb::tensor_proto::DataType, dims: &[Dim]) -> pb::ValueInfoProto {
    use pb::tensor_shape_proto::{dimension::Value, Dimension};
    pb::ValueInfoProto {
        name: name.into(),
        r#type: Some(pb::TypeProto {
            denotation: String::new(),
            value: Some(pb::type_proto::Value::TensorType(pb::type_proto::Tensor {
                elem_type: dt as i32,
                shape: Some(pb::TensorShapeProto {
                    dim: dims
                        .iter()
                        .map(|d| Dimension {
                            denotation: String::new(),
                            value: Some(match d {
                                Dim::Param(p) => Value::DimParam((*p).into()),
                                Dim::Value(v) => Value::DimValue(*v),
                            }),
                        })
                        .collect(),
                }),
            })),
        }),
        ..Default::default()
    }
}

fn node(
    op: &str,
    inputs: &[&str],
    outputs: &[&str],
    attribute: Vec<pb::AttributeProto>,
) -> pb::NodeProto {
    pb::NodeProto {
        input: inputs.iter().map(|s| s.to_string()).collect(),
        output: outputs.iter().map(|s| s.to_string()).collect(),
        name: format!("{op}_{}", outputs.first().copied().unwrap_or("")),
        op_type: op.into(),
        attribute,
        ..Default::default()
    }
}

fn attr_int(name: &str, v: i64) -> pb::AttributeProto {
    pb::AttributeProto {
        name: name.into(),
        i: v,
        r#type: pb::attribute_proto::AttributeType::Int as i32,
        ..Default::default()
    }
}

/// An initializer of `data_type` from its little-endian bytes.
fn raw_tensor(
    name: &str,
    dims: &[i64],
    data_type: pb::tensor_proto::DataType,
    raw_data: Vec<u8>,
) -> pb::TensorProto {
    pb::TensorProto {
        dims: dims.to_vec(),
        data_type: data_type as i32,
        name: name.into(),
        raw_data,
        ..Default::default()
    }
}

fn tensor_f32(name: &str, dims: &[i64], data: &[f32]) -> pb::TensorProto {
    let mut raw = Vec::with_capacity(data.len() * 4);
    for v in data {
        raw.extend_from_slice(&v.to_le_bytes());
    }
    raw_tensor(name, dims, pb::tensor_proto::DataType::Float, raw)
}

/// A float16 initializer from float32 values (rounded to nearest).
fn tensor_f16(name: &str, dims: &[i64], data: &[f32]) -> pb::TensorProto {
    let mut raw = Vec::with_capacity(data.len() * 2);
    for &v in data {
        raw.extend_from_slice(&to_f16(v).to_bits().to_le_bytes());
    }
    raw_tensor(name, dims, pb::tensor_proto::DataType::Float16, raw)
}

/// `Cast(from) -> to` as float32.
fn cast_to_f32(from: &str, to: &str) -> pb::NodeProto {
    node(
        "Cast",
        &[from],
        &[to],
        vec![attr_int("to", pb::tensor_proto::DataType::Float as i64)],
    )
}

fn tensor_i32(name: &str, dims: &[i64], data: &[u32]) -> pb::TensorProto {
    let mut raw = Vec::with_capacity(data.len() * 4);
    for &v in data {
        raw.extend_from_slice(&(v.min(i32::MAX as u32) as i32).to_le_bytes());
    }
    raw_tensor(name, dims, pb::tensor_proto::DataType::Int32, raw)
}

fn tensor_u8(name: &str, dims: &[i64], data: &[u8]) -> pb::TensorProto {
    raw_tensor(name, dims, pb::tensor_proto::DataType::Uint8, data.to_vec())
}

fn tensor_i64(name: &str, dims: &[i64], data: &[i64]) -> pb::TensorProto {
    pb::TensorProto {
        dims: dims.to_vec(),
        data_type: pb::tensor_proto::DataType::Int64 as i32,
        name: name.into(),
        int64_data: data.to_vec(),
        ..Default::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::runtime::Runtime;

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

    fn weights(p: &Params) -> &[f32] {
        match &p.layers {
            Layers::Linear { w } => w,
            Layers::LowRank { embed, .. } => embed,
        }
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
        Runtime::new(&d1.proto, vec![2]).unwrap();
        Runtime::new(&d.proto, vec![2]).unwrap();
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
        let a = Runtime::new(&d.proto, vec![2]).unwrap();
        let b = Runtime::new(&wide, vec![2]).unwrap();
        assert_eq!(
            a.run(ids.clone(), tf.clone(), 1, 4).unwrap(),
            b.run(ids, tf, 1, 4).unwrap()
        );
        // A graph without such a pattern (format 1) is left as it is.
        let mut again = wide.clone();
        widen_gathered_tables(&mut again).unwrap();
        assert_eq!(again, wide);
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
