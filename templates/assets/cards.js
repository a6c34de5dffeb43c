// Article pages: hovering or focusing a link to a person or institution shows a small card (name, role, summary)
// read from the page's own JSON (#entity-cards), so it works from file:// too. Escape or moving away hides it.
// Without JavaScript nothing is added and the links work as links.
(function () {
  "use strict";
  var data = document.getElementById("entity-cards");
  if (!data) return;
  var cards;
  try { cards = JSON.parse(data.textContent); } catch (e) { return; }
  var card = document.createElement("div");
  card.className = "entity-card";
  card.id = "entity-card";
  card.setAttribute("role", "tooltip");
  card.hidden = true;
  (document.querySelector("main") || document.body).appendChild(card);
  var owner = null;
  var hideTimer = 0;

  function keyOf(link) {
    var match = /(people|institutions)\/([^\/#?]+)\/?(?:index\.html)?(?:[#?].*)?$/.exec(link.getAttribute("href"));
    return match ? match[1] + "/" + match[2] : null;
  }

  function line(className, text) {
    var p = document.createElement("p");
    p.className = className;
    p.textContent = text;
    return p;
  }

  function show(link) {
    var info = cards[keyOf(link)];
    if (!info) return;
    window.clearTimeout(hideTimer);
    if (owner && owner !== link) owner.removeAttribute("aria-describedby");
    owner = link;
    card.replaceChildren(line("card-kind", info.kind), line("card-name", info.name));
    if (info.role) card.appendChild(line("card-role", info.role));
    if (info.summary) card.appendChild(line("card-summary", info.summary));
    card.hidden = false;
    link.setAttribute("aria-describedby", card.id);
    var box = link.getBoundingClientRect();
    var width = Math.min(320, document.documentElement.clientWidth - 16);
    var left = Math.max(8, Math.min(box.left + window.scrollX, window.scrollX + document.documentElement.clientWidth - width - 8));
    card.style.width = width + "px";
    card.style.left = left + "px";
    card.style.top = (box.bottom + window.scrollY + 6) + "px";
  }

  function hide() {
    card.hidden = true;
    if (owner) owner.removeAttribute("aria-describedby");
    owner = null;
  }

  function hideSoon() {
    window.clearTimeout(hideTimer);
    hideTimer = window.setTimeout(hide, 200);
  }

  document.querySelectorAll("a.entity").forEach(function (link) {
    link.addEventListener("mouseenter", function () { show(link); });
    link.addEventListener("mouseleave", hideSoon);
    link.addEventListener("focus", function () { show(link); });
    link.addEventListener("blur", hide);
  });
  card.addEventListener("mouseenter", function () { window.clearTimeout(hideTimer); });
  card.addEventListener("mouseleave", hideSoon);
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && !card.hidden) hide();
  });
})();
