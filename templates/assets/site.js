// Every page: opened from disk (file://), a folder link shows a directory listing, so point folder links at
// index.html; served over HTTP, remember where the site's root is, for the 404 page (assets/not-found.js).
(function () {
  "use strict";
  var script = document.currentScript;
  if (window.location.protocol !== "file:") {
    if (script && script.src) {
      try { window.localStorage.setItem("site-root", new URL("../", script.src).pathname); } catch (e) { /* private mode */ }
    }
    return;
  }
  document.querySelectorAll("a[href]").forEach(function (a) {
    var href = a.getAttribute("href");
    if (/^[a-z][a-z0-9+.-]*:/i.test(href) || href.charAt(0) === "#") return;
    var parts = href.split("#");
    if (parts[0] === "" || parts[0].slice(-1) === "/") {
      parts[0] = parts[0] + "index.html";
      a.setAttribute("href", parts.join("#"));
    }
  });
})();
