// The call screen: as the caller's words grow, ask for suggestions (debounced, the latest request wins) and
// show them without a button. window.suggestLog keeps {chars, sent, shown} per refresh for tests and the
// benchmark (keystroke → shown suggestion).
(function () {
  "use strict";
  var form = document.getElementById("caller-form");
  if (!form) { return; }
  var box = document.getElementById("caller-text"), out = document.getElementById("suggestions");
  var timer = null, seq = 0;
  window.suggestLog = [];
  function refresh(typedAt) {
    var text = box.value.trim();
    if (!text) { return; }
    var mine = ++seq, sent = performance.now();
    fetch(form.dataset.suggest, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/x-www-form-urlencoded", "X-CSRF-Token": document.body.dataset.csrf },
      body: "text=" + encodeURIComponent(text)
    }).then(function (r) { return r.ok ? r.text() : null; }).then(function (html) {
      if (html === null || mine !== seq) { return; }  // an older answer must not replace a newer one
      out.innerHTML = html;
      if (window.htmx) { window.htmx.process(out); }
      var top = out.querySelector(".suggestion"), item = document.getElementById("book-item");
      if (top && item && !item.dataset.touched) { item.value = top.dataset.item; }  // book what is discussed
      window.suggestLog.push({ chars: text.length, typed: typedAt, sent: sent, shown: performance.now() });
    }).catch(function () {});
  }
  box.addEventListener("input", function () {
    var typedAt = performance.now();
    clearTimeout(timer);
    timer = setTimeout(function () { refresh(typedAt); }, 250);
  });
  // The caller's desk: each form posts with fetch and the answer replaces the desk; a refusal (4xx, the one
  // error shape rendered as a fragment) is shown above the forms, which keep what the agent typed.
  var desk = document.getElementById("desk");
  if (desk) {
    desk.addEventListener("input", function (e) { if (e.target.id === "book-item") { e.target.dataset.touched = "1"; } });
    desk.addEventListener("submit", function (e) {
      var f = e.target;
      if (!f.classList || !f.classList.contains("desk-form")) { return; }
      e.preventDefault();
      var button = f.querySelector("button[type=submit]");
      if (button) { button.disabled = true; }
      fetch(f.action, {
        method: "POST", credentials: "same-origin", body: new URLSearchParams(new FormData(f)),
        headers: { "X-CSRF-Token": document.body.dataset.csrf, "HX-Request": "true" }
      }).then(function (r) {
        return r.text().then(function (html) {
          if (r.ok) { desk.innerHTML = html; return; }
          var err = document.getElementById("desk-error");
          if (err) { err.innerHTML = html; }
          if (button) { button.disabled = false; }
        });
      }).catch(function () { if (button) { button.disabled = false; } });
    });
  }
  out.addEventListener("click", function (e) {
    var b = e.target.closest && e.target.closest(".btn-copy");
    if (b && navigator.clipboard) { navigator.clipboard.writeText(b.dataset.copy).catch(function () {}); }
  });
})();
