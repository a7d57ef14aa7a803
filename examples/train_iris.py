"""Trains the demo model that `slipway serve --demo` and the README use, and writes it to iris/.

A scikit-learn pipeline (StandardScaler + LogisticRegression) on the iris data set, converted with
skl2onnx (zipmap=False: a label tensor and a probability tensor). Deterministic: re-running it
writes the same model.onnx.

    python3 -m venv .venv-examples && .venv-examples/bin/pip install scikit-learn skl2onnx onnx onnxruntime
    .venv-examples/bin/python examples/train_iris.py
"""
import json
import pathlib

import numpy as np
import onnxruntime as ort
from skl2onnx import to_onnx
from sklearn.datasets import load_iris
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

here = pathlib.Path(__file__).resolve().parent / "iris"
here.mkdir(exist_ok=True)

data = load_iris()
X = data.data.astype(np.float32)
y = data.target
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.3, random_state=7, stratify=y)
model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=500, random_state=7)).fit(X_train, y_train)

onx = to_onnx(model, X_train[:1], options={id(model.steps[-1][1]): {"zipmap": False}}, target_opset={"": 17, "ai.onnx.ml": 3})
onx.producer_name = "slipway-examples"
onx.doc_string = "Iris species from sepal and petal length and width (cm): 0 setosa, 1 versicolor, 2 virginica."
(here / "model.onnx").write_bytes(onx.SerializeToString())

rows = X_test[:2]
request = {
    "id": "demo-1",
    "inputs": [{"name": "X", "shape": list(rows.shape), "datatype": "FP32", "data": rows.astype(np.float64).round(1).tolist()}],
}
(here / "request.json").write_text(json.dumps(request) + "\n")

session = ort.InferenceSession(str(here / "model.onnx"))
label, probabilities = session.run(None, {"X": np.array(request["inputs"][0]["data"], dtype=np.float32)})
print("onnxruntime:", label.tolist(), probabilities.round(4).tolist())
print("test accuracy:", model.score(X_test, y_test))
