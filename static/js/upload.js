// Upload page: each file goes up by tus (static/js/tus.js) with its own progress bar and verdict;
// an interrupted upload resumes from where it stopped.
(function () {
  "use strict";
  const form = document.getElementById("upload-form");
  if (!form) return;
  const input = document.getElementById("file-input");
  const dropzone = document.getElementById("dropzone");
  const list = document.getElementById("upload-list");
  const button = document.getElementById("upload-button");
  let pending = [];

  function formatBytes(n) {
    const units = ["B", "KB", "MB", "GB"];
    let i = 0;
    while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
    return n.toFixed(i ? 1 : 0) + " " + units[i];
  }

  // Each file has its own title, recorded date, movement and pose engine, the last three
  // starting from the form's choice: a batch can hold last month's squat set and today's sprint,
  // and no two videos of a batch share a title unless the coach says so. The title starts empty
  // with the file's name as placeholder (the server's default).
  const PER_FILE = ["movement", "backend"];
  function fileChoices(fileName) {
    const box = document.createElement("div");
    box.className = "file-choices";
    const title = document.createElement("label");
    title.className = "file-title";
    title.textContent = "Title ";
    const titleInput = document.createElement("input");
    titleInput.dataset.field = "title";
    titleInput.maxLength = 200;
    titleInput.placeholder = fileName.replace(/\.[^.]*$/, "");
    title.appendChild(titleInput);
    box.appendChild(title);
    const day = document.createElement("label");
    day.textContent = "Recorded ";
    const dayInput = document.createElement("input");
    dayInput.type = "date";
    dayInput.dataset.field = "recorded_on";
    dayInput.value = form.elements.recorded_on.value;
    day.appendChild(dayInput);
    box.appendChild(day);
    for (const name of PER_FILE) {
      const source = form.querySelector("select[name=" + name + "]");
      if (!source) continue;
      const label = document.createElement("label");
      label.textContent = source.closest("label").firstChild.textContent.trim() + " ";
      const select = source.cloneNode(true);
      select.removeAttribute("id");
      select.name = "";
      select.dataset.field = name;
      select.value = source.value;
      label.appendChild(select);
      box.appendChild(label);
    }
    return box;
  }

  const endpoint = form.dataset.tusUrl;
  const csrf = form.querySelector("[name=csrfmiddlewaretoken]").value;

  function listItem(name, size) {
    const item = document.createElement("li");
    item.className = "upload";
    item.innerHTML = '<span class="name"></span> <span class="muted size"></span>' +
      '<progress max="100" value="0"></progress><span class="pct">queued</span>' +
      '<p class="result"></p>';
    item.querySelector(".name").textContent = name;
    item.querySelector(".size").textContent = formatBytes(size);
    list.appendChild(item);
    return item;
  }

  function showSent(item, sent, size) {
    const p = size ? Math.floor((100 * sent) / size) : 100;
    item.querySelector("progress").value = p;
    item.querySelector(".pct").textContent = sent < size ? p + "%" : "checking the video…";
  }

  function addFiles(files) {
    for (const file of files) {
      // The same file as an upload this browser left unfinished: its bar goes on from there.
      const key = window.Tus.fingerprint(endpoint, file);
      let item = list.querySelector('.upload.paused[data-key="' + CSS.escape(key) + '"]');
      if (item) {
        item.classList.remove("paused");
        item.querySelector(".result").textContent = "";
        item.querySelector(".pct").textContent = "queued";
      } else {
        item = listItem(file.name, file.size);
        item.dataset.key = key;
        item.insertBefore(fileChoices(file.name), item.querySelector("progress"));
      }
      pending.push({ file, item });
    }
    button.disabled = pending.length === 0;
  }

  // Uploads a reload or a dropped connection left unfinished: shown with the bar where they
  // stopped, until the same file is added again.
  async function showUnfinished() {
    for (const entry of window.Tus.unfinished(endpoint)) {
      const offset = await window.Tus.offsetOf(entry.url, csrf).catch(() => null);
      if (offset === null) { localStorage.removeItem(entry.key); continue; }
      const item = listItem(entry.name, entry.size);
      item.classList.add("paused");
      item.dataset.key = entry.key;
      showSent(item, offset, entry.size);
      item.querySelector(".pct").textContent = "paused at " + item.querySelector("progress").value + "%";
      item.querySelector(".result").textContent = "Add the same file again to go on from here.";
    }
  }

  async function send(entry) {
    const item = entry.item;
    const pct = item.querySelector(".pct");
    const result = item.querySelector(".result");
    const meta = {};
    for (const name of ["notes", "capture_fps"]) meta[name] = form.elements[name].value;
    item.querySelectorAll("[data-field]").forEach((field) => {
      meta[field.dataset.field] = field.value;
      field.disabled = true;
    });
    pct.textContent = "0%";
    const outcome = await window.Tus.upload(endpoint, entry.file, meta, {
      csrf,
      onProgress: (sent) => showSent(item, sent, entry.file.size),
      onRetry: () => { pct.textContent = "connection lost — resuming…"; },
    });
    if (outcome.ok) {
      item.classList.add("done");
      pct.textContent = "uploaded";
      const link = document.createElement("a");
      link.href = outcome.video;
      link.textContent = "Open the video — analysis queued";
      result.replaceChildren(link);
    } else {
      item.classList.add("failed");
      pct.textContent = "rejected";
      result.textContent = outcome.error;
    }
  }

  input.addEventListener("change", () => { addFiles(input.files); input.value = ""; });
  // Files chosen before this script ran (a slow page, or the browser restoring the form).
  if (input.files && input.files.length) { addFiles(input.files); input.value = ""; }
  showUnfinished().finally(() => { form.dataset.ready = "true"; });
  ["dragenter", "dragover"].forEach((ev) => dropzone.addEventListener(ev, (e) => {
    e.preventDefault(); dropzone.classList.add("over");
  }));
  ["dragleave", "drop"].forEach((ev) => dropzone.addEventListener(ev, (e) => {
    e.preventDefault(); dropzone.classList.remove("over");
  }));
  dropzone.addEventListener("drop", (e) => addFiles(e.dataTransfer.files));
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const batch = pending;
    pending = [];
    button.disabled = true;
    for (const entry of batch) { await send(entry); }
  });
})();
