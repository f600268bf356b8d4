// Runs first in every page of the site and the widget. The prerendered page
// works without the app: this script starts go-app's (wasm_exec.js, app.js)
// when <html data-wasm> says, and until then does the little the app would
// do at once: it moves the carousel, and reports the widget's height.
(function () {
  "use strict";
  var root = document.documentElement;
  var framed = window.parent !== window;
  // A frame shows the page around it through its background (kiosque.css).
  if (framed) root.setAttribute("data-framed", "");

  // In a sandboxed frame (WordPress's oEmbed iframes), and where the reader
  // blocks the site's data, reading localStorage throws, and go-app's
  // start-up would crash and blank the page: give it storage that lives in
  // memory instead. It says so: what must last (the saved list) is refused.
  function memoryStorage() {
    var data = new Map();
    return {
      kiosqueInMemory: true,
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

  // A frame never registers the service worker: a partner's page is not
  // the site, and a sandbox refuses it with an error on the partner's
  // console. app.js asks this before it registers (app/server/assets.go).
  window.kiosqueNoWorker = framed;

  // go-app tells the app of an update whenever a worker activates while the
  // page has one, which is also the case of the very first worker when it
  // takes over a page loaded without one: that is no new release. A new
  // release is a worker that replaces the one the page already had, which
  // the page sees as a change of controller (app/ui/notices.go).
  // (Reading navigator.serviceWorker throws in a sandboxed frame.)
  window.kiosqueNewRelease = false;
  if (!framed) {
    try {
      var hadWorker = !!navigator.serviceWorker.controller;
      navigator.serviceWorker.addEventListener("controllerchange", function () {
        if (hadWorker) window.kiosqueNewRelease = true;
        hadWorker = true;
      });
    } catch (e) { /* no service workers here */ }
  }

  // go-app takes over every link click and opens other hosts in a new
  // window, even when the link asks for the top window. Links that name a
  // target are left to the browser.
  document.addEventListener("click", function (e) {
    var a = e.target.closest && e.target.closest("a[target]");
    if (a && a.target !== "_self") e.stopPropagation();
  });

  // ---- Starting the app ----

  var mode = root.getAttribute("data-wasm") || "off";
  var started = false;
  var intents = ["pointerover", "pointerdown", "touchstart", "focusin", "keydown"];

  // A touch or a press on a link is a reader leaving: starting the app
  // then would only hold up the way out.
  function onIntent(e) {
    if ((e.type === "touchstart" || e.type === "pointerdown") && e.target.closest && e.target.closest("a[href]")) return;
    start();
  }

  function start() {
    if (started || mode === "off") return;
    started = true;
    intents.forEach(function (type) { removeEventListener(type, onIntent, true); });
    // Added in order, run in order: go-app's runtime, then its loader,
    // which fetches and starts the wasm.
    ["/wasm_exec.js", "/app.js"].forEach(function (src) {
      var script = document.createElement("script");
      script.src = src;
      script.async = false;
      document.head.appendChild(script);
    });
  }

  function afterLoad(run) {
    if (document.readyState === "complete") run();
    else addEventListener("load", run);
  }

  function whenParsed(run) {
    if (document.readyState !== "loading") run();
    else document.addEventListener("DOMContentLoaded", run);
  }

  switch (mode) {
    case "eager":
      whenParsed(start);
      break;
    case "idle":
      afterLoad(function () {
        if (window.requestIdleCallback) requestIdleCallback(start, { timeout: 5000 });
        else setTimeout(start, 1000);
      });
      break;
    case "intent":
      intents.forEach(function (type) { addEventListener(type, onIntent, { capture: true, passive: true }); });
      break;
  }

  // The site's pages register the service worker themselves, after the
  // load: the site stays installable and readable offline whether or not
  // the app has started yet. The worker fetches the app's files (the wasm
  // among them) when it installs, and keeps them: the app then starts from
  // the cache when the reader reaches for it.
  if (!framed && mode !== "off") {
    afterLoad(function () {
      try {
        navigator.serviceWorker.register("/app-worker.js").catch(function () {});
      } catch (e) { /* no service workers here */ }
    });
  }

  // ---- The carousel before the app ----

  function running() { return root.getAttribute("data-kiosque") === "ready"; }

  // Where each carousel's strip is going or has come to rest, by id, so
  // that the app starts where the reader left it.
  var positions = {};

  function slides(track) { return track.children; }

  // stepWidth is the distance from one slide to the next, negative when
  // the strip runs right to left.
  function stepWidth(track) {
    var s = slides(track);
    return s.length > 1 ? s[1].offsetLeft - s[0].offsetLeft : 0;
  }

  function currentSlide(track) {
    var step = stepWidth(track);
    return step ? Math.round(Math.abs(track.scrollLeft) / Math.abs(step)) : 0;
  }

  // move scrolls a strip to the slide n away from the current one.
  function move(track, n, absolute) {
    var step = stepWidth(track), count = slides(track).length;
    if (!step) return;
    var from = currentSlide(track);
    var to = Math.min(Math.max(absolute ? n : from + n, 0), count - 1);
    var reduce = matchMedia("(prefers-reduced-motion: reduce)").matches;
    positions[track.id] = track.scrollLeft + (to - from) * step;
    track.scrollBy({ left: (to - from) * step, behavior: reduce ? "instant" : "smooth" });
    show(track, to);
  }

  // show marks the slide in view: the buttons at the ends, the count read
  // out to screen readers (the slide's own label, "2 of 6").
  function show(track, current) {
    var carousel = track.closest(".carousel"), count = slides(track).length;
    if (!carousel) return;
    var atEnd = Math.abs(track.scrollLeft) + track.clientWidth >= track.scrollWidth - 2;
    carousel.setAttribute("data-current", current);
    var prev = carousel.querySelector(".carousel-prev"), next = carousel.querySelector(".carousel-next");
    if (prev) prev.disabled = current <= 0;
    if (next) next.disabled = count <= 1 || current >= count - 1 || (atEnd && current > 0);
    var live = carousel.querySelector("[aria-live]");
    var slide = slides(track)[current];
    if (live && slide) live.textContent = slide.getAttribute("aria-label");
  }

  document.addEventListener("click", function (e) {
    var button = !running() && e.target.closest && e.target.closest(".carousel-button");
    var track = button && document.getElementById(button.getAttribute("aria-controls"));
    if (track) move(track, button.classList.contains("carousel-next") ? 1 : -1);
  });

  document.addEventListener("keydown", function (e) {
    var track = !running() && e.target.closest && e.target.closest(".carousel-track");
    if (!track) return;
    var rtl = getComputedStyle(track).direction === "rtl";
    switch (e.key) {
      case rtl ? "ArrowLeft" : "ArrowRight": move(track, 1); break;
      case rtl ? "ArrowRight" : "ArrowLeft": move(track, -1); break;
      case "Home": move(track, 0, true); break;
      case "End": move(track, slides(track).length - 1, true); break;
      default: return;
    }
    e.preventDefault();
  });

  // Touch and trackpads scroll the strip themselves.
  document.addEventListener("scrollend", function (e) {
    var track = e.target.classList && e.target.classList.contains("carousel-track") && e.target;
    if (!track) return;
    positions[track.id] = track.scrollLeft;
    if (!running()) show(track, currentSlide(track));
  }, true);

  // Other buttons need the app: a press before it runs starts it, and is
  // pressed again once it has taken over.
  var pressed = null;
  document.addEventListener("click", function (e) {
    var button = !running() && e.target.closest && e.target.closest("button");
    if (!button || button.classList.contains("carousel-button") || button.matches("[data-copy], [data-share]")) return;
    e.preventDefault();
    pressed = locate(button);
    button.setAttribute("aria-busy", "true");
    start();
  });

  // ---- Copying and sharing, before the app and after ----

  // A button with data-copy copies the text of the element it names (the
  // embed builder's code); one with data-share shares its link, through
  // the system's share sheet where the browser has one, else by copying
  // it. Either says it has copied in the element data-status names.
  function tell(button, ok) {
    var status = document.getElementById(button.getAttribute("data-status"));
    if (status) status.textContent = button.getAttribute(ok ? "data-done" : "data-failed") || "";
  }

  function copy(text) {
    if (navigator.clipboard && navigator.clipboard.writeText) return navigator.clipboard.writeText(text);
    return new Promise(function (resolve, reject) { // not a secure context
      var area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.style.cssText = "position:fixed;top:0;opacity:0";
      document.body.appendChild(area);
      area.select();
      var ok = false;
      try { ok = document.execCommand("copy"); } catch (e) { /* refused */ }
      area.remove();
      if (ok) resolve(); else reject(new Error("copy refused"));
    });
  }

  document.addEventListener("click", function (e) {
    var button = e.target.closest && e.target.closest("button[data-copy], button[data-share]");
    if (!button) return;
    e.preventDefault();
    var status = document.getElementById(button.getAttribute("data-status"));
    if (status) status.textContent = ""; // said again, heard again
    var done = function () { tell(button, true); }, failed = function () { tell(button, false); };
    if (button.hasAttribute("data-copy")) {
      var source = document.getElementById(button.getAttribute("data-copy"));
      copy(source ? source.textContent : "").then(done, failed);
      return;
    }
    var link = new URL(button.getAttribute("data-share"), location.href).href;
    if (!navigator.share) return copy(link).then(done, failed);
    navigator.share({ url: link, title: button.getAttribute("data-title") || document.title }).catch(function (err) {
      if (err && err.name !== "AbortError") copy(link).then(done, failed); // not the reader's cancel
    });
  });

  // ---- The app takes over ----

  // Where focus was, as an id or a path of child indexes from the body: the
  // app renders the same tree as the prerendered one.
  var focused = null;
  document.addEventListener("focusin", function (e) { focused = locate(e.target); });

  // What the reader chose in a form before the app ran (the embed
  // builder's options), to choose again once it has taken over.
  var chosen = [];
  document.addEventListener("change", function (e) {
    var place = !running() && e.target.id && locate(e.target);
    if (place) chosen.push({ place: place, value: e.target.value });
  });

  function locate(el) {
    if (el.id) return { id: el.id };
    var path = [];
    for (; el && el.parentElement && el !== document.body; el = el.parentElement) {
      path.unshift(Array.prototype.indexOf.call(el.parentElement.children, el));
    }
    return el === document.body ? { path: path } : null;
  }

  function find(place) {
    if (place.id) return document.getElementById(place.id);
    var el = document.body;
    for (var i = 0; el && i < place.path.length; i++) el = el.children[place.path[i]];
    return el;
  }

  // When the app has replaced the prerendered page (the same task, before
  // anything is painted), the strips go back where they were, and focus
  // to the element that had it.
  new MutationObserver(function (records, observer) {
    if (!running()) return;
    observer.disconnect();
    Object.keys(positions).forEach(function (id) {
      var track = document.getElementById(id);
      if (track) track.scrollTo({ left: positions[id], behavior: "instant" });
    });
    if (focused && (document.activeElement === document.body || !document.activeElement)) {
      var el = find(focused);
      if (el && el.focus) el.focus({ preventScroll: true });
    }
    chosen.forEach(function (c) {
      var el = find(c.place);
      if (!el || el.value === c.value) return;
      el.value = c.value;
      el.dispatchEvent(new Event("change", { bubbles: true }));
    });
    if (pressed) {
      var button = find(pressed);
      if (button && button.click) button.click();
    }
  }).observe(root, { attributes: true, attributeFilter: ["data-kiosque"] });

  // ---- Height, in a frame ----

  // In a frame, tell the page around it how tall the widget is, so that the
  // frame fits it, and what the widget is, to name the frame. Our loader
  // (embed.js) names its frame in the fragment (#kiosque=ID); WordPress
  // adds #?secret=... and listens for its own message, clamping the height
  // to 200-1000 px. Neither is a secret: any page may read them.
  if (framed) {
    var hash = new URLSearchParams(location.hash.replace(/^#\??/, ""));
    var id = hash.get("kiosque") || new URLSearchParams(location.search).get("kiosque");
    var secret = hash.get("secret");
    var reported = -1, waiting = 0;
    var report = function (again) {
      if (document.readyState === "loading") return;
      // A frame with no width yet has no height to tell: under load its
      // size reaches its process after it is parsed, and in a closed part
      // of the page (a Details block) it has none. Told one (0 px, which
      // WordPress makes 200), the page would show the frame at that, then
      // jump again to the right one. Hidden, a frame's observer waits, its
      // timers do not: look again until it has a width.
      clearTimeout(waiting);
      if (!innerWidth) {
        waiting = setTimeout(report, 100);
        return;
      }
      var height = Math.ceil(root.getBoundingClientRect().height);
      if (height === reported && again !== true) return;
      reported = height;
      // A widget that could not show what it was asked says why instead,
      // and its loader keeps the page's fallback.
      var alert = root.querySelector('.widget [role="alert"]');
      if (id && alert) window.parent.postMessage({ type: "kiosque:resize", version: 1, id: id, height: height, error: alert.textContent }, "*");
      else if (id) window.parent.postMessage({ type: "kiosque:resize", version: 1, id: id, height: height, title: document.title }, "*");
      if (secret) window.parent.postMessage({ secret: secret, message: "height", value: height }, "*");
    };
    // Not before the whole document is parsed: a height measured half way
    // would swap the frame in too short, and the page would jump twice.
    // Browsers pause the rendering of hidden and off-screen frames, and the
    // observer with it: the load events measure (forcing layout) regardless.
    whenParsed(function () {
      report();
      new ResizeObserver(report).observe(root);
    });
    window.addEventListener("load", report);
    window.addEventListener("message", function (e) {
      var d = e.data;
      if (e.source !== window.parent || !d) return;
      // WordPress greets its frames once its script runs, maybe after ours.
      if (secret && d.message === "ready" && d.secret === secret) report(true);
    });
    if (root.hasAttribute("data-insights") && navigator.sendBeacon && window.IntersectionObserver) count(hash);
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

  // ---- Counting, without tracking ----

  // count tells the widget's server, with one beacon per event, that the
  // widget was seen, that a card was opened, and, in a carousel that
  // interleaves two rankers, which one's cards the reader clicked. A
  // beacon holds no identifier: the host of the partner's page, the name
  // the partner gave the widget's place, the article, the position.
  // Nothing is kept on the reader's device.
  function count(hash) {
    var view = {};
    try {
      view = JSON.parse(document.getElementById("kiosque-view").textContent) || {};
    } catch (e) { /* no view: nothing to count */ }
    if (!view.embed || view.error) return;
    var article = view.article ? view.article.slug : "";
    var variant = view.interleaved ? view.embed.variant || 0 : 0;
    // The cards after the featured one, as the widget lays them out
    // (app/ui/widget.go): their place, from 1, is a click's position.
    var listed = view.article ? view.related || [] : view.articles || [];
    if (!view.article && view.embed.layout === "both") listed = listed.slice(1);
    var partner = "";
    try {
      var ancestors = location.ancestorOrigins;
      partner = new URL(ancestors && ancestors.length ? ancestors[0] : document.referrer).hostname;
    } catch (e) { /* the browser does not say */ }
    // The site framing its own widget (the embed builder's previews) is
    // no partner's page view.
    if (partner === location.hostname) return;
    // The place's name as the server takes it (app/insights/events): at
    // most 32 lower-case letters, digits, - and _.
    var placement = Array.from((hash.get("placement") || "").trim().toLowerCase().replace(/[^\p{L}\p{N}_-]+/gu, "-")).slice(0, 32).join("");

    function send(event) {
      event.partner = partner;
      event.placement = placement;
      navigator.sendBeacon("/api/v1/events", JSON.stringify(event));
    }

    // Seen: at least half of the widget in view for a second, the IAB's
    // rule (a third for a widget over 242,500 px², its rule for large
    // units), in a page the reader is looking at; once per page view.
    var seen = false, inView = false, timer = 0;
    function watch() {
      clearTimeout(timer);
      if (seen || !inView || document.visibilityState !== "visible") return;
      timer = setTimeout(function () {
        seen = true;
        observer.disconnect();
        send({ kind: "view", article: article, variant: variant });
      }, 1000);
    }
    var observer = new IntersectionObserver(function (entries) {
      var entry = entries[entries.length - 1], box = entry.boundingClientRect;
      var needed = box.width * box.height > 242500 ? 0.3 : 0.5;
      inView = entry.isIntersecting && entry.intersectionRatio >= needed - 0.001;
      watch();
    }, { threshold: [0, 0.3, 0.5, 0.75, 1] });
    observer.observe(root);

    // Opened: a card's link; its position in the list, 0 for the featured
    // card. In an interleaved carousel, the ranker that put it there.
    var clicks = { kiosque: 0, baseline: 0 }, told = false;
    document.addEventListener("click", function (e) {
      var a = e.target.closest && e.target.closest("a[data-go]");
      if (!a) return;
      var slug = a.getAttribute("data-go").replace(/^\/go\//, ""), position = 0;
      for (var i = 0; i < listed.length; i++) {
        if (listed[i].slug === slug) position = i + 1;
      }
      var event = { kind: "click", article: slug, position: position, variant: variant };
      if (position && article) event.from = article;
      if (position && variant) {
        event.ranker = view.interleaved[position - 1];
        clicks[event.ranker]++;
      }
      send(event);
    }, true);

    // An interleaved view's outcome: the clicks on each ranker's cards,
    // told once, as the reader leaves the page.
    function outcome() {
      if (told || !variant || clicks.kiosque + clicks.baseline === 0) return;
      told = true;
      send({ kind: "outcome", article: article, variant: variant, kiosque: clicks.kiosque, baseline: clicks.baseline });
    }
    addEventListener("pagehide", outcome);
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "hidden") outcome();
      watch();
    });
  }
})();
