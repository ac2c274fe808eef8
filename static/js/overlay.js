// Skeleton overlay on the video page: draws every tracked person (or only the athlete) on a
// canvas over the <video>, from the compact keypoint JSON of inference/overlay.py. Each track
// has its colour (PoseCoach.trackColour; orange: the athlete); with data-labels="on" each
// skeleton carries its track's number, and tracks ticked in the track list stand out.
(function () {
  "use strict";
  const player = document.getElementById("player");
  const canvas = document.getElementById("overlay");
  if (!player || !canvas) return;
  const ctx = canvas.getContext("2d");
  const controls = document.getElementById("overlay-controls");
  const note = document.getElementById("overlay-note");
  const pick = document.getElementById("pick-athlete");
  let data = null;
  let athleteUrl = null;
  let overlayUrl = null;
  const labels = canvas.dataset.labels === "on";

  function mode() {
    const checked = document.querySelector("input[name=overlay-mode]:checked");
    return checked ? checked.value : "all";
  }

  function contentRect() { return window.PoseCoach.contentRect(player, data.size); }

  function frameAt(t) { return window.PoseCoach.nearestIndex(data.t, t); }

  // The skeleton belongs to the frame on screen: none until the video has one (the poster may
  // be a picture of another time), then the frame at currentTime.
  function draw() {
    window.PoseCoach.fitCanvas(canvas, ctx, player);
    if (!data || mode() === "off" || !data.t.length || player.readyState < 2) return;
    const r = contentRect();
    const people = data.frames[frameAt(player.currentTime)];
    const selected = window.PoseCoach.selectedTracks || new Set();
    people.forEach((flat, slot) => {
      if (!flat) return;
      const track = data.tracks[slot];
      const isAthlete = track === data.athlete;
      if (mode() === "athlete" && !isAthlete) return;
      const colour = window.PoseCoach.trackColour(track, isAthlete);
      const px = (k) => r.x + flat[3 * k] * r.scale, py = (k) => r.y + flat[3 * k + 1] * r.scale;
      const ok = (k) => flat[3 * k + 2] >= 30;
      ctx.globalAlpha = selected.size && !selected.has(track) ? 0.35 : 1;
      ctx.lineWidth = (isAthlete ? 4 : 2.5) + (selected.has(track) ? 1.5 : 0);
      ctx.strokeStyle = colour;
      ctx.lineCap = "round";
      for (const [a, b] of data.limbs) {
        if (!ok(a) || !ok(b)) continue;
        ctx.beginPath(); ctx.moveTo(px(a), py(a)); ctx.lineTo(px(b), py(b)); ctx.stroke();
      }
      ctx.fillStyle = "#fff";
      for (let k = 0; k < data.keypoints.length; k++) {
        if (!ok(k)) continue;
        ctx.beginPath(); ctx.arc(px(k), py(k), isAthlete ? 3.5 : 2.5, 0, 2 * Math.PI); ctx.fill();
      }
      const number = labels ? window.PoseCoach.personNumber(track) : undefined;
      if (number !== undefined) label(String(number), colour, flat, r, ok);
      ctx.globalAlpha = 1;
    });
  }

  // The person's number (counted from 1) above the skeleton's highest confident keypoint, on a dark tag.
  function label(text, colour, flat, r, ok) {
    let top = null;
    for (let k = 0; k < data.keypoints.length; k++) {
      if (ok(k) && (top === null || flat[3 * k + 1] < flat[3 * top + 1])) top = k;
    }
    if (top === null) return;
    const x = r.x + flat[3 * top] * r.scale, y = r.y + flat[3 * top + 1] * r.scale - 10;
    ctx.font = "600 13px system-ui, sans-serif";
    const w = ctx.measureText(text).width + 8;
    ctx.fillStyle = "rgba(17, 24, 39, 0.85)";
    ctx.fillRect(x - w / 2, y - 16, w, 18);
    ctx.fillStyle = colour;
    ctx.textAlign = "center";
    ctx.textBaseline = "middle";
    ctx.fillText(text, x, y - 7);
  }

  function loop() {
    draw();
    if (player.requestVideoFrameCallback) player.requestVideoFrameCallback(loop);
    else requestAnimationFrame(loop);
  }

  async function load(url) {
    overlayUrl = url;
    // no-store: a track edit or a new athlete replaces the file behind the same URL.
    const response = await fetch(url, { headers: { Accept: "application/json" }, cache: "no-store" });
    if (!response.ok) return;
    data = await response.json();
    // Every analysed frame's time ("frame_times"; "t" only lists the frames drawn, at most 30 a
    // second): the review player steps and counts the source's frames by them. An overlay from
    // before "frame_times" offers "t", which the player takes only if it has every frame.
    const complete = Array.isArray(data.frame_times);
    const times = complete ? data.frame_times : data.t;
    document.dispatchEvent(new CustomEvent("posecoach:frame-times", { detail: { times, complete } }));
    canvas.hidden = false;
    // Toggles and "Choose the athlete" only once there are skeletons to toggle and choose from.
    if (controls) controls.hidden = false;
    if (pick && athleteUrl) pick.hidden = false;
    if (note) note.hidden = false;
    draw();
  }

  // Once the video has a frame, show that frame rather than the poster, so what is drawn over
  // it and the frame readout describe the picture the coach sees.
  player.addEventListener("loadeddata", () => { player.removeAttribute("poster"); draw(); });

  document.addEventListener("posecoach:proxy", (event) => {
    const detail = event.detail;
    athleteUrl = detail.athlete_url || null;
    if (detail.overlay_url) load(detail.overlay_url);
  });
  // The track list changed the people (an edit ended) or the ticked tracks.
  document.addEventListener("posecoach:overlay-changed", () => { if (overlayUrl) load(overlayUrl); });
  document.addEventListener("posecoach:redraw", draw);
  ["seeked", "loadeddata", "pause", "timeupdate"].forEach((ev) => player.addEventListener(ev, draw));
  window.addEventListener("resize", draw);
  document.querySelectorAll("input[name=overlay-mode]").forEach((el) => el.addEventListener("change", draw));
  loop();

  // A coach picks the athlete: press the button (the video pauses), click the person.
  if (pick) {
    pick.addEventListener("click", () => {
      player.pause();
      canvas.classList.add("picking");
      if (note) note.textContent = "Click the person to analyse.";
    });
  }
  canvas.addEventListener("click", async (event) => {
    if (!data || !athleteUrl || !canvas.classList.contains("picking")) return;
    canvas.classList.remove("picking");
    const r = contentRect();
    const box = canvas.getBoundingClientRect();
    const x = (event.clientX - box.left - r.x) / r.scale, y = (event.clientY - box.top - r.y) / r.scale;
    const body = new URLSearchParams({ x: x.toFixed(1), y: y.toFixed(1), t: player.currentTime.toFixed(3) });
    const token = document.querySelector("[name=csrfmiddlewaretoken]").value;
    const response = await fetch(athleteUrl, { method: "POST", body, headers: { "X-CSRFToken": token } });
    const result = await response.json();
    if (note) note.textContent = result.ok ? "Athlete changed: the orange skeleton is the one analysed." : result.error;
    if (result.ok) {
      data.athlete = result.athlete;
      draw();
      document.dispatchEvent(new CustomEvent("posecoach:athlete-queued", { detail: result }));
    }
  });
})();
