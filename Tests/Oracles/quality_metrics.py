"""Reference values for Tests/SlipwayMonitoringTests/QualityMetricsTests.swift, computed with scikit-learn.

Run: python Tests/Oracles/quality_metrics.py  (needs scikit-learn; prints one JSON object).
The Swift test runs this script when SLIPWAY_SKLEARN_PYTHON (or /tmp/venv-examples/bin/python) has
scikit-learn, and otherwise compares with the values hard-coded from its output.
"""
import json

import numpy as np
from sklearn import metrics

# Multi-class: class 3 is never predicted, class 2 never true-positive.
mc_true = [0, 1, 2, 2, 1, 0, 3, 1, 0, 2]
mc_pred = [0, 1, 1, 2, 1, 0, 1, 2, 1, 0]
mc_proba = np.array([
    [0.7, 0.1, 0.1, 0.1], [0.1, 0.6, 0.2, 0.1], [0.2, 0.5, 0.2, 0.1], [0.1, 0.1, 0.7, 0.1],
    [0.05, 0.8, 0.1, 0.05], [0.9, 0.05, 0.03, 0.02], [0.1, 0.4, 0.2, 0.3], [0.1, 0.3, 0.5, 0.1],
    [0.3, 0.4, 0.2, 0.1], [0.4, 0.2, 0.3, 0.1],
])

# Binary with tied scores.
bin_true = [0, 0, 1, 1, 0, 1, 1, 0, 1, 0, 1]
bin_p1 = [0.1, 0.4, 0.35, 0.8, 0.4, 0.9, 0.4, 0.2, 0.65, 0.55, 0.0]
bin_proba = np.array([[1 - p, p] for p in bin_p1])
bin_pred = [int(p >= 0.5) for p in bin_p1]

reg_true = [3.0, -0.5, 2.0, 7.0, 4.25, 0.0]
reg_pred = [2.5, 0.0, 2.0, 8.0, 4.0, 0.5]

out = {
    "multiclass": {
        "accuracy": metrics.accuracy_score(mc_true, mc_pred),
        "precision_macro": metrics.precision_score(mc_true, mc_pred, average="macro", zero_division=0),
        "recall_macro": metrics.recall_score(mc_true, mc_pred, average="macro", zero_division=0),
        "f1_macro": metrics.f1_score(mc_true, mc_pred, average="macro", zero_division=0),
        "log_loss": metrics.log_loss(mc_true, mc_proba, labels=[0, 1, 2, 3]),
    },
    "binary": {
        "accuracy": metrics.accuracy_score(bin_true, bin_pred),
        "precision_macro": metrics.precision_score(bin_true, bin_pred, average="macro", zero_division=0),
        "recall_macro": metrics.recall_score(bin_true, bin_pred, average="macro", zero_division=0),
        "f1_macro": metrics.f1_score(bin_true, bin_pred, average="macro", zero_division=0),
        "log_loss": metrics.log_loss(bin_true, bin_proba),
        "roc_auc": metrics.roc_auc_score(bin_true, bin_p1),
    },
    "regression": {
        "mae": metrics.mean_absolute_error(reg_true, reg_pred),
        "rmse": metrics.root_mean_squared_error(reg_true, reg_pred),
        "r2": metrics.r2_score(reg_true, reg_pred),
        "mape": metrics.mean_absolute_percentage_error(reg_true, reg_pred),
    },
}
print(json.dumps(out, sort_keys=True))
