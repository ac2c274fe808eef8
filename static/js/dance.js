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

// Two dancers' skeletons side by side at the video's moment, from the overlay's keypoints: each
// centred on its torso's midpoint and drawn at one size per torso length (the body unit the dance
// analysis measured), a mirrored dancer flipped.
(function () {
  "use strict";
  const canvas = document.getElementById("dance-skeletons");
  const page = document.getElementById("report-page");
  const player = document.getElementById("player");
  const info = document.getElementById("dance-skeleton-dancers");
  if (!canvas || !page || !player || !info || !page.dataset.overlayUrl) return;
  const dancers = JSON.parse(info.textContent);
  const pick = [document.getElementById("skeleton-a"), document.getElementById("skeleton-b")];
  const colours = ["#1f77b4", "#d62728"];
  let overlay = null;

  function indexOf(names, candidates) {
    for (const n of candidates) { const i = names.indexOf(n); if (i >= 0) return i; }
    return -1;
  }
  function draw() {
    if (!overlay) return;
    const ctx = canvas.getContext("2d");
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    const frame = overlay.frames[window.PoseCoach.nearestIndex(overlay.t, player.currentTime || 0)];
    const names = overlay.keypoints;
    const ends = [["left_shoulder", "LShoulder"], ["right_shoulder", "RShoulder"], ["left_hip", "LHip"], ["right_hip", "RHip"]]
      .map((c) => indexOf(names, c));
    const unit = canvas.height / 3.6;  // one torso length in canvas pixels: head to feet fits
    pick.forEach((select, panel) => {
      const dancer = dancers.find((d) => String(d.track) === select.value);
      const slot = overlay.tracks.indexOf(dancer ? dancer.track : -1);
      const cx = canvas.width * (panel + 0.5) / 2, cy = canvas.height * 0.42;
      ctx.fillStyle = "#111827"; ctx.font = "13px sans-serif"; ctx.textAlign = "center";
      ctx.fillText(dancer ? dancer.name + (dancer.mirrored ? " (mirrored)" : "") : "", cx, 16);
      const p = slot >= 0 && frame ? frame[slot] : null;
      if (!p || ends.some((i) => i < 0 || !p[3 * i + 2])) {
        ctx.fillStyle = "#6b7280"; ctx.fillText("not seen now", cx, cy); return;
      }
      const mid = (a, b, k) => (p[3 * ends[a] + k] + p[3 * ends[b] + k]) / 2;
      const ox = (mid(0, 1, 0) + mid(2, 3, 0)) / 2, oy = (mid(0, 1, 1) + mid(2, 3, 1)) / 2;
      const sx = (dancer.mirrored ? -1 : 1) * unit / dancer.scale, sy = unit / dancer.scale;
      const at = (k) => [cx + (p[3 * k] - ox) * sx, cy + (p[3 * k + 1] - oy) * sy];
      ctx.strokeStyle = colours[panel]; ctx.lineWidth = 3; ctx.lineCap = "round";
      for (const [a, b] of overlay.limbs) {
        if (!p[3 * a + 2] || !p[3 * b + 2]) continue;
        const [x0, y0] = at(a), [x1, y1] = at(b);
        ctx.beginPath(); ctx.moveTo(x0, y0); ctx.lineTo(x1, y1); ctx.stroke();
      }
    });
  }
  fetch(page.dataset.overlayUrl, { headers: { Accept: "application/json" } })
    .then((r) => (r.ok ? r.json() : null)).then((data) => { overlay = data; draw(); });
  ["timeupdate", "seeked"].forEach((ev) => player.addEventListener(ev, draw));
  pick.forEach((select) => select.addEventListener("change", draw));
})();
