//! The model file: standard ONNX (opset 13) with everything needed to use it in
//! `metadata_props`.
//!
//! # The graph
//!
//! Inputs `ids` (int64 `[N, L]`, hashed feature ids) and `tf` (float `[N, L]`, term
//! frequencies from the featuriser; padding has tf 0). The graph applies the learned IDF,
//! L2-normalises, and computes logits with one `Gather` of weight rows and a `MatMul`
//! (the fastest formulation measured in tract), optionally through a low-rank hidden layer.
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
//! | `signatur.format_version` | `1`; a larger number is refused |
//! | `signatur.library_version` | the crate version that wrote the file |
//! | `signatur.features` | JSON [`FeatureConfig`]: hash seed and bits, n-gram ranges, stemmer, stop words, field weights |
//! | `signatur.heads` | JSON list of [`HeadInfo`]: name, labels, per-label counts, temperature, threshold, target precision |
//! | `signatur.form` | `linear` or `low_rank:<hidden>` |
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
use crate::model::params::{HeadInfo, Layers, Params, NORM_EPS};
use crate::{Error, ErrorKind, Result};

/// The newest model format this library reads and the one it writes.
pub const FORMAT_VERSION: u32 = 1;

const KEY_FORMAT: &str = "signatur.format_version";
const KEY_LIBRARY: &str = "signatur.library_version";
const KEY_FEATURES: &str = "signatur.features";
const KEY_HEADS: &str = "signatur.heads";
const KEY_FORM: &str = "signatur.form";
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
            init.push(tensor_f32("weights", &[dim, classes], w));
            nodes.push(node(
                "Gather",
                &["weights", "ids"],
                &["rows"],
                vec![attr_int("axis", 0)],
            ));
            nodes.push(node("MatMul", &["xu", "rows"], &["z3"], vec![]));
            nodes.push(node("Squeeze", &["z3", "axis1"], &["z"], vec![]));
            "linear".to_string()
        }
        Layers::LowRank { hidden, embed, out } => {
            let h = *hidden as i64;
            init.push(tensor_f32("embed", &[dim, h], embed));
            init.push(tensor_f32("out", &[h, classes], out));
            nodes.push(node(
                "Gather",
                &["embed", "ids"],
                &["rows"],
                vec![attr_int("axis", 0)],
            ));
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
    let dims: Vec<usize> = t.dims.iter().map(|&d| d.max(0) as usize).collect();
    if dims != shape {
        return Err(invalid(format!(
            "initializer {} has shape {:?}, expected {:?}",
            t.name, dims, shape
        )));
    }
    if t.data_type != dt as i32 {
        return Err(invalid(format!(
            "initializer {} is not {}",
            t.name,
            dt.as_str_name()
        )));
    }
    let n: usize = shape.iter().product();
    let width = if dt == pb::tensor_proto::DataType::Uint8 {
        1
    } else {
        4
    };
    if !t.raw_data.is_empty() {
        if t.raw_data.len() != n * width {
            return Err(invalid(format!(
                "initializer {} has {} bytes, expected {}",
                t.name,
                t.raw_data.len(),
                n * width
            )));
        }
        return Ok(if width == 1 {
            t.raw_data.iter().map(|&b| b as i64).collect()
        } else {
            t.raw_data
                .chunks_exact(4)
                .map(|c| i32::from_le_bytes([c[0], c[1], c[2], c[3]]) as i64)
                .collect()
        });
    }
    if t.int32_data.len() == n {
        return Ok(t.int32_data.iter().map(|&v| v as i64).collect());
    }
    Err(invalid(format!(
        "initializer {} has no data of the right size",
        t.name
    )))
}

fn read_f32(t: &pb::TensorProto, shape: &[usize]) -> Result<Vec<f32>> {
    let dims: Vec<usize> = t.dims.iter().map(|&d| d.max(0) as usize).collect();
    if dims != shape {
        return Err(invalid(format!(
            "initializer {} has shape {:?}, expected {:?}",
            t.name, dims, shape
        )));
    }
    if t.data_type != pb::tensor_proto::DataType::Float as i32 {
        return Err(invalid(format!("initializer {} is not float32", t.name)));
    }
    let n: usize = shape.iter().product();
    let out: Vec<f32> = if !t.raw_data.is_empty() {
        if t.raw_data.len() != n * 4 {
            return Err(invalid(format!(
                "initializer {} has {} bytes, expected {}",
                t.name,
                t.raw_data.len(),
                n * 4
            )));
        }
        t.raw_data
            .chunks_exact(4)
            .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect()
    } else if t.float_data.len() == n {
        t.float_data.clone()
    } else {
        return Err(invalid(format!(
            "initializer {} has no data of the right size",
            t.name
        )));
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

fn tensor_f32(name: &str, dims: &[i64], data: &[f32]) -> pb::TensorProto {
    let mut raw = Vec::with_capacity(data.len() * 4);
    for v in data {
        raw.extend_from_slice(&v.to_le_bytes());
    }
    pb::TensorProto {
        dims: dims.to_vec(),
        data_type: pb::tensor_proto::DataType::Float as i32,
        name: name.into(),
        raw_data: raw,
        ..Default::default()
    }
}

fn tensor_i32(name: &str, dims: &[i64], data: &[u32]) -> pb::TensorProto {
    let mut raw = Vec::with_capacity(data.len() * 4);
    for &v in data {
        raw.extend_from_slice(&(v.min(i32::MAX as u32) as i32).to_le_bytes());
    }
    pb::TensorProto {
        dims: dims.to_vec(),
        data_type: pb::tensor_proto::DataType::Int32 as i32,
        name: name.into(),
        raw_data: raw,
        ..Default::default()
    }
}

fn tensor_u8(name: &str, dims: &[i64], data: &[u8]) -> pb::TensorProto {
    pb::TensorProto {
        dims: dims.to_vec(),
        data_type: pb::tensor_proto::DataType::Uint8 as i32,
        name: name.into(),
        raw_data: data.to_vec(),
        ..Default::default()
    }
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
