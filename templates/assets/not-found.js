// Inlined in 404.html, which a server shows at whatever address was asked for: its links are written relative
// to the site's root, so find that root and point them there. The root is, in order: the folder of 404.html
// itself, the one that site.js remembered on an earlier visit, the part before a known section, or "/".
(function () {
  "use strict";
  var sections = /^(.*\/)(?:articles|people|institutions|search|assets|pagefind)\/(?:.*)$/;

  function siteRoot(path) {
    if (/\/404\.html$/.test(path)) return path.replace(/404\.html$/, "");
    var remembered = null;
    try { remembered = window.localStorage.getItem("site-root"); } catch (e) { remembered = null; }
    if (remembered && path.indexOf(remembered) === 0) return remembered;
    var match = sections.exec(path);
    return match ? match[1] : "/";
  }

  function fixLinks() {
    var local = window.location.protocol === "file:";
    var root = new URL(siteRoot(window.location.pathname), window.location.href);
    document.querySelectorAll("a[href]").forEach(function (a) {
      var href = a.getAttribute("href");
      if (/^[a-z][a-z0-9+.-]*:/i.test(href) || href.charAt(0) === "#" || href.charAt(0) === "/") return;
      var target = new URL(href, root);
      if (local && target.pathname.slice(-1) === "/") target.pathname += "index.html";
      a.setAttribute("href", target.href);
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", fixLinks);
  else fixLinks();
})();
