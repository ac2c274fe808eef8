// Report page: the proxy with the skeleton, Plotly charts with a playhead that follows the
// video, clicks on charts / feedback / events that seek the video.
(function () {
  "use strict";
  const page = document.getElementById("report-page");
  if (!page) return;
  const player = document.getElementById("player");
  if (page.dataset.proxyUrl) {
    player.src = page.dataset.proxyUrl;
    if (page.dataset.posterUrl) player.poster = page.dataset.posterUrl;
    document.dispatchEvent(new CustomEvent("posecoach:proxy", { detail: {
      overlay_url: page.dataset.overlayUrl || null, athlete_url: page.dataset.athleteUrl || null,
    } }));
  }
  function seek(t) {
    player.currentTime = Math.max(0, t);
    player.pause();
  }
  document.querySelectorAll("button.seek").forEach((b) =>
    b.addEventListener("click", () => seek(parseFloat(b.dataset.t))));

  // Annotated and privacy MP4s: start a render, follow its progress, offer the file.
  document.querySelectorAll("form.render").forEach((renderForm) => {
    const bar = renderForm.querySelector("progress");
    const state = renderForm.querySelector(".render-state");
    const link = renderForm.querySelector(".render-link");
    async function follow(url) {
      const response = await fetch(url, { headers: { Accept: "application/json" } });
      if (!response.ok) return;
      const data = await response.json();
      bar.hidden = data.status === "done" || data.status === "failed";
      bar.value = data.progress;
      state.textContent = data.status === "failed" ? data.error
        : data.status === "done" ? "Ready." : "Rendering… " + data.progress + "%";
      if (data.file_url) { link.href = data.file_url; link.hidden = false; }
      if (data.status !== "done" && data.status !== "failed") setTimeout(() => follow(url), 1000);
    }
    renderForm.addEventListener("submit", async (event) => {
      event.preventDefault();
      link.hidden = true;
      const body = new FormData(renderForm);
      const review = renderForm.querySelector("[name=include_review]");
      if (review && !review.checked) body.set("include_review", "off");
      const token = document.querySelector("[name=csrfmiddlewaretoken]").value;
      const response = await fetch(renderForm.dataset.url, { method: "POST", body, headers: { "X-CSRFToken": token } });
      const data = await response.json();
      if (!data.ok) { state.textContent = data.error; return; }
      follow(data.status_url);
    });
    if (renderForm.dataset.statusUrl) follow(renderForm.dataset.statusUrl);
  });

  const source = document.getElementById("figures");
  if (!source || !window.Plotly) return;
  const figures = JSON.parse(source.textContent);
  const config = { responsive: true, displaylogo: false, modeBarButtonsToRemove: ["select2d", "lasso2d"] };
  const timeCharts = ["chart-angle", "chart-velocity"];

  function playhead(t) {
    return { type: "line", xref: "x", yref: "paper", x0: t, x1: t, y0: 0, y1: 1,
             line: { color: "#f59e0b", width: 2 }, name: "playhead" };
  }
  function draw(joint) {
    const pairs = [["chart-angle", figures.angles[joint]], ["chart-velocity", figures.velocity[joint]]];
    for (const [id, fig] of pairs) {
      const layout = Object.assign({}, fig.layout);
      layout.shapes = (layout.shapes || []).concat([playhead(player.currentTime || 0)]);
      Plotly.react(id, fig.data, layout, config);
    }
  }
  function bindClicks(id) {
    const el = document.getElementById(id);
    el.on("plotly_click", (event) => {
      const point = event.points && event.points[0];
      if (!point) return;
      const t = point.customdata !== undefined ? point.customdata : point.x;
      seek(Number(t));
    });
  }
  const joint = document.getElementById("joint");
  draw(joint.value);
  const extra = [];
  if (figures.com.note) {  // nothing to plot: a sentence, not empty axes
    const com = document.getElementById("chart-com");
    const note = document.createElement("p");
    note.className = "muted chart-note";
    note.id = "com-note";
    note.textContent = figures.com.note;
    com.replaceChildren(note);
    com.style.minHeight = "auto";
  } else {
    Plotly.newPlot("chart-com", figures.com.data, figures.com.layout, config);
    extra.push("chart-com");
  }
  if (figures.silhouette) {
    Plotly.newPlot("chart-silhouette", figures.silhouette.data, figures.silhouette.layout, config);
    timeCharts.push("chart-silhouette");
  }
  timeCharts.concat(extra).forEach(bindClicks);
  joint.addEventListener("change", () => draw(joint.value));
  // A chart drawn while its section was folded has no width: size them when it opens.
  const fold = document.getElementById("charts-fold");
  if (fold) fold.addEventListener("toggle", () => {
    if (fold.open) timeCharts.concat(extra).forEach((id) => Plotly.Plots.resize(id));
  });

  let pending = false;
  function movePlayhead() {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      for (const id of timeCharts) {
        const el = document.getElementById(id);
        if (!el.layout) continue;
        const shapes = (el.layout.shapes || []).filter((s) => s.name !== "playhead");
        shapes.push(playhead(player.currentTime));
        Plotly.relayout(el, { shapes });
      }
    });
  }
  ["timeupdate", "seeked"].forEach((ev) => player.addEventListener(ev, movePlayhead));
})();
