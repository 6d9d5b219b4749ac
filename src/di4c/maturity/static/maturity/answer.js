// Saves each answer as it is given, so that closing the tab loses nothing.
// Without JavaScript the "Save this answer" buttons do the same with a page reload.
(function () {
  "use strict";
  const texts = JSON.parse(document.getElementById("answer-messages").textContent);
  const progress = document.getElementById("progress");
  const progressLabel = document.getElementById("progress-label");
  const timers = new WeakMap();

  async function save(form) {
    clearTimeout(timers.get(form));
    timers.delete(form);
    const status = form.querySelector(".save-status");
    const data = new FormData(form);
    data.delete("file"); // files go with a normal submit, see below
    try {
      const response = await fetch(form.action, {
        method: "POST",
        body: data,
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      });
      const body = await response.json();
      if (body.saved) {
        status.textContent = texts.saved;
        status.className = "save-status saved";
        progress.value = body.answered;
        progress.max = body.total;
        progressLabel.textContent = texts.progress
          .replace("%(answered)s", body.answered)
          .replace("%(total)s", body.total);
      } else {
        const messages = Object.values(body.errors || {}).flat().join(" ");
        status.textContent = texts.error + " " + messages;
        status.className = "save-status error";
      }
    } catch (error) {
      status.textContent = texts.error + " " + error;
      status.className = "save-status error";
    }
  }

  document.querySelectorAll("form[data-autosave]").forEach(function (form) {
    form.addEventListener("change", function (event) {
      // A textarea fires "change" when it loses focus: save at once, no need to wait.
      if (event.target.type === "radio" || event.target.tagName === "TEXTAREA") save(form);
      if (event.target.type === "file" && event.target.files.length) form.submit();
    });
    form.addEventListener("input", function (event) {
      if (event.target.tagName !== "TEXTAREA") return;
      const status = form.querySelector(".save-status");
      status.textContent = texts.pending;
      status.className = "save-status";
      clearTimeout(timers.get(form));
      timers.set(form, setTimeout(function () { save(form); }, 800));
    });
  });

  // Leaving the page with typing not yet saved: send it anyway.
  window.addEventListener("pagehide", function () {
    document.querySelectorAll("form[data-autosave]").forEach(function (form) {
      if (!timers.has(form)) return;
      const data = new FormData(form);
      data.delete("file");
      navigator.sendBeacon(form.action, data);
    });
  });
})();
