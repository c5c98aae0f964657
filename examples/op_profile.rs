//! Where a tract run's time goes, node by node: runs a model file's optimised plan on the
//! demo corpus texts one message at a time, times every node, and prints the nodes by total
//! time (with the size of each node's largest input, for a cost per element) and the
//! featuriser's time beside them (issues #17 and #18).
//!
//! ```sh
//! cargo run --release --example op_profile -- MODEL.onnx [ROUNDS] [TOP]
//! ```
//!
//! The plan is built from the file's own graph (for a file this version wrote, the graph
//! `Classifier` builds too), so node names are the exporter's (`ScatterElements_kw_acc_7`,
//! `Gather_rows16`, …). The timing wraps each node's `eval` with `Instant`, which adds
//! about 50 ns per node: compare nodes with each other, not with criterion's totals.

use std::collections::HashMap;
use std::error::Error;
use std::time::Instant;

use signatur::eval::{read_message, Dataset, TextMode};
use signatur::{Classifier, Message};
use tract_onnx::prelude::*;
use tract_onnx::tract_core::plan::{eval, SimpleState};

fn main() -> Result<(), Box<dyn Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(path) = args.first() else {
        return Err("usage: op_profile MODEL.onnx [ROUNDS] [TOP]".into());
    };
    let rounds: usize = args.get(1).map_or(Ok(3), |s| s.parse())?;
    let top: usize = args.get(2).map_or(Ok(30), |s| s.parse())?;
    let clf = Classifier::load(path)?;
    let ds = Dataset::load(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/demo/corpus/manifest.csv"
    ))?;
    let texts: Vec<String> = ds
        .items
        .iter()
        .filter_map(|it| read_message(&it.path, TextMode::Mail).ok())
        .map(|m| format!("{}\n\n{}", m.subject, m.body.text))
        .collect();
    let plan = tract_onnx::onnx()
        .model_for_path(path)?
        .into_optimized()?
        .into_runnable()?;
    // Per node: (total seconds, op name, node name, elements of its largest input).
    let mut per_node: HashMap<usize, (f64, String, String, usize)> = HashMap::new();
    let (mut featurise, mut features) = (0.0f64, 0usize);
    let started = Instant::now();
    for _ in 0..rounds {
        for text in &texts {
            let t = Instant::now();
            let x = clf.featurizer().featurize(&Message::from_text(text));
            featurise += t.elapsed().as_secs_f64();
            // As `Classifier` feeds tract: at least one (padding) feature.
            let l = x.ids.len().max(1);
            features += x.ids.len();
            let mut ids: Vec<i64> = x.ids.iter().map(|&i| i64::from(i)).collect();
            let mut tf = x.vals.clone();
            ids.resize(l, 0);
            tf.resize(l, 0.0);
            let inputs = tvec!(
                Tensor::from_shape(&[1, l], &ids)?.into(),
                Tensor::from_shape(&[1, l], &tf)?.into()
            );
            let mut state = SimpleState::new(&plan)?;
            state.run_plan_with_eval(inputs, |ctx, op_state, node, input| {
                let elements = input.iter().map(|v| v.len()).max().unwrap_or(0);
                let t = Instant::now();
                let out = eval(ctx, op_state, node, input);
                let entry = per_node
                    .entry(node.id)
                    .or_insert_with(|| (0.0, node.op.name().to_string(), node.name.clone(), 0));
                entry.0 += t.elapsed().as_secs_f64();
                entry.3 += elements;
                out
            })?;
        }
    }
    let runs = (texts.len() * rounds) as f64;
    let micros = |s: f64| s / runs * 1e6;
    let mut nodes: Vec<_> = per_node.into_values().collect();
    nodes.sort_by(|a, b| b.0.total_cmp(&a.0));
    let in_nodes: f64 = nodes.iter().map(|n| n.0).sum();
    println!(
        "{} texts x {rounds}: {:.0} µs per text in all ({:.0} µs featurising, {:.0} features on \
         average; {:.0} µs in {} nodes)",
        texts.len(),
        micros(started.elapsed().as_secs_f64()),
        micros(featurise),
        features as f64 / runs,
        micros(in_nodes),
        nodes.len()
    );
    let mut by_op: HashMap<&str, f64> = HashMap::new();
    for (t, op, _, _) in &nodes {
        *by_op.entry(op.as_str()).or_default() += t;
    }
    let mut ops: Vec<_> = by_op.into_iter().collect();
    ops.sort_by(|a, b| b.1.total_cmp(&a.1));
    println!("\nper op type, µs per text:");
    for (op, t) in &ops {
        println!("{:9.1}  {op}", micros(*t));
    }
    println!("\nslowest {top} nodes: µs per text, elements of the largest input per text, ns per element:");
    for (t, op, name, elements) in nodes.iter().take(top) {
        println!(
            "{:9.1}  {:9.0}  {:6.1}  {op:<18} {name}",
            micros(*t),
            *elements as f64 / runs,
            t * 1e9 / (*elements).max(1) as f64
        );
    }
    Ok(())
}
