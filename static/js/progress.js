// Progress page: one Plotly trend chart per (action, metric); a click on a point opens that
// analysis' report at the moment the value was measured (#t=seconds, read by progress-report.js).
(function () {
  "use strict";
  const source = document.getElementById("progress-figures");
  if (!source || !window.Plotly) return;
  const figures = JSON.parse(source.textContent);
  const reportUrl = JSON.parse(document.getElementById("progress-report-url").textContent);
  const config = { responsive: true, displaylogo: false, modeBarButtonsToRemove: ["select2d", "lasso2d"] };
  document.querySelectorAll("[data-figure]").forEach((el) => {
    const fig = figures[el.dataset.figure];
    if (!fig) return;
    Plotly.newPlot(el, fig.data, fig.layout, config);
    el.on("plotly_click", (event) => {
      const point = event.points && event.points[0];
      if (!point || !point.customdata) return;
      const [analysisId, t] = point.customdata;
      window.location.href = reportUrl.replace("/0/", "/" + analysisId + "/") + "#t=" + t;
    });
  });
})();
