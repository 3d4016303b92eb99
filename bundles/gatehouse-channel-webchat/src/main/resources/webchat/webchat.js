// Gatehouse webchat: one WebSocket to /ws. The browser session id (the peer, direct:<id>) is kept in
// localStorage; a gateway token given as ?token= in the page URL is passed on to the socket.
(function () {
  "use strict";
  var KEY = "gatehouse.webchat.session";
  var session = localStorage.getItem(KEY);
  if (!session || !/^[A-Za-z0-9_-]{8,80}$/.test(session)) {
    session = (crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) + Math.random().toString(16).slice(2)).replace(/[^A-Za-z0-9_-]/g, "");
    localStorage.setItem(KEY, session);
  }
  var token = new URLSearchParams(location.search).get("token");
  var log = document.getElementById("log");
  var form = document.getElementById("composer");
  var input = document.getElementById("input");
  var sendButton = document.getElementById("send");
  var status = document.getElementById("status");
  var socket = null, current = null, backoff = 500, queue = [];

  function bubble(kind, text) {
    var el = document.createElement("div");
    el.className = "msg " + kind;
    el.textContent = text;
    log.appendChild(el);
    log.scrollTop = log.scrollHeight;
    return el;
  }

  function setOnline(on) {
    status.textContent = on ? "connected" : "reconnecting…";
    status.className = "status " + (on ? "online" : "offline");
  }

  function connect() {
    var url = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/ws?session=" + encodeURIComponent(session)
      + (token ? "&token=" + encodeURIComponent(token) : "");
    socket = new WebSocket(url);
    socket.onmessage = function (ev) {
      var f;
      try { f = JSON.parse(ev.data); } catch (e) { return; }
      if (f.type === "ready") {
        backoff = 500;
        setOnline(true);
        while (queue.length) { socket.send(queue.shift()); }
      } else if (f.type === "delta") {
        if (!current) { current = bubble("agent streaming", ""); }
        current.textContent += f.text;
        log.scrollTop = log.scrollHeight;
      } else if (f.type === "done") {
        if (!current) { current = bubble("agent", ""); }
        current.textContent = f.text;
        current.classList.remove("streaming");
        current = null;
      } else if (f.type === "error") {
        if (current) { current.classList.remove("streaming"); current = null; }
        bubble("error", f.code === "busy" ? "The gateway is busy; send the message again in " + f.retryAfter + " s." : f.message);
      }
    };
    socket.onclose = function (ev) {
      setOnline(false);
      if (current) { current.classList.remove("streaming"); current = null; }
      if (ev.code === 1008) { bubble("error", "Not authorised: open this page with ?token=<gateway token>."); return; }
      setTimeout(connect, backoff);
      backoff = Math.min(backoff * 2, 10000);
    };
  }

  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    var text = input.value.trim();
    if (!text) { return; }
    bubble("user", text);
    input.value = "";
    var frame = JSON.stringify({ type: "message", text: text });
    if (socket && socket.readyState === WebSocket.OPEN) { socket.send(frame); } else { queue.push(frame); }
  });
  input.addEventListener("keydown", function (ev) {
    if (ev.key === "Enter" && !ev.shiftKey) { ev.preventDefault(); form.requestSubmit(); }
  });
  connect();
}());
