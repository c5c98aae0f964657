//! Every input a fuzz target (`fuzz/`) found to crash, hang or exhaust memory, as a named
//! test: the input itself where it is ours to commit (`tests/fixtures/fuzz/`), and the
//! same fault built by hand from a valid file, so the test does not hang on one byte
//! pattern. fuzz/README.md lists them.

use prost::Message as _;
use signatur::features::FeatureConfig;
use signatur::kle::Taxonomy;
use signatur::train::RankerOptions;
use signatur::train::{keyword_model, ranker_features, ranker_model, KeywordOptions};
use signatur::{Classifier, ErrorKind, Message};
use tract_onnx::pb;

const TXT: &str = "KLENummer='02.34.02':KLETitel='Byggetilladelser':Keywords[Weight]=byggetilladelse[5];carport[5];\n\
KLENummer='17.01.00':KLETitel='Skoler':Keywords[Weight]=skolebus[5];frokostordning[5];\n";

/// The KLE ranker's taxonomy: enough emner and keywords for several tiers.
const RANKER_TXT: &str = "KLENummer='02.00.00':KLETitel='Byggeri i almindelighed':Keywords[Weight]=byggeri[5];\n\
KLENummer='02.34.00':KLETitel='Byggesager i almindelighed':Keywords[Weight]=byggesag[5];\n\
KLENummer='02.34.02':KLETitel='Byggetilladelser':Keywords[Weight]=byggetilladelse[5];carport[5];tilbygning[5];\n\
KLENummer='32.18.00':KLETitel='Sociale ydelser':Keywords[Weight]=ydelse[5];særlig støtte[10];\n\
KLENummer='27.36.02':KLETitel='Børnetandpleje':Keywords[Weight]=tandregulering[5];\n\
KLENummer='17.01.00':KLETitel='Skoler':Keywords[Weight]=skolebus[5];frokostordning[5];\n\
KLENummer='05.07.02':KLETitel='Vintertjeneste':Keywords[Weight]=snerydning[5];glatførebekæmpelse[5];saltning[5];\n";

/// The message the `model` fuzz target classifies with every model that loads.
const FUZZ_MESSAGE: &str = "Ansøgning om byggetilladelse til carport, sagsnr. 02.34.02-P19-1-24";

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

/// A small valid KLE ranker file (format 4).
fn ranker_bytes() -> Vec<u8> {
    let t = Taxonomy::from_os2kle_txt(RANKER_TXT).unwrap();
    let features = FeatureConfig {
        hash_bits: 12,
        ..ranker_features()
    };
    ranker_model(&t, &features, &RankerOptions::default())
        .unwrap()
        .to_onnx()
        .unwrap()
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

/// `model` target, second 1-hour run of 2026-12-05 (`crash-a7e73d00…`): a ranker model
/// file in which the node that gathers tier 5's label columns reads tier 4's table
/// (`kw_class_4` for `kw_class_5`): well-formed ONNX, so it loaded, and tract 0.23.9
/// panicked while it ran, in `ScatterElements` ("ndarray: index out of bounds").
/// tract now runs the graph written for the parameters read from the file, so an edited
/// graph decides as the parameters say; this one classifies.
#[test]
fn ranker_whose_node_reads_another_tiers_table_decides_by_its_parameters() {
    let clf = Classifier::from_bytes(&fixture("ranker-node-reads-another-tier.onnx"))
        .expect("the parameters in the file are intact");
    let dec = clf.classify(&Message::from_text(FUZZ_MESSAGE)).unwrap();
    assert!(!dec.heads[0].labels.is_empty());

    // The same edit by hand: the decisions are those of the undamaged file.
    let bytes = ranker_bytes();
    let mut proto = pb::ModelProto::decode(bytes.as_slice()).unwrap();
    let graph = proto.graph.as_mut().unwrap();
    let tiers = graph
        .node
        .iter()
        .filter(|n| n.op_type == "ScatterElements")
        .count();
    assert!(tiers >= 2, "{tiers} tiers: nothing to mix up");
    let last = format!("kw_class_{}", tiers - 1);
    let gather = graph
        .node
        .iter_mut()
        .find(|n| n.op_type == "Gather" && n.input[0] == last)
        .unwrap();
    gather.input[0] = "kw_class_0".into();
    let edited = Classifier::from_bytes(&proto.encode_to_vec()).unwrap();
    let intact = Classifier::from_bytes(&bytes).unwrap();
    for text in [
        FUZZ_MESSAGE,
        "Snerydning og saltning på Egevej",
        "Tak for sidst.",
    ] {
        let (a, b) = (
            intact.classify(&Message::from_text(text)).unwrap(),
            edited.classify(&Message::from_text(text)).unwrap(),
        );
        assert_eq!(a.heads[0].labels, b.heads[0].labels, "{text}");
    }
}

/// `model` target, third 1-hour run of 2026-12-05 (`crash-1bd8981a…`): a ranker file whose
/// tier 5 holds entries with weight 0 (padding) and a label column past the table (59 of
/// 37). The reader checked the column only for entries with a weight, since the
/// in-process scorer skips the others; the graph adds every entry into its cell, so tract
/// indexed out of bounds in `ScatterElements` while it ran. Every entry's column is
/// checked now, and such a file is refused.
#[test]
fn ranker_with_a_padding_entry_past_the_table_is_refused() {
    refused(
        &fixture("ranker-padding-label-past-table.onnx"),
        "weight 0) for 37 labels",
    );

    // The same fault by hand: one padding entry of a ranker pointed past the table.
    let bytes = ranker_bytes();
    let mut proto = pb::ModelProto::decode(bytes.as_slice()).unwrap();
    let graph = proto.graph.as_mut().unwrap();
    let mut done = false;
    for tier in 0.. {
        let Some(w) = graph
            .initializer
            .iter()
            .position(|i| i.name == format!("kw_weight_{tier}"))
        else {
            break;
        };
        // float16 +0 is two zero bytes.
        let Some(e) = graph.initializer[w]
            .raw_data
            .chunks(2)
            .position(|b| b == [0, 0])
        else {
            continue;
        };
        let c = graph
            .initializer
            .iter_mut()
            .find(|i| i.name == format!("kw_class_{tier}"))
            .unwrap();
        c.raw_data[2 * e..2 * e + 2].copy_from_slice(&u16::MAX.to_le_bytes());
        done = true;
        break;
    }
    assert!(done, "the ranker has no padding entry to damage");
    refused(&proto.encode_to_vec(), "(label 65535, weight 0)");
}

/// From a read-only review: row 0 of a ranker tier belongs to every feature without a row
/// of its own. The graph gathers it for them and the in-process scorer skips it, so a
/// weight there made tract and the live scorer (after the first correction) disagree.
/// Such a file is refused.
#[test]
fn ranker_with_a_weight_in_row_0_is_refused() {
    let bytes = ranker_bytes();
    let mut proto = pb::ModelProto::decode(bytes.as_slice()).unwrap();
    let graph = proto.graph.as_mut().unwrap();
    let w = graph
        .initializer
        .iter_mut()
        .find(|i| i.name == "kw_weight_0")
        .expect("a ranker has tier 0");
    // float16 1.0 in the first entry of row 0.
    w.raw_data[0..2].copy_from_slice(&0x3c00u16.to_le_bytes());
    refused(&proto.encode_to_vec(), "tier 0: row 0 has a weight");
    assert!(Classifier::from_bytes(&bytes).is_ok());
}
