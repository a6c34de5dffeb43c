// The search page: shows the form and queries the Pagefind index written at build time (pagefind/). Without
// JavaScript, or opened from disk where browsers refuse to load the index, the page keeps its links to the
// lists of articles, people and institutions.
(function () {
  "use strict";
  var form = document.querySelector("form.search");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  if (!form || !status || !list) return;
  if (window.location.protocol === "file:") {
    status.textContent = "Search works once the site is served over HTTP; opened from disk, use the lists below.";
    return;
  }
  var input = form.querySelector("input");
  var root = new URL(form.getAttribute("data-root"), window.location.href);
  var engine = null;
  var latest = 0;

  function load() {
    if (!engine) {
      engine = import(new URL(form.getAttribute("data-index"), window.location.href).href).then(function (pf) {
        return pf.options({ baseUrl: root.pathname }).then(function () { return pf; });
      });
    }
    return engine;
  }

  function show(query, results) {
    list.textContent = "";
    results.forEach(function (data) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = data.url;
      link.textContent = data.meta.title || data.url;
      item.appendChild(link);
      if (data.meta.kind) {
        var kind = document.createElement("span");
        kind.className = "kind";
        kind.textContent = " " + data.meta.kind;
        item.appendChild(kind);
      }
      var excerpt = document.createElement("p");
      excerpt.innerHTML = data.excerpt;
      item.appendChild(excerpt);
      list.appendChild(item);
    });
    var n = results.length;
    status.textContent = query ? (n ? n + (n === 1 ? " result" : " results") + " for “" + query + "”."
                                     : "Nothing found for “" + query + "”.") : "";
  }

  function run() {
    var query = input.value.trim();
    var ticket = ++latest;
    if (!query) { show("", []); return; }
    load().then(function (pf) { return pf.search(query); }).then(function (search) {
      return Promise.all(search.results.slice(0, 20).map(function (r) { return r.data(); }));
    }).then(function (results) {
      if (ticket === latest) show(query, results);
    }).catch(function () {
      status.textContent = "Search could not load; use the lists below.";
    });
  }

  form.hidden = false;
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var address = new URL(window.location.href);
    address.searchParams.set("q", input.value.trim());
    window.history.replaceState(null, "", address.href);
    run();
  });
  var timer = 0;
  input.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(run, 250);
  });
  var initial = new URL(window.location.href).searchParams.get("q");
  if (initial) { input.value = initial; run(); }
})();
