"""Edited articles that no other page shows the change of -> their pages, without the rest of the site model.

Many edits to a built site change an article's text and nothing that another page shows of it (its view, see
``deps.article_view``): a typo mended or a sentence reworded where nobody is named, a paragraph added that
names nobody. Such an edit changes the article's own page and nothing else (but the search index). A sentence
that names someone is shown on that entity's pages, so rewording it goes to the full build. A build that finds only such
edits since the last one reads the edited articles and the entities they list, renders their pages from a
site model that holds only those, and keeps every other file: its cost does not grow with the site.

Anything else goes to the full build: a new, removed or renamed file, a seed, an entity page, a template,
site.yaml, the builder itself, an edit that another page shows, a link in the edited text, or a problem in
the page (the full build reports it). So does a template that asks the partial model for more than it holds
(``Beyond``): the model refuses instead of answering wrong.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn, TypeVar, cast

from builder.config import SiteConfig
from builder.content import ArticlePage, EntityPage, PageReader, load_page, refuse_outside_link
from builder.deps import article_inputs, article_view, page_fingerprint, shared_digest, view_name
from builder.errors import BuilderError
from builder.model import Article, Entity, Mention, Site, analysis, find_mentions, follow_moves
from builder.render import RenderedPage, render_article
from builder.snapshot import Check
from builder.urls import page_url

V = TypeVar("V")

MOST_EDITED = 50
"""Articles edited at once above which the full build is as quick."""


@dataclass(frozen=True, slots=True)
class Patch:
    """The pages of edited articles and the record of the output once they replace the old ones."""

    pages: tuple[RenderedPage, ...]
    record: dict[str, Any]
    """The fingerprints of the output (``deps.Fingerprints`` as plain data) with the edited pages' updated."""
    reasons: dict[str, str]
    """URL -> why it was rendered (for ``--explain``)."""


def edited_articles(check: Check, content_dir: Path) -> list[Path] | None:
    """The article files edited since the last build when nothing else changed, else None."""
    last, now = check.last, check.now
    if last is None or not check.summary.get("complete") or last.seeds != now.seeds or last.rest != now.rest \
            or last.content.keys() != now.content.keys():
        return None
    edited = [path for path, stamp in now.content.items() if last.content[path] != stamp]
    folder = content_dir / "articles"
    if not 0 < len(edited) <= MOST_EDITED or any(Path(p).parent != folder or not p.endswith(".md") for p in edited):
        return None
    return [Path(p) for p in sorted(edited)]


def patch_articles(config: SiteConfig, paths: list[Path], record: Mapping[str, Any], warnings: Sequence[str],
                   reader: PageReader) -> Patch | None:
    """The new pages of the articles at ``paths``, when their edits change nothing other pages show (their
    views are those ``record``, the output's fingerprints, holds) and their front matter gets the same
    ``warnings`` as at the last build, else None."""
    if not {"pages", "common", "files", "edits"} <= record.keys():
        return None
    files: dict[str, str] = dict(record["files"])
    try:
        read = [_read(config, path, record, warnings, reader) for path in paths]
        if any(edit is None for edit in read):
            return None
        edits = [edit for edit in read if edit is not None]
        site = _partial_site(config, edits, {key: card[3] for key, card in record["edits"]["cards"].items()})
        pages = tuple(render_article(site, article) for article, *_ in edits)
    except (BuilderError, Beyond):
        return None
    shared = shared_digest(record["common"])
    fingerprints = dict(record["pages"])
    for article, _, _, digest in edits:
        files[str(article.page.path)] = digest
    for article, *_ in edits:
        inputs = [files[name] for name in article_inputs(article.page)]
        fingerprints[page_url("articles", article.page.slug)] = page_fingerprint(shared, "article", inputs)
    reasons = {page.url: f"changed: {article.page.path}" for page, (article, *_) in zip(pages, edits, strict=True)}
    return Patch(pages, {**record, "pages": fingerprints, "files": files}, reasons)


