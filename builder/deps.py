"""Site -> fingerprints: for every page rendered from a template, a digest of everything it is made from.

A page whose fingerprint matches the one recorded for the current output is not rendered again. The inputs:

- every page: the builder's own code, the templates and assets, and site.yaml (so no page but those made from
  all content may show what all content holds, such as how many articles there are: adding an article would
  render every page again);
- an article page: its file, and the card of each person and institution it lists: what a page that lists an
  entity shows of it (address, name, role, the names its text is linked by, summary). An entity page that gains
  a role or a tie from a new article does not render again every article that lists it;
- each page of the articles that mention an entity (its own page, then ``people/x/mentions/2/``...): the
  entity's file, the view of each article on it (``article_view``: what pages other than the article's own
  show of it) and the cards of the entities they list, and which articles list the entity, in order (the pages
  are cut from that list);
- besides, a person or institution's own page: the cards of the entities it refers to (affiliations, members,
  ties either way, who is named with it), the views of the articles its roles cite, and what the model draws
  from all its articles (ties, co-mention counts, summary, dates of first and last mention). So an edit to an
  older article re-renders the page that lists it, not the entity's own page, unless one of those changed;
- every other page (home, indexes, timeline, connections, search, 404, and any page kind added later): the
  catalogue — every content file's front matter, each article's title and summary, and everything the site
  model derives from the articles' text except the text itself (drawn summaries, cited sentences, who is named
  with whom...). An edit to an article's text that changes none of these leaves those pages alone.

An edit to an article's text that leaves its view as it was changes only the article's own page; the view
covers all the model derives from the article (see ``article_view``), so ``builder/edits.py`` can rebuild that
page without the rest of the model.

A template that starts to show new data must have that data among its page's inputs here (in an entity's card,
its file, or for the pages made from all content in ``CATALOGUE``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from builder import urls
from builder.config import template_dirs
from builder.content import ArticlePage, RoleRef, TieRef
from builder.model import Article, Mention, Site
from builder.render import mention_pages, template_pages
from builder.version import builder_digest


@dataclass(frozen=True, slots=True)
class Fingerprints:
    """What every template page is made from, digested."""

    pages: dict[str, str]
    """URL -> fingerprint of all its inputs."""
    inputs: dict[str, tuple[str, ...] | None]
    """URL -> what it is made from, by name: content files (their paths) and entity cards (``card_name``); None:
    all content."""
    common: dict[str, str]
    """Inputs of every page (builder, theme, settings, counts) -> digest."""
    files: dict[str, str]
    """Content file (its path) -> digest of its text; entity card (``card_name``) -> digest of what it shows;
    article view (``view_name``) -> digest of what other pages show of the article."""
    edits: dict[str, Any]
    """What a build after edits to articles alone needs besides (``builder/edits.py``): the paragraphs of each
    article (by slug) that entities' roles and ties cite (``cited``), the files that links point at an anchor of
    (``anchored``), the entities' earlier keys (``moved``) and the card of every entity (``cards``: name, aliases,
    role, summary)."""


CATALOGUE = ("articles_of", "appears_with", "members", "quotes", "moved", "roles", "ties", "events", "cited_quotes",
             "shared", "summary_from", "summaries", "sides")
"""The fields of the site model that pages made from all content may show, besides the pages' front matter."""


