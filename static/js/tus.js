// A small tus 1.0 client (creation, core, checksum-free) for the upload page: each file is
// created once, then sent in chunks from the offset the server reports. The upload's URL is kept
// in localStorage under the file's fingerprint, so a dropped connection or a reloaded page
// resumes where it stopped instead of starting again.
(function () {
  "use strict";
  const VERSION = "1.0.0";
  const DEFAULT_CHUNK = 8 * 1024 * 1024;
  const RETRY_DELAYS_MS = [1000, 3000, 5000, 10000, 20000];
  const PREFIX = "tus:";

  function b64(text) {
    return btoa(String.fromCharCode(...new TextEncoder().encode(text)));
  }

  function fingerprint(endpoint, file) {
    return PREFIX + [endpoint, file.name, file.size, file.lastModified].join("|");
  }

  function request(method, url, options) {
    // options: {headers, body, csrf, onProgress}; resolves {status, headers(name), text};
    // rejects on a network error (the caller retries).
    return new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open(method, url);
      xhr.setRequestHeader("Tus-Resumable", VERSION);
      if (options.csrf) xhr.setRequestHeader("X-CSRFToken", options.csrf);
      for (const [k, v] of Object.entries(options.headers || {})) xhr.setRequestHeader(k, v);
      if (options.onProgress) {
        xhr.upload.addEventListener("progress", (e) => options.onProgress(e.loaded));
      }
      xhr.addEventListener("load", () => resolve({
        status: xhr.status, header: (name) => xhr.getResponseHeader(name), text: xhr.responseText,
      }));
      xhr.addEventListener("error", () => reject(new Error("network")));
      xhr.addEventListener("abort", () => reject(new Error("network")));
      xhr.send(options.body === undefined ? null : options.body);
    });
  }

  // What the server said: DRF's {"detail": ...}, or the tus view's plain text.
  function message(response, fallback) {
    try { return JSON.parse(response.text).detail || fallback; } catch (err) { /* plain text */ }
    return response.text || fallback;
  }

  function sleep(ms) { return new Promise((r) => setTimeout(r, ms)); }

  // The uploads this browser left unfinished for this creation endpoint: [{key, url, name, size}].
  function unfinished(endpoint) {
    const found = [];
    for (let i = 0; i < localStorage.length; i++) {
      const key = localStorage.key(i);
      if (!key || !key.startsWith(PREFIX + endpoint + "|")) continue;
      try { found.push({ key, ...JSON.parse(localStorage.getItem(key)) }); } catch (err) { /* skip */ }
    }
    return found;
  }

  async function offsetOf(url, csrf) {
    const head = await request("HEAD", url, { csrf });
    return head.status === 200 ? parseInt(head.header("Upload-Offset"), 10) : null;
  }

  // Upload `file` to `endpoint`; callbacks: onProgress(bytesSent), onCreated(url).
  // Resolves {ok, video, error}.
  async function upload(endpoint, file, metadata, options) {
    const key = fingerprint(endpoint, file);
    const csrf = options.csrf;
    let url = null;
    let offset = null;
    let chunk = DEFAULT_CHUNK;
    let failures = 0;
    const saved = localStorage.getItem(key);
    while (true) {
      try {
        if (url === null && saved) {
          const entry = JSON.parse(saved);
          offset = await offsetOf(entry.url, csrf);
          if (offset !== null) { url = entry.url; chunk = entry.chunk || chunk; }
          else localStorage.removeItem(key);  // expired or gone: start again
        }
        if (url === null) {
          const meta = Object.entries({ filename: file.name, ...metadata })
            .filter(([, v]) => v !== "" && v !== undefined).map(([k, v]) => k + " " + b64(String(v)));
          const created = await request("POST", endpoint, { csrf, headers: {
            "Upload-Length": String(file.size), "Upload-Metadata": meta.join(",") } });
          if (created.status !== 201) {
            return { ok: false, error: message(created, "The upload could not start (HTTP " + created.status + ").") };
          }
          url = created.header("Location");
          chunk = parseInt(created.header("PoseCoach-Chunk-Size"), 10) || chunk;
          offset = 0;
          localStorage.setItem(key, JSON.stringify({ url, chunk, name: file.name, size: file.size }));
        }
        if (offset === null) offset = await offsetOf(url, csrf);
        if (offset === null) { localStorage.removeItem(key); url = null; continue; }
        if (options.onCreated) options.onCreated(url, offset);
        while (true) {
          const start = offset;
          const sent = await request("PATCH", url, {
            csrf, body: file.slice(start, Math.min(file.size, start + chunk)),
            headers: { "Content-Type": "application/offset+octet-stream", "Upload-Offset": String(start) },
            onProgress: (loaded) => options.onProgress(start + loaded),
          });
          if (sent.status === 409 || sent.status === 460) { offset = await offsetOf(url, csrf); continue; }
          if (sent.status !== 204) {
            localStorage.removeItem(key);
            return { ok: false, error: message(sent, "Upload failed (HTTP " + sent.status + ").") };
          }
          failures = 0;
          offset = parseInt(sent.header("Upload-Offset"), 10);
          options.onProgress(offset);
          if (offset >= file.size) {
            localStorage.removeItem(key);
            return { ok: true, video: sent.header("PoseCoach-Video") };
          }
        }
      } catch (err) {
        // The connection dropped: wait, then ask the server how far it got and go on from there.
        if (failures >= RETRY_DELAYS_MS.length) {
          return { ok: false, error: "The connection keeps breaking. Reload the page and add the " +
            "same file again: the upload goes on from where it stopped." };
        }
        if (options.onRetry) options.onRetry(RETRY_DELAYS_MS[failures]);
        await sleep(RETRY_DELAYS_MS[failures]);
        failures += 1;
        offset = null;
      }
    }
  }

  window.Tus = { upload, unfinished, fingerprint, offsetOf };
})();
