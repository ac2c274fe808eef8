"""Plotly figures of a team model version, built from stored metrics (plain dicts)."""

from __future__ import annotations

from typing import Any


def confusion_figure(classes: list[str], confusion: list[list[int]], title: str) -> dict[str, Any]:
    """Cross-validated confusion matrix: rows the coaches' labels, columns the predictions; each
    cell shows its count and the share of its row. Classes nobody labelled and nothing was
    predicted as (most of the base model's, for a team's few moves) are left out."""
    keep = [i for i in range(len(classes))
            if sum(confusion[i]) or sum(row[i] for row in confusion)]
    classes = [classes[i] for i in keep]
    confusion = [[confusion[i][j] for j in keep] for i in keep]
    totals = [max(1, sum(row)) for row in confusion]
    shares = [[round(v / totals[i], 3) for v in row] for i, row in enumerate(confusion)]
    text = [[f"{v}<br>{shares[i][j]:.0%}" for j, v in enumerate(row)] for i, row in enumerate(confusion)]
    return {
        "data": [{
            "type": "heatmap", "z": shares, "x": classes, "y": classes, "text": text,
            "texttemplate": "%{text}", "colorscale": [[0, "#f8fafc"], [1, "#1d4ed8"]], "zmin": 0, "zmax": 1,
            "hovertemplate": "labelled %{y}, predicted %{x}: %{text}<extra></extra>",
            "colorbar": {"title": {"text": "share of row"}, "tickformat": ".0%"},
        }],
        "layout": {
            "title": {"text": title}, "height": 220 + 42 * len(classes),
            "margin": {"l": 110, "r": 20, "t": 50, "b": 110},
            "xaxis": {"title": {"text": "predicted"}, "side": "bottom"},
            "yaxis": {"title": {"text": "labelled by the coach"}, "autorange": "reversed"},
        },
    }
