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
  ties either way, who is named with it), what entities' pages cite of the articles its roles cite
  (``cited_view``), and what the model draws from all its articles (ties, co-mention counts, summary, dates of
  first and last mention). So an edit to an older article re-renders the page that lists it, not the entity's
  own page, unless one of those changed;
- a month of the timeline (``timeline/2024-05/``, when the timeline is cut into months): the front matter of
  its articles, the ties they state with the sentences that state them, the cards of the entities it names, and
  which months come before and after it. So an edit to an article, or a new one, renders its own month's page
  again, not every month's;
- every other page (home, indexes, the timeline's overview, connections, search, 404, and any page kind added
  later): the catalogue — every content file's front matter, each article's title and summary, and everything
  the site model derives from the articles' text except the text itself (drawn summaries, cited sentences, who
  is named with whom...). An edit to an article's text that changes none of these leaves those pages alone.

An edit to an article's text that leaves its view as it was changes only the article's own page; the view
covers all the model derives from the article (see ``article_view``), so ``builder/edits.py`` can rebuild that
page without the rest of the model. An edit that changes only the sentences that name someone changes, besides,
one page of mentions per entity the article lists; ``entity_record`` keeps what ``builder/edits.py`` needs to
make those without the rest of the model.

A template that starts to show new data must have that data among its page's inputs here (in an entity's card,
its file, or for the pages made from all content in ``CATALOGUE``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from builder import urls
from builder.config import SiteConfig, template_dirs
from builder.content import ArticlePage, RoleRef, TieRef
from builder.model import Article, Citation, Mention, Site
from builder.render import mention_pages, template_pages, timeline_months
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
    entities: dict[str, Any]
    """Entity key -> ``entity_record``: what its pages show besides its articles, for the build after edits
    that change what pages of mentions show. Kept in a file of its own: only such a build reads it."""


CATALOGUE = ("articles_of", "appears_with", "members", "quotes", "moved", "roles", "ties", "events", "cited_quotes",
             "shared", "summary_from", "summaries", "sides")
"""The fields of the site model that pages made from all content may show, besides the pages' front matter. Each
must be made from nothing but front matter, the paragraphs that quotations, roles and ties cite, and the entities'
summaries and where they are drawn from: that is what ``_catalogue`` digests."""


def fingerprints(site: Site, digest_of: Mapping[Path, str], front_of: Mapping[Path, str],
                 common: Mapping[str, str] | None = None) -> Fingerprints:
    """Fingerprint every template page; ``digest_of`` maps content files to digests of their text, ``front_of``
    to digests of their front matter; ``common`` is ``common_inputs`` when the caller has it."""
    common = dict(common) if common is not None else common_inputs(site.config)
    shared = shared_digest(common)
    cited = cited_paragraphs(site)
    entities = {key: entity_record(site, key) for key in site.entities}
    role_cited = {path for record in entities.values() for path in record["about"][2]}
    views: dict[str, str] = {}
    for article in site.articles:
        path = str(article.page.path)
        views[view_name(path)] = view = article_view(article, site.mentions_in.get(article.page.slug, ()),
                                                     front_of[article.page.path], cited.get(article.page.slug, ()))
        if path in role_cited:
            views[cited_view_name(path)] = cited_part(view)
    everything = _catalogue(site, front_of, views)
    digests = {str(p): d for p, d in digest_of.items()} | {card_name(k): _card(site, k) for k in site.entities} | \
        views
    inputs, extra = _page_inputs(site, entities, front_of)
    pages: dict[str, str] = {}
    for url, kind in template_pages(site).items():
        names = inputs.get(url)
        pages[url] = page_fingerprint(shared, kind, [digests[n] for n in names] if names is not None
                                      else [everything], extra.get(url, ()))
    edits = {"cited": dict(sorted(cited.items())),
             "anchored": sorted(site.anchored), "moved": dict(site.moved),
             "cards": {k: [e.page.name, list(e.page.aliases), e.page.role, site.summaries.get(k, "")]
                       for k, e in site.entities.items()}}
    return Fingerprints(pages, {u: inputs.get(u) for u in pages}, common, dict(sorted(digests.items())), edits,
                        entities)


def common_inputs(config: SiteConfig) -> dict[str, str]:
    """What every page is made from (``Fingerprints.common``): the builder, the theme and the settings."""
    return {"the builder": builder_digest(), "templates": theme_digest(config.templates_dir),
            "site.yaml": _combine([repr(config)])}


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


