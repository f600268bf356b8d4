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

  // go-app takes over every link click and opens other hosts in a new
  // window, even when the link asks for the top window. Links that name a
  // target are left to the browser.
  document.addEventListener("click", function (e) {
    var a = e.target.closest && e.target.closest("a[target]");
    if (a && a.target !== "_self") e.stopPropagation();
  });
})();
