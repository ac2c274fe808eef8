// Review tools on the video page: drawings on a paused frame (saved as annotations over a time
// range, shown while the playhead is inside it), their list, and the timestamped comment thread.
// Points are stored in source pixels of the upright video; the canvas maps them onto the
// displayed picture with object-fit: contain, as overlay.js does for the skeleton.
(function () {
  "use strict";
  const root = document.getElementById("review");
  const player = document.getElementById("player");
  const canvas = document.getElementById("review-canvas");
  const P = window.PoseReviewPlayer, D = window.PoseReview;
  if (!root || !player || !canvas || !P || !D) return;
  const $ = (id) => document.getElementById(id);
  const ctx = canvas.getContext("2d");
  const W = parseFloat(root.dataset.width), H = parseFloat(root.dataset.height);
  const NEEDS = { angle: 3, line: 2, distance: 2, arrow: 2, text: 1, calibrate: 2 };
  const HINTS = {
    angle: "Click three points: the end of one segment, the joint, the end of the other.",
    line: "Click the two ends of the line.", distance: "Click the two ends of the distance.",
    arrow: "Click where the arrow starts, then where it points.",
    freehand: "Press and drag to draw; release to finish.",
    text: "Type the text in the box, then click where it goes.",
    calibrate: "Click the two ends of something of known length (heel to crown for the athlete's height).",
  };
  const state = { annotations: [], comments: [], events: [], canAnnotate: false, tool: null, draft: null,
                  hover: null, calibration: null, editing: null };

  function token() { return document.querySelector("[name=csrfmiddlewaretoken]").value; }
  async function send(url, data) {
    const response = await fetch(url, { method: "POST", body: JSON.stringify(data),
      headers: { "Content-Type": "application/json", "X-CSRFToken": token(), Accept: "application/json" } });
    let body = {};
    try { body = await response.json(); } catch (err) { body = {}; }
    if (!response.ok) throw new Error(body.error || (response.status === 403 ? "You may not do this." : "The server refused (" + response.status + ")."));
    return body;
  }
  function fmt(t) { return t.toFixed(2) + " s"; }

  // --- mapping and drawing ---------------------------------------------------------------
  function contentRect() {
    const w = player.clientWidth, h = player.clientHeight, scale = Math.min(w / W, h / H);
    return { x: (w - W * scale) / 2, y: (h - H * scale) / 2, scale };
  }
  function toCanvas(p) { const r = contentRect(); return { x: r.x + p[0] * r.scale, y: r.y + p[1] * r.scale }; }
  function toSource(event) {
    const r = contentRect(), box = canvas.getBoundingClientRect();
    const x = (event.clientX - box.left - r.x) / r.scale, y = (event.clientY - box.top - r.y) / r.scale;
    return [Math.min(W, Math.max(0, x)), Math.min(H, Math.max(0, y))];
  }
  function visible(a, t) { return t >= a.t_start - 0.5 / P.fps && t < a.t_end; }

  function draw() {
    const dpr = window.devicePixelRatio || 1, w = player.clientWidth, h = player.clientHeight;
    if (canvas.width !== Math.round(w * dpr) || canvas.height !== Math.round(h * dpr)) {
      canvas.width = Math.round(w * dpr); canvas.height = Math.round(h * dpr);
      canvas.style.width = w + "px"; canvas.style.height = h + "px";
    }
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, w, h);
    const t = player.currentTime;
    for (const a of state.annotations) {
      if (visible(a, t) && a.id !== (state.editing && state.editing.id)) {
        D.draw(ctx, { ...a, points: a.geometry.points }, toCanvas);
      }
    }
    if (state.editing) D.draw(ctx, { ...state.editing, points: state.editing.geometry.points, colour: $("tool-colour").value }, toCanvas);
    const d = state.draft;
    if (d) {
      const points = d.done || !state.hover || d.kind === "freehand" ? d.points : [...d.points, state.hover];
      D.draw(ctx, { kind: d.kind, points, colour: $("tool-colour").value, text: $("tool-text").value,
                    calibration: state.calibration }, toCanvas);
    }
  }
  function loop() { draw(); requestAnimationFrame(loop); }

  // --- tools -------------------------------------------------------------------------------
  const measureOut = $("measure-value");
  function showMeasure() {
    const d = state.draft;
    if (!d) { measureOut.textContent = ""; return; }
    const points = d.done || !state.hover ? d.points : [...d.points, state.hover];
    const value = D.measure(d.kind, points, state.calibration);
    measureOut.textContent = value ? (d.kind === "calibrate" ? "Reference: " : "") + value : "";
  }
  function setTool(tool) {
    state.tool = state.tool === tool ? null : tool;
    state.draft = state.tool ? { kind: state.tool, points: [], done: false } : null;
    state.hover = null;
    document.querySelectorAll("[data-tool]").forEach((b) => b.setAttribute("aria-pressed", String(b.dataset.tool === state.tool)));
    canvas.classList.toggle("drawing", !!state.tool);
    $("tool-hint").textContent = state.tool ? HINTS[state.tool] : "Pause on a frame, pick a tool, click on the picture.";
    $("draft-panel").hidden = true;
    $("calibration-panel").hidden = true;
    if (state.tool) player.pause();
    showMeasure();
  }
  function finishDraft() {
    const d = state.draft;
    d.done = true;
    state.hover = null;
    showMeasure();
    if (d.kind === "calibrate") { $("calibration-panel").hidden = false; $("calibration-length").focus(); return; }
    $("draft-panel").hidden = false;
    $("draft-error").hidden = true;
  }
  canvas.addEventListener("pointerdown", (event) => {
    const d = state.draft;
    if (!d || d.done) return;
    event.preventDefault();
    const p = toSource(event);
    if (d.kind === "text" && !$("tool-text").value.trim()) {
      $("tool-hint").textContent = "Type the text first, in the Text box."; return;
    }
    if (d.kind === "freehand") { d.points = [p]; canvas.setPointerCapture(event.pointerId); d.dragging = true; return; }
    d.points.push(p);
    if (d.points.length >= NEEDS[d.kind]) finishDraft();
    showMeasure();
  });
  canvas.addEventListener("pointermove", (event) => {
    const d = state.draft;
    if (!d || d.done) return;
    const p = toSource(event);
    if (d.kind === "freehand") {
      const last = d.points[d.points.length - 1];
      if (d.dragging && D.distance(last, p) * contentRect().scale >= 2 && d.points.length < 4000) d.points.push(p);
      return;
    }
    state.hover = p;
    showMeasure();
  });
  canvas.addEventListener("pointerup", () => {
    const d = state.draft;
    if (d && d.kind === "freehand" && d.dragging) { d.dragging = false; if (d.points.length >= 2) finishDraft(); else d.points = []; }
  });
  canvas.addEventListener("pointerleave", () => { state.hover = null; showMeasure(); });

  document.querySelectorAll("[data-tool]").forEach((b) => b.addEventListener("click", () => setTool(b.dataset.tool)));
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && (state.tool || state.editing)) { setTool(null); stopEditing(); }
  });

  function showCalibration() {
    const c = state.calibration;
    $("calibration-readout").textContent = c
      ? "Calibrated: " + c.reference_m + " m = " + Math.round(c.reference_px) + " px; lines and distances in metres."
      : "Not calibrated: lengths in pixels. Calibrate with a line of known length.";
    $("calibration-clear").hidden = !c;
  }
  $("calibration-use").addEventListener("click", () => {
    const metres = parseFloat($("calibration-length").value);
    const px = D.distance(state.draft.points[0], state.draft.points[1]);
    if (!(metres > 0) || px < 5) { $("tool-hint").textContent = "Give the length in metres and draw a longer line."; return; }
    state.calibration = { method: "reference", reference_m: metres, reference_px: px, metres_per_pixel: metres / px };
    showCalibration();
    setTool(null);
  });
  $("calibration-clear").addEventListener("click", () => { state.calibration = null; showCalibration(); });
  const heightCm = parseFloat(root.dataset.athleteHeightCm);
  if (heightCm > 0) $("calibration-length").value = (heightCm / 100).toFixed(2);

  $("draft-discard").addEventListener("click", () => { const tool = state.tool; setTool(null); stopEditing(); if (tool) setTool(tool); });
  $("draft-save").addEventListener("click", async () => {
    const seconds = Math.max(0.05, parseFloat($("draft-duration").value) || 2);
    const error = $("draft-error");
    try {
      if (state.editing) {
        const data = await send(root.dataset.annotationUpdateUrl, { id: state.editing.id,
          t_end: state.editing.t_start + seconds, colour: $("tool-colour").value,
          text: state.editing.kind === "text" ? $("tool-text").value : undefined });
        replaceAnnotation(data.annotation);
        stopEditing();
      } else {
        const d = state.draft, t = player.currentTime;
        const measured = d.kind === "line" || d.kind === "distance";
        const data = await send(root.dataset.annotationCreateUrl, { kind: d.kind, t_start: t, t_end: t + seconds,
          geometry: { points: d.points }, text: d.kind === "text" ? $("tool-text").value : "",
          colour: $("tool-colour").value, calibration: measured && state.calibration ? state.calibration : null });
        state.annotations.push(data.annotation);
        state.annotations.sort((a, b) => a.t_start - b.t_start || a.id - b.id);
        setTool(null);
      }
      renderAnnotations();
    } catch (err) {
      error.textContent = err.message; error.hidden = false;
    }
  });

  // --- lists -------------------------------------------------------------------------------
  // The author's role as a badge, unless the name already says it ("coach", not "coach Coach").
  function roleBadge(author) {
    if (!author.role) return "";
    const word = author.role === "athlete" ? "Athlete" : "Coach";
    if ((author.name || "").trim().toLowerCase() === word.toLowerCase()) return "";
    return el("span", { class: "badge" }, word);
  }
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([k, v]) => { if (k === "class") node.className = v; else node.setAttribute(k, v); });
    children.forEach((c) => node.append(c));
    return node;
  }
  function timeButton(t, end) {
    const b = el("button", { type: "button", class: "link time", "data-seek": String(t) },
                 end ? fmt(t) + "–" + fmt(end) : fmt(t));
    b.addEventListener("click", () => P.seek(t));
    return b;
  }
  function describe(a) {
    const value = D.measure(a.kind, a.geometry.points, a.calibration);
    return a.kind_label + (value ? " " + value : "") + (a.kind === "text" ? " “" + a.text + "”" : "");
  }
  function replaceAnnotation(a) {
    state.annotations = state.annotations.map((x) => (x.id === a.id ? a : x));
  }
  function startEditing(a) {
    setTool(null);
    state.editing = a;
    P.seek(a.t_start);
    $("tool-colour").value = a.colour;
    if (a.kind === "text") $("tool-text").value = a.text;
    $("draft-duration").value = (a.t_end - a.t_start).toFixed(2);
    measureOut.textContent = "Editing: " + describe(a);
    $("draft-panel").hidden = false;
    $("draft-error").hidden = true;
  }
  function stopEditing() { if (state.editing) { state.editing = null; $("draft-panel").hidden = true; measureOut.textContent = ""; } }

  function renderAnnotations() {
    const list = $("annotation-list");
    list.replaceChildren(...state.annotations.map((a) => {
      const li = el("li", { "data-annotation": String(a.id) }, timeButton(a.t_start, a.t_end), " ",
                    el("span", { class: "swatch", "data-colour": a.colour }), describe(a),
                    el("span", { class: "muted" }, " · " + a.author.name));
      li.querySelector(".swatch").style.background = a.colour;
      if (a.mine) {
        const edit = el("button", { type: "button", class: "link" }, "Edit");
        edit.addEventListener("click", () => startEditing(a));
        const del = el("button", { type: "button", class: "link danger-link" }, "Delete");
        del.addEventListener("click", async () => {
          if (!window.confirm("Delete this drawing?")) return;
          try { await send(root.dataset.annotationDeleteUrl, { id: a.id }); } catch (err) { window.alert(err.message); return; }
          state.annotations = state.annotations.filter((x) => x.id !== a.id);
          renderAnnotations();
        });
        li.append(" ", edit, " ", del);
      }
      return li;
    }));
    $("annotation-empty").hidden = state.annotations.length > 0;
    const select = $("comment-annotation");
    const chosen = select.value;
    select.replaceChildren(el("option", { value: "" }, "None"),
      ...state.annotations.map((a) => el("option", { value: String(a.id) }, fmt(a.t_start) + " · " + describe(a))));
    select.value = chosen;
    updateMarks();
  }

  function renderComments() {
    const byId = new Map(state.annotations.map((a) => [a.id, a]));
    $("comment-list").replaceChildren(...state.comments.map((c) => {
      const head = el("div", { class: "comment-head" }, el("strong", {}, c.author.name),
        roleBadge(c.author),
        el("span", { class: "muted" }, c.created_at_text));
      if (c.t_start !== null) head.append(timeButton(c.t_start, c.t_end));
      const li = el("li", { "data-comment": String(c.id) }, head, el("p", {}, c.body));
      const drawing = byId.get(c.annotation_id);
      if (drawing) li.append(el("p", { class: "muted" }, "About the drawing: " + describe(drawing)));
      if (c.mine) {
        const del = el("button", { type: "button", class: "link danger-link" }, "Delete");
        del.addEventListener("click", async () => {
          if (!window.confirm("Delete this comment?")) return;
          try { await send(root.dataset.commentDeleteUrl, { id: c.id }); } catch (err) { window.alert(err.message); return; }
          state.comments = state.comments.filter((x) => x.id !== c.id);
          renderComments();
        });
        li.append(del);
      }
      return li;
    }));
    $("comment-empty").hidden = state.comments.length > 0;
    updateMarks();
  }

  function updateMarks() {
    P.setMarks([...state.events.map((e) => e.start), ...state.annotations.map((a) => a.t_start),
                ...state.comments.filter((c) => c.t_start !== null).map((c) => c.t_start)]);
  }

  $("comment-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const error = $("comment-error");
    const until = parseFloat($("comment-until").value);
    const at = $("comment-at").checked;
    const annotation = $("comment-annotation").value;
    try {
      const data = await send(root.dataset.commentCreateUrl, { body: $("comment-body").value,
        t_start: at ? player.currentTime : null, t_end: at && until > 0 ? until : null,
        annotation_id: annotation ? parseInt(annotation, 10) : null });
      state.comments.push(data.comment);
      $("comment-body").value = ""; $("comment-until").value = "";
      error.hidden = true;
      renderComments();
    } catch (err) { error.textContent = err.message; error.hidden = false; }
  });
  player.addEventListener("timeupdate", () => { $("comment-time").textContent = fmt(player.currentTime); });
  player.addEventListener("seeked", () => { $("comment-time").textContent = fmt(player.currentTime); });

  async function load() {
    const [annotations, comments] = await Promise.all([
      fetch(root.dataset.annotationsUrl, { headers: { Accept: "application/json" } }).then((r) => r.json()),
      fetch(root.dataset.commentsUrl, { headers: { Accept: "application/json" } }).then((r) => r.json()),
    ]);
    state.annotations = annotations.annotations;
    state.canAnnotate = annotations.can_annotate;
    state.events = annotations.events || [];
    state.comments = comments.comments;
    const badge = document.getElementById("nav-unread");
    if (badge) { badge.textContent = String(comments.unread); badge.hidden = !comments.unread; }
    renderAnnotations();
    renderComments();
    root.dataset.loaded = "true";
    showTools();
  }
  function showTools() {
    if (player.hidden) return;
    canvas.hidden = false;
    $("review-controls").hidden = false;
    $("review-tools").hidden = !state.canAnnotate;
  }
  document.addEventListener("posecoach:proxy", showTools);
  showCalibration();
  load();
  loop();
})();