def cited_view_name(path: str) -> str:
    """The name of an article's cited view (``cited_view``) among a page's inputs."""
    return f"what entities' pages cite of {path}"


def article_view(article: Article, mentions: Iterable[Mention], front: str, cited: Iterable[int]) -> str:
    """What pages other than an article's own show of it, or the model draws from it: its cited view
    (``cited_view``) and, digested apart, each sentence that names an entity it lists. An edit that leaves these
    as they were changes the article's own page alone (and the search index); one that leaves the cited view
    changes besides only its pages of mentions."""
    return f"{cited_view(article, front, cited)} {_named(mentions)}"


def cited_part(view: str) -> str:
    """The cited view (``cited_view``) in an article's view (``article_view``)."""
    return view.partition(" ")[0]


def cited_view(article: Article, front: str, cited: Iterable[int]) -> str:
    """What entities' own pages and the pages made from all content draw from an article, digested: its front
    matter (title, date, summary, entities, quotes...) and the text of the paragraphs that its quotes come from
    and that entities' roles and ties cite (``cited``)."""
    paragraphs = article.paragraphs
    numbers = sorted({*cited, *(q.paragraph for q in article.page.quotes)})
    texts = [paragraphs[n - 1].text if 0 < n <= len(paragraphs) else "" for n in numbers]
    return _combine([front, *map(str, numbers), *texts])


def _named(mentions: Iterable[Mention]) -> str:
    """The sentences of an article that name an entity it lists, digested."""
    return _combine(["\0".join((m.entity, m.paragraph, m.sentence, m.alias, m.anchor)) for m in mentions])


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


_DRAWN = ("changed: what the site model draws from its articles (their front matter, the ties they state, who is "
          "named with whom, dates)")
"""Why a page whose named inputs did not change was rendered: what else it depends on did (an entity page's
``_about``, a month's ``_month_inputs``)."""


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
        reasons[url] = "changed: " + ", ".join(why) if why else _DRAWN
    return reasons


def _catalogue(site: Site, front_of: Mapping[Path, str], views: Mapping[str, str]) -> str:
    """A digest of what pages made from all content show (see the module's docstring). Each ``CATALOGUE`` field is
    made from the content files' front matter, the paragraphs of the articles that quotations, roles and ties cite
    (in each article's view, ``views``: ``cited_part``), and the entities' summaries and the articles they are
    drawn from, so these are digested rather than the fields, whose text is tens of megabytes at 10,000 articles
    (``tests/test_incremental.py`` checks that the fields depend on no other text)."""
    digest = hashlib.sha1()
    for path in sorted(front_of, key=str):
        digest.update(f"{path}\0{front_of[path]}\0".encode())
    for article in site.articles:
        view = cited_part(views[view_name(str(article.page.path))])
        digest.update(f"{article.page.slug}\0{article.page.title}\0{article.page.summary}\0{view}\0".encode())
    for key, summary in sorted(site.summaries.items()):
        digest.update(f"{key}\0{summary}\0{site.summary_from.get(key, '')}\0".encode())
    return digest.hexdigest()


def _page_inputs(site: Site, records: Mapping[str, Mapping[str, Any]], front_of: Mapping[Path, str]
                 ) -> tuple[dict[str, tuple[str, ...]], dict[str, tuple[str, ...]]]:
    """The inputs of each article and entity page and of each month of the timeline (content files and entity
    cards, by name; other pages depend on everything), and what else a page depends on, as text; ``records``
    are the entities' (``entity_record``), ``front_of`` the digests of the content files' front matter."""
    shown = {a.page.slug: shown_inputs(a.page) for a in site.articles}
    inputs: dict[str, tuple[str, ...]] = {}
    for article in site.articles:
        inputs[urls.page_url("articles", article.page.slug)] = article_inputs(article.page)
    extra: dict[str, tuple[str, ...]] = {}
    for key, entity in site.entities.items():
        order = order_digest(site.articles_of.get(key, ()))
        for number, chunk in enumerate(mention_pages(site, key), 1):
            url = _mention_page_url(key, number)
            inputs[url], extra[url] = mention_page_inputs(str(entity.page.path), order, [shown[slug] for slug in chunk],
                                                          records[key]["about"] if number == 1 else None)
    months = timeline_months(site)
    for number, (month, articles) in enumerate(months):
        url = urls.timeline_url(month)
        inputs[url], extra[url] = _month_inputs(site, articles, front_of)
        extra[url] += tuple(months[n][0] if 0 <= n < len(months) else "" for n in (number - 1, number + 1))
    return inputs, extra


