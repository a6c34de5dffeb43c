"""The one place that knows where each page lives and how one page links to another.

Every link between pages is relative, so the built site works at a domain root, under any sub-path and from
``file://``. Page URLs are folder-style (``people/kamala-harris/``) and written as ``.../index.html`` files.
Absolute URLs (``absolute``) are made only from ``site.yaml``'s ``base_url``, for what needs them: canonical
links, OpenGraph, the sitemap and the feed.
"""

from __future__ import annotations

import urllib.parse

HOME = ""
NOT_FOUND = "404.html"
SEARCH = "search/"
TIMELINE = "timeline/"
CONNECTIONS = "connections/"
FEED = "feed.xml"
SITEMAP = "sitemap.xml"
ROBOTS = "robots.txt"
ASSETS = "assets/"
SEARCH_INDEX = "pagefind/"


def section_url(section: str) -> str:
    """``people`` -> ``people/``: the index page of a section."""
    return f"{section}/"


def page_url(section: str, slug: str) -> str:
    """``people``, ``kamala-harris`` -> ``people/kamala-harris/``."""
    return f"{section}/{slug}/"


def mentions_url(entity_url: str, number: int) -> str:
    """``people/x/``, 2 -> ``people/x/mentions/2/``: page ``number`` of the articles that mention an entity (page
    1 is the entity's own page)."""
    return entity_url if number == 1 else f"{entity_url}mentions/{number}/"


def timeline_url(month: str) -> str:
    """``2024-05`` -> ``timeline/2024-05/``: one month of the site's timeline."""
    return f"{TIMELINE}{month}/"


def asset_url(name: str) -> str:
    """``style.css`` -> ``assets/style.css``."""
    return ASSETS + name


def output_path(url: str) -> str:
    """Where a page URL is written inside the output folder: ``people/x/`` -> ``people/x/index.html``."""
    if url == HOME or url.endswith("/"):
        return url + "index.html"
    return url


def relative(from_url: str, to_url: str) -> str:
    """The href that leads from the page at ``from_url`` to ``to_url`` (both site-relative, without ``..``)."""
    target, _, fragment = to_url.partition("#")
    if not target and fragment and to_url.startswith("#"):
        return to_url
    base = output_path(from_url).split("/")[:-1]
    parts = target.split("/")
    common = 0
    while common < len(base) and common < len(parts) - 1 and base[common] == parts[common]:
        common += 1
    href = "../" * (len(base) - common) + "/".join(parts[common:])
    if not href:
        href = "./"
    return href + (f"#{fragment}" if fragment else "")


def root_prefix(from_url: str) -> str:
    """The relative path from a page back to the site root: ``people/x/`` -> ``../../``."""
    depth = output_path(from_url).count("/")
    return "../" * depth


def absolute(base_url: str, url: str) -> str:
    """``https://example.org/x/``, ``people/a/`` -> ``https://example.org/x/people/a/`` (base ends with ``/``)."""
    return base_url + url


def content_link(href: str) -> str | None:
    """``../people/x.md#p2`` (a link between content files) -> ``people/x/#p2``; None for any other link."""
    target, _, fragment = href.partition("#")
    parts = target.split("/")
    if not target.endswith(".md") or len(parts) < 2 or "://" in href:
        return None
    url = page_url(parts[-2], parts[-1][: -len(".md")])
    return url + (f"#{fragment}" if fragment else "")


def text_fragment(words: str, edge: int = 5) -> str:
    """``:~:text=...``, to add after an anchor: browsers that support text fragments highlight these words on
    arrival (a long passage by its first and last ``edge`` words). The others ignore it."""
    parts = words.split()
    chosen = [" ".join(parts)] if len(parts) <= 2 * edge else [" ".join(parts[:edge]), " ".join(parts[-edge:])]
    return ":~:text=" + ",".join(_quote(p) for p in chosen)


_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.~")
_ASCII_QUOTED = {c: chr(c) if chr(c) in _UNRESERVED else f"%{c:02X}" for c in range(128)}


def _quote(text: str) -> str:
    """Percent-encode every character but letters, digits and ``_.~`` (``-`` too: it separates the parts of a
    text fragment); the same as ``urllib.parse.quote(text, safe="")`` with ``-`` encoded, much faster on ASCII."""
    if text.isascii():
        return text.translate(_ASCII_QUOTED)
    return urllib.parse.quote(text, safe="").replace("-", "%2D")
