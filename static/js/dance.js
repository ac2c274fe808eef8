// Report page, dance (issue 25): the accents and sync-score charts with a playhead, a click on a
// chart seeks the video, and the offset table follows the chosen reference (group or a lead dancer).
(function () {
  "use strict";
  const source = document.getElementById("dance-figures");
  const player = document.getElementById("player");
  if (!source || !player) return;
  const figures = JSON.parse(source.textContent);
  const config = { responsive: true, displaylogo: false, modeBarButtonsToRemove: ["select2d", "lasso2d"] };
  const charts = [["chart-dance-accents", figures.accents], ["chart-dance-sync", figures.sync]]
    .filter(([id, fig]) => fig && document.getElementById(id));

  function playhead(t) {
    return { type: "line", xref: "x", yref: "paper", x0: t, x1: t, y0: 0, y1: 1,
             line: { color: "#f59e0b", width: 2 }, name: "playhead" };
  }
  if (window.Plotly) {
    for (const [id, fig] of charts) {
      Plotly.newPlot(id, fig.data, fig.layout, config);
      document.getElementById(id).on("plotly_click", (event) => {
        const point = event.points && event.points[0];
        if (!point) return;
        player.currentTime = Math.max(0, Number(point.customdata !== undefined ? point.customdata : point.x));
        player.pause();
      });
    }
    let pending = false;
    const move = () => {
      if (pending) return;
      pending = true;
      requestAnimationFrame(() => {
        pending = false;
        for (const [id] of charts) {
          const el = document.getElementById(id);
          if (!el.layout) continue;
          const shapes = (el.layout.shapes || []).filter((s) => s.name !== "playhead");
          shapes.push(playhead(player.currentTime));
          Plotly.relayout(el, { shapes });
        }
      });
    };
    ["timeupdate", "seeked"].forEach((ev) => player.addEventListener(ev, move));
    const fold = document.getElementById("dance-fold");
    if (fold) fold.addEventListener("toggle", () => {
      if (fold.open) charts.forEach(([id]) => Plotly.Plots.resize(id));
    });
  }

  const reference = document.getElementById("sync-reference");
  if (reference) reference.addEventListener("change", () => {
    document.querySelectorAll("table.sync-table").forEach((table) => {
      table.hidden = table.dataset.reference !== reference.value;
    });
  });
})();
