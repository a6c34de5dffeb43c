"""Seed articles -> a cross-linked static explainer site about the people and institutions in them.

Stages, in the one direction data flows (a module may import only modules above it)::

    version     the builder's version and a digest of its own code (every cache is keyed by it)
    errors      BuilderError and its kinds, each with path:line
    records     values <-> the JSON files the builder keeps (caches, records of builds)
    processes   work shared among forked processes (one per core)
    config      site.yaml -> SiteConfig; where the site's folders and the shipped theme are
    snapshot    stamps of every input, trusted once the file clock has moved on: skip what nothing changed
    sentences   text -> sentence spans
    names       text + known names -> where each is written as a whole word
    seeds       seeds/*.txt|md -> Seed
    content     content/**/*.md <-> ArticlePage, EntityPage
    extract     Seed paragraphs -> people and institutions, roles, quotes, ties
    cache       seeds and extraction results kept on disk between builds
    ingest      Seeds -> content pages, merged with editors' edits (never overwriting one)
    markdown    Markdown body -> HTML with entity links and paragraph anchors
    urls        page paths and relative links
    model       Content -> Site (frozen): mentions, ties, cited roles and quotes, reverse indexes
    graph       Site -> relationship drawings laid out at build time, as inline SVG
    feeds       Site -> JSON-LD, Atom feed, sitemap.xml, robots.txt
    render      Site -> RenderedPage through Jinja templates
    deps        Site -> fingerprint of each page's inputs (what to render again)
    output      pages -> output folder with its search index, changed files only, swapped in whole
    edits       edited articles that no other page shows the change of -> their pages, from a partial model
    pipeline    the whole build, one stage per line
    watch       source folders -> batches of changed paths
    serve       preview: rebuild on change, update the open tabs, show errors over the page
    cli         the command line

The names below load their stage when first used, so that importing one light stage (as the command line does
to find a build with nothing to do) does not load them all.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from builder.version import __version__

if TYPE_CHECKING:
    from builder.config import SiteConfig, load_config
    from builder.errors import BuilderError, BuildFailed
    from builder.pipeline import BuildReport, build, ingest

_HOMES = {"BuildReport": "pipeline", "build": "pipeline", "ingest": "pipeline", "SiteConfig": "config",
          "load_config": "config", "BuilderError": "errors", "BuildFailed": "errors"}

__all__ = ["BuildFailed", "BuildReport", "BuilderError", "SiteConfig", "__version__", "build", "ingest",
           "load_config"]


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module 'builder' has no attribute {name!r}")
    return getattr(importlib.import_module(f"builder.{_HOMES[name]}"), name)
