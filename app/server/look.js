// The host page's look, in a widget's frame. The loader (web/embed.js)
// reads the partner page's font, text and link colours and background
// around the widget, adds what the partner set (data-font, data-accent,
// data-radius), and hands them over in the frame's fragment: font, text,
// accent, surface, radius, or look=kiosque when the partner keeps
// Kiosque's look. The fragment goes to no server, so the look makes no
// new answer to keep anywhere.
//
// The server inlines this script in the widget's head, after the style
// sheet, and its CSP allows it by its hash (look.go): it runs before the
// body is even parsed, so the first paint has the look. It trusts nothing
// in the fragment (any page may frame the widget with any): what does not
// pass is left out with a warning that names it, and a colour that does
// not read on the widget's surface (WCAG AA, 4.5:1) gives way to the
// theme's. A font is used only if the reader's device has it: nothing is
// fetched.
(function () {
  "use strict";
  var hash = new URLSearchParams(location.hash.replace(/^#\??/, ""));
  if (!/(^|&)(font|text|accent|surface|radius)=/.test(hash.toString())) return;
  var root = document.documentElement, style = getComputedStyle(root);

  function theme(name) {
    return style.getPropertyValue("--" + name).trim();
  }

  // given is the fragment's value for name if valid says it is one, as
  // valid makes it; else null, and a warning when there was a value.
  function given(name, valid) {
    var value = hash.get(name), made = value === null ? null : valid(value);
    if (value !== null && made === null) {
      console.warn("Kiosque: the widget's " + name + " " + JSON.stringify(value.slice(0, 100)) + " is not valid: left out");
    }
    return made;
  }

  function hex(value) {
    return /^#([0-9a-f]{3}){1,2}$/i.test(value) ? value.toLowerCase() : null;
  }

  // font is a font-family list of at most 4 names of letters, digits,
  // spaces and hyphens (50 at most), quoted or not; each name is written
  // back quoted unless it is plain words (as the generic families are,
  // which quoted would be names).
  function font(value) {
    var names = value.split(","), out = [];
    if (value.length > 256 || names.length > 4) return null;
    for (var i = 0; i < names.length; i++) {
      var name = names[i].trim().replace(/^(["'])(.*)\1$/, "$2");
      if (!/^[\p{L}\p{N} -]{1,50}$/u.test(name) || !name.trim()) return null;
      out.push(/^-?\p{L}[\p{L}\p{N}-]*( -?\p{L}[\p{L}\p{N}-]*)*$/u.test(name) ? name : '"' + name + '"');
    }
    return out.join(", ");
  }

  function radius(value) {
    return /^\d{1,2}(px)?$/.test(value) && parseInt(value, 10) <= 24 ? parseInt(value, 10) + "px" : null;
  }

  // luminance is a colour's relative luminance (WCAG 2).
  function luminance(colour) {
    var c = colour.length === 4 ? colour.replace(/\w/g, "$&$&") : colour;
    return [1, 3, 5].reduce(function (sum, at, i) {
      var v = parseInt(c.substr(at, 2), 16) / 255;
      return sum + [0.2126, 0.7152, 0.0722][i] * (v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4));
    }, 0);
  }

  function reads(colour, on) {
    var a = luminance(colour), b = luminance(on);
    return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05) >= 4.5;
  }

  // A colour whose luminance is under this reads better on white than on
  // black: it is a dark one.
  function dark(colour) {
    return luminance(colour) < 0.179;
  }

  var kiosque = hash.get("look") === "kiosque";
  // With look=kiosque the page's colours are not asked for: only the
  // partner's explicit ones (font, accent, radius) may come.
  var text = kiosque ? null : given("text", hex);
  var accent = given("accent", hex), surface = kiosque ? null : given("surface", hex);
  var family = given("font", font), corner = given("radius", radius);
  var own = { text: theme("text"), muted: theme("muted"), accent: theme("accent"), surface: theme("surface") };

  // Each part in the page's colour where it reads on the surface, else
  // in the theme's; the accent also carries the theme's text on it.
  function parts(on) {
    return {
      text: text && reads(text, on) ? text : own.text,
      accent: accent && reads(accent, on) && reads(accent, theme("accent-text")) ? accent : own.accent
    };
  }

  // The page's background is the widget's surface only on the theme's
  // side (a dark widget stays dark on a light page: the partner chose
  // it) and where every text of the widget reads on it.
  var on = own.surface;
  if (surface && dark(surface) === dark(own.surface)) {
    var p = parts(surface);
    if (reads(p.text, surface) && reads(p.accent, surface) && reads(own.muted, surface)) on = surface;
  }
  var chosen = parts(on);
  // Each part goes on the root as --look-NAME, marked data-look-NAME:
  // the style sheet puts it in place of the theme's wherever a theme is
  // set (the widget's own root says its theme too).
  function set(name, value) {
    root.style.setProperty("--look-" + name, value);
    root.setAttribute("data-look-" + name, "");
  }
  if (on !== own.surface) set("surface", on);
  if (chosen.text !== own.text) set("text", chosen.text);
  if (chosen.accent !== own.accent) set("accent", chosen.accent);
  [["text", text], ["accent", accent]].forEach(function (part) {
    if (part[1] && chosen[part[0]] !== part[1]) console.warn("Kiosque: the widget's " + part[0] + " " + part[1] + " does not read on its surface " + on + ": the theme's is used");
  });
  if (family) set("font", family);
  if (corner) set("radius", corner);
})();
