// Upload page: one XHR per file so each gets its own progress bar and its own verdict.
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

  // Each file has its own movement and pose engine, starting from the form's choice: a batch
  // can hold a squat set and a sprint.
  const PER_FILE = ["movement", "backend"];
  function fileChoices() {
    const box = document.createElement("div");
    box.className = "file-choices";
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

  function addFiles(files) {
    for (const file of files) {
      const item = document.createElement("li");
      item.className = "upload";
      item.innerHTML = '<span class="name"></span> <span class="muted size"></span>' +
        '<progress max="100" value="0"></progress><span class="pct">queued</span>' +
        '<p class="result"></p>';
      item.querySelector(".name").textContent = file.name;
      item.querySelector(".size").textContent = formatBytes(file.size);
      item.insertBefore(fileChoices(), item.querySelector("progress"));
      list.appendChild(item);
      pending.push({ file, item });
    }
    button.disabled = pending.length === 0;
  }

  function send(entry) {
    return new Promise((resolve) => {
      const data = new FormData(form);
      data.delete("file");
      data.append("file", entry.file, entry.file.name);
      entry.item.querySelectorAll("select[data-field]").forEach((select) => data.set(select.dataset.field, select.value));
      const xhr = new XMLHttpRequest();
      const bar = entry.item.querySelector("progress");
      const pct = entry.item.querySelector(".pct");
      const result = entry.item.querySelector(".result");
      xhr.upload.addEventListener("progress", (e) => {
        if (!e.lengthComputable) return;
        const p = Math.round((100 * e.loaded) / e.total);
        bar.value = p;
        pct.textContent = p < 100 ? p + "%" : "checking the video…";
      });
      xhr.addEventListener("load", () => {
        let body = {};
        try { body = JSON.parse(xhr.responseText); } catch (err) { body = {}; }
        if (xhr.status === 201 && body.ok) {
          entry.item.classList.add("done");
          pct.textContent = "uploaded";
          result.innerHTML = '<a href="' + body.url + '">Open the video — analysis queued</a>';
        } else {
          entry.item.classList.add("failed");
          pct.textContent = "rejected";
          result.textContent = body.error || ("Upload failed (HTTP " + xhr.status + "). Try again.");
        }
        resolve();
      });
      xhr.addEventListener("error", () => {
        entry.item.classList.add("failed");
        pct.textContent = "failed";
        result.textContent = "The connection broke during the upload. Check your network and try again.";
        resolve();
      });
      xhr.open("POST", form.dataset.url);
      xhr.setRequestHeader("X-CSRFToken", form.querySelector("[name=csrfmiddlewaretoken]").value);
      xhr.setRequestHeader("X-Requested-With", "XMLHttpRequest");
      pct.textContent = "0%";
      entry.item.querySelectorAll("select[data-field]").forEach((select) => { select.disabled = true; });
      xhr.send(data);
    });
  }

  input.addEventListener("change", () => { addFiles(input.files); input.value = ""; });
  // Files chosen before this script ran (a slow page, or the browser restoring the form).
  if (input.files && input.files.length) { addFiles(input.files); input.value = ""; }
  form.dataset.ready = "true";
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