def _read(config: SiteConfig, path: Path, record: Mapping[str, Any], warnings: Sequence[str], reader: PageReader
          ) -> tuple[Article, tuple[Mention, ...], dict[str, Entity], str] | None:
    """An edited article, its mentions, the entities it lists and the digest of its text; None when other pages
    may show the edit (its view changed, or it has links to check, or links point into it) or its warnings
    changed (the line of an unknown field)."""
    name = str(path)
    edits = record["edits"]
    if name in edits["anchored"]:
        return None
    refuse_outside_link(path, config.root)
    loaded, found = load_page(path, "articles", reader)
    if found != [w for w in warnings if w.startswith(f"{name}:")]:
        return None
    page = follow_moves(cast(ArticlePage, loaded), edits["moved"])
    cards = edits["cards"]
    if any(key not in cards for key in page.entity_keys):
        return None
    entities = {key: Entity(cast(EntityPage, _Card(key, *cards[key][:3]))) for key in page.entity_keys}
    paragraphs, links = analysis(reader.memo, page)
    if links:
        return None
    article = Article(page, tuple(paragraphs))
    mentions = tuple(find_mentions(article, entities))
    view = article_view(article, mentions, reader.front_digest(path), edits["cited"].get(page.slug, ()))
    if record["files"].get(view_name(name)) != view:
        return None
    return article, mentions, entities, reader.digest(path)


class Beyond(Exception):
    """A template asked the partial site model for something it does not hold."""


class _Card:
    """What pages that list an entity show of it (``deps.card_name``), standing for its ``EntityPage``: its
    address, name, aliases and role; anything else is ``Beyond``."""

    def __init__(self, key: str, name: str, aliases: list[str], role: str) -> None:
        self.key = key
        self.section, self.slug = key.split("/", 1)
        self.name, self.aliases, self.role = name, tuple(aliases), role

    def __getattr__(self, name: str) -> NoReturn:
        raise Beyond(f"the {name} of {self.key}")


class _Only(Mapping[str, V]):
    """A mapping that holds some of its keys and refuses (``Beyond``) to say anything about the others."""

    def __init__(self, held: Mapping[str, V]) -> None:
        self._held = held

    def __getitem__(self, key: str) -> V:
        if key not in self._held:
            raise Beyond(key)
        return self._held[key]

    def __iter__(self) -> Iterator[str]:
        raise Beyond("all keys")

    def __len__(self) -> int:
        raise Beyond("all keys")


class _Unheld:
    """A sequence of the whole site that the partial model does not hold: whatever is asked of it (its items,
    its length, joining it to another) is ``Beyond``."""

    def _refuse(self, *args: object) -> NoReturn:
        raise Beyond("a list of the whole site")

    __iter__ = __len__ = __getitem__ = __contains__ = __reversed__ = __bool__ = _refuse
    __add__ = __radd__ = __mul__ = __rmul__ = __or__ = __ror__ = __and__ = __rand__ = __sub__ = __rsub__ = _refuse
    __eq__ = __ne__ = __lt__ = __le__ = __gt__ = __ge__ = __hash__ = _refuse

    def __getattr__(self, name: str) -> NoReturn:
        raise Beyond(f"the {name} of a list of the whole site")


def _partial_site(config: SiteConfig, edits: list[tuple[Article, tuple[Mention, ...], dict[str, Entity], str]],
                  summaries: Mapping[str, str]) -> Site:
    """A site model that holds the edited articles, their mentions and the entities they list (with their
    summaries), and refuses anything else."""
    entities = {key: entity for _, _, listed, _ in edits for key, entity in listed.items()}
    whole = _Only[Any]({})
    unheld = cast(Any, _Unheld())
    return Site(
        config=config, articles=unheld, people=unheld, institutions=unheld, entities=_Only(entities),
        mentions=whole, mentions_in=_Only({a.page.slug: mentions for a, mentions, _, _ in edits}),
        articles_of=whole, appears_with=whole, members=whole, quotes=whole, moved=whole,
        by_slug=_Only({a.page.slug: a for a, *_ in edits}), roles=whole, ties=whole, stated=whole, events=whole,
        cited_quotes=whole, shared=whole, summary_from=whole,
        summaries=_Only({key: summaries.get(key, "") for key in entities}), sides=unheld, anchored=unheld)
