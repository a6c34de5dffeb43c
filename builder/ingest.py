"""Seeds -> content/: one Markdown page per new article, person and institution.

Ingest plans first (a pure function of the seeds and the pages already there), then writes. It never
overwrites a page that exists: an article already made from a seed is left alone, and a person or institution
that already has a page is reused by name or alias.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from builder.content import (
    ArticlePage,
    Content,
    EntityPage,
    QuoteRef,
    Section,
    article_meta,
    entity_meta,
    escape_markdown,
    make_slug,
    render_page,
)
from builder.errors import BuilderError, ContentError, raise_all
from builder.extract import Entity, extract_entities
from builder.seeds import Seed
from builder.sentences import split_sentences

_CUT_BEFORE = frozenset(
    "after on in as while when during for with to by at from amid following despite because that which who "
    "where but and or over about against into than before since".split()
)
TITLE_LENGTH = 80


@dataclass(frozen=True, slots=True)
class PlannedPage:
    """A content file that ingest will create."""

    path: Path
    """Where it goes."""
    text: str
    """Its whole text (front matter and body)."""
    reason: str
    """Why it is created, for the report."""


@dataclass(frozen=True, slots=True)
class IngestPlan:
    """What ingest would do."""

    create: tuple[PlannedPage, ...]
    """Pages to create."""
    skipped: tuple[str, ...]
    """Seeds already ingested, by file name."""


def plan_ingest(seeds: Iterable[Seed], content: Content, content_dir: Path) -> IngestPlan:
    """Decide which pages to create for the seeds not yet in ``content``."""
    done = {a.seed for a in content.articles if a.seed}
    article_slugs = {a.slug for a in content.articles}
    index = _EntityIndex(content.entities)
    create: list[PlannedPage] = []
    skipped: list[str] = []
    for seed in seeds:
        if seed.name in done:
            skipped.append(seed.name)
            continue
        article, entities = _pages_for(seed, index, article_slugs, content_dir)
        article_slugs.add(article.slug)
        create.append(PlannedPage(article.path, render_page(article_meta(article), article.body),
                                  f"new seed {seed.name}"))
        for page in entities:
            create.append(PlannedPage(page.path, render_page(entity_meta(page), page.body),
                                      f"named in {seed.name}"))
    return IngestPlan(tuple(create), tuple(skipped))


def write_plan(plan: IngestPlan) -> None:
    """Create the planned pages; a page that appeared meanwhile is never overwritten."""
    problems: list[BuilderError] = []
    for page in plan.create:
        page.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            with page.path.open("x", encoding="utf-8", newline="\n") as handle:
                handle.write(page.text)
        except FileExistsError:
            continue
        except OSError as exc:
            problems.append(ContentError(page.path, None, f"cannot be written ({exc.strerror}); "
                                                          "check the folder's permissions"))
    raise_all(problems)


class _EntityIndex:
    """Existing and newly planned entity pages, found by name or alias (case-insensitive)."""

    def __init__(self, pages: Iterable[EntityPage]) -> None:
        self.by_name: dict[tuple[str, str], str] = {}
        self.slugs: set[tuple[str, str]] = set()
        for page in pages:
            self.add(page)

    def add(self, page: EntityPage) -> None:
        self.slugs.add((page.section, page.slug))
        for name in (page.name, *page.aliases):
            self.by_name.setdefault((page.section, name.casefold()), page.slug)

    def find(self, section: str, entity: Entity) -> str | None:
        full_names = [entity.name, *(a for a in entity.aliases if " " in a or section == "institutions")]
        for name in full_names:
            slug = self.by_name.get((section, name.casefold()))
            if slug is not None:
                return slug
        return None


def _pages_for(seed: Seed, index: _EntityIndex, taken: set[str],
               content_dir: Path) -> tuple[ArticlePage, list[EntityPage]]:
    found = extract_entities(seed.paragraphs, seed.dateline)
    new_pages: list[EntityPage] = []
    keys: dict[int, str] = {}
    slugs: dict[Section, list[str]] = {"people": [], "institutions": []}
    sections: tuple[tuple[Section, tuple[Entity, ...]], ...] = (
        ("people", found.people), ("institutions", found.institutions))
    for section, entities in sections:
        for entity in entities:
            slug = index.find(section, entity)
            if slug is None:
                slug = make_slug(entity.name)
                if not slug:
                    continue
                page = _entity_page(content_dir, section, slug, entity, found.institutions)
                index.add(page)
                new_pages.append(page)
            if slug not in slugs[section]:
                slugs[section].append(slug)
            keys[id(entity)] = f"{section}/{slug}"
    new_pages = _with_affiliations(new_pages, found.institutions, keys)
    title = seed.title or derive_title(seed.paragraphs[0])
    slug = _unique_slug(make_slug(title, 60) or make_slug(seed.path.stem), taken)
    quotes = tuple(
        QuoteRef(keys[id(e)], q.text, q.paragraph + 1)
        for e in (*found.people, *found.institutions) if id(e) in keys for q in e.quotes
    )
    article = ArticlePage(
        path=content_dir / "articles" / f"{slug}.md", slug=slug, title=title, date=seed.date,
        dateline=seed.dateline, source=seed.source, seed=seed.name, summary=seed.paragraphs[0],
        people=tuple(slugs["people"]), institutions=tuple(slugs["institutions"]),
        quotes=tuple(sorted(quotes, key=lambda q: q.paragraph)),
        body="\n\n".join(escape_markdown(p) for p in seed.paragraphs), body_line=1,
    )
    return article, new_pages


def _entity_page(content_dir: Path, section: Section, slug: str, entity: Entity,
                 institutions: tuple[Entity, ...]) -> EntityPage:
    role = entity.roles[0].text if entity.roles else ""
    return EntityPage(
        path=content_dir / section / f"{slug}.md", section=section, slug=slug, name=entity.name,
        aliases=entity.aliases, role=role, affiliations=(), body="", body_line=1,
    )


def _with_affiliations(pages: list[EntityPage], institutions: tuple[Entity, ...],
                       keys: dict[int, str]) -> list[EntityPage]:
    """A person whose role names an institution (``chief executive of the Refugee Council``) belongs to it."""
    result = []
    for page in pages:
        names = [(inst, name) for inst in institutions for name in (inst.name, *inst.aliases) if len(name) > 3]
        tied = sorted({keys[id(inst)].split("/", 1)[1] for inst, name in names
                       if id(inst) in keys and page.section == "people" and _names(page.role, name)})
        result.append(EntityPage(page.path, page.section, page.slug, page.name, page.aliases, page.role,
                                 tuple(tied), page.body, page.body_line))
    return result


def _names(text: str, name: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text) is not None


def _unique_slug(slug: str, taken: set[str]) -> str:
    candidate, number = slug, 2
    while candidate in taken:
        candidate, number = f"{slug}-{number}", number + 1
    return candidate


def derive_title(lede: str) -> str:
    """A short headline from the lede's first sentence, cut before a clause or phrase at most 80 characters."""
    spans = split_sentences(lede)
    first = lede[spans[0][0] : spans[0][1]] if spans else lede
    first = first.strip().rstrip(".!?:;,").strip()
    if len(first) <= TITLE_LENGTH:
        return first
    words = first.split()
    best = ""
    for count in range(4, len(words)):
        candidate = " ".join(words[:count])
        if len(candidate) > TITLE_LENGTH:
            break
        if words[count].lower().strip("“”\"") in _CUT_BEFORE and not words[count - 1].endswith(("’s", "'s")):
            best = candidate
    if not best:
        best = first[:TITLE_LENGTH].rsplit(" ", 1)[0]
    return best.rstrip(",;:—–- ")
