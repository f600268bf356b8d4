// Runs before go-app's app.js, in every page of the site and the widget.
(function () {
  "use strict";
  // In a sandboxed frame (WordPress's oEmbed iframes) reading localStorage
  // throws, and go-app's start-up would crash and blank the page: give it
  // storage that lives in memory instead.
  function memoryStorage() {
    var data = new Map();
    return {
      get length() { return data.size; },
      key: function (i) { return Array.from(data.keys())[i] ?? null; },
      getItem: function (k) { return data.has(String(k)) ? data.get(String(k)) : null; },
      setItem: function (k, v) { data.set(String(k), String(v)); },
      removeItem: function (k) { data.delete(String(k)); },
      clear: function () { data.clear(); }
    };
  }
  ["localStorage", "sessionStorage"].forEach(function (name) {
    try {
      var s = window[name];
      s.getItem("kiosque");
    } catch (e) {
      Object.defineProperty(window, name, { value: memoryStorage(), configurable: true });
    }
  });

  // go-app tells the app of an update whenever a worker activates while the
  // page has one, which is also the case of the very first worker when it
  // takes the page over: the app ignores that one (app/ui/notices.go).
  // (Reading navigator.serviceWorker throws in a sandboxed frame.)
  try {
    window.kiosqueFirstWorker = !navigator.serviceWorker.controller;
  } catch (e) {
    window.kiosqueFirstWorker = true;
  }

  // go-app takes over every link click and opens other hosts in a new
  // window, even when the link asks for the top window. Links that name a
  // target are left to the browser.
  document.addEventListener("click", function (e) {
    var a = e.target.closest && e.target.closest("a[target]");
    if (a && a.target !== "_self") e.stopPropagation();
  });

  // In a frame, tell the page around it how tall the widget is, so that the
  // frame fits it. Our loader (embed.js) names its frame in the fragment
  // (#kiosque=ID); WordPress adds #?secret=... and listens for its own
  // message, clamping the height to 200-1000 px. The height is no secret:
  // any page may read it.
  if (window.parent !== window) {
    var hash = new URLSearchParams(location.hash.replace(/^#\??/, ""));
    var id = hash.get("kiosque") || new URLSearchParams(location.search).get("kiosque");
    var secret = hash.get("secret");
    var reported = -1;
    var report = function (again) {
      var height = Math.ceil(document.documentElement.getBoundingClientRect().height);
      if (height === reported && again !== true) return;
      reported = height;
      if (id) window.parent.postMessage({ type: "kiosque:resize", version: 1, id: id, height: height }, "*");
      if (secret) window.parent.postMessage({ secret: secret, message: "height", value: height }, "*");
    };
    // Browsers pause the rendering of hidden and off-screen frames, and the
    // observer with it: the load events measure (forcing layout) regardless.
    new ResizeObserver(report).observe(document.documentElement);
    document.addEventListener("DOMContentLoaded", report);
    window.addEventListener("load", report);
    window.addEventListener("message", function (e) {
      var d = e.data;
      if (e.source !== window.parent || !d) return;
      // WordPress greets its frames once its script runs, maybe after ours.
      if (secret && d.message === "ready" && d.secret === secret) report(true);
    });
    // WordPress's sandbox lets no link leave the frame: ask it to follow
    // the link (it does for links to the frame's own host).
    if (secret) {
      document.addEventListener("click", function (e) {
        var a = e.target.closest && e.target.closest("a[href]");
        if (!a) return;
        e.preventDefault();
        e.stopPropagation(); // nor may go-app navigate the frame itself
        // A card leaving for another host goes through /go/{slug} here,
        // which redirects there.
        var href = a.href;
        if (a.dataset.go && new URL(href).host !== location.host) href = new URL(a.dataset.go, location.href).href;
        window.parent.postMessage({ secret: secret, message: "link", value: href }, "*");
      }, true);
    }
  }
})();
