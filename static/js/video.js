// Video page: poll the analysis status until it ends. While it runs, the original plays (when
// the browser can decode it) and the stage and percent show; when the proxy is ready it takes
// the original's place, and "Open the report" appears when the run ends, without a reload.
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
  const originalNote = document.getElementById("original-note");
  const reportLink = document.getElementById("report-link");
  let delay = 1000;
  let showingOriginal = false;

  // The pipeline's stage names (inference/pipeline/stages.py), in a coach's words.
  const STAGES = {
    // "analysis" is the job's own stage before the pipeline reports (coaching/analysis/stages.py),
    // "saving" its last one (coaching/analysis/runner.py).
    starting: "Starting", analysis: "Starting", saving: "Saving the results", probe: "Reading the video", decode: "Reading the frames",
    pose: "Finding people", tracking: "Following each person", athlete: "Choosing the athlete",
    proxy: "Preparing the video for the browser", segmentation: "Cutting out the athlete",
    kinematics: "Measuring joint angles", events: "Finding repetitions, jumps and steps",
    feedback: "Checking technique", actions: "Naming the movements",
  };
  const ENDED = ["done", "failed", "cancelled"];
  function stageText(name) {
    if (!name || ENDED.includes(name)) return "";
    return STAGES[name] ? STAGES[name] + " (" + name + ")" : name;
  }

  function showOriginal() {
    if (showingOriginal || player.dataset.src || !page.dataset.originalUrl) return;
    showingOriginal = true;
    player.src = page.dataset.originalUrl;
    player.hidden = false;
    if (originalNote) originalNote.hidden = false;
  }
  player.addEventListener("error", () => {
    if (!showingOriginal || player.dataset.src) return;
    // HEVC, ProRes… the browser cannot play: the proxy will, once the analysis has made it.
    player.hidden = true;
    player.removeAttribute("src");
    if (originalNote) {
      originalNote.textContent = "This browser cannot play the original format; the video appears here when the analysis has converted it.";
    }
  });

  function reportUrl(id) { return page.dataset.reportUrl.replace(/\/0\/report\/$/, "/" + id + "/report/"); }

  function show(data) {
    document.dispatchEvent(new CustomEvent("posecoach:status", { detail: data }));
    badge.textContent = data.status_label || "No analysis";
    badge.className = "badge " + (data.status || "");
    stage.dataset.stage = data.stage || "";
    stage.textContent = ENDED.includes(data.status) ? "" : stageText(data.stage);
    bar.value = data.progress || 0;
    percent.textContent = (data.progress || 0) + "%";
    error.hidden = !data.error;
    error.textContent = data.error || "";
    if (data.people !== undefined) {
      document.getElementById("people-found").textContent = data.people + " (the athlete in " +
        data.frames_with_athlete + " of " + data.frames + " frames; " + data.backend + ")";
    }
    // What the page was rendered with while the run went on: its line under Runs, and the
    // cancel button, which has nothing left to cancel once the run ended.
    const run = data.id && document.querySelector('.runs [data-run="' + data.id + '"] .run-status');
    if (run && data.status_label) run.textContent = data.status_label;
    const cancel = document.getElementById("cancel-analysis");
    if (cancel && ENDED.includes(data.status)) cancel.closest("form").hidden = true;
    // Re-run and the capture rate wait for the run to end (a second run would queue behind it).
    const rerunTools = document.getElementById("rerun-tools");
    if (rerunTools && ENDED.includes(data.status)) {
      rerunTools.hidden = false;
      document.getElementById("rerun-wait").hidden = true;
    }
    if (reportLink && data.status === "done" && data.id) {
      reportLink.href = reportUrl(data.id);
      reportLink.hidden = false;
    }
    if (data.proxy_url && player.dataset.src !== data.proxy_url) {
      const t = showingOriginal ? player.currentTime : 0;
      showingOriginal = false;
      if (originalNote) originalNote.hidden = true;
      player.dataset.src = data.proxy_url;
      player.poster = data.poster_url || "";
      player.src = data.proxy_url;
      if (t) player.currentTime = t;
      player.hidden = false;
      document.dispatchEvent(new CustomEvent("posecoach:proxy", { detail: data }));
    } else if (!data.proxy_url && data.status !== "none") {
      showOriginal();
    }
  }

  async function poll() {
    try {
      const response = await fetch(page.dataset.statusUrl, { headers: { Accept: "application/json" } });
      if (response.ok) {
        const data = await response.json();
        show(data);
        if (["done", "failed", "cancelled", "none"].includes(data.status)) return;
        delay = 1000;
      } else {
        delay = Math.min(delay * 2, 15000);
      }
    } catch (err) {
      delay = Math.min(delay * 2, 15000);
    }
    setTimeout(poll, delay);
  }
  stage.textContent = stageText(stage.dataset.stage);
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