def fingerprints(site: Site, digest_of: Mapping[Path, str], front_of: Mapping[Path, str]) -> Fingerprints:
    """Fingerprint every template page; ``digest_of`` maps content files to digests of their text, ``front_of``
    to digests of their front matter."""
    everything = _catalogue(site, front_of)
    common = {"the builder": builder_digest(), "templates": theme_digest(site.config.templates_dir),
              "site.yaml": _combine([repr(site.config)])}
    shared = shared_digest(common)
    cited = cited_paragraphs(site)
    views = {view_name(str(a.page.path)): article_view(a, site.mentions_in.get(a.page.slug, ()),
                                                       front_of[a.page.path], cited.get(a.page.slug, ()))
             for a in site.articles}
    digests = {str(p): d for p, d in digest_of.items()} | {card_name(k): _card(site, k) for k in site.entities} | \
        views
    inputs, extra = _page_inputs(site)
    pages: dict[str, str] = {}
    for url, kind in template_pages(site).items():
        names = inputs.get(url)
        pages[url] = page_fingerprint(shared, kind, [digests[n] for n in names] if names is not None
                                      else [everything], extra.get(url, ()))
    edits = {"cited": dict(sorted(cited.items())),
             "anchored": sorted(site.anchored), "moved": dict(site.moved),
             "cards": {k: [e.page.name, list(e.page.aliases), e.page.role, site.summaries.get(k, "")]
                       for k, e in site.entities.items()}}
    return Fingerprints(pages, {u: inputs.get(u) for u in pages}, common, dict(sorted(digests.items())), edits)


def page_fingerprint(shared: str, kind: str, inputs: Iterable[str], extra: Iterable[str] = ()) -> str:
    """A page's fingerprint: the digest of what every page is made from (``shared``), its kind, the digests of
    its inputs and what else it depends on."""
    return _combine([shared, kind, *inputs, *extra])


def shared_digest(common: Mapping[str, str]) -> str:
    """The digest of what every page is made from (``Fingerprints.common``)."""
    return _combine(common.values())


def article_inputs(page: ArticlePage) -> tuple[str, ...]:
    """The inputs of an article's page: its file and the card of each entity it lists."""
    return tuple(sorted({str(page.path)} | {card_name(k) for k in page.entity_keys}))


def view_name(path: str) -> str:
    """The name of an article's view among a page's inputs."""
    return f"what other pages show of {path}"


def article_view(article: Article, mentions: Iterable[Mention], front: str, cited: Iterable[int]) -> str:
    """What pages other than an article's own show of it, or the model draws from it, digested: its front matter
    (title, date, summary, entities, quotes...), each sentence that names an entity it lists, and the text of
    the paragraphs that its quotes come from and that entities' roles and ties cite (``cited``). An edit that
    leaves these as they were changes the article's own page alone (and the search index)."""
    paragraphs = article.paragraphs
    numbers = sorted({*cited, *(q.paragraph for q in article.page.quotes)})
    texts = [paragraphs[n - 1].text if 0 < n <= len(paragraphs) else "" for n in numbers]
    named = ["\0".join((m.entity, m.paragraph, m.sentence, m.alias, m.anchor)) for m in mentions]
    return _combine([front, *map(str, numbers), *texts, "\1", *named])


def cited_paragraphs(site: Site) -> dict[str, list[int]]:
    """Article slug -> the paragraphs of it that entities' roles and ties cite."""
    cited: dict[str, set[int]] = {}
    for entity in site.entities.values():
        refs: list[RoleRef | TieRef] = [*entity.page.roles, *entity.page.ties]
        for ref in refs:
            cited.setdefault(ref.article, set()).add(ref.paragraph)
    return {slug: sorted(numbers) for slug, numbers in cited.items()}


def card_name(key: str) -> str:
    """The name of an entity's card among a page's inputs."""
    return f"the card of {key}"


def explain(urls: Iterable[str], now: Fingerprints, before: Mapping[str, Any]) -> dict[str, str]:
    """Why each page at ``urls`` is rendered, in words, given what the previous build recorded."""
    old_files = before.get("files", {})
    common = [name for name, digest in now.common.items() if before.get("common", {}).get(name) != digest]
    changed = {name for name, digest in now.files.items() if old_files.get(name) != digest}
    everything = [name for name in now.files if name in changed]  # what pages made from all content name
    if set(old_files) != set(now.files):
        everything.append("the set of content files")
    reasons = {}
    for url in urls:
        if not before or url not in before.get("pages", {}):
            reasons[url] = "new page" if before else "no earlier build"
            continue
        names = now.inputs[url]
        why = common + (everything if names is None else [name for name in names if name in changed])
        reasons[url] = "changed: " + ", ".join(why) if why else "its inputs changed"
    return reasons


