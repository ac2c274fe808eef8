// Review player: frame-by-frame stepping, an A–B loop, jumps to the previous/next comment or
// drawing, speed keys, keyboard shortcuts. The proxy keeps the source's presentation times and
// has a keyframe every 0.5 s, so a seek to a frame's time shows that frame.
// Frame times: every analysed frame's own time (the overlay's "frame_times", which overlay.js
// announces with a "posecoach:frame-times" event once it has loaded them), so a clip whose
// timestamps are uneven (a phone's variable frame rate, dropped frames, a gap) steps and counts
// its real frames. A list not said to be complete (an overlay stored before "frame_times", whose
// skeleton times "t" are thinned to 30 a second on a 60 fps clip) is taken only if it has as many
// times as the analysis decoded frames: until a full list comes, or without an analysis, frame n
// is taken to start at n / fps.
window.PoseReviewPlayer = (function () {
  "use strict";
  const root = document.getElementById("review");
  const player = document.getElementById("player");
  if (!root || !player) return null;
  const fps = parseFloat(root.dataset.fps) || 30;
  const duration = parseFloat(root.dataset.duration) || 0;
  // Frame n is shown from its start time; we seek just past that instant, so that rounding of
  // the time (to microseconds in the media pipeline, to milliseconds in the overlay's list)
  // never shows frame n-1. The same offset on every frame keeps each step one frame.
  const EPS = Math.min(0.001, 0.25 / fps);
  const readout = document.getElementById("time-readout");
  const loopReadout = document.getElementById("loop-readout");
  const loopClear = document.getElementById("loop-clear");
  const rate = document.getElementById("playback-rate");
  let loopA = null, loopB = null;
  let marks = [];

  // The number of frames: the frame times' count once known, else the frames the analysis
  // decoded when there is one, else the video's own count; the media element's duration (which
  // can include a last frame's length or a longer audio track) only as a last resort.
  const frames = parseInt(root.dataset.frames, 10) || 0;
  let times = null;  // start time of each frame, seconds, ascending (null: n / fps)
  // The overlay stores times to the millisecond: a frame shown from 2.0667 s is listed at
  // 2.067 s, so a time up to half a millisecond before a listed start still belongs to it.
  const LISTED = 0.0006;
  function lastFrame() {
    if (times) return times.length - 1;
    if (frames > 0) return frames - 1;
    const end = isFinite(player.duration) && player.duration > 0 ? player.duration : duration;
    return Math.max(0, Math.ceil(end * fps - 1e-6) - 1);
  }
  // The frame on screen at time t: the last one starting at or before t (binary search).
  function frameAt(t) {
    if (!times) return Math.min(lastFrame(), Math.max(0, Math.floor(t * fps + 1e-6)));
    let lo = 0, hi = times.length - 1;
    if (t + LISTED < times[0]) return 0;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (times[mid] <= t + LISTED) lo = mid; else hi = mid - 1;
    }
    return lo;
  }
  function frameTime(n) { return (times ? times[n] : n / fps) + EPS; }
  function setFrameTimes(list, complete) {
    const ok = Array.isArray(list) && list.length > 0 && (complete || list.length === frames)
      && list.every((x, i) => isFinite(x) && (i === 0 || x > list[i - 1]));
    times = ok ? list.slice() : null;
  }
  document.addEventListener("posecoach:frame-times", (event) => {
    const detail = event.detail || {};
    setFrameTimes(detail.times, detail.complete === true);
  });

  function seek(t) {
    player.pause();
    player.currentTime = Math.max(0, t);
  }

  function stepFrames(delta) {
    const n = Math.min(lastFrame(), Math.max(0, frameAt(player.currentTime) + delta));
    seek(frameTime(n));
  }

  function jumpMark(direction) {
    const t = player.currentTime, half = 0.5 / fps;
    const target = direction > 0 ? marks.find((m) => m > t + half)
                                 : [...marks].reverse().find((m) => m < t - half);
    if (target !== undefined) seek(target);
  }

  function showLoop() {
    const fmt = (t) => (t === null ? "…" : t.toFixed(2) + " s");
    loopReadout.textContent = loopA === null && loopB === null ? "" : "Loop " + fmt(loopA) + " – " + fmt(loopB);
    loopClear.hidden = loopA === null && loopB === null;
  }
  function setLoop(which) {
    const t = player.currentTime;
    if (which === "a") { loopA = t; if (loopB !== null && loopB <= t) loopB = null; }
    else { loopB = t; if (loopA === null || loopA >= t) loopA = Math.max(0, t - 1); }
    showLoop();
  }
  function clearLoop() { loopA = loopB = null; showLoop(); }

  function changeRate(delta) {
    if (!rate) return;
    const i = Math.min(rate.options.length - 1, Math.max(0, rate.selectedIndex + delta));
    if (i === rate.selectedIndex) return;
    rate.selectedIndex = i;
    rate.dispatchEvent(new Event("change"));
  }

  function tick() {
    const t = player.currentTime;
    if (loopA !== null && loopB !== null && !player.paused && t >= loopB) player.currentTime = loopA;
    readout.textContent = "Frame " + (frameAt(t) + 1) + " of " + (lastFrame() + 1) + " · " + t.toFixed(3) + " s";
    requestAnimationFrame(tick);
  }
  player.addEventListener("ended", () => {
    if (loopA !== null && loopB !== null) { player.currentTime = loopA; player.play(); }
  });

  const buttons = {
    "frame-back": () => stepFrames(-1), "frame-forward": () => stepFrames(1),
    "mark-prev": () => jumpMark(-1), "mark-next": () => jumpMark(1),
    "loop-a": () => setLoop("a"), "loop-b": () => setLoop("b"), "loop-clear": clearLoop,
  };
  Object.entries(buttons).forEach(([id, fn]) => {
    const el = document.getElementById(id);
    if (el) el.addEventListener("click", fn);
  });

  const KEYS = {
    ",": () => stepFrames(-1), ".": () => stepFrames(1),
    "k": () => (player.paused ? player.play() : player.pause()),
    "[": () => setLoop("a"), "]": () => setLoop("b"), "\\": clearLoop,
    "p": () => jumpMark(-1), "n": () => jumpMark(1),
    "-": () => changeRate(-1), "=": () => changeRate(1), "+": () => changeRate(1),
  };
  document.addEventListener("keydown", (event) => {
    const target = event.target;
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) return;
    const fn = KEYS[event.key];
    if (!fn || player.hidden) return;
    event.preventDefault();
    fn();
  });
  requestAnimationFrame(tick);

  return {
    fps, EPS, frameAt, frameTime, seek, stepFrames, setFrameTimes, lastFrame,
    setMarks(times) { marks = [...new Set(times)].sort((a, b) => a - b); },
  };
})();