def _month_inputs(site: Site, articles: Iterable[Article], front_of: Mapping[Path, str]
                  ) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """What a month of the timeline shows: the cards of the entities its articles list or their ties join, by
    name, and digested, its articles' front matter, the entities each lists once renames are followed, and the
    ties they state (with the sentences that state them)."""
    keys: set[str] = set()
    shown = []
    for article in articles:
        events = site.events.get(article.page.slug, ())
        keys.update(article.page.entity_keys, *((tie.source, tie.target) for tie in events))
        shown += [str(article.page.path), front_of[article.page.path], repr(events), " ".join(article.page.entity_keys)]
    return tuple(sorted(card_name(k) for k in keys if k in site.entities)), (_combine(shown),)


def shown_inputs(page: ArticlePage) -> set[str]:
    """What a page of mentions shows of an article, by name: its view and the cards of the entities it lists."""
    return {view_name(str(page.path)), *(card_name(k) for k in page.entity_keys)}


def _mention_page_url(key: str, number: int) -> str:
    """The URL of page ``number`` of the articles that mention an entity (the first is the entity's own page)."""
    return f"{key}/" if number == 1 else urls.mentions_url(f"{key}/", number)


def order_digest(order: Iterable[str]) -> str:
    """A digest of the order of all an entity's articles (slugs), which its pages of mentions are cut from."""
    return _combine(order)


def mention_page_inputs(entity_file: str, order: str, shown: Iterable[set[str]], about: Sequence[Any] | None
                        ) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The inputs (by name) and what else a page of mentions depends on: the entity's file, what it shows of
    each of its articles (``shown``), the order of all the entity's articles (``order_digest``: digested once for
    all its pages), and on the entity's own page ``about`` it (what the model draws from all its articles, and the
    keys of the entities and the paths of the articles it refers to)."""
    names = {entity_file}.union(*shown)
    extra: tuple[str, ...] = (order,)
    if about is not None:
        digest, related, cites = about
        names |= {card_name(k) for k in related} | {cited_view_name(path) for path in cites}
        extra += (digest,)
    return tuple(sorted(names)), extra


def entity_record(site: Site, key: str) -> dict[str, Any]:
    """What an entity's pages show besides its articles' views, as plain data (``builder/edits.py`` makes its
    pages of mentions from it): its articles in order, roles, stated ties, members, who is named with it and how
    often, quotations, the article its drawn summary would come from, and what its own page refers to."""
    related, cites = _about_inputs(site, key)
    return {
        "articles": list(site.articles_of.get(key, ())),
        "roles": [[r.text, _plain_citation(r.citation)] for r in site.roles.get(key, ())],
        "stated": [[s.tie.type, s.tie.source, s.tie.target, _plain_citation(s.tie.citation), s.articles]
                   for s in site.stated.get(key, ())],
        "members": list(site.members.get(key, ())),
        "appears_with": list(site.appears_with.get(key, ())),
        "shared": list(site.shared.get(key, {}).items()),
        "quotes": [[q.text, _plain_citation(q.citation)] for q in site.cited_quotes.get(key, ())],
        "summary_from": site.summary_from.get(key),
        "about": [_about(site, key), related, cites],
    }


def _plain_citation(citation: Citation | None) -> list[str] | None:
    return None if citation is None else [citation.article, citation.anchor, citation.sentence, citation.words]


def _card(site: Site, key: str) -> str:
    """What a page that lists an entity shows of it: its address, name and role, the names a text calls it by
    (linked in article text) and its summary (in lists and preview cards)."""
    entity = site.entities[key]
    return _combine([key, entity.page.name, entity.page.role, *entity.names, site.summaries.get(key, "")])


def _about_inputs(site: Site, key: str) -> tuple[list[str], list[str]]:
    """What an entity's own page shows beyond its articles: the entities it names (affiliations, members, ties
    either way, who is named with it), by key, whose cards it shows, and the articles its roles cite, by path."""
    entity = site.entities[key]
    related = (*site.members.get(key, ()), *(f"institutions/{s}" for s in entity.page.affiliations),
               *(end for stated in site.stated.get(key, ()) for end in (stated.tie.source, stated.tie.target)),
               *site.appears_with.get(key, ()))
    cited = {str(site.article(r.citation.article).page.path) for r in site.roles.get(key, ()) if r.citation}
    return sorted({k for k in related if k in site.entities}), sorted(cited)


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
