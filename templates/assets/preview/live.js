// The preview client: `builder serve` adds it to every page it serves; it is never written to the output folder.
// A livereload.js plugin. A changed stylesheet is left to livereload.js, which swaps it in place (no reload).
// Any other message makes it ask the server for the last build's status: a failed build shows its errors
// (`path:line: message`, as text) in an overlay over the last good page; a good build clears the overlay and
// reloads the page only if its HTML changed. The same check runs when the page loads.
(function () {
  "use strict";
  var OVERLAY_ID = "builder-error-overlay";
  var script = document.currentScript;
  var pageDigest = script ? script.getAttribute("data-page-digest") || "" : "";
  var checking = null;
  var again = false;

  function check() {
    if (checking) { again = true; return; }
    checking = fetch("/__builder__/status?page=" + encodeURIComponent(window.location.pathname), {cache: "no-store"})
      .then(function (response) { return response.json(); })
      .then(apply)
      .catch(function () { /* the server is restarting: livereload.js reconnects and we check again */ })
      .then(function () {
        checking = null;
        if (again) { again = false; check(); }
      });
  }

  function apply(status) {
    if (!status.ok) {
      showOverlay(status.problems);
    } else if (status.digest !== pageDigest) {
      window.location.reload();
    } else {
      hideOverlay();
    }
  }

  function showOverlay(problems) {
    hideOverlay();
    var box = document.createElement("div");
    box.id = OVERLAY_ID;
    box.setAttribute("role", "alert");
    box.style.cssText = "position:fixed;inset:0;z-index:2147483647;overflow:auto;margin:0;padding:1.5rem 2rem;" +
      "background:rgba(24,24,27,.95);color:#fafafa;font:14px/1.5 ui-monospace,Menlo,Consolas,monospace;";
    var title = document.createElement("p");
    title.style.cssText = "margin:0 0 1rem;font-weight:bold;color:#fca5a5;";
    title.textContent = "Build failed. Fix the file and save: this page updates by itself. " +
      "Underneath: the last good build.";
    box.appendChild(title);
    problems.forEach(function (problem) {
      var line = document.createElement("pre");
      line.style.cssText = "margin:0 0 .75rem;white-space:pre-wrap;word-break:break-word;font:inherit;";
      line.textContent = problem;
      box.appendChild(line);
    });
    document.documentElement.appendChild(box);
  }

  function hideOverlay() {
    var box = document.getElementById(OVERLAY_ID);
    if (box) box.remove();
  }

  function BuilderPreview() {}
  BuilderPreview.identifier = "builder-preview";
  BuilderPreview.version = "1.0";
  BuilderPreview.prototype.reload = function (path) {
    if (/\.css$/i.test(path)) return false;
    check();
    return true;
  };

  window.LiveReloadPluginBuilderPreview = BuilderPreview;
  if (window.LiveReload && window.LiveReload.addPlugin) window.LiveReload.addPlugin(BuilderPreview);
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", check);
  } else {
    check();
  }
})();