def _catalogue(site: Site, front_of: Mapping[Path, str]) -> str:
    """A digest of what pages made from all content show (see the module's docstring). Digested piece by piece:
    the text of a whole field of the model is tens of megabytes at 10,000 articles."""
    digest = hashlib.sha1()
    for path in sorted(front_of, key=str):
        digest.update(f"{path}\0{front_of[path]}\0".encode())
    for article in site.articles:
        digest.update(f"{article.page.slug}\0{article.page.title}\0{article.page.summary}\0".encode())
    for name in CATALOGUE:
        field = getattr(site, name)
        for item in field.items() if isinstance(field, Mapping) else field:
            digest.update(repr(item).encode())
        digest.update(f"\0{name}\0".encode())
    return digest.hexdigest()


def _page_inputs(site: Site) -> tuple[dict[str, tuple[str, ...]], dict[str, tuple[str, ...]]]:
    """The inputs of each article and entity page (content files and entity cards, by name; other pages depend
    on everything), and what else a page depends on, as text."""
    cards = {key: card_name(key) for key in site.entities}
    shown = {a.page.slug: {view_name(str(a.page.path)), *(cards[k] for k in a.page.entity_keys)}
             for a in site.articles}  # what a page of mentions shows of each article
    inputs: dict[str, tuple[str, ...]] = {}
    for article in site.articles:
        inputs[urls.page_url("articles", article.page.slug)] = article_inputs(article.page)
    extra: dict[str, tuple[str, ...]] = {}
    for key, entity in site.entities.items():
        order = _combine(site.articles_of.get(key, ()))
        for number, chunk in enumerate(mention_pages(site, key), 1):
            url = f"{key}/" if number == 1 else urls.mentions_url(f"{key}/", number)
            names = {str(entity.page.path)}.union(*(shown[slug] for slug in chunk))
            if number == 1:
                names |= _about_inputs(site, key)
            inputs[url] = tuple(sorted(names))
            extra[url] = (order, _about(site, key)) if number == 1 else (order,)
    return inputs, extra


def _card(site: Site, key: str) -> str:
    """What a page that lists an entity shows of it: its address, name and role, the names a text calls it by
    (linked in article text) and its summary (in lists and preview cards)."""
    entity = site.entities[key]
    return _combine([key, entity.page.name, entity.page.role, *entity.names, site.summaries.get(key, "")])


def _about_inputs(site: Site, key: str) -> set[str]:
    """What an entity's own page shows beyond its articles: the cards of the entities it names (affiliations,
    members, ties either way, who is named with it) and the files of the articles its roles cite."""
    entity = site.entities[key]
    related = (*site.members.get(key, ()), *(f"institutions/{s}" for s in entity.page.affiliations),
               *(end for stated in site.stated.get(key, ()) for end in (stated.tie.source, stated.tie.target)),
               *site.appears_with.get(key, ()))
    cited = [r.citation.article for r in site.roles.get(key, ()) if r.citation]
    return {card_name(k) for k in related if k in site.entities} | \
        {view_name(str(site.article(slug).page.path)) for slug in cited}


def _about(site: Site, key: str) -> str:
    """What an entity's own page shows that the model draws from all its articles: its ties, who is named with
    it and how often, its summary, the dates of its first and last mention."""
    slugs = site.articles_of.get(key, ())
    dates = [site.article(slugs[i]).page.date.isoformat() for i in (0, -1)] if slugs else []
    return _combine([repr(site.stated.get(key)), repr(site.appears_with.get(key)), repr(site.shared.get(key)),
                     site.summaries.get(key, ""), *dates])


def theme_digest(site_templates: Path) -> str:
    """A digest of every template and asset the site may use."""
    files = [p for d in template_dirs(site_templates) for p in sorted(d.rglob("*")) if p.is_file()
             and "__pycache__" not in p.parts]
    return _digest_files(files)


def _digest_files(files: Iterable[Path]) -> str:
    digest = hashlib.sha1()
    for path in files:
        digest.update(str(path).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _combine(parts: Iterable[str]) -> str:
    return hashlib.sha1("\0".join(parts).encode()).hexdigest()
