"""Site -> what machines read: schema.org JSON-LD for each page, the Atom feed, sitemap.xml and robots.txt.

Absolute URLs come only from ``site.yaml``'s ``base_url``. Without it the sitemap is left out (the protocol
requires absolute addresses), the feed and JSON-LD use relative references (resolved against the document that
holds them, so an ``@id`` still names one thing from every page), and ``base_url_warning`` says so once a build.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import uuid
from collections.abc import Iterable
from typing import Any

from builder import urls
from builder.config import SiteConfig
from builder.model import Article, Entity, Site

JsonObject = dict[str, Any]

_SCHEMA = "https://schema.org"
_FRAGMENTS = {"people": "person", "institutions": "organization"}


def base_url_warning(config: SiteConfig) -> tuple[str, ...]:
    """One warning when ``base_url`` is unset: what the build leaves out or keeps relative because of it."""
    if config.base_url:
        return ()
    return (f"{config.root / 'site.yaml'}: no base_url: sitemap.xml, canonical links and og:url are left out and "
            "the Atom feed and JSON-LD use relative links; set base_url to the address the site is published at",)


def href(config: SiteConfig, from_url: str, to_url: str) -> str:
    """An absolute URL when ``base_url`` is known, else the relative link from ``from_url``."""
    return urls.absolute(config.base_url, to_url) if config.base_url else urls.relative(from_url, to_url)


def entity_url(entity: Entity) -> str:
    """``people/<slug>/``: the site-relative URL of an entity's page."""
    return urls.page_url(entity.page.section, entity.page.slug)


def article_url(article: Article) -> str:
    """``articles/<slug>/``: the site-relative URL of an article's page."""
    return urls.page_url("articles", article.page.slug)


def entity_id(entity: Entity) -> tuple[str, str]:
    """(page URL, fragment) of an entity's stable ``@id``: ``people/x/#person``, ``institutions/x/#organization``."""
    return entity_url(entity), _FRAGMENTS[entity.page.section]


# --- JSON-LD -------------------------------------------------------------------------------------------------------

def json_ld(site: Site, url: str, subject: Article | Entity | None) -> str:
    """The page's JSON-LD graph as text safe inside ``<script>``: the site, and the article or entity shown."""
    graph = [_website(site, url)]
    if isinstance(subject, Article):
        graph += [_news_article(site, url, subject)]
        graph += [_stub(site, url, site.entities[key]) for key in subject.page.entity_keys]
    elif isinstance(subject, Entity):
        graph += [_entity_node(site, url, subject)]
        graph += [_stub(site, url, site.entities[f"institutions/{s}"]) for s in subject.page.affiliations]
    return json_for_script({"@context": _SCHEMA, "@graph": graph})


def json_for_script(data: Any) -> str:
    """Compact JSON that is safe inside a ``<script>`` element: no ``<``, ``>`` or ``&`` can end or confuse it.
    (Not indented: only the compact form is written by the standard library's fast encoder.)"""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _ref(site: Site, from_url: str, target: tuple[str, str]) -> JsonObject:
    """``{"@id": ...}`` for the node (page URL, fragment), absolute or relative to the page that holds it."""
    page_url, fragment = target
    return {"@id": f"{href(site.config, from_url, page_url)}#{fragment}"}


def _website(site: Site, url: str) -> JsonObject:
    node: JsonObject = {"@type": "WebSite", **_ref(site, url, (urls.HOME, "website")),
                        "name": site.config.title, "url": href(site.config, url, urls.HOME),
                        "inLanguage": site.config.language}
    if site.config.description:
        node["description"] = site.config.description
    return node


def _news_article(site: Site, url: str, article: Article) -> JsonObject:
    page = article.page
    lede = {m.entity for m in _lede_mentions(site, article)}
    listed = article.page.entity_keys
    node: JsonObject = {
        "@type": "NewsArticle", **_ref(site, url, (article_url(article), "article")),
        "headline": page.title, "datePublished": page.date.isoformat(), "url": href(site.config, url, url),
        "inLanguage": site.config.language, "isPartOf": _ref(site, url, (urls.HOME, "website")),
    }
    about = [_ref(site, url, entity_id(site.entities[k])) for k in listed if k in lede]
    mentions = [_ref(site, url, entity_id(site.entities[k])) for k in listed if k not in lede]
    node.update({k: v for k, v in (("about", about), ("mentions", mentions)) if v})
    if page.summary:
        node["description"] = page.summary
    if page.dateline:
        node["dateline"] = page.dateline
    return node


