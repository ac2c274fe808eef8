// Video page, coaches: the people the analysis found as tracks (colour and number as on the
// skeletons, when each is seen, how much of the video), and the repairs: join two tracks into one
// person, split one at the video's current time, mark one as not a person, undo the last edit.
// An edit is a job on the worker: its progress shows here, then the list and the skeletons reload.
(function () {
  "use strict";
  const card = document.getElementById("tracks");
  const player = document.getElementById("player");
  if (!card || !player) return;
  const body = document.getElementById("tracks-body");
  const coverage = document.getElementById("tracks-coverage");
  const closeCall = document.getElementById("tracks-close-call");
  const confirmCall = document.getElementById("tracks-confirm");
  const join = document.getElementById("track-join");
  const split = document.getElementById("track-split");
  const drop = document.getElementById("track-drop");
  const undo = document.getElementById("track-undo");
  const job = document.getElementById("track-job");
  const jobText = document.getElementById("track-job-text");
  const jobBar = document.getElementById("track-job-progress");
  const error = document.getElementById("track-error");
  const history = document.getElementById("track-history");
  const historyList = document.getElementById("track-history-list");
  const historyCount = document.getElementById("track-history-count");
  const selected = new Set();
  window.PoseCoach.selectedTracks = selected;
  let state = null;
  let following = null;  // id of the edit being followed until it ends
  let loaded = false;

  function fmt(t) { return t.toFixed(2); }
  function percent(x) { return Math.round(100 * x) + " %"; }

  function bar(track) {
    const duration = state.duration || track.end || 1;
    const el = document.createElement("div");
    el.className = "track-bar";
    el.setAttribute("aria-hidden", "true");
    const colour = window.PoseCoach.trackColour(track.id, track.athlete);
    for (const [start, end] of track.spans) {
      const seen = document.createElement("span");
      seen.style.left = (100 * start / duration) + "%";
      seen.style.width = Math.max(0.6, 100 * (end - start) / duration) + "%";
      seen.style.background = colour;
      el.appendChild(seen);
    }
    const now = document.createElement("i");
    now.className = "track-now";
    el.appendChild(now);
    return el;
  }

  // Where the video is now, on every track's band: what "Split at" cuts.
  function playhead() {
    if (!state) return;
    const duration = state.duration || 1;
    const left = Math.min(100, 100 * (player.currentTime || 0) / duration) + "%";
    card.querySelectorAll(".track-now").forEach((el) => { el.style.left = left; });
  }

  function row(track) {
    const tr = document.createElement("tr");
    tr.dataset.track = track.id;
    const pick = document.createElement("td");
    const box = document.createElement("input");
    box.type = "checkbox";
    box.checked = selected.has(track.id);
    box.setAttribute("aria-label", "Select person " + track.number);
    box.addEventListener("change", () => {
      if (box.checked) selected.add(track.id); else selected.delete(track.id);
      controls();
      document.dispatchEvent(new CustomEvent("posecoach:redraw"));
    });
    pick.appendChild(box);
    const who = document.createElement("td");
    const swatch = document.createElement("span");
    swatch.className = "swatch";
    swatch.style.background = window.PoseCoach.trackColour(track.id, track.athlete);
    who.append(swatch, " Person " + track.number);
    if (track.athlete) {
      const badge = document.createElement("span");
      badge.className = "badge athlete";
      badge.textContent = "athlete";
      who.append(" ", badge);
    }
    const seen = document.createElement("td");
    const when = document.createElement("button");
    when.type = "button";
    when.className = "link";
    when.textContent = fmt(track.start) + "–" + fmt(track.end) + " s";
    when.title = "Show this person's first frame";
    when.addEventListener("click", () => { player.pause(); player.currentTime = track.start; });
    seen.append(bar(track), when, " · " + percent(track.coverage) + " of the frames");
    tr.append(pick, who, seen);
    return tr;
  }

  function busy() { return Boolean(state && state.running); }

  function controls() {
    const n = selected.size;
    const idle = !busy();
    join.disabled = !(idle && n === 2);
    split.disabled = !(idle && n === 1);
    drop.disabled = !(idle && n === 1);
    split.textContent = "Split at " + fmt(player.currentTime || 0) + " s";
    playhead();
    if (state) {
      undo.hidden = !state.can_undo;
      undo.disabled = !idle;
      undo.title = state.undo_text || "";
    }
  }

  function showJob(edit) {
    job.hidden = !edit;
    if (!edit) return;
    const waiting = edit.status === "pending";
    jobText.textContent = edit.text + ": " + (waiting ? "waiting for a worker" : "running again from the tracks (" + (edit.stage || "starting") + ")") + " " + edit.progress + "%";
    jobBar.value = edit.progress;
  }

  function render() {
    window.PoseCoach.personNumbers = state.numbers || {};  // the skeletons' tags number people as this list does
    for (const id of [...selected]) {
      if (!state.tracks.some((t) => t.id === id)) selected.delete(id);
    }
    body.replaceChildren(...state.tracks.map(row));
    if (state.frames) {
      const who = state.athlete === null || state.athlete === undefined ? "No athlete was chosen" :
        "The athlete (person " + window.PoseCoach.personNumber(state.athlete) + ") is tracked in " + state.frames_with_athlete + " of " + state.frames +
        " frames (" + percent(state.frames_with_athlete / state.frames) + ")";
      coverage.textContent = who + ". " + state.tracks.length + (state.tracks.length === 1 ? " person" : " people") + " found.";
      closeCall.hidden = state.close_call === null || state.close_call === undefined;
      closeCall.textContent = closeCall.hidden ? "" : "Check the athlete: person " + window.PoseCoach.personNumber(state.close_call) +
        " scores almost as high (the analysis picks whoever is biggest, nearest the middle and longest in view). " +
        "If the orange skeleton is not the athlete you filmed, use Choose the athlete; if it is, confirm it. " +
        "Until then this video is left out of progress, personal bests and the team dashboard.";
      if (confirmCall) confirmCall.hidden = closeCall.hidden;
      const fact = document.getElementById("people-found");
      if (fact) fact.textContent = state.tracks.length + " (the athlete in " + state.frames_with_athlete + " of " + state.frames + " frames)";
    }
    historyList.replaceChildren(...state.edits.map((e) => {
      const li = document.createElement("li");
      const status = e.undone ? "undone" : e.status_label.toLowerCase();
      li.textContent = e.text + " — " + status + (e.by ? ", by " + e.by : "") + (e.status === "failed" && e.error ? ": " + e.error : "");
      if (e.undone) li.className = "undone";
      return li;
    }));
    historyCount.textContent = state.edits.length;
    history.hidden = state.edits.length === 0;
    showJob(state.running);
    card.hidden = state.tracks.length === 0 && state.edits.length === 0;  // nobody found, nothing to repair
    controls();
    document.dispatchEvent(new CustomEvent("posecoach:redraw"));
  }

  async function refresh() {
    const response = await fetch(card.dataset.url, { headers: { Accept: "application/json" }, cache: "no-store" });
    if (!response.ok) return;
    const previous = state;
    state = await response.json();
    if (state.status !== "done") return;
    render();
    const ended = following && !state.edits.some((e) => e.id === following && (e.status === "pending" || e.status === "running"));
    if (ended) {
      const edit = state.edits.find((e) => e.id === following);
      following = null;
      if (edit && edit.status === "failed") { error.textContent = edit.error || "The edit failed."; error.hidden = false; }
    }
    if (ended || (previous && previous.athlete_changing && !state.athlete_changing)) {
      document.dispatchEvent(new CustomEvent("posecoach:overlay-changed"));
    }
    if (state.running) {
      following = state.running.id;
      setTimeout(refresh, 1000);
    } else if (state.athlete_changing) {
      setTimeout(refresh, 1500);
    }
  }

  async function send(fields) {
    error.hidden = true;
    const token = document.querySelector("[name=csrfmiddlewaretoken]").value;
    const response = await fetch(card.dataset.editUrl, { method: "POST", body: new URLSearchParams(fields),
                                                         headers: { "X-CSRFToken": token, Accept: "application/json" } });
    let result = null;
    try { result = await response.json(); } catch (err) { result = { ok: false, error: "The server did not answer (" + response.status + "); try again." }; }
    if (!result.ok) {
      error.textContent = result.error;
      error.hidden = false;
      return;
    }
    following = result.edit;
    selected.clear();
    refresh();
  }

  join.addEventListener("click", () => {
    const [a, b] = [...selected];
    send({ operation: "join", track: a, other: b });
  });
  split.addEventListener("click", () => {
    const [track] = [...selected];
    player.pause();
    send({ operation: "split", track, at: player.currentTime.toFixed(3) });
  });
  drop.addEventListener("click", () => {
    const [track] = [...selected];
    send({ operation: "drop", track });
  });
  undo.addEventListener("click", () => send({ operation: "undo" }));
  ["timeupdate", "seeked"].forEach((ev) => player.addEventListener(ev, controls));

  // The list appears once the analysis is done (the status poll says so), and follows an
  // athlete chosen by a click once its job has run.
  document.addEventListener("posecoach:status", (event) => {
    if (event.detail.status === "done" && !loaded) { loaded = true; refresh(); }
  });
  document.addEventListener("posecoach:athlete-queued", () => setTimeout(refresh, 1000));
})();
