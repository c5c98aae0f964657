//! Reading a model file: the checks that turn a corrupt or foreign file into a clear error,
//! and the one rewrite the graph gets before tract plans it.
//!
//! Part of `model`: must not import `crate::train` or `crate::eval`.

use prost::Message as _;
use tract_onnx::pb;

use super::proto::tensor_f32;
use super::{groups, invalid, Decoded, PriorMeta, RankerMeta};
use super::{FORMAT_VERSION, KEY_LIBRARY};
use super::{KEY_FEATURES, KEY_FORM, KEY_FORMAT, KEY_HEADS, KEY_LOSS, KEY_PRIOR, KEY_SUMMARY};
use crate::features::FeatureConfig;
use crate::model::params::{HeadInfo, Layers, Loss, Params};
use crate::model::prior::{KeywordPrior, RankerTables, Tier};
use crate::model::summary::Summary;
use crate::{Error, ErrorKind, Result};

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
    if let Some(h) = heads.iter().find(|h| h.labels.is_empty()) {
        // It would decide nothing, never abstain, and share the next head's offset.
        return Err(invalid(format!("head {:?} has no labels", h.name)));
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
    check_heads(&heads)?;
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
    if let Some(r) = &pm.ranker {
        if head.labels.len() != pm.labels {
            return Err(invalid(format!(
                "for {} labels; head {:?} has {}",
                pm.labels,
                head.name,
                head.labels.len()
            )));
        }
        return read_ranker(&pm, r, dim, find);
    }
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
    if k == 0 || k > crate::model::prior::MAX_PER_FEATURE || rows == 0 || rows > dim + 1 {
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

/// A ranker-form prior's tables (format 3 and 4: the same tables, format 4 with `NonZero` compaction in the graph).
fn read_ranker<'a>(
    pm: &PriorMeta,
    r: &RankerMeta,
    dim: usize,
    find: &dyn Fn(&str) -> Result<&'a pb::TensorProto>,
) -> Result<KeywordPrior> {
    use pb::tensor_proto::DataType;
    if r.tiers.len() != r.rows.len() || r.tiers.is_empty() || r.tiers.len() > 16 {
        return Err(invalid(format!(
            "{} tiers of {} row counts",
            r.tiers.len(),
            r.rows.len()
        )));
    }
    if r.columns == 0 || r.columns > u16::MAX as usize + 1 {
        return Err(invalid(format!("{} columns", r.columns)));
    }
    let ints = |name: &str, shape: &[usize], dt| -> Result<Vec<u32>> {
        let v = read_ints(find(name)?, shape, dt)?;
        if v.iter().any(|&x| x < 0 || x > u32::MAX as i64) {
            return Err(invalid(format!("initializer {name} has a negative index")));
        }
        Ok(v.into_iter().map(|x| x as u32).collect())
    };
    // The graph's table width: what its scatter and gathers run over.
    read_f32(find("kw_zrow")?, &[1, r.columns])?;
    let slot = ints("kw_slot", &[dim], DataType::Int32)?;
    let mut tiers = Vec::with_capacity(r.tiers.len());
    for (t, (&k, &rows)) in r.tiers.iter().zip(&r.rows).enumerate() {
        if k == 0 || k > 4 * crate::model::prior::MAX_PER_FEATURE || rows == 0 || rows > dim + 1 {
            return Err(invalid(format!("tier {t}: {rows} rows of {k} entries")));
        }
        let class = ints(&format!("kw_class_{t}"), &[rows, k], DataType::Uint16)?;
        tiers.push(Tier {
            k,
            class: class
                .into_iter()
                .map(|c| c.min(u16::MAX as u32) as u16)
                .collect(),
            // As float16, which the graph this version builds stores (a foreign file may
            // hold float32): the live scorer must add what tract adds.
            weight: read_f32(find(&format!("kw_weight_{t}"))?, &[rows, k])?
                .into_iter()
                .map(|w| crate::model::params::to_f16(w).to_f32())
                .collect(),
        });
    }
    let mut cols = vec![[0u32; 3]; pm.labels];
    for (j, name) in ["kw_eidx", "kw_gidx", "kw_hidx"].into_iter().enumerate() {
        for (c, v) in cols
            .iter_mut()
            .zip(ints(name, &[pm.labels], DataType::Int32)?)
        {
            c[j] = v;
        }
    }
    KeywordPrior::ranker_from_tables(
        pm.head,
        pm.labels,
        pm.scale,
        RankerTables {
            slot,
            tiers,
            cols,
            columns: r.columns,
        },
        pm.stats.clone(),
    )
}

/// An int32, uint16 or uint8 initializer of `shape`, as `i64`s.
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
    let width = match dt {
        pb::tensor_proto::DataType::Uint8 => 1,
        pb::tensor_proto::DataType::Uint16 => 2,
        _ => 4,
    };
    match raw_values(t, n, width)? {
        Some(raw) if width == 1 => Ok(raw.map(|c| c[0] as i64).collect()),
        Some(raw) if width == 2 => Ok(raw
            .map(|c| u16::from_le_bytes([c[0], c[1]]) as i64)
            .collect()),
        Some(raw) => Ok(raw
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
    shape
        .iter()
        .try_fold(1usize, |n, &d| n.checked_mul(d))
        .ok_or_else(|| invalid(format!("initializer {} has too many elements", t.name)))
}

/// The temperatures a head may have: training fits one in [0.02, 50] (`fit_temperature`)
/// or leaves 1. Outside this the graph's `Div` makes the logits infinite or NaN (0, a
/// subnormal), or turns the ranking round (a negative one).
const TEMPERATURES: std::ops::RangeInclusive<f32> = 1e-3..=1e3;

/// Refuses heads whose numbers would make the decisions wrong rather than the load fail: a
/// temperature outside [`TEMPERATURES`] (NaN probabilities that never abstain, or a ranking
/// that the live scorer, which takes 1 for a temperature that is not positive, would turn
/// round again), a threshold that is NaN, infinite or negative, and names that are empty or
/// repeated (thresholds and corrections find a head by its name).
fn check_heads(heads: &[HeadInfo]) -> Result<()> {
    for (i, h) in heads.iter().enumerate() {
        if h.name.is_empty() || heads[..i].iter().any(|o| o.name == h.name) {
            return Err(invalid(format!(
                "head {i} has an empty or repeated name {:?}",
                h.name
            )));
        }
        if !TEMPERATURES.contains(&h.temperature) {
            return Err(invalid(format!(
                "head {:?}: temperature {} is not in [{}, {}]",
                h.name,
                h.temperature,
                TEMPERATURES.start(),
                TEMPERATURES.end()
            )));
        }
        if !(h.threshold.is_finite() && h.threshold >= 0.0) {
            return Err(invalid(format!(
                "head {:?}: threshold {} is not a finite number of at least 0",
                h.name, h.threshold
            )));
        }
    }
    Ok(())
}

/// `t`'s `raw_data` split into `n` little-endian values of `width` bytes, or `None` when
/// the values are in a typed field instead.
fn raw_values(
    t: &pb::TensorProto,
    n: usize,
    width: usize,
) -> Result<Option<std::slice::ChunksExact<'_, u8>>> {
    if t.raw_data.is_empty() {
        return Ok(None);
    }
    let bytes = n
        .checked_mul(width)
        .ok_or_else(|| invalid(format!("initializer {} has too many elements", t.name)))?;
    if t.raw_data.len() != bytes {
        return Err(invalid(format!(
            "initializer {} has {} bytes, expected {bytes}",
            t.name,
            t.raw_data.len(),
        )));
    }
    // An iterator, not a list: a list of slices is 16 bytes per value, eight times a
    // float16 table's own size (about 1 GB at load for a 2^20 × 64 embedding).
    Ok(Some(t.raw_data.chunks_exact(width)))
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

/// The graph's nodes that turn the input `tf` into the normalised values `xn`, by the
/// names of their outputs, in the order the writer adds them: the IDF gather, `tf × idf`,
/// its square, their sum over the message, plus epsilon, the root and the division.
const NORMALISATION: [&str; 7] = ["idf_g", "x", "x2", "ss", "ss_eps", "norm", "xn"];

/// Prepares a graph for tract to be fed the normalised values (`xn`, `tf × idf` at unit
/// L2 norm, [`crate::model::params::normalise`]) instead of the term frequencies: the
/// nodes that compute `xn` from `tf` are removed and the graph input `tf` becomes `xn`.
/// Gives whether it did; a graph that does not have exactly one node making each of these
/// values, or that reads one of them (but `xn`) elsewhere, is left as it is. Only the
/// names are checked, not what the nodes compute: the graph given here is the one
/// [`crate::model::onnx::model_proto`] writes for the decoded parameters, never a file's.
///
/// Why (issue #18): those seven nodes are a few hundred multiply-adds per message, but
/// tract runs each as an op of its own, with an output tensor and a broadcast per run,
/// and its `Gather` of the IDF entries collects the ids through ndarray's iterator a second
/// time (tract-core 0.23.9 `src/ops/array/gather.rs:62-65`). In Rust they are one pass
/// over the message's features, whose IDF entries an explanation then finds in cache. The
/// file keeps the whole graph, so every other runtime computes the same values.
pub(crate) fn feed_normalised(proto: &mut pb::ModelProto) -> bool {
    let Some(graph) = proto.graph.as_mut() else {
        return false;
    };
    let made = |name: &str| {
        graph
            .node
            .iter()
            .filter(|n| n.output.iter().any(|o| o == name))
            .count()
    };
    let removed =
        |n: &pb::NodeProto| n.output.len() == 1 && NORMALISATION.contains(&n.output[0].as_str());
    // Exactly one node makes each value, only they read `tf`, and only `xn` is read
    // outside them (nor is any of them a graph output).
    let reads_outside = |name: &str| {
        graph
            .node
            .iter()
            .filter(|n| !removed(n))
            .any(|n| n.input.iter().any(|i| i == name))
            || graph.output.iter().any(|o| o.name == name)
    };
    let shaped = NORMALISATION.iter().all(|name| made(name) == 1)
        && graph.input.iter().any(|i| i.name == "tf")
        && !graph.input.iter().any(|i| i.name == "xn")
        && !reads_outside("tf")
        && NORMALISATION[..6].iter().all(|name| !reads_outside(name));
    if !shaped {
        return false;
    }
    graph.node.retain(|n| !removed(n));
    for input in graph.input.iter_mut().filter(|i| i.name == "tf") {
        input.name = "xn".into();
    }
    // The IDF vector and epsilon are read by nothing else now; tract would keep them as
    // constants of no use.
    let read: std::collections::HashSet<String> = graph
        .node
        .iter()
        .flat_map(|n| n.input.iter().cloned())
        .collect();
    graph
        .initializer
        .retain(|t| !matches!(t.name.as_str(), "idf" | "eps") || read.contains(&t.name));
    true
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
        let widen = |b: u16| half::f16::from_bits(b).to_f32();
        match raw_values(t, n, 2)? {
            Some(raw) => raw
                .map(|c| widen(u16::from_le_bytes([c[0], c[1]])))
                .collect(),
            None if t.int32_data.len() == n => {
                t.int32_data.iter().map(|&v| widen(v as u16)).collect()
            }
            None => return Err(no_data(t)),
        }
    } else {
        match raw_values(t, n, 4)? {
            Some(raw) => raw
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
