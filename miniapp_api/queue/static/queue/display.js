// The hall display: follows the hall's public live topic (no ticket), shows each call at once and speaks
// it in zh-CN. Browsers only let a page speak after one click, so the screen has a "开启语音播报" button
// that the person setting up the TV presses once. window.callsShown / window.spokenTexts record what
// happened and when (the browser test measures call→display with them).
(function () {
  "use strict";
  var body = document.body;
  var base = body.dataset.liveUrl || (location.protocol + "//" + location.hostname + ":" + body.dataset.livePort);
  var state = document.getElementById("live-state");
  var voice = false, voiceButton = document.getElementById("btn-voice");
  window.callsShown = [];
  window.spokenTexts = [];

  function tick() {
    var d = new Date(), p = function (n) { return (n < 10 ? "0" : "") + n; };
    document.getElementById("clock").textContent = p(d.getHours()) + ":" + p(d.getMinutes()) + ":" + p(d.getSeconds());
  }
  tick(); setInterval(tick, 1000);

  voiceButton.addEventListener("click", function () {
    voice = true; voiceButton.className = "on";
    speak("语音播报已开启");
  });

  function speak(text) {
    window.spokenTexts.push(text);
    if (!voice || !window.speechSynthesis) { return; }
    var u = new SpeechSynthesisUtterance(text);
    u.lang = "zh-CN"; u.rate = 0.9;
    var zh = speechSynthesis.getVoices().filter(function (v) { return /^zh(-|_)?CN/i.test(v.lang); })[0];
    if (zh) { u.voice = zh; }
    speechSynthesis.speak(u);
  }

  function cell(text) { var td = document.createElement("td"); td.textContent = text; return td; }

  function showCall(call, ts) {
    var now = document.getElementById("now-calling");
    var prevNumber = document.getElementById("now-number"), prevWindow = document.getElementById("now-window");
    if (prevNumber && prevWindow && prevNumber.textContent !== call.number) {  // the previous call moves down
      var row = document.createElement("tr");
      row.appendChild(cell(prevNumber.textContent)); row.appendChild(cell(prevWindow.textContent));
      var list = document.getElementById("recent-calls");
      list.insertBefore(row, list.firstChild);
      while (list.children.length > 8) { list.removeChild(list.lastChild); }
    }
    now.textContent = "";
    var n = document.createElement("span"); n.className = "number"; n.id = "now-number"; n.textContent = call.number;
    var a = document.createElement("span"); a.className = "arrow"; a.textContent = "请到";
    var w = document.createElement("span"); w.className = "window"; w.id = "now-window"; w.textContent = call.window;
    var b = document.createElement("span"); b.className = "arrow"; b.textContent = "号窗口";
    [n, a, w, b].forEach(function (el) { now.appendChild(el); });
    now.classList.remove("flash"); void now.offsetWidth; now.classList.add("flash");
    window.callsShown.push({ number: call.number, window: call.window, ts: ts, shown: Date.now() / 1000 });
    speak("请" + call.number + "号到" + call.window + "号窗口办理");
  }

  function refreshBoard() {
    fetch(body.dataset.boardUrl).then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) { if (html) { document.getElementById("board").innerHTML = html; } })
      .catch(function () {});
  }
  setInterval(refreshBoard, 60000);  // a safety net: every change arrives as a board event with the counts

  // A board event carries the counts: update the cells in place (no request to the API); a category the
  // table does not have yet (the hall's set changed) makes the page fetch the table once.
  function applyBoard(categories) {
    var missing = false;
    (categories || []).forEach(function (c) {
      var row = document.querySelector("#board tr[data-category='" + c.category + "']");
      if (!row) { missing = true; return; }
      row.querySelector(".waiting").textContent = c.waiting;
      row.querySelector(".wait-min").textContent = c.estimated_wait_minutes;
    });
    window.boardUpdates = (window.boardUpdates || 0) + 1;
    if (missing) { refreshBoard(); }
  }

  function connect() {
    var source = new EventSource(base + "/live/" + body.dataset.topic);
    source.onopen = function () { state.className = ""; state.textContent = "● 实时连接正常"; };
    source.onmessage = function (e) {
      var msg = JSON.parse(e.data), data = msg.data || {};
      if (data.type === "call") { showCall(data, msg.ts); }
      else if (data.type === "board") {
        if (data.categories) { applyBoard(data.categories); } else { refreshBoard(); }
      }
    };
    source.addEventListener("resync", refreshBoard);
    source.onerror = function () {
      state.className = "off"; state.textContent = "● 连接中断，正在重连";
      if (source.readyState === EventSource.CLOSED) { setTimeout(connect, 3000); }
    };
  }
  connect();
})();
