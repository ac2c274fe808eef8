"""Plotly figures of a team model version, built from stored metrics (plain dicts)."""

from __future__ import annotations

from typing import Any


def confusion_figure(classes: list[str], confusion: list[list[int]], title: str) -> dict[str, Any]:
    """Cross-validated confusion matrix: rows the coaches' labels, columns the predictions; each
    cell shows its count and the share of its row."""
    totals = [max(1, sum(row)) for row in confusion]
    shares = [[round(v / totals[i], 3) for v in row] for i, row in enumerate(confusion)]
    text = [[f"{v}<br>{shares[i][j]:.0%}" for j, v in enumerate(row)] for i, row in enumerate(confusion)]
    return {
        "data": [{
            "type": "heatmap", "z": shares, "x": classes, "y": classes, "text": text,
            "texttemplate": "%{text}", "colorscale": "Blues", "zmin": 0, "zmax": 1,
            "hovertemplate": "labelled %{y}, predicted %{x}: %{text}<extra></extra>",
            "colorbar": {"title": {"text": "share of row"}, "tickformat": ".0%"},
        }],
        "layout": {
            "title": {"text": title}, "height": 160 + 42 * len(classes),
            "margin": {"l": 110, "r": 20, "t": 50, "b": 110},
            "xaxis": {"title": {"text": "predicted"}, "side": "bottom"},
            "yaxis": {"title": {"text": "labelled by the coach"}, "autorange": "reversed"},
        },
    }
