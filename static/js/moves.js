// Moves page: the confusion matrix of the latest version, and a training run's progress.
(function () {
  "use strict";
  const source = document.getElementById("confusion-figure");
  if (source && window.Plotly) {
    const fig = JSON.parse(source.textContent);
    Plotly.newPlot("chart-confusion", fig.data, fig.layout, { responsive: true, displaylogo: false });
  }
  const box = document.getElementById("training");
  if (!box) return;
  const bar = document.getElementById("training-progress");
  const state = document.getElementById("training-state");
  async function follow() {
    const response = await fetch(box.dataset.statusUrl, { headers: { Accept: "application/json" } });
    if (!response.ok) return;
    const data = await response.json();
    bar.value = data.progress;
    state.textContent = data.status === "failed" ? "Failed: " + data.error
      : (data.message || "Working") + " (" + data.progress + "%)";
    if (data.status === "done" || data.status === "failed") { window.location.reload(); return; }
    setTimeout(follow, 1500);
  }
  follow();
})();
