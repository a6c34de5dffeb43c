// The preview client: `builder serve` adds it to every page it serves; it is never written to the output folder.
// A livereload.js plugin. A changed stylesheet is left to livereload.js, which swaps it in place (no reload).
// Any other message makes it ask the server for the last build's status: a failed build shows its errors
// (`path:line: message`, as text) in an overlay over the last good page; a good build clears the overlay and,
// if the page's HTML changed, fetches it and swaps it in place: the body, the head's title and metadata, and the
// theme's scripts run again; the scroll position stays. When the page's stylesheets or scripts changed, or the
// swap fails, it reloads the page instead. The same check runs when the page loads.
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
      return update();
    } else {
      hideOverlay();
    }
  }

  function update() {
    return fetch(window.location.href, {cache: "no-store"})
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.text();
      })
      .then(function (html) { if (!swapIn(html)) window.location.reload(); })
      .catch(function () { window.location.reload(); });
  }

  function isPreview(element) {
    // The client itself, livereload.js and the inline script that loads it: kept as they are.
    var src = element.getAttribute("src") || "";
    return element.tagName === "SCRIPT" && (src.indexOf("/__builder__/") === 0 || /livereload\.js/.test(src) ||
      /livereload\.js/.test(element.textContent));
  }

  function isAsset(element) {
    // What a swap keeps: stylesheets and scripts (JSON-LD is data, swapped with the rest of the head).
    if (element.tagName === "LINK") return /(^|\s)stylesheet(\s|$)/i.test(element.getAttribute("rel") || "");
    return element.tagName === "SCRIPT" && !/json/i.test(element.getAttribute("type") || "");
  }

  function assets(head) {
    return Array.prototype.filter.call(head.children, function (e) { return isAsset(e) && !isPreview(e); })
      .map(function (e) { return e.outerHTML; }).join("\n");
  }

  function swapIn(html) {
    var next = new DOMParser().parseFromString(html, "text/html");
    if (!next.body || assets(next.head) !== assets(document.head)) return false;
    var client = next.querySelector("script[data-page-digest]");
    Array.prototype.slice.call(document.head.children).forEach(function (e) { if (!isAsset(e)) e.remove(); });
    var first = document.head.firstChild;
    Array.prototype.slice.call(next.head.children).forEach(function (e) {
      if (!isAsset(e)) document.head.insertBefore(document.adoptNode(e), first);
    });
    var scrollX = window.scrollX, scrollY = window.scrollY;
    document.body.replaceWith(document.adoptNode(next.body));
    Array.prototype.slice.call(document.querySelectorAll("head script, body script")).forEach(function (e) {
      if (isAsset(e) && !isPreview(e)) rerun(e);
    });
    window.scrollTo(scrollX, scrollY);
    pageDigest = client ? client.getAttribute("data-page-digest") || "" : "";
    hideOverlay();
    return true;
  }

  function rerun(old) {
    // A script element made by the parser never runs again; a fresh copy does (in order: not async).
    var fresh = document.createElement("script");
    Array.prototype.forEach.call(old.attributes, function (a) { fresh.setAttribute(a.name, a.value); });
    fresh.async = false;
    fresh.textContent = old.textContent;
    old.replaceWith(fresh);
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