def _lede_mentions(site: Site, article: Article) -> Iterable[Any]:
    """The mentions in the article's first paragraph: what the article is about."""
    if not article.paragraphs:
        return ()
    first = article.paragraphs[0].anchor
    return (m for m in site.mentions_in.get(article.page.slug, ()) if m.paragraph == first)


def _entity_node(site: Site, url: str, entity: Entity) -> JsonObject:
    page = entity.page
    node: JsonObject = {**_stub(site, url, entity)}
    if page.aliases:
        node["alternateName"] = list(page.aliases)
    if page.section == "people":
        if page.role:
            node["jobTitle"] = page.role
        if page.affiliations:
            node["affiliation"] = [_ref(site, url, entity_id(site.entities[f"institutions/{s}"]))
                                   for s in page.affiliations]
    elif page.role:
        node["description"] = page.role
    return node


def _stub(site: Site, url: str, entity: Entity) -> JsonObject:
    kind = "Person" if entity.page.section == "people" else "Organization"
    return {"@type": kind, **_ref(site, url, entity_id(entity)), "name": entity.page.name,
            "url": href(site.config, url, entity_url(entity))}



# --- Atom, sitemap, robots -----------------------------------------------------------------------------------------

FEED_ENTRIES = 50
"""Articles in the Atom feed: the newest (feed readers fetch it often; the site lists every article)."""


def atom_feed(site: Site) -> str:
    """An Atom feed of the newest articles; ``updated`` is the newest article's date, never the build's."""
    config = site.config
    newest = site.articles[0].page.date if site.articles else dt.date(1970, 1, 1)
    lines = ['<?xml version="1.0" encoding="utf-8"?>',
             f'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang={_attribute(config.language)}>',
             f"<title>{_text(config.title)}</title>"]
    if config.description:
        lines.append(f"<subtitle>{_text(config.description)}</subtitle>")
    lines += [f"<id>{_text(_atom_id(config, urls.HOME))}</id>", f"<updated>{_timestamp(newest)}</updated>",
              f"<author><name>{_text(config.title)}</name></author>",
              f'<link rel="alternate" type="text/html" href={_attribute(href(config, urls.FEED, urls.HOME))}/>']
    if config.base_url:
        lines.append(f'<link rel="self" type="application/atom+xml" '
                     f'href={_attribute(urls.absolute(config.base_url, urls.FEED))}/>')
    lines += [_atom_entry(config, article) for article in site.articles[:FEED_ENTRIES]]
    lines.append("</feed>")
    return "\n".join(lines) + "\n"


def _atom_entry(config: SiteConfig, article: Article) -> str:
    page, url = article.page, article_url(article)
    parts = ["<entry>", f"<title>{_text(page.title)}</title>",
             f'<link rel="alternate" type="text/html" href={_attribute(href(config, urls.FEED, url))}/>',
             f"<id>{_text(_atom_id(config, url))}</id>",
             f"<published>{_timestamp(page.date)}</published>", f"<updated>{_timestamp(page.date)}</updated>"]
    if page.summary:
        parts.append(f"<summary>{_text(page.summary)}</summary>")
    parts.append("</entry>")
    return "\n".join(parts)


def _atom_id(config: SiteConfig, url: str) -> str:
    """The page's absolute URL, or without ``base_url`` a UUID derived from the site's title and the page's URL."""
    if config.base_url:
        return urls.absolute(config.base_url, url)
    return uuid.uuid5(uuid.NAMESPACE_URL, f"builder:{config.title}:{url}").urn


def _text(value: str) -> str:
    """Text for an XML element."""
    return html.escape(value, quote=False)


def _attribute(value: str) -> str:
    """An XML attribute's value, quoted."""
    return f'"{html.escape(value)}"'


def _timestamp(day: dt.date) -> str:
    return f"{day.isoformat()}T00:00:00Z"


def sitemap(config: SiteConfig, pages: Iterable[str]) -> str | None:
    """sitemap.xml listing these page URLs, or None without ``base_url`` (a sitemap needs absolute URLs)."""
    if not config.base_url:
        return None
    base = config.base_url
    entries = [f"<url><loc>{_text(urls.absolute(base, url))}</loc></url>" for url in sorted(pages)]
    return "\n".join(['<?xml version="1.0" encoding="utf-8"?>',
                      '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">', *entries, "</urlset>"]) + "\n"


def robots_txt(config: SiteConfig) -> str:
    """Allow every crawler; point at the sitemap when there is one."""
    lines = ["User-agent: *", "Allow: /"]
    if config.base_url:
        lines.append(f"Sitemap: {urls.absolute(config.base_url, urls.SITEMAP)}")
    return "\n".join(lines) + "\n"
