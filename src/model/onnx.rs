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
//!
//! The file holds no text of the training messages: features are hashed ids, and labels
//! are the municipality's own unit names and KLE codes.

use prost::Message as _;
use serde::{Deserialize, Serialize};
use tract_onnx::pb;

use crate::features::FeatureConfig;
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
    let meta = vec![
        (KEY_FORMAT, FORMAT_VERSION.to_string()),
        (KEY_LIBRARY, env!("CARGO_PKG_VERSION").to_string()),
        (KEY_FEATURES, json(&params.features)?),
        (KEY_HEADS, json(&params.heads)?),
        (KEY_FORM, form),
        (KEY_IDF, "initializer:idf".to_string()),
        (KEY_SUMMARY, json(summary)?),
    ];
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
    Ok(Decoded {
        params: Params {
            features,
            heads,
            idf,
            layers,
            bias,
        },
        summary,
        proto,
    })
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

fn tensor_i64(name: &str, dims: &[i64], data: &[i64]) -> pb::TensorProto {
    pb::TensorProto {
        dims: dims.to_vec(),
        data_type: pb::tensor_proto::DataType::Int64 as i32,
        name: name.into(),
        int64_data: data.to_vec(),
        ..Default::default()
    }
}
