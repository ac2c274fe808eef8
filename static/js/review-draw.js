// Review drawings: measurements and rendering of one annotation on a 2D canvas. Geometry is in
// source pixels of the upright video; `map` turns a source point into a canvas point (the
// object-fit: contain mapping of overlay.js). Shared by review.js (saved and draft drawings).
window.PoseReview = (function () {
  "use strict";
  const DEG = 180 / Math.PI;

  // The angle at b between the rays b→a and b→c, in degrees (0–180).
  function angleAt(a, b, c) {
    const ux = a[0] - b[0], uy = a[1] - b[1], vx = c[0] - b[0], vy = c[1] - b[1];
    const nu = Math.hypot(ux, uy), nv = Math.hypot(vx, vy);
    if (!nu || !nv) return 0;
    const cos = Math.max(-1, Math.min(1, (ux * vx + uy * vy) / (nu * nv)));
    return Math.acos(cos) * DEG;
  }

  function distance(p, q) { return Math.hypot(q[0] - p[0], q[1] - p[1]); }

  // Tilt of a line from the horizontal, 0–90° (image y grows downwards; the sign is irrelevant).
  function tilt(p, q) {
    const a = Math.abs(Math.atan2(q[1] - p[1], q[0] - p[0]) * DEG);
    return a > 90 ? 180 - a : a;
  }

  function formatLength(px, calibration) {
    if (calibration && calibration.metres_per_pixel) {
      return (px * calibration.metres_per_pixel).toFixed(2) + " m";
    }
    return Math.round(px) + " px";
  }

  // The value shown for a drawing: what a coach reads off the frame.
  function measure(kind, points, calibration) {
    if (kind === "angle" && points.length === 3) return angleAt(points[0], points[1], points[2]).toFixed(1) + "°";
    if ((kind === "distance" || kind === "calibrate") && points.length === 2) {
      return formatLength(distance(points[0], points[1]), kind === "calibrate" ? null : calibration);
    }
    if (kind === "line" && points.length === 2) {
      return formatLength(distance(points[0], points[1]), calibration) + " · " +
        tilt(points[0], points[1]).toFixed(1) + "° from level";
    }
    return "";
  }

  function label(ctx, text, x, y, centred) {
    ctx.font = "600 15px system-ui, sans-serif";
    // Keep the label on the canvas (a text placed near the right or top edge).
    const width = ctx.measureText(text).width, right = ctx.canvas.clientWidth || Infinity;
    if (centred) x -= width / 2;
    x = Math.max(2, Math.min(x, right - width - 4));
    y = Math.max(16, y);
    ctx.lineJoin = "round";
    ctx.lineWidth = 4;
    ctx.strokeStyle = "rgba(0,0,0,0.85)";
    ctx.strokeText(text, x, y);
    ctx.fillStyle = "#fff";
    ctx.fillText(text, x, y);
  }

  function arrowHead(ctx, from, to, size) {
    const a = Math.atan2(to.y - from.y, to.x - from.x);
    ctx.beginPath();
    ctx.moveTo(to.x, to.y);
    ctx.lineTo(to.x - size * Math.cos(a - 0.45), to.y - size * Math.sin(a - 0.45));
    ctx.lineTo(to.x - size * Math.cos(a + 0.45), to.y - size * Math.sin(a + 0.45));
    ctx.closePath();
    ctx.fill();
  }

  function tick(ctx, p, q, at, size) {
    const a = Math.atan2(q.y - p.y, q.x - p.x) + Math.PI / 2;
    ctx.beginPath();
    ctx.moveTo(at.x - size * Math.cos(a), at.y - size * Math.sin(a));
    ctx.lineTo(at.x + size * Math.cos(a), at.y + size * Math.sin(a));
    ctx.stroke();
  }

  // Draw `shape` ({kind, points, colour, text, calibration}); points may be fewer than the
  // kind needs while it is being drawn.
  function draw(ctx, shape, map) {
    const pts = shape.points.map((p) => map(p));
    if (!pts.length) return;
    ctx.save();
    ctx.strokeStyle = ctx.fillStyle = shape.colour || "#ff3b30";
    ctx.lineWidth = 3;
    ctx.lineCap = "round";
    ctx.lineJoin = "round";
    if (shape.kind === "text") {
      label(ctx, shape.text || "", pts[0].x, pts[0].y);
      ctx.restore();
      return;
    }
    ctx.beginPath();
    ctx.moveTo(pts[0].x, pts[0].y);
    for (const p of pts.slice(1)) ctx.lineTo(p.x, p.y);
    if (shape.kind === "calibrate") ctx.setLineDash([8, 6]);
    ctx.stroke();
    ctx.setLineDash([]);
    for (const p of (shape.kind === "freehand" ? [] : pts)) {
      ctx.beginPath(); ctx.arc(p.x, p.y, 4, 0, 2 * Math.PI); ctx.fill();
    }
    if (shape.kind === "arrow" && pts.length === 2) arrowHead(ctx, pts[0], pts[1], 16);
    if (shape.kind === "distance" && pts.length === 2) {
      tick(ctx, pts[0], pts[1], pts[0], 9); tick(ctx, pts[0], pts[1], pts[1], 9);
    }
    if (shape.kind === "angle" && pts.length === 3) {
      const b = pts[1];
      const a1 = Math.atan2(pts[0].y - b.y, pts[0].x - b.x), a2 = Math.atan2(pts[2].y - b.y, pts[2].x - b.x);
      let d = a2 - a1;
      while (d > Math.PI) d -= 2 * Math.PI;
      while (d < -Math.PI) d += 2 * Math.PI;
      ctx.beginPath(); ctx.arc(b.x, b.y, 26, a1, a1 + d, d < 0); ctx.stroke();
    }
    const value = measure(shape.kind, shape.points, shape.calibration);
    if (value && shape.kind === "angle") {
      // Outside the angle, on its bisector, clear of both rays.
      const b = pts[1], unit = (p) => { const n = Math.hypot(p.x - b.x, p.y - b.y) || 1; return [(p.x - b.x) / n, (p.y - b.y) / n]; };
      const u = unit(pts[0]), v = unit(pts[2]);
      let bx = u[0] + v[0], by = u[1] + v[1];
      const n = Math.hypot(bx, by);
      if (n < 1e-6) { bx = -u[1]; by = u[0]; } else { bx /= n; by /= n; }
      label(ctx, value, b.x - bx * 36, b.y - by * 36 + 5, true);
    } else if (value) {
      const a = pts[0], z = pts[pts.length - 1];
      label(ctx, value, (a.x + z.x) / 2 + 10, (a.y + z.y) / 2 - 10);
    }
    ctx.restore();
  }

  return { angleAt, distance, tilt, measure, draw, formatLength };
})();
