"""Classification metrics as plain lists, for model cards and the training page."""

from __future__ import annotations

from typing import Any

import numpy as np


def confusion_matrix(true: np.ndarray, predicted: np.ndarray, num_classes: int) -> np.ndarray:
    """(C, C) counts; rows are the true class, columns the predicted one."""
    matrix = np.zeros((num_classes, num_classes), np.int64)
    np.add.at(matrix, (np.asarray(true, int), np.asarray(predicted, int)), 1)
    return matrix


def summarize(true: np.ndarray, predicted: np.ndarray, classes: tuple[str, ...]) -> dict[str, Any]:
    """{"accuracy", "per_class": {class: recall or None}, "confusion": rows=true, "classes"}."""
    matrix = confusion_matrix(true, predicted, len(classes))
    totals = matrix.sum(axis=1)
    per_class = {c: (round(float(matrix[i, i] / totals[i]), 4) if totals[i] else None) for i, c in enumerate(classes)}
    accuracy = float(np.trace(matrix) / max(matrix.sum(), 1))
    return {"accuracy": round(accuracy, 4), "per_class": per_class, "confusion": matrix.tolist(),
            "classes": list(classes), "samples": int(matrix.sum())}  # fmt: skip


def markdown_confusion(summary: dict[str, Any]) -> str:
    """The confusion matrix as a Markdown table (rows true, columns predicted) with per-class accuracy."""
    classes = summary["classes"]
    lines = ["| true \\ predicted | " + " | ".join(classes) + " | accuracy |",
             "| --- |" + " ---: |" * (len(classes) + 1)]  # fmt: skip
    for c, row in zip(classes, summary["confusion"], strict=True):
        acc = summary["per_class"][c]
        lines.append(f"| {c} | " + " | ".join(str(v) for v in row) + f" | {'—' if acc is None else f'{acc:.0%}'} |")
    return "\n".join(lines)
