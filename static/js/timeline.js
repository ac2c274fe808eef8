// Shared by the overlays on the video: time lookup and canvas geometry.
window.PoseCoach = window.PoseCoach || {};
window.PoseCoach.nearestIndex = function (times, t) {
  "use strict";
  let lo = 0, hi = times.length - 1;
  while (lo < hi) {  // first sample with time >= t, then the nearer of it and its predecessor
    const mid = (lo + hi) >> 1;
    if (times[mid] < t) lo = mid + 1; else hi = mid;
  }
  if (lo > 0 && Math.abs(times[lo - 1] - t) < Math.abs(times[lo] - t)) lo -= 1;
  return lo;
};

// A canvas laid over the <video>: sized to the element at the screen's pixel density and
// cleared; returns the element's CSS size.
window.PoseCoach.fitCanvas = function (canvas, ctx, player) {
  "use strict";
  const dpr = window.devicePixelRatio || 1;
  const w = player.clientWidth, h = player.clientHeight;
  if (canvas.width !== Math.round(w * dpr) || canvas.height !== Math.round(h * dpr)) {
    canvas.width = Math.round(w * dpr); canvas.height = Math.round(h * dpr);
    canvas.style.width = w + "px"; canvas.style.height = h + "px";
  }
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, w, h);
  return { w, h };
};

// The rectangle a picture of `size` [width, height] occupies in the element (object-fit: contain).
window.PoseCoach.contentRect = function (player, size) {
  "use strict";
  const w = player.clientWidth, h = player.clientHeight;
  const scale = Math.min(w / size[0], h / size[1]);
  return { x: (w - size[0] * scale) / 2, y: (h - size[1] * scale) / 2, scale };
};

// One colour per person track, the same on the skeleton overlay and in the video page's track
// list: orange is the analysed athlete; the others take a colour from the track id, so a person
// keeps their colour when other tracks are joined, split or dropped.
window.PoseCoach.ATHLETE_COLOUR = "#ff8c00";
window.PoseCoach.TRACK_COLOURS = ["#22d3ee", "#a3e635", "#f472b6", "#facc15", "#818cf8", "#34d399", "#f87171", "#c084fc"];
// The number a coach sees for a person: 1..N in the order the track list lists them, as the
// server numbers them (coaching.analysis.tracks.person_numbers); the track list's state sets
// PoseCoach.personNumbers ({track id: number}). undefined for a track it does not number.
window.PoseCoach.personNumbers = {};
window.PoseCoach.personNumber = function (trackId) {
  "use strict";
  return window.PoseCoach.personNumbers[String(trackId)];
};
window.PoseCoach.trackColour = function (trackId, isAthlete) {
  "use strict";
  if (isAthlete) return window.PoseCoach.ATHLETE_COLOUR;
  const palette = window.PoseCoach.TRACK_COLOURS;
  return palette[((trackId % palette.length) + palette.length) % palette.length];
};
