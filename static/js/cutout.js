// Report page: the athlete cut-out over the video, from the segmentation stage's outlines
// (inference/segmentation/masks.py contours_json): dim everything but the athlete, or outline them.
(function () {
  "use strict";
  const page = document.getElementById("report-page");
  const player = document.getElementById("player");
  const canvas = document.getElementById("cutout-canvas");
  if (!page || !player || !canvas || !page.dataset.cutoutUrl) return;
  const ctx = canvas.getContext("2d");
  let data = null;

  function mode() {
    const checked = document.querySelector("input[name=cutout-mode]:checked");
    return checked ? checked.value : "off";
  }

  function frameAt(t) { return window.PoseCoach.nearestIndex(data.times, t); }

  function draw() {
    window.PoseCoach.fitCanvas(canvas, ctx, player);
    canvas.hidden = !data || mode() === "off";
    if (canvas.hidden || !data.times.length) return;
    const [vw, vh] = data.size;
    const r = window.PoseCoach.contentRect(player, data.size);
    const x0 = r.x, y0 = r.y, scale = r.scale;
    const sx = (vw * scale) / data.scale, sy = (vh * scale) / data.scale;
    const path = new Path2D();
    for (const ring of data.polygons[frameAt(player.currentTime)]) {
      path.moveTo(x0 + ring[0] * sx, y0 + ring[1] * sy);
      for (let i = 2; i < ring.length; i += 2) path.lineTo(x0 + ring[i] * sx, y0 + ring[i + 1] * sy);
      path.closePath();
    }
    if (mode() === "dim") {
      const outside = new Path2D();
      outside.rect(x0, y0, vw * scale, vh * scale);
      outside.addPath(path);
      ctx.fillStyle = "rgba(17, 24, 39, 0.72)";
      ctx.fill(outside, "evenodd");
    }
    ctx.lineWidth = 2.5;
    ctx.strokeStyle = "#facc15";
    ctx.stroke(path);
  }

  async function load() {
    const response = await fetch(page.dataset.cutoutUrl, { headers: { Accept: "application/json" } });
    if (!response.ok) return;
    data = await response.json();
    draw();
  }
  function loop() {
    if (data && mode() !== "off") draw();
    if (player.requestVideoFrameCallback) player.requestVideoFrameCallback(loop);
    else requestAnimationFrame(loop);
  }
  document.querySelectorAll("input[name=cutout-mode]").forEach((el) => el.addEventListener("change", () => {
    if (!data) load(); else draw();
  }));
  ["seeked", "loadeddata", "pause"].forEach((ev) => player.addEventListener(ev, () => data && draw()));
  window.addEventListener("resize", () => data && draw());
  loop();
})();
