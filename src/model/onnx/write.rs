//! Writing a model file: the graph (normalisation, weights, heads, keyword prior) and its
//! metadata.
//!
//! Part of `model`: must not import `crate::train` or `crate::eval`.

use prost::Message as _;
use tract_onnx::pb;

use super::proto::{
    attr_int, attr_str, cast_to_f32, erased, node, tensor_f16, tensor_f32, tensor_i32, tensor_i64,
    tensor_u16, tensor_u8, value_info, Dim,
};
use super::{groups, invalid, PriorMeta, RankerMeta};
use super::{FORMAT_VERSION, KEY_PRIOR, KEY_SUMMARY, RANKER_OPSET};
use super::{KEY_FEATURES, KEY_FORM, KEY_FORMAT, KEY_HEADS, KEY_IDF, KEY_LIBRARY, KEY_LOSS};
use crate::model::params::{Layers, Params, NORM_EPS};
use crate::model::prior::{KeywordPrior, Tier};
use crate::model::summary::Summary;
use crate::Result;

/// Writes `params` and `summary` as ONNX protobuf bytes.
pub fn encode(params: &Params, summary: &Summary) -> Result<Vec<u8>> {
    Ok(model_proto(params, summary)?.encode_to_vec())
}

/// The ONNX model [`encode`] writes, before serialisation. Loading builds tract's plan from
/// this, made from the parameters just read, and not from the graph in the file.
pub(crate) fn model_proto(params: &Params, summary: &Summary) -> Result<pb::ModelProto> {
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
        prior_meta = Some(if prior.is_ranker() {
            ranker_graph(prior, &mut init, &mut nodes)?
        } else {
            prior_graph(prior, &mut init, &mut nodes)?
        });
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
    // The ranker form needs ScatterElements with `reduction` (opset 16) and format 4; other
    // files stay format 2 at opset 13, readable by older versions. Features with the
    // shared word space make format 5 (the graph is the same): an older version would
    // read the file but featurise without the space, and decide wrongly without a word.
    let ranker = params.prior.as_ref().is_some_and(KeywordPrior::is_ranker);
    let opset = if ranker { RANKER_OPSET } else { 13 };
    let format = if params.features.shared_words > 0.0 {
        FORMAT_VERSION
    } else if ranker {
        4
    } else {
        2
    };
    let mut meta = vec![
        (KEY_FORMAT, format.to_string()),
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
            version: opset,
        }],
        producer_name: "libsignatur".into(),
        producer_version: env!("CARGO_PKG_VERSION").into(),
        domain: "dk.signatur".into(),
        model_version: format as i64,
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
    Ok(model)
}
/// Adds the prior's initializers and nodes; its scaled scores are `kw_scaled` `[N, C]`.
pub(super) fn prior_graph(
    prior: &KeywordPrior,
    init: &mut Vec<pb::TensorProto>,
    nodes: &mut Vec<pb::NodeProto>,
) -> Result<PriorMeta> {
    let (slot, tiers) = prior.tables();
    let [Tier { class, weight, .. }] = tiers else {
        return Err(invalid("a keyword-form prior has one table"));
    };
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
        ranker: None,
    })
}

