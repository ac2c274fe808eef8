// Progress page: one Plotly trend chart per (action, metric); a click on a point opens that
// analysis' report at the moment the value was measured (#t=seconds, read by progress-report.js).
(function () {
  "use strict";
  // The date inputs show the browser's own format (mm/dd/yyyy in an American browser); beside
  // each, the chosen day as every page writes it (coaching.formats.day_text: "2 Nov 2026").
  const DAY = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" });
  document.querySelectorAll("input[type=date]").forEach((input) => {
    const out = document.getElementById(input.getAttribute("aria-describedby"));
    if (!out) return;
    input.addEventListener("change", () => {
      out.textContent = input.valueAsDate ? DAY.format(input.valueAsDate).replace("Sept", "Sep") : "any day";
    });
  });
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
