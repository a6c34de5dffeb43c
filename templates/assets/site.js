// Opened from disk (file://), a folder link shows a directory listing: point folder links at index.html.
(function () {
  "use strict";
  if (window.location.protocol !== "file:") return;
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
