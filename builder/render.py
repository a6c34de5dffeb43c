"""Site -> RenderedPage: every page of the site as HTML bytes, through the Jinja templates, plus the theme's
assets and what ``feeds`` makes for machines (feed.xml, sitemap.xml, robots.txt). No file I/O here beyond
reading templates and assets.

Templates come from the site's own ``templates/`` when it has one, else from the theme shipped with the
builder. Undefined variables are errors (StrictUndefined) and everything is HTML-escaped (autoescape).
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import urllib.parse
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import jinja2
from markupsafe import Markup, escape

from builder import feeds, graph, markdown, urls
from builder.config import template_dirs
from builder.errors import Interrupted, TemplateError
from builder.model import Article, Citation, Entity, Mention, NameIndex, Quote, Site
from builder.processes import can_fork, forked
from builder.sentences import split_sentences

T = TypeVar("T")

_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")


@dataclass(frozen=True, slots=True)
class RenderedPage:
    """One output file."""

    url: str
    """Site-relative URL (``people/kamala-harris/``)."""
    kind: str
    """What the page is: home, article, person, institution, index, search, 404, asset, feed, sitemap, robots."""
    data: bytes
    """The file's bytes."""

    @property
    def path(self) -> str:
        """Where the file goes inside the output folder."""
        return urls.output_path(self.url)


