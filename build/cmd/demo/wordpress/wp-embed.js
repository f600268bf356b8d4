// What WordPress's wp-embed.js does on a post's page, for the demo and the
// tests: frames of unknown providers are hidden until they post their
// height with the secret WordPress put in their URL.
(function () {
  "use strict";
  window.addEventListener("message", function (e) {
    var data = e.data;
    if (!data || !data.secret || /[^a-zA-Z0-9]/.test(data.secret)) return;
    document.querySelectorAll('blockquote[data-secret="' + data.secret + '"]').forEach(function (quote) {
      quote.style.display = "none";
    });
    document.querySelectorAll('iframe[data-secret="' + data.secret + '"]').forEach(function (frame) {
      if (e.source !== frame.contentWindow) return;
      frame.removeAttribute("style");
      if (data.message === "height") {
        var height = parseInt(data.value, 10);
        frame.height = height > 1000 ? 1000 : !(height >= 200) ? 200 : height;
      } else if (data.message === "link") {
        var target = new URL(data.value), own = new URL(frame.getAttribute("src"));
        if (/^https?:$/.test(target.protocol) && target.host === own.host && document.activeElement === frame) {
          window.top.location.href = data.value;
        }
      }
    });
  });
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("iframe.wp-embedded-content").forEach(function (frame) {
      frame.contentWindow.postMessage({ message: "ready", secret: frame.getAttribute("data-secret") }, "*");
    });
  });
})();
