// The self-assessment page works without this script; with it, the page counts the
// competences answered as you go, moves the focus to the list of problems after a refused
// submission, and stops a double tap from sending the answers twice.
(function () {
  "use strict";
  const form = document.querySelector("form[data-skills-answer]");
  if (!form) return;
  const texts = JSON.parse(document.getElementById("skills-answer-texts").textContent);
  const counter = document.getElementById("skills-progress");
  const radios = Array.from(form.querySelectorAll('input[type="radio"][name^="level-"]'));
  const names = Array.from(new Set(radios.map(function (input) { return input.name; })));

  function update() {
    const answered = new Set(
      radios.filter(function (input) { return input.checked; }).map(function (input) { return input.name; })
    ).size;
    counter.textContent = texts.progress
      .replace("%(answered)s", answered)
      .replace("%(total)s", names.length);
  }

  if (counter && names.length) {
    counter.hidden = false;
    update();
    form.addEventListener("change", function (event) {
      if (event.target.name && event.target.name.indexOf("level-") === 0) update();
    });
  }

  const summary = document.getElementById("error-summary");
  if (summary) summary.focus();

  let sent = false;
  form.addEventListener("submit", function (event) {
    if (sent) {
      event.preventDefault();
      return;
    }
    sent = true;
  });
  // Back on the page from the browser's history: the form may be sent again.
  window.addEventListener("pageshow", function () { sent = false; });
})();
