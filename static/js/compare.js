// Compare page: video A drives, video B follows A's clock through the DTW time map (seeking
// when it drifts, otherwise matching its playback rate to the map's local slope); angle curves
// of both in A's time with a playhead; both skeletons drawn over each other at the same size.
(function () {
  "use strict";
  const page = document.getElementById("compare-page");
  const source = document.getElementById("compare-data");
  if (!page || !source) return;
  const data = JSON.parse(source.textContent);
  const a = document.getElementById("video-a"), b = document.getElementById("video-b");
  const segA = data.segments.a;
  const ta = data.time_map.ta, tb = data.time_map.tb;
  const DRIFT_S = 0.12;  // B further than this from where the map says: seek it

  function mapTime(t) {  // piecewise-linear interpolation of the time map, held at the ends
    if (t <= ta[0]) return tb[0];
    const last = ta.length - 1;
    if (t >= ta[last]) return tb[last];
    let lo = 0, hi = last;
    while (hi - lo > 1) { const mid = (lo + hi) >> 1; if (ta[mid] <= t) lo = mid; else hi = mid; }
    const f = (t - ta[lo]) / (ta[hi] - ta[lo]);
    return tb[lo] + f * (tb[hi] - tb[lo]);
  }
  function localRate(t) {
    const h = 0.1;
    return (mapTime(t + h) - mapTime(t - h)) / (2 * h);
  }
  window.posecoachCompare = { mapTime, ready: false, seeks: 0 };

  const rateSelect = document.getElementById("cmp-rate");
  const scrub = document.getElementById("cmp-scrub");
  const readout = document.getElementById("cmp-readout");
  const playButton = document.getElementById("cmp-play");
  a.src = page.dataset.proxyA;
  b.src = page.dataset.proxyB;

  function follow() {
    const want = mapTime(a.currentTime);
    const drift = b.currentTime - want;
    if (Math.abs(drift) > DRIFT_S || a.paused) {
      b.currentTime = want;
      window.posecoachCompare.seeks += 1;
    }
    if (!a.paused) {
      const rate = localRate(a.currentTime) * a.playbackRate * (1 - Math.max(-0.5, Math.min(0.5, drift)));
      b.playbackRate = Math.max(0.1, Math.min(4, rate));
      if (b.paused) b.play().catch(() => {});
    }
  }
  function show() {
    const span = segA.end - segA.start;
    scrub.value = String(Math.round(1000 * (a.currentTime - segA.start) / Math.max(span, 1e-6)));
    readout.textContent = "A " + a.currentTime.toFixed(2) + " s · B " + b.currentTime.toFixed(2) + " s";
    drawSkeletons();
    movePlayhead();
  }
  function tick() {
    if (a.currentTime >= segA.end - 0.01) { a.pause(); }
    follow();
    show();
    if (!a.paused) requestAnimationFrame(tick);
  }
  function seekA(t) {
    a.currentTime = Math.max(segA.start, Math.min(segA.end, t));
    b.pause();
    b.currentTime = mapTime(a.currentTime);
  }
  a.addEventListener("play", () => { playButton.textContent = "Pause"; requestAnimationFrame(tick); });
  a.addEventListener("pause", () => { playButton.textContent = "Play aligned"; b.pause(); follow(); show(); });
  a.addEventListener("seeked", () => { if (a.paused) { follow(); show(); } });
  playButton.addEventListener("click", () => {
    if (!a.paused) { a.pause(); return; }
    if (a.currentTime >= segA.end - 0.02 || a.currentTime < segA.start) seekA(segA.start);
    a.playbackRate = parseFloat(rateSelect.value);
    a.play().catch(() => {});
  });
  document.getElementById("cmp-restart").addEventListener("click", () => { a.pause(); seekA(segA.start); });
  rateSelect.addEventListener("change", () => { a.playbackRate = parseFloat(rateSelect.value); });
  scrub.addEventListener("input", () => {
    a.pause();
    seekA(segA.start + (segA.end - segA.start) * parseInt(scrub.value, 10) / 1000);
  });
  let loaded = 0;
  function onLoaded() {
    loaded += 1;
    if (loaded < 2) return;
    seekA(segA.start);
    window.posecoachCompare.ready = true;
  }
  a.addEventListener("loadedmetadata", onLoaded, { once: true });
  b.addEventListener("loadedmetadata", onLoaded, { once: true });

  // Both skeletons, normalised to trunk lengths (hip centre at the origin, facing right).
  const canvas = document.getElementById("cmp-canvas");
  const toggle = document.getElementById("cmp-skeletons");
  const skeletons = data.skeletons;
  function frameAt(times, t) {
    let lo = 0, hi = times.length - 1;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (times[mid] < t) lo = mid + 1; else hi = mid; }
    return lo;
  }
  function drawOne(ctx, sk, t, colour, width, scale, ox, oy) {
    const pts = sk.points[frameAt(sk.t, t)];
    if (!pts) return;
    ctx.strokeStyle = colour; ctx.lineWidth = width; ctx.lineCap = "round";
    for (const [i, j] of sk.limbs) {
      const x1 = pts[2 * i], y1 = pts[2 * i + 1], x2 = pts[2 * j], y2 = pts[2 * j + 1];
      if (x1 === null || y1 === null || x2 === null || y2 === null) continue;
      ctx.beginPath();
      ctx.moveTo(ox + x1 * scale, oy + y1 * scale);
      ctx.lineTo(ox + x2 * scale, oy + y2 * scale);
      ctx.stroke();
    }
  }
  function drawSkeletons() {
    if (!skeletons || canvas.hidden) return;
    const ctx = canvas.getContext("2d");
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    const scale = canvas.height / 4.8, ox = canvas.width / 2, oy = canvas.height * 0.45;
    // A wide and pale under B narrow and dark: both stay visible where they coincide.
    drawOne(ctx, skeletons.a, a.currentTime, "rgba(37,99,235,0.55)", 10, scale, ox, oy);
    drawOne(ctx, skeletons.b, b.currentTime, "rgba(234,88,12,0.95)", 4, scale, ox, oy);
    ctx.font = "14px sans-serif";
    ctx.fillStyle = "#2563eb"; ctx.fillText("A", 10, 20);
    ctx.fillStyle = "#ea580c"; ctx.fillText("B", 30, 20);
  }
  toggle.addEventListener("change", () => { canvas.hidden = !toggle.checked; drawSkeletons(); });

  // Angle curves: A solid, B (at the aligned frames) dashed, over A's time; phases shaded.
  const chart = document.getElementById("cmp-chart");
  const jointSelect = document.getElementById("cmp-joint");
  const names = Object.keys(data.angles.a);
  const joints = [...new Set(names.map((n) => n.replace(/^(left|right)_/, "")))];
  for (const j of joints) {
    const option = document.createElement("option");
    option.value = j; option.textContent = j;
    jointSelect.appendChild(option);
  }
  if (joints.includes("knee")) jointSelect.value = "knee";
  const PHASE_FILL = ["rgba(37,99,235,0.06)", "rgba(234,88,12,0.10)", "rgba(22,163,74,0.07)"];
  function playhead(t) {
    return { type: "line", xref: "x", yref: "paper", x0: t, x1: t, y0: 0, y1: 1,
             line: { color: "#f59e0b", width: 2 }, name: "playhead" };
  }
  function drawChart() {
    if (!window.Plotly) return;
    const joint = jointSelect.value;
    const traces = [];
    for (const name of names.filter((n) => n.replace(/^(left|right)_/, "") === joint)) {
      const colour = name.startsWith("right") ? "#d62728" : name.startsWith("left") ? "#1f77b4" : "#111827";
      const label = name.replace("_", " ");
      traces.push({ type: "scatter", mode: "lines", name: "A " + label, x: data.angles.t, y: data.angles.a[name],
                    line: { color: colour, width: 2 } });
      traces.push({ type: "scatter", mode: "lines", name: "B " + label, x: data.angles.t, y: data.angles.b[name],
                    line: { color: colour, width: 2, dash: "dash" } });
    }
    const shapes = data.phases.map((p, k) => ({ type: "rect", xref: "x", yref: "paper", x0: p.start, x1: p.end,
      y0: 0, y1: 1, fillcolor: PHASE_FILL[k % 3], line: { width: 0 }, layer: "below" }));
    shapes.push(playhead(a.currentTime || segA.start));
    const annotations = data.phases.map((p) => ({ x: (p.start + p.end) / 2, y: 1, yref: "paper", yanchor: "bottom",
      text: p.name, showarrow: false, font: { size: 11, color: "#6b7280" } }));
    Plotly.react(chart, traces, {
      height: 320, margin: { l: 50, r: 10, t: 30, b: 40 }, hovermode: "x unified", shapes, annotations,
      xaxis: { title: { text: "A time (s)" } }, yaxis: { title: { text: "degrees" } },
      legend: { orientation: "h", y: -0.25 },
    }, { responsive: true, displaylogo: false });
  }
  let pending = false;
  function movePlayhead() {
    if (pending || !chart.layout) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      const shapes = (chart.layout.shapes || []).filter((s) => s.name !== "playhead");
      shapes.push(playhead(a.currentTime));
      Plotly.relayout(chart, { shapes });
    });
  }
  drawChart();
  jointSelect.addEventListener("change", drawChart);
  if (chart.on) chart.on("plotly_click", (event) => {
    const point = event.points && event.points[0];
    if (point) { a.pause(); seekA(Number(point.x)); }
  });
})();
