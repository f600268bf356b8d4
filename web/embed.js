// Kiosque's loader, served at /embed.js. A partner's page pastes
//   <div class="kiosque-embed" data-article="SLUG"><a href="…">Title</a></div>
//   <script async src="https://widget.example/embed.js"></script>
// and each such container gets an iframe of the widget (/embed) once it nears
// the viewport, sized to the widget's height as the widget reports it.
//
// A page may embed widgets of several Kiosque servers (publishers), each
// with its own loader: a container is the server's its fallback link
// points to, when that server's loader is on the page; any other container
// is the first loader's.
(function () {
  "use strict";
  var script = document.currentScript || document.querySelector('script[src*="/embed.js"]');
  // The widget's address: frames are made there, and only its origin may
  // resize them.
  var base = new URL(script.src, location.href), origin = base.origin;
  // The loaders on the page, by origin; Kiosque.load() runs each.
  var registry = window.Kiosque;
  if (!registry || !(registry.loaders instanceof Map)) {
    registry = window.Kiosque = {
      loaders: new Map(),
      first: origin,
      load: function () { registry.loaders.forEach(function (load) { load(); }); }
    };
  }
  if (registry.loaders.has(origin)) {
    // Pasted twice: the first copy already watches the page.
    registry.load();
    return;
  }
  var options = ["article", "url", "category", "content-lang", "limit", "theme", "lang", "layout", "target", "wasm"];
  // The values the server takes for the options that have a few; a value
  // with an obvious meaning is taken (case, spaces), anything else is
  // left out with a warning that names it, so that the widget shows with
  // its default rather than an error.
  var allowed = {
    theme: ["light", "dark", "auto"],
    layout: ["both", "carousel", "cards"],
    lang: ["fr", "ar", "en"],
    "content-lang": ["fr", "ar", "en"],
    target: ["_top", "_blank"],
    wasm: ["intent", "idle", "eager"],
    look: ["host", "kiosque"]
  };
  var maxLimit = 12;
  // The share of page views whose article widgets merge the ranker's
  // carousel with a baseline's, for the publisher's comparison of the two:
  // the server that serves this file writes its -interleave here.
  var interleave = 0;
  var variants = 8; // the ways to merge them (app/insights/interleave)
  // Drawn once per page view, for every widget of the page, and kept
  // nowhere: the frame's address names the variant, so that the server
  // and caches keep a few answers per widget rather than one per reader.
  var variant = Math.random() < interleave ? 1 + Math.floor(Math.random() * variants) : 0;
  var frames = new Map(); // frame id → {box, frame}
  var count = 0;
  var near = window.IntersectionObserver && new IntersectionObserver(function (entries) {
    entries.forEach(function (entry) {
      if (entry.isIntersecting) {
        near.unobserve(entry.target);
        mount(entry.target);
      }
    });
  }, { rootMargin: "200px 0px" });

  // setting reads an option from the container, else from the page's
  // <meta name="kiosque:NAME">.
  function setting(box, name) {
    var value = box.getAttribute("data-" + name), meta;
    if (value === null) {
      meta = document.querySelector('meta[name="kiosque:' + name + '"]');
      value = meta && meta.getAttribute("content");
    }
    return value || "";
  }

  // warn tells the partner's developer, in the console, what the loader
  // did with what it was given.
  function warn(message) {
    console.warn("Kiosque: " + message);
  }

  // checked is the value of an option the server will take: value made
  // plain where its meaning is obvious, or "" (the default) with a warning.
  function checked(name, value) {
    var plain = value.trim().toLowerCase(), ok = allowed[name], n = +plain;
    if (!value || !ok && name != "limit") return value.trim();
    if (ok ? ok.indexOf(plain) >= 0 : n >= 1 && n % 1 == 0) return ok ? plain : "" + Math.min(n, maxLimit);
    warn("data-" + name + '="' + value + '" is not ' + (ok ? "one of " + ok : "a whole number from 1 to " + maxLimit) + ": left out");
    return "";
  }

  // language is the widget's: the one the partner asks for, else that of
  // the page around it when the widget speaks it. Left out, the widget
  // speaks its content's. Never the reader's browser's: the labels then
  // match the page, and the frame's address names its language, so that a
  // cache never serves one reader's language to another.
  function language(box) {
    var asked = checked("lang", setting(box, "lang"));
    if (asked) return asked;
    var page = (box.closest("[lang]") || document.documentElement).getAttribute("lang") || "";
    page = page.toLowerCase().split("-")[0];
    return ["fr", "ar", "en"].indexOf(page) >= 0 ? page : "";
  }

  // guess is about the widget's height in this box, reserved until the
  // frame says its own, so that the swap barely moves the page. Measured on
  // the sample; the oEmbed answer uses the same (widgetHeight, oembed.go).
  function guess(box) {
    var width = box.clientWidth || 640, layout = setting(box, "layout"), columns, rows;
    if (layout === "carousel") return 440;
    if (layout !== "cards") return width < 544 ? 930 : 700;
    columns = Math.max(1, Math.floor((width - 4) / 292));
    rows = Math.ceil(((+setting(box, "limit") || 6) + (setting(box, "article") ? 1 : 0)) / columns);
    return Math.floor(rows * ((width - 24 - (columns - 1) * 20) / columns * 9 / 16 + 265)) + 4;
  }

  // serverOf is the origin of the server a container is for: that of its
  // fallback link, when a loader of that server is on the page (running,
  // or still to run: its script is there), else the first loader's.
  function serverOf(box) {
    var link = box.querySelector("a[href]"), at;
    try {
      at = link && new URL(link.href).origin;
    } catch (e) {
      at = "";
    }
    if (!at || at === "null") return registry.first;
    if (registry.loaders.has(at)) return at;
    var scripts = document.querySelectorAll("script[src]");
    for (var i = 0; i < scripts.length; i++) {
      if (/\/embed\.js$/.test(scripts[i].src.split(/[?#]/)[0]) && new URL(scripts[i].src, location.href).origin === at) return at;
    }
    return registry.first;
  }

  // ---- The page's look ----
  // The frame takes on the look of the page around it: its font, text
  // and link colours, and background, or what the partner sets
  // (data-font, data-accent, data-radius), in its fragment like the
  // placement: one answer serves every look. The frame checks them again
  // (app/server/look.js) and keeps the theme's colour where the page's
  // would not read.

  // hex is an opaque computed colour, rgb(r, g, b), as #rrggbb; else "".
  function hex(colour) {
    var m = /^rgb\((\d+), (\d+), (\d+)\)$/.exec(colour);
    return m ? "#" + (1 << 24 | m[1] << 16 | m[2] << 8 | m[3]).toString(16).slice(1) : "";
  }

  // fonts is the valid names of a font-family list (letters, digits,
  // spaces, hyphens), 4 at most: of a longer list, the first 3 and the
  // last, its generic family as a rule.
  function fonts(list) {
    var names = list.split(",").map(function (name) { return name.trim().replace(/^(["'])(.*)\1$/, "$2"); })
      .filter(function (name) { return /^[\p{L}\p{N} -]{1,50}$/u.test(name); });
    return names.length > 4 ? names.slice(0, 3).concat(names.pop()) : names;
  }

  // The partner's own: each all valid, or left out with a warning.
  var looks = {
    font: { test: function (list) { return fonts(list).length === list.split(",").length; } },
    accent: /^#([0-9a-f]{3}){1,2}$/i,
    radius: /^(1?\d|2[0-4])(px)?$/
  };

  function look(box, hash) {
    var own = {}, style = getComputedStyle(box), link = box.querySelector("a[href]"), el = box, bg;
    Object.keys(looks).forEach(function (name) {
      var value = setting(box, name).trim();
      if (looks[name].test(value)) own[name] = value;
      else if (value) warn("data-" + name + '="' + value.slice(0, 100) + '" is not valid: left out');
    });
    if (checked("look", setting(box, "look")) === "kiosque") hash.set("look", "kiosque");
    else {
      // The page's background is the first one around the widget (a
      // translucent one is a mix the frame cannot know).
      for (; el && (bg = getComputedStyle(el).backgroundColor) === "rgba(0, 0, 0, 0)"; el = el.parentElement);
      own.font = own.font || fonts(style.fontFamily).join(", ");
      own.accent = own.accent || link && hex(getComputedStyle(link).color);
      own.text = hex(style.color);
      own.surface = el && hex(bg);
    }
    Object.keys(own).forEach(function (name) {
      if (own[name]) hash.set(name, name === "radius" ? parseInt(own[name], 10) : own[name]);
    });
  }

  function prepare(box) {
    if (box.kiosque || serverOf(box) !== origin) return;
    box.kiosque = true;
    // The partner's CSS may reserve the height already (a widget above the
    // fold must: this script runs after the first paint).
    if (!parseFloat(getComputedStyle(box).minHeight)) {
      box.style.minHeight = (parseInt(setting(box, "height"), 10) || guess(box)) + "px";
    }
    if (near) near.observe(box);
    else mount(box);
  }

  function mount(box) {
    var id = "k" + ++count, frame = document.createElement("iframe"), src = new URL("embed", base);
    options.forEach(function (name) {
      var value = name === "lang" ? language(box) : checked(name, setting(box, name));
      if (value) src.searchParams.set(name, value);
    });
    if (variant && src.searchParams.get("article")) src.searchParams.set("variant", variant);
    // In the order the server keeps answers under (app/params).
    src.searchParams.sort();
    // The partner's name for the widget's place is for the widget's
    // counts only: in the fragment, it is sent to no server, and one
    // answer serves every placement.
    var hash = new URLSearchParams({ kiosque: id }), placement = setting(box, "placement");
    if (placement) hash.set("placement", placement.slice(0, 64));
    look(box, hash);
    src.hash = hash.toString();
    frame.src = src.href;
    frame.title = setting(box, "title") || box.textContent.trim() || "Kiosque";
    frame.loading = "lazy";
    frame.referrerPolicy = "strict-origin-when-cross-origin";
    frame.setAttribute("scrolling", "no");
    // Laid over the fallback, unseen, until it reports its height: only
    // then does it take the fallback's place. Its colour scheme is the one
    // the widget's root has (light: it says none): a page that says
    // another would have the browser paint an opaque box behind the
    // transparent widget.
    frame.style.cssText = "position:absolute;top:0;left:0;display:block;width:100%;height:100%;border:0;opacity:0;pointer-events:none;color-scheme:light";
    if (getComputedStyle(box).position === "static") box.style.position = "relative";
    box.appendChild(frame);
    var entry = { box: box, frame: frame };
    frames.set(id, entry);
    // A frame that loaded and never said its height was not the widget:
    // a server down, or a browser that blocked it (a site that
    // -frame-ancestors leaves out). Its place goes back to the fallback.
    frame.addEventListener("load", function () {
      setTimeout(function () {
        if (!entry.reported) giveUp(id, frame.src + " did not show: is this site in the server's -frame-ancestors?");
      }, 3000);
    });
  }

  // giveUp takes a frame away and leaves its fallback as it was, with
  // none of the height reserved for the widget.
  function giveUp(id, why) {
    var entry = frames.get(id);
    if (!entry) return;
    frames.delete(id);
    warn(why);
    if (entry.frame.parentNode) entry.frame.parentNode.removeChild(entry.frame);
    entry.box.style.minHeight = "";
    entry.box.setAttribute("data-kiosque-state", "failed");
  }

  function resize(event) {
    var data = event.data, entry = data && data.type === "kiosque:resize" && data.version === 1 && frames.get(data.id);
    var height = entry && Math.ceil(data.height);
    // Only our own frame, still showing the widget, may resize itself.
    if (!entry || event.source !== entry.frame.contentWindow || event.origin !== origin) return;
    entry.reported = true;
    // The widget could not show what it was asked (an option the server
    // does not take): the page keeps its fallback, and the console says why.
    if (data.error && entry.box.getAttribute("data-kiosque-state") !== "ready") {
      return giveUp(data.id, "could not show: " + String(data.error).slice(0, 300));
    }
    if (!(height > 0)) return;
    var box = entry.box, frame = entry.frame;
    frame.style.height = Math.min(height, 20000) + "px";
    // The widget names itself, unless the partner named the frame.
    if (typeof data.title === "string" && data.title && !setting(box, "title")) frame.title = data.title.slice(0, 300);
    if (box.getAttribute("data-kiosque-state") === "ready") return;
    Array.prototype.slice.call(box.childNodes).forEach(function (node) {
      if (node === frame) return;
      if (node.style) node.style.display = "none";
      else box.removeChild(node);
    });
    frame.style.position = frame.style.opacity = frame.style.pointerEvents = "";
    box.style.minHeight = "";
    box.setAttribute("data-kiosque-state", "ready");
  }

  function load() {
    Array.prototype.forEach.call(document.querySelectorAll(".kiosque-embed"), prepare);
  }

  registry.loaders.set(origin, load);
  addEventListener("message", resize);
  load();
  // Containers added later, by the page or a single-page app.
  new MutationObserver(function (records) {
    if (records.some(function (r) { return r.addedNodes.length; })) load();
  }).observe(document.documentElement, { childList: true, subtree: true });
})();
