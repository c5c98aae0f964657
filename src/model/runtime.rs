//! The one module that speaks tract: builds an optimised plan from the model file and runs
//! it. Everything outside sees plain slices and `Vec`s.
//!
//! Part of `model`: must not import `crate::train` or `crate::eval`.

use std::sync::Arc;

use tract_onnx::pb;
use tract_onnx::prelude::*;

use crate::{Error, ErrorKind, Result};

/// An optimised, runnable plan. `Send + Sync`: one per model, shared by all threads.
pub(crate) struct Runtime {
    plan: Arc<TypedRunnableModel>,
    /// Labels per head, in output order, to check output shapes.
    head_sizes: Vec<usize>,
}

impl std::fmt::Debug for Runtime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Runtime")
            .field("head_sizes", &self.head_sizes)
            .finish_non_exhaustive()
    }
}

fn model_error(e: impl std::fmt::Display) -> Error {
    Error::new(
        ErrorKind::InvalidModel,
        format!("tract could not build a plan from the graph: {e:#}"),
    )
}

impl Runtime {
    /// Builds the plan once; checks that inputs and outputs are what the featuriser and the
    /// decision expect, so a mismatch fails at load time and not per message.
    pub(crate) fn new(proto: &pb::ModelProto, head_sizes: Vec<usize>) -> Result<Runtime> {
        let model = tract_onnx::onnx()
            .model_for_proto_model(proto)
            .map_err(model_error)?;
        let ins: Vec<String> = model
            .input_outlets()
            .map_err(model_error)?
            .iter()
            .map(|o| model.node(o.node).name.clone())
            .collect();
        if ins != ["ids", "tf"] {
            return Err(Error::new(
                ErrorKind::InvalidModel,
                format!("graph inputs are {ins:?}, expected [\"ids\", \"tf\"]"),
            ));
        }
        let outs = model.output_outlets().map_err(model_error)?.len();
        if outs != head_sizes.len() {
            return Err(Error::new(
                ErrorKind::InvalidModel,
                format!("graph has {outs} outputs for {} heads", head_sizes.len()),
            ));
        }
        let plan = model
            .into_optimized()
            .map_err(model_error)?
            .into_runnable()
            .map_err(model_error)?;
        Ok(Runtime { plan, head_sizes })
    }

    /// Runs a batch of `n` rows of `l` features (`ids` and `tf` are `n × l`, row-major,
    /// padded with id 0 and tf 0). Returns per head the `n × labels` probabilities.
    pub(crate) fn run(
        &self,
        ids: Vec<i64>,
        tf: Vec<f32>,
        n: usize,
        l: usize,
    ) -> Result<Vec<Vec<f32>>> {
        let infer = |e: TractError| Error::new(ErrorKind::Inference, format!("{e:#}"));
        let ids = Tensor::from_shape(&[n, l], &ids).map_err(infer)?;
        let tf = Tensor::from_shape(&[n, l], &tf).map_err(infer)?;
        let outputs = self.plan.run(tvec!(ids.into(), tf.into())).map_err(infer)?;
        let mut result = Vec::with_capacity(outputs.len());
        for (out, &size) in outputs.iter().zip(&self.head_sizes) {
            let view = out.to_plain_array_view::<f32>().map_err(infer)?;
            if view.shape() != [n, size] {
                return Err(Error::new(
                    ErrorKind::Inference,
                    format!("output shape {:?}, expected [{n}, {size}]", view.shape()),
                ));
            }
            result.push(view.iter().copied().collect());
        }
        Ok(result)
    }
}