/// Adds a ranker-form prior's initializers and nodes; its scaled scores are `kw_scaled`
/// `[N, C]`.
///
/// `slot = Gather(kw_slot, ids)` encodes `row × T + tier`. A feature's postings (table
/// column and weight) sit in one row of its tier, padded to the tier's `K`. For each tier
/// `t`, `NonZero` picks the message positions whose feature is in that tier, and only their
/// rows are gathered: the work per message is its features' postings (each padded to at
/// most twice its length), not every feature times every tier's `K` (format 3 gathered a
/// padded row from each tier for each feature, 446 entries per feature on OS2KLE, which
/// made tract's element-by-element `ScatterElements` the whole cost). The weights times
/// `xn` are added into a flat `[N × columns]` table by `ScatterElements(reduction = add)`
/// at `n × columns + column`, where `n` is the message (a `CumSum` of ones down the batch).
/// The weights are stored as float16 (the builder rounds them so, so a prior in memory and
/// its file agree) and widened once at load. An emne's score is then its own column plus
/// its gruppe's and hovedgruppe's (three `Gather`s along the columns).
fn ranker_graph(
    prior: &KeywordPrior,
    init: &mut Vec<pb::TensorProto>,
    nodes: &mut Vec<pb::NodeProto>,
) -> Result<PriorMeta> {
    let (slot, tiers) = prior.tables();
    let (cols, columns) = prior.columns();
    let c = prior.labels();
    let n_tiers = tiers.len();
    init.push(tensor_i32("kw_slot", &[slot.len() as i64], slot));
    let scalar_i32 = |name: &str, v: u32| tensor_i32(name, &[], &[v]);
    init.push(scalar_i32("kw_ntiers", n_tiers as u32));
    init.push(tensor_f32(
        "kw_zrow",
        &[1, columns as i64],
        &vec![0.0; columns],
    ));
    init.push(tensor_f32("kw_scale", &[], &[prior.scale()]));
    init.push(tensor_f32("kw_fzero", &[], &[0.0]));
    init.push(tensor_f32("kw_fone", &[], &[1.0]));
    init.push(tensor_i64("kw_ione", &[], &[1]));
    init.push(tensor_i64("kw_axis0", &[], &[0]));
    init.push(tensor_i64("kw_axis1", &[1], &[1]));
    init.push(tensor_i64("kw_columns", &[], &[columns as i64]));
    init.push(tensor_i64("kw_shape_1d", &[1], &[-1]));
    init.push(tensor_i64("kw_shape_table", &[2], &[-1, columns as i64]));
    for (j, name) in ["kw_eidx", "kw_gidx", "kw_hidx"].into_iter().enumerate() {
        let idx: Vec<u32> = cols.iter().map(|t| t[j]).collect();
        init.push(tensor_i32(name, &[c as i64], &idx));
    }
    let gather = |axis| vec![attr_int("axis", axis)];
    let to = |t: pb::tensor_proto::DataType| vec![attr_int("to", t as i64)];
    let mut add = |op: &str, inputs: &[&str], output: &str, attrs| {
        nodes.push(node(op, inputs, &[output], attrs));
    };
    add("Gather", &["kw_slot", "ids"], "kw_s", gather(0));
    add("Div", &["kw_s", "kw_ntiers"], "kw_q", vec![]);
    add("Mod", &["kw_s", "kw_ntiers"], "kw_r", vec![]);
    add("Reshape", &["kw_q", "kw_shape_1d"], "kw_qf", vec![]);
    add("Reshape", &["kw_r", "kw_shape_1d"], "kw_rf", vec![]);
    add("Reshape", &["xn", "kw_shape_1d"], "kw_xf", vec![]);
    // Each position's message n, times the columns: where its table starts.
    add("Mul", &["xn", "kw_fzero"], "kw_z", vec![]);
    add("Add", &["kw_z", "kw_fone"], "kw_ones", vec![]);
    add("CumSum", &["kw_ones", "kw_axis0"], "kw_cs", vec![]);
    add(
        "Cast",
        &["kw_cs"],
        "kw_csi",
        to(pb::tensor_proto::DataType::Int64),
    );
    add("Sub", &["kw_csi", "kw_ione"], "kw_n", vec![]);
    add("Mul", &["kw_n", "kw_columns"], "kw_nb", vec![]);
    add("Reshape", &["kw_nb", "kw_shape_1d"], "kw_base", vec![]);
    // A zero table per message, flat.
    add(
        "ReduceSum",
        &["xn", "axis1"],
        "kw_n1",
        vec![attr_int("keepdims", 1)],
    );
    add("Mul", &["kw_n1", "kw_zrow"], "kw_zt", vec![]);
    add("Reshape", &["kw_zt", "kw_shape_1d"], "kw_acc_0", vec![]);
    let mut rows = Vec::with_capacity(n_tiers);
    for (t, tier) in tiers.iter().enumerate() {
        let r = tier.rows();
        rows.push(r);
        let (k, ri) = (tier.k as i64, r as i64);
        let n = |s: &str| format!("kw_{s}_{t}");
        init.push(scalar_i32(&n("tier"), t as u32));
        init.push(tensor_f16(&n("weight"), &[ri, k], &tier.weight));
        init.push(tensor_u16(&n("class"), &[ri, k], &tier.class));
        add("Equal", &["kw_rf", &n("tier")], &n("sel"), vec![]);
        add("NonZero", &[&n("sel")], &n("nz"), vec![]);
        add("Reshape", &[&n("nz"), "kw_shape_1d"], &n("pos"), vec![]);
        add("Gather", &["kw_qf", &n("pos")], &n("row"), gather(0));
        add("Gather", &["kw_xf", &n("pos")], &n("xs"), gather(0));
        add("Gather", &["kw_base", &n("pos")], &n("at"), gather(0));
        add("Gather", &[&n("weight"), &n("row")], &n("w16"), gather(0));
        add(
            "Cast",
            &[&n("w16")],
            &n("w"),
            to(pb::tensor_proto::DataType::Float),
        );
        add("Unsqueeze", &[&n("xs"), "kw_axis1"], &n("x2"), vec![]);
        add("Mul", &[&n("w"), &n("x2")], &n("v2"), vec![]);
        add("Reshape", &[&n("v2"), "kw_shape_1d"], &n("v"), vec![]);
        add("Gather", &[&n("class"), &n("row")], &n("c16"), gather(0));
        add(
            "Cast",
            &[&n("c16")],
            &n("c2"),
            to(pb::tensor_proto::DataType::Int64),
        );
        add("Unsqueeze", &[&n("at"), "kw_axis1"], &n("at2"), vec![]);
        add("Add", &[&n("c2"), &n("at2")], &n("cell2"), vec![]);
        add("Reshape", &[&n("cell2"), "kw_shape_1d"], &n("cell"), vec![]);
        let (acc, next) = (format!("kw_acc_{t}"), format!("kw_acc_{}", t + 1));
        let attrs = vec![attr_int("axis", 0), attr_str("reduction", "add")];
        add(
            "ScatterElements",
            &[&acc, &n("cell"), &n("v")],
            &next,
            attrs,
        );
    }
    add(
        "Reshape",
        &[&format!("kw_acc_{n_tiers}"), "kw_shape_table"],
        "kw_table",
        vec![],
    );
    add("Gather", &["kw_table", "kw_eidx"], "kw_e", gather(1));
    add("Gather", &["kw_table", "kw_gidx"], "kw_g", gather(1));
    add("Gather", &["kw_table", "kw_hidx"], "kw_h", gather(1));
    add("Add", &["kw_e", "kw_g"], "kw_eg", vec![]);
    add("Add", &["kw_eg", "kw_h"], "kw_scores", vec![]);
    add("Mul", &["kw_scores", "kw_scale"], "kw_scaled", vec![]);
    Ok(PriorMeta {
        head: prior.head(),
        labels: c,
        per_feature: prior.per_feature(),
        rows: prior.rows(),
        scale: prior.scale(),
        groups: [0, 0],
        stats: prior.stats().clone(),
        ranker: Some(RankerMeta {
            tiers: tiers.iter().map(|t| t.k).collect(),
            rows,
            columns,
        }),
    })
}