def make_environment(site_templates: Path) -> jinja2.Environment:
    """A Jinja environment that escapes everything and fails on undefined names. Compiled templates are kept in
    Jinja's per-user cache folder (outside the site, private to the user), so later builds skip compiling. An
    environment serves one build, during which templates do not change (the snapshot stamped them): it does not
    look at their files again for each page."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(d) for d in template_dirs(site_templates)]),
        bytecode_cache=jinja2.FileSystemBytecodeCache(),
        auto_reload=False,
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["long_date"] = long_date
    env.filters["month_name"] = month_name
    env.filters["emphasise"] = emphasise
    return env


def long_date(day: dt.date) -> str:
    """``2021-06-08`` -> ``June 8, 2021`` (independent of the machine's locale)."""
    return f"{_MONTHS[day.month - 1]} {day.day}, {day.year}"


def emphasise(sentence: str, words: str) -> Markup:
    """The sentence, escaped, with the first occurrence of ``words`` in ``<strong>``."""
    before, found, after = sentence.partition(words)
    if not found:
        return Markup(escape(sentence))
    return Markup(f"{escape(before)}<strong>{escape(found)}</strong>{escape(after)}")


def render_pages(site: Site, each: Callable[[RenderedPage], T], only: Callable[[str], bool] | None = None,
                 workers: int = 1, stop: Callable[[], bool] | None = None,
                 meanwhile: Callable[[], object] | None = None) -> Iterator[T]:
    """``each`` of every page of the site, the theme's assets, the feed, robots.txt and (with base_url) the
    sitemap, one at a time as they are made (so a big site need not be held in memory).

    With ``only``, template pages whose URL it rejects are left out (they have not changed since the last build);
    the other files are cheap and always made. With ``workers`` > 1, many pages are rendered in that many
    processes (forked, so they share the site model without copying it), which apply ``each`` themselves (so
    it may write the page, and return only what the caller needs to know). Rendering in this process, it raises
    ``Interrupted`` between two pages once ``stop`` returns True. ``meanwhile`` is done here while the processes
    render, before the first page is taken (rendering here, before the first page is made).
    """
    assets = asset_files(site.config.templates_dir)
    specs = list(_page_specs(site))
    chosen = [spec for spec in specs if only is None or only(spec[0])]
    if _worth_forking(len(chosen), workers):
        yield from _render_in_processes(site, chosen, assets, workers, each, meanwhile)
    else:
        if meanwhile is not None:
            meanwhile()
        yield from map(each, _render_specs(site, chosen, assets, stop))
    yield from (each(RenderedPage(urls.asset_url(name), "asset", data)) for name, data in assets.items())
    yield from map(each, _machine_files(site, [url for url, kind, *_ in specs if kind != "404"]))
    yield from map(each, _redirects(site))


def render_page(site: Site, url: str) -> RenderedPage:
    """The one template page at ``url``."""
    spec = next(spec for spec in _page_specs(site) if spec[0] == url)
    return _render(make_environment(site.config.templates_dir), site, asset_files(site.config.templates_dir),
                   *spec)


_PER_PROCESS = 100
"""Pages below which starting processes costs more than it saves."""


def _worth_forking(count: int, workers: int) -> bool:
    return count >= 2 * _PER_PROCESS and can_fork(workers)


def _render_specs(site: Site, specs: list[tuple[str, str, str, Context]], assets: dict[str, bytes],
                  stop: Callable[[], bool] | None = None) -> Iterator[RenderedPage]:
    env = make_environment(site.config.templates_dir)
    for spec in specs:
        if stop is not None and stop():
            raise Interrupted("rendering")
        yield _render(env, site, assets, *spec)


def _render_in_processes(site: Site, specs: list[tuple[str, str, str, Context]], assets: dict[str, bytes],
                         workers: int, each: Callable[[RenderedPage], T], meanwhile: Callable[[], object] | None
                         ) -> Iterator[T]:
    def chunk(indices: range) -> list[T]:
        return [each(page) for page in _render_specs(site, [specs[i] for i in indices], assets)]

    chunks = [range(start, min(start + _PER_PROCESS, len(specs))) for start in range(0, len(specs), _PER_PROCESS)]
    with forked(chunk, chunks, workers) as results:
        if meanwhile is not None:
            meanwhile()
        for done in results:
            yield from done


def render_chosen(site: Site, articles: Iterable[Article], mentions: Iterable[tuple[str, int]]
                  ) -> list[RenderedPage]:
    """The pages of some articles and some pages of mentions (entity key, number: 1 is the entity's own page):
    what ``render_page`` makes of them, from a site model that may hold little more than what they show
    (``builder/edits.py``)."""
    env, assets = make_environment(site.config.templates_dir), asset_files(site.config.templates_dir)
    specs = [_article_spec(site, article) for article in articles]
    for key, number in mentions:
        specs += [next(itertools.islice(_entity_specs(site, site.entities[key]), number - 1, None))]
    return [_render(env, site, assets, *spec) for spec in specs]


def template_pages(site: Site) -> dict[str, str]:
    """URL -> kind of every page rendered from a template."""
    return {url: kind for url, kind, *_ in _page_specs(site)}


Context = dict[str, Any] | Callable[[], dict[str, Any]]
"""A page's own template variables, or a function that makes them (called only when the page is rendered)."""


def _page_specs(site: Site) -> Iterator[tuple[str, str, str, Context]]:
    """(url, kind, template, context) for every page; costly contexts are made only for pages rendered."""
    yield urls.HOME, "home", "home.html", lambda: {"story": story(site), "newest": site.articles[:HOME_ARTICLES]}
    months = timeline_months(site)
    yield urls.TIMELINE, "timeline", "timeline.html", {"months": months, "month": None}
    for number, (month, _) in enumerate(months):
        yield urls.timeline_url(month), "timeline", "timeline.html", functools.partial(
            _month_context, months, number)
    yield urls.CONNECTIONS, "connections", "connections.html", lambda: {
        "graph": _svg(site, urls.CONNECTIONS, graph.site_graph(site), "How the people and institutions connect")}
    yield urls.NOT_FOUND, "404", "404.html", {}
    if site.config.search:
        yield urls.SEARCH, "search", "search.html", {}
    yield urls.section_url("articles"), "index", "articles.html", {
        "listed": site.articles[:TIMELINE_PER_PAGE] if months else site.articles, "by_month": bool(months)}
    yield urls.section_url("people"), "index", "entities.html", {"section": "people", "items": site.people}
    yield urls.section_url("institutions"), "index", "entities.html", {
        "section": "institutions", "items": site.institutions}
    for article in site.articles:
        yield _article_spec(site, article)
    for entity in (*site.people, *site.institutions):
        yield from _entity_specs(site, entity)


def _entity_specs(site: Site, entity: Entity) -> Iterator[tuple[str, str, str, Context]]:
    """The entity's own page, then its further pages of mentions."""
    kind = "person" if entity.page.section == "people" else "institution"
    url = urls.page_url(entity.page.section, entity.page.slug)
    quotes = functools.cache(functools.partial(_quotes_by_article, site, entity.key))  # shared by its pages
    yield url, kind, "entity.html", functools.partial(_entity_context, site, url, entity, quotes)
    for number in range(2, len(mention_pages(site, entity.key)) + 1):
        yield urls.mentions_url(url, number), "mentions", "mentions.html", functools.partial(
            _mentions_context, site, entity, number, quotes)


def _quotes_by_article(site: Site, key: str) -> dict[str, list[Quote]]:
    """An entity's quotations, by article (in the order of ``Site.cited_quotes``: the articles' order)."""
    grouped: dict[str, list[Quote]] = {}
    for quote in site.cited_quotes.get(key, ()):
        grouped.setdefault(quote.citation.article, []).append(quote)
    return grouped


MENTIONS_PER_PAGE = 50
"""Articles listed under "Mentioned in" on an entity's page; more go to numbered pages (``people/x/mentions/2/``)."""


def mention_pages(site: Site, key: str) -> list[tuple[str, ...]]:
    """The slugs of the articles that list an entity, newest first, cut into pages (at least one, maybe empty)."""
    slugs = tuple(site.articles_of.get(key, ()))
    return [tuple(on_mentions_page(slugs, n)) for n in range(1, mentions_page_count(len(slugs)) + 1)]


def mentions_page_count(articles: int) -> int:
    """How many pages of mentions an entity listed by ``articles`` articles has (its own page, at least)."""
    return mentions_page_of(articles - 1) if articles else 1


def mentions_page_of(index: int) -> int:
    """The number of the page of mentions that lists an entity's article at ``index`` (newest first, from 0)."""
    return index // MENTIONS_PER_PAGE + 1


def on_mentions_page(slugs: Sequence[str], number: int) -> Sequence[str]:
    """The articles (of an entity's, newest first) that page ``number`` of its mentions lists."""
    return slugs[(number - 1) * MENTIONS_PER_PAGE:number * MENTIONS_PER_PAGE]


def _article_spec(site: Site, article: Article) -> tuple[str, str, str, Context]:
    return urls.page_url("articles", article.page.slug), "article", "article.html", functools.partial(
        _article_context, site, article)


def _article_context(site: Site, article: Article) -> dict[str, Any]:
    return {"article": article, "cards": _cards(site, article)}


def _entity_context(site: Site, url: str, entity: Entity, quotes: Callable[[], Mapping[str, list[Quote]]]
                    ) -> dict[str, Any]:
    return {
        **_mentions_context(site, entity, 1, quotes),
        "neighbours": graph.neighbours(site, entity.key),
        "graph": _svg(site, url, graph.entity_graph(site, entity.key), f"{entity.page.name} and their connections"),
    }


def _mentions_context(site: Site, entity: Entity, number: int, quotes: Callable[[], Mapping[str, list[Quote]]]
                      ) -> dict[str, Any]:
    """Page ``number`` of the articles that mention an entity (with the quotes they hold, and their dates), and
    links to its other pages (``pager_window``); ``quotes`` gives the entity's quotations by article."""
    slugs = site.articles_of.get(entity.key, ())
    count = mentions_page_count(len(slugs))
    listed = on_mentions_page(slugs, number)
    entity_url = urls.page_url(entity.page.section, entity.page.slug)
    first = (number - 1) * MENTIONS_PER_PAGE + 1
    by_article = quotes()
    return {
        "entity": entity, "by_article": _by_article(site, entity, listed),
        "quotes": [q for slug in listed for q in by_article.get(slug, ())],
        "timeline": [site.article(slug) for slug in reversed(listed)],
        "mentions_page": {"number": number, "count": count, "first": first, "last": first + len(listed) - 1,
                          "total": len(slugs), "window": pager_window(number, count, PAGER_AROUND),
                          "urls": [urls.mentions_url(entity_url, n) for n in range(1, count + 1)]},
    }


PAGER_AROUND = 2
"""Pages on either side of the current one that a pager links to by number (besides the first and the last)."""


def pager_window(number: int, count: int, around: int) -> list[int | None]:
    """The page numbers a pager on page ``number`` of ``count`` links to, in order: the first, the last and those
    within ``around`` of ``number``; None stands for the numbers left out between two of them (a single number
    left out is shown instead). An entity named in thousands of articles has a hundred pages, and a pager that
    linked every one would be a hundred links to tab through on each."""
    wanted = sorted({1, count, *range(max(1, number - around), min(count, number + around) + 1)})
    window: list[int | None] = []
    for previous, current in itertools.pairwise([0, *wanted]):
        if current - previous == 2:
            window.append(previous + 1)
        elif current - previous > 2:
            window.append(None)
        window.append(current)
    return window


TIMELINE_PER_PAGE = 200
"""Articles above which the site's timeline is cut into one page per month (``timeline/2024-05/``), under an
overview of the months; the index of articles then lists this many, the newest, and points to the months."""
HOME_ARTICLES = 20
"""The newest articles listed on the home page (the index of articles has more)."""


def timeline_months(site: Site) -> list[tuple[str, tuple[Article, ...]]]:
    """("YYYY-MM", its articles oldest first) for each month with articles, oldest first; none when the whole
    timeline fits on one page."""
    if len(site.articles) <= TIMELINE_PER_PAGE:
        return []
    months: dict[str, list[Article]] = {}
    for article in reversed(site.articles):
        months.setdefault(article.page.date.isoformat()[:7], []).append(article)
    return [(month, tuple(articles)) for month, articles in months.items()]


def month_name(month: str) -> str:
    """``2024-05`` -> ``May 2024``."""
    return f"{_MONTHS[int(month[5:7]) - 1]} {month[:4]}"


def _month_context(months: list[tuple[str, tuple[Article, ...]]], number: int) -> dict[str, Any]:
    """One month's page of the timeline, with the months before and after it (what it shows of the site is
    among its inputs in ``deps``: its articles, their ties and the entities they name)."""
    return {"month": months[number][0], "articles": months[number][1],
            "earlier": months[number - 1][0] if number > 0 else None,
            "later": months[number + 1][0] if number + 1 < len(months) else None}


def story(site: Site, count: int = 3) -> list[tuple[str, Article]]:
    """What the story is, in ``count`` sentences: the newest lede's opening, then the next ledes' first
    sentences; each with the article it comes from."""
    sentences: list[tuple[str, Article]] = []
    for article in site.articles[:count]:
        lede = article.page.summary
        spans = split_sentences(lede)[: count - len(sentences) if article is site.articles[0] else 1]
        sentences += [(lede[start:end], article) for start, end in spans]
        if len(sentences) >= count:
            break
    return sentences[:count]


def _by_article(site: Site, entity: Entity, slugs: Iterable[str]) -> list[tuple[Article, list[Mention]]]:
    """The articles ``slugs`` (that list an entity), each with the sentences that name it."""
    return [(site.article(slug), [m for m in site.mentions_in.get(slug, ()) if m.entity == entity.key])
            for slug in slugs]


def _svg(site: Site, url: str, drawing: graph.Graph, label: str) -> Markup:
    def href(key: str) -> str:
        return urls.relative(url, _entity_url(site.entities[key]))

    return Markup(graph.draw(drawing, href, label))


def _cards(site: Site, article: Article) -> Markup:
    """The preview card of every entity the article lists (name, role, summary), as JSON for assets/cards.js."""
    cards = {key: {"name": site.entities[key].page.name, "role": site.entities[key].page.role,
                   "summary": site.summaries.get(key, ""),
                   "kind": "Person" if key.startswith("people/") else "Institution"}
             for key in article.page.entity_keys}
    return Markup(feeds.json_for_script(cards))


def _machine_files(site: Site, page_urls: list[str]) -> Iterator[RenderedPage]:
    """The Atom feed, robots.txt and, when base_url is known, sitemap.xml."""
    yield RenderedPage(urls.FEED, "feed", feeds.atom_feed(site).encode("utf-8"))
    yield RenderedPage(urls.ROBOTS, "robots", feeds.robots_txt(site.config).encode("utf-8"))
    sitemap = feeds.sitemap(site.config, page_urls)
    if sitemap is not None:
        yield RenderedPage(urls.SITEMAP, "sitemap", sitemap.encode("utf-8"))


def _render(env: jinja2.Environment, site: Site, assets: dict[str, bytes], url: str, kind: str, name: str,
            own: Context) -> RenderedPage:
    extra = own() if callable(own) else own
    context = {
        "site": site, "config": site.config, "url": url, "kind": kind, "link": _linker(site, url, kind),
        "root": urls.root_prefix(url), "entity_url": _entity_url, "article_url": _article_url,
        "article_body": functools.partial(_article_body, site, url), "description_html": _description_html,
        "canonical": urls.absolute(site.config.base_url, url) if site.config.base_url else None,
        "json_ld": functools.partial(_json_ld, site, url), "inline_asset": functools.partial(_inline, assets),
        "data_uri": functools.partial(_data_uri, assets), "cite": functools.partial(_cite, url),
        **extra,
    }
    try:
        html = env.get_template(name).render(context)
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError(exc.filename or name, exc.lineno, f"template syntax error: {exc.message}") from exc
    except jinja2.TemplateError as exc:
        raise TemplateError(*_template_location(exc, name),
                            f"{exc.message or exc} (while rendering {urls.output_path(url)})") from exc
    return RenderedPage(url, kind, html.encode("utf-8"))


def _linker(site: Site, url: str, kind: str) -> Callable[[str], str]:
    """Relative links, except on the 404 page with base_url known: it is served at any depth, so absolute."""
    if kind == "404" and site.config.base_url:
        return functools.partial(urls.absolute, site.config.base_url)
    return functools.partial(urls.relative, url)


def _json_ld(site: Site, url: str, subject: Article | Entity | None = None) -> Markup:
    return Markup(feeds.json_ld(site, url, subject))


def _inline(assets: dict[str, bytes], name: str) -> Markup:
    """An asset's text, to inline in a page that must stand alone (the 404 page)."""
    return Markup(assets[name].decode("utf-8").replace("</", "<\\/"))


def _data_uri(assets: dict[str, bytes], name: str) -> str:
    """An SVG asset as a ``data:`` URI."""
    return "data:image/svg+xml," + urllib.parse.quote(assets[name].decode("utf-8"), safe="=:/'")


def _template_location(exc: BaseException, name: str) -> tuple[str, int | None]:
    """The template file and line where a render-time error happened, from the traceback."""
    tb = exc.__traceback__
    location: tuple[str, int | None] = (name, None)
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith(".html"):
            location = (filename, tb.tb_lineno)
        tb = tb.tb_next
    return location


def _entity_url(entity: Entity) -> str:
    return urls.page_url(entity.page.section, entity.page.slug)


def _article_url(article: Article, anchor: str = "") -> str:
    return urls.page_url("articles", article.page.slug) + (f"#{anchor}" if anchor else "")


def _cite(url: str, citation: Citation) -> str:
    """A link from the page at ``url`` to the sentence a fact came from, with a text fragment to highlight it."""
    target = urls.relative(url, urls.page_url("articles", citation.article) + "#" + citation.anchor)
    return target + urls.text_fragment(citation.words)


def _article_body(site: Site, url: str, article: Article) -> Markup:
    """The article's HTML with every name of a listed entity linked to its page."""
    names = NameIndex.of(site.entities[k] for k in article.page.entity_keys)
    hrefs = {key: urls.relative(url, _entity_url(site.entities[key])) for key in article.page.entity_keys}

    def linker(text: str) -> list[tuple[int, int, str]]:
        return [(start, end, hrefs[key]) for start, end, key in names.find(text)]

    return Markup(markdown.render(article.page.body, linker, functools.partial(_rewrite, url)))


def _rewrite(url: str, href: str) -> str:
    """Links between content files (``../people/x.md``) become links between pages."""
    target = urls.content_link(href)
    return href if target is None else urls.relative(url, target)



def _description_html(entity: Entity) -> Markup:
    url = _entity_url(entity)
    html = markdown.render(entity.page.body, rewrite=functools.partial(_rewrite, url))
    return Markup(html) if entity.page.body.strip() else Markup("")


def asset_files(site_templates: Path) -> dict[str, bytes]:
    """The theme's static files (``templates/assets/*``) by name; a site's own file replaces the theme's."""
    found: dict[str, bytes] = {}
    for folder in template_dirs(site_templates):
        assets = folder / "assets"
        if not assets.is_dir():
            continue
        for path in sorted(assets.iterdir()):
            if path.is_file() and path.name not in found and not path.name.startswith("."):
                found[path.name] = path.read_bytes()
    return dict(sorted(found.items()))


_REDIRECT = """<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<title>Moved: {name}</title>
<meta http-equiv="refresh" content="0; url={href}">
<link rel="canonical" href="{href}">
</head>
<body>
<p>This page has moved to <a href="{href}">{name}</a>.</p>
</body>
</html>
"""


def _redirects(site: Site) -> Iterator[RenderedPage]:
    """A small page at each entity's earlier URL (``moved_from``) that sends the reader to its new one."""
    for old_key, new_key in sorted(site.moved.items()):
        entity = site.entities[new_key]
        old_url = urls.page_url(*old_key.split("/", 1))
        html = _REDIRECT.format(lang=escape(site.config.language), name=escape(entity.page.name),
                                href=escape(urls.relative(old_url, _entity_url(entity))))
        yield RenderedPage(old_url, "redirect", html.encode("utf-8"))
