// Video page: poll the analysis status until it ends; then play the proxy.
(function () {
  "use strict";
  const page = document.getElementById("video-page");
  if (!page) return;
  const badge = document.getElementById("status-badge");
  const stage = document.getElementById("status-stage");
  const bar = document.getElementById("status-progress");
  const percent = document.getElementById("status-percent");
  const error = document.getElementById("status-error");
  const player = document.getElementById("player");
  let delay = 1000;

  function show(data) {
    badge.textContent = data.status_label || "No analysis";
    badge.className = "badge " + (data.status || "");
    stage.textContent = data.stage || "";
    bar.value = data.progress || 0;
    percent.textContent = (data.progress || 0) + "%";
    error.hidden = !data.error;
    error.textContent = data.error || "";
    if (data.people !== undefined) {
      document.getElementById("people-found").textContent = data.people + " (the athlete in " +
        data.frames_with_athlete + " of " + data.frames + " frames; " + data.backend + ")";
    }
    if (data.proxy_url && player.dataset.src !== data.proxy_url) {
      player.dataset.src = data.proxy_url;
      player.poster = data.poster_url || "";
      player.src = data.proxy_url;
      player.hidden = false;
      document.dispatchEvent(new CustomEvent("posecoach:proxy", { detail: data }));
    }
  }

  async function poll() {
    try {
      const response = await fetch(page.dataset.statusUrl, { headers: { Accept: "application/json" } });
      if (response.ok) {
        const data = await response.json();
        show(data);
        if (data.status === "done" || data.status === "failed" || data.status === "none") return;
        delay = 1000;
      } else {
        delay = Math.min(delay * 2, 15000);
      }
    } catch (err) {
      delay = Math.min(delay * 2, 15000);
    }
    setTimeout(poll, delay);
  }
  // Playback speed: says whether the video shows real time or slow motion, and how slow.
  const rate = document.getElementById("playback-rate");
  const speedLabel = document.getElementById("speed-label");
  function showRate() {
    const r = parseFloat(rate.value);
    player.playbackRate = r;
    const fps = parseFloat(rate.dataset.fps);
    let text = r === 1 ? "Real time" : (r < 1 ? "Slow motion, " + (1 / r).toFixed(r >= 0.5 ? 1 : 0) + "× slower than real time"
                                                : "Fast, " + r + "× real time");
    if (fps >= 100) text += " · captured at " + fps + " fps";
    speedLabel.textContent = text;
  }
  if (rate) {
    rate.addEventListener("change", showRate);
    player.addEventListener("loadeddata", showRate);
    showRate();
  }
  poll();
})();
