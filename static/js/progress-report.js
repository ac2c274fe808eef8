// Report page, opened from a progress chart or the dashboard at #t=<seconds>: seek the player
// there once the video can seek.
(function () {
  "use strict";
  const match = /(?:^#|&)t=([0-9.]+)/.exec(window.location.hash);
  const player = document.getElementById("player");
  if (!match || !player) return;
  const t = parseFloat(match[1]);
  function go() { player.currentTime = t; player.pause(); }
  if (player.readyState >= 1) go(); else player.addEventListener("loadedmetadata", go, { once: true });
})();
