//! `signatur inspect`.

use std::path::PathBuf;
use std::process::ExitCode;

use serde_json::json;
use signatur::Classifier;

/// Arguments of `signatur inspect`.
#[derive(clap::Args)]
pub struct Args {
    /// The model file.
    pub model: PathBuf,
}

pub fn run(args: Args) -> ExitCode {
    match Classifier::load(&args.model) {
        Ok(clf) => {
            let form = match &clf.params().layers {
                signatur::model::Layers::Linear { .. } => "linear".to_string(),
                signatur::model::Layers::LowRank { hidden, .. } => format!("low_rank:{hidden}"),
            };
            let heads: Vec<_> = clf
                .heads()
                .iter()
                .map(|h| {
                    let labels: Vec<_> = h.labels.iter().zip(&h.counts).map(|(l, c)| json!({"label": l, "messages": c})).collect();
                    json!({
                        "head": h.name, "labels": labels, "temperature": h.temperature, "threshold": h.threshold,
                        "target_precision": h.target_precision, "heldout_precision": h.heldout_precision,
                        "heldout_coverage": h.heldout_coverage,
                    })
                })
                .collect();
            crate::out(format_args!(
                "{}",
                crate::value_line(
                    json!({ "model": args.model.display().to_string(), "form": form, "loss": clf.params().loss.as_str(), "features": clf.feature_config(), "heads": heads, "summary": clf.summary() })
                )
            ));
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!(
                "signatur inspect: {}",
                crate::about(e, &args.model.display().to_string())
            );
            ExitCode::FAILURE
        }
    }
}
