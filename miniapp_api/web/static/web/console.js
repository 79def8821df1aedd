// Console page behaviour (progressive: every page works without it).
// 1. htmx sends the CSRF token as a header on every request it makes.
// 2. Live updates: one EventSource per page to the live server for the page's topics; each event is
//    re-dispatched on <body> as "live-<topic>" (dots → dashes) so htmx elements can refresh with
//    hx-trigger="live-guides from:body"; a short notice is shown. A refused connection (expired
//    ticket) fetches a fresh ticket and reconnects.
(function () {
  "use strict";
  var body = document.body;
  document.addEventListener("htmx:configRequest", function (e) {
    e.detail.headers["X-CSRF-Token"] = body.dataset.csrf;
  });

  var topics = body.dataset.liveTopics;
  if (!topics || !window.EventSource) { return; }
  var ticket = body.dataset.liveTicket;
  var base = body.dataset.liveUrl ||
    (location.protocol + "//" + location.hostname + ":" + body.dataset.livePort);
  var state = document.getElementById("live-state");
  window.liveEvents = [];  // what arrived, with the time it did (browser tests and the benchmark read it)

  function eventName(topic) { return "live-" + topic.replace(/[^a-z0-9]+/g, "-"); }
  function setState(cls, text) { if (state) { state.className = "live-state " + cls; state.textContent = text; } }
  function toast(text) {
    var box = document.getElementById("toasts");
    if (!box || !text) { return; }
    var el = document.createElement("div");
    el.className = "toast"; el.textContent = text; box.appendChild(el);
    setTimeout(function () { el.remove(); }, 5000);
  }
  function deliver(topic, data) {
    body.dispatchEvent(new CustomEvent(eventName(topic), { detail: data }));
  }
  var source = null, retry = 1000;
  function connect() {
    source = new EventSource(base + "/live/" + topics + (ticket ? "?ticket=" + encodeURIComponent(ticket) : ""));
    source.onopen = function () { retry = 1000; setState("on", "● 实时已连接"); };
    source.onmessage = function (e) {
      var msg = JSON.parse(e.data);
      window.liveEvents.push({ topic: msg.topic, ts: msg.ts, received: Date.now() / 1000, data: msg.data });
      deliver(msg.topic, msg.data);
      if (msg.data && msg.data.message) { toast(msg.data.message); }
    };
    source.addEventListener("resync", function () {
      topics.split(",").forEach(function (t) { deliver(t, { type: "resync" }); });
    });
    source.onerror = function () {
      setState("off", "● 实时已断开，重连中");
      if (source.readyState !== EventSource.CLOSED) { return; }  // the browser retries by itself
      // Refused (e.g. the ticket expired) or the server is down: new ticket, then reconnect.
      setTimeout(function () {
        fetch(body.dataset.liveRefresh + "?topics=" + encodeURIComponent(topics), { credentials: "same-origin" })
          .then(function (r) { return r.ok ? r.json() : null; })
          .then(function (d) { if (d && d.ticket) { ticket = d.ticket; } connect(); })
          .catch(function () { connect(); });
      }, retry);
      retry = Math.min(retry * 2, 30000);
    };
  }
  connect();
})();

// Word chips: a click puts the word into the input named by data-target (KB desk: pick the synonym).
document.addEventListener("click", function (e) {
  var chip = e.target.closest && e.target.closest("[data-fill]");
  if (!chip) { return; }
  var form = chip.closest("form");
  var input = form && form.querySelector("[name='" + chip.dataset.target + "']");
  if (input) { input.value = chip.dataset.fill; input.focus(); }
});
