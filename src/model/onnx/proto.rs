//! Small builders for ONNX protobuf values (tensors, nodes, attributes, value infos), so
//! that the writer reads as the graph it writes.
//!
//! Part of `model`: must not import `crate::train` or `crate::eval`.

use tract_onnx::pb;

use crate::model::params::to_f16;

pub(super) mod erased {
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

/// A dimension of a graph input or output: symbolic (named) or fixed.
pub(super) enum Dim {
    Param(&'static str),
    Value(i64),
}

pub(super) fn value_info(
    name: &str,
    dt: pb::tensor_proto::DataType,
    dims: &[Dim],
) -> pb::ValueInfoProto {
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

pub(super) fn node(
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

pub(super) fn attr_int(name: &str, v: i64) -> pb::AttributeProto {
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

pub(super) fn tensor_f32(name: &str, dims: &[i64], data: &[f32]) -> pb::TensorProto {
    let mut raw = Vec::with_capacity(data.len() * 4);
    for v in data {
        raw.extend_from_slice(&v.to_le_bytes());
    }
    raw_tensor(name, dims, pb::tensor_proto::DataType::Float, raw)
}

/// A float16 initializer from float32 values (rounded to nearest).
pub(super) fn tensor_f16(name: &str, dims: &[i64], data: &[f32]) -> pb::TensorProto {
    let mut raw = Vec::with_capacity(data.len() * 2);
    for &v in data {
        raw.extend_from_slice(&to_f16(v).to_bits().to_le_bytes());
    }
    raw_tensor(name, dims, pb::tensor_proto::DataType::Float16, raw)
}

/// `Cast(from) -> to` as float32.
pub(super) fn cast_to_f32(from: &str, to: &str) -> pb::NodeProto {
    node(
        "Cast",
        &[from],
        &[to],
        vec![attr_int("to", pb::tensor_proto::DataType::Float as i64)],
    )
}

pub(super) fn tensor_i32(name: &str, dims: &[i64], data: &[u32]) -> pb::TensorProto {
    let mut raw = Vec::with_capacity(data.len() * 4);
    for &v in data {
        raw.extend_from_slice(&(v.min(i32::MAX as u32) as i32).to_le_bytes());
    }
    raw_tensor(name, dims, pb::tensor_proto::DataType::Int32, raw)
}

pub(super) fn tensor_u8(name: &str, dims: &[i64], data: &[u8]) -> pb::TensorProto {
    raw_tensor(name, dims, pb::tensor_proto::DataType::Uint8, data.to_vec())
}

pub(super) fn tensor_i64(name: &str, dims: &[i64], data: &[i64]) -> pb::TensorProto {
    pb::TensorProto {
        dims: dims.to_vec(),
        data_type: pb::tensor_proto::DataType::Int64 as i32,
        name: name.into(),
        int64_data: data.to_vec(),
        ..Default::default()
    }
}

pub(super) fn tensor_u16(name: &str, dims: &[i64], data: &[u16]) -> pb::TensorProto {
    let raw = data.iter().flat_map(|v| v.to_le_bytes()).collect();
    raw_tensor(name, dims, pb::tensor_proto::DataType::Uint16, raw)
}

pub(super) fn attr_str(name: &str, v: &str) -> pb::AttributeProto {
    pb::AttributeProto {
        name: name.into(),
        s: v.as_bytes().to_vec(),
        r#type: pb::attribute_proto::AttributeType::String as i32,
        ..Default::default()
    }
}
