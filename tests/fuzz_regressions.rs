//! Every input a fuzz target (`fuzz/`) found to crash, hang or exhaust memory, as a named
//! test: the input itself where it is ours to commit (`tests/fixtures/fuzz/`), and the
//! same fault built by hand from a valid file, so the test does not hang on one byte
//! pattern. fuzz/README.md lists them.

use prost::Message as _;
use signatur::features::FeatureConfig;
use signatur::kle::Taxonomy;
use signatur::train::{keyword_model, KeywordOptions};
use signatur::{Classifier, ErrorKind};
use tract_onnx::pb;

const TXT: &str = "KLENummer='02.34.02':KLETitel='Byggetilladelser':Keywords[Weight]=byggetilladelse[5];carport[5];\n\
KLENummer='17.01.00':KLETitel='Skoler':Keywords[Weight]=skolebus[5];frokostordning[5];\n";

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/fixtures/fuzz/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// A small valid model file, decoded, to damage by hand.
fn valid_proto() -> pb::ModelProto {
    let t = Taxonomy::from_os2kle_txt(TXT).unwrap();
    let model = keyword_model(&t, &FeatureConfig::default(), &KeywordOptions::default()).unwrap();
    let bytes = model.to_onnx().unwrap();
    Classifier::from_bytes(&bytes).expect("the undamaged file loads");
    pb::ModelProto::decode(bytes.as_slice()).unwrap()
}

fn refused(bytes: &[u8], expect: &str) {
    let err = Classifier::from_bytes(bytes).expect_err("a damaged graph must be refused");
    assert_eq!(err.kind(), ErrorKind::InvalidModel, "{err}");
    assert!(err.to_string().contains(expect), "{err}");
}

/// `model` target, 1-hour run of 2026-12-05 (`crash-f15a00fd…`): a mutated model whose
/// graph output names nothing in the graph. tract-onnx 0.23.9 indexed its name map with
/// it and panicked (`src/model.rs:187`, "no entry found for key"); the C ABI's panic
/// boundary turned that into `SIGNATUR_STATUS_PANIC`, a Rust caller got the panic.
#[test]
fn model_whose_graph_output_is_undefined_is_refused() {
    refused(
        &fixture("model-graph-output-undefined.onnx"),
        "is not defined by any input, initializer or node",
    );
    let mut proto = valid_proto();
    proto.graph.as_mut().unwrap().output[0].name = "nowhere".into();
    refused(
        &proto.encode_to_vec(),
        "graph output \"nowhere\" is not defined",
    );
}

/// The same unchecked lookup on a node's input: refused with its own message.
#[test]
fn model_whose_node_reads_an_undefined_name_is_refused() {
    let mut proto = valid_proto();
    let graph = proto.graph.as_mut().unwrap();
    let last = graph.node.len() - 1;
    graph.node[last].input[0] = "nowhere".into();
    refused(&proto.encode_to_vec(), "reads \"nowhere\"");
}

/// tract resolves names across subgraphs with the same indexing; libsignatur never
/// writes one, so a node that holds a subgraph is refused before tract sees it.
#[test]
fn model_with_a_subgraph_is_refused() {
    let mut proto = valid_proto();
    let graph = proto.graph.as_mut().unwrap();
    let inner = pb::GraphProto {
        name: "inner".into(),
        ..Default::default()
    };
    graph.node[0].attribute.push(pb::AttributeProto {
        name: "then_branch".into(),
        g: Some(inner),
        ..Default::default()
    });
    refused(&proto.encode_to_vec(), "holds a subgraph");
}
