"""Runs a libsignatur model file in onnxruntime, for tests/onnx_runtime.rs.

Usage: python onnx_check.py MODEL.onnx INPUT.json OUTPUT.json

INPUT.json: {"ids": [[...], ...], "tf": [[...], ...]} (rows padded to equal length).
OUTPUT.json: {"outputs": {"probs_0": [[...], ...], ...}, "metadata": {...}}.
The model is first validated with onnx.checker (full check, with shape inference).
"""
import json
import sys

import numpy as np
import onnx
import onnxruntime as ort


def main() -> None:
    model_path, input_path, output_path = sys.argv[1:4]
    model = onnx.load(model_path)
    onnx.checker.check_model(model, full_check=True)
    with open(input_path, encoding="utf-8") as f:
        data = json.load(f)
    ids = np.asarray(data["ids"], dtype=np.int64)
    tf = np.asarray(data["tf"], dtype=np.float32)
    opts = ort.SessionOptions()
    opts.log_severity_level = 3
    sess = ort.InferenceSession(model_path, opts, providers=["CPUExecutionProvider"])
    names = [o.name for o in sess.get_outputs()]
    values = sess.run(names, {"ids": ids, "tf": tf})
    out = {
        "outputs": {n: v.tolist() for n, v in zip(names, values)},
        "metadata": {p.key: p.value for p in model.metadata_props},
        "opset": [o.version for o in model.opset_import if o.domain in ("", "ai.onnx")],
    }
    with open(output_path, "w", encoding="utf-8") as f:
        json.dump(out, f)


if __name__ == "__main__":
    main()
