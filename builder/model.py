"""Content + SiteConfig -> Site: the complete, frozen model that rendering reads.

Built in one step (``build_site``): articles and entities are checked against each other (every slug an article
lists must have a page), mentions are found in the article text by each entity's name and aliases, and the reverse
indexes (who is mentioned where, who appears with whom) are filled once, from the complete set.
"""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from types import MappingProxyType
from typing import TypeVar

from builder import markdown
from builder.config import SiteConfig
from builder.content import ArticlePage, Content, EntityPage, QuoteRef
from builder.errors import BuilderError, ContentError, raise_all
from builder.sentences import split_sentences

K = TypeVar("K")
V = TypeVar("V")


@dataclass(frozen=True, slots=True)
class Mention:
    """One sentence of an article that names an entity."""

    article: str
    """Slug of the article."""
    entity: str
    """Key of the entity (``people/<slug>``)."""
    paragraph: str
    """Anchor of the paragraph in the article page (``p3``)."""
    sentence: str
    """The sentence, as plain text."""
    alias: str
    """The name as written in the sentence."""


@dataclass(frozen=True, slots=True)
class Article:
    """An article page of the site."""

    page: ArticlePage
    """Its content page (title, date, body...)."""
    paragraphs: tuple[markdown.Paragraph, ...]
    """Its paragraphs as plain text, with anchors."""


@dataclass(frozen=True, slots=True)
class Entity:
    """A person or institution page of the site."""

    page: EntityPage
    """Its content page (name, aliases, role, description)."""

    @property
    def key(self) -> str:
        """``people/<slug>`` or ``institutions/<slug>``."""
        return self.page.key

    @property
    def names(self) -> tuple[str, ...]:
        """The name and every alias, longest first: the strings linked in article text."""
        return tuple(sorted({self.page.name, *self.page.aliases}, key=lambda n: (-len(n), n)))


@dataclass(frozen=True, slots=True)
class Site:
    """Everything the templates may show; nothing in it changes after ``build_site``."""

    config: SiteConfig
    """Validated site settings."""
    articles: tuple[Article, ...]
    """Articles, newest first (then by title)."""
    people: tuple[Entity, ...]
    """People, by name."""
    institutions: tuple[Entity, ...]
    """Institutions, by name."""
    entities: Mapping[str, Entity]
    """Every entity by key."""
    mentions: Mapping[str, tuple[Mention, ...]]
    """Entity key -> the sentences that mention it, in article order (newest article first)."""
    articles_of: Mapping[str, tuple[str, ...]]
    """Entity key -> slugs of the articles that list it."""
    appears_with: Mapping[str, tuple[str, ...]]
    """Entity key -> keys of the entities named in the same articles, most shared first."""
    members: Mapping[str, tuple[str, ...]]
    """Institution key -> keys of the people affiliated with it."""
    quotes: Mapping[str, tuple[tuple[str, QuoteRef], ...]]
    """Entity key -> (article slug, quote) pairs."""
    moved: Mapping[str, str]
    """Earlier entity key -> the key of the page it moved to (its old URL redirects there)."""

    def article(self, slug: str) -> Article:
        """The article with this slug."""
        return next(a for a in self.articles if a.page.slug == slug)


def build_site(config: SiteConfig, content: Content) -> Site:
    """Check references, find mentions and fill the reverse indexes."""
    entities = {e.key: Entity(e) for e in content.entities}
    moved = _moved(content.entities)
    content = Content(tuple(_follow_moves(a, moved) for a in content.articles), content.entities, content.warnings)
    raise_all(list(_reference_problems(content, entities)) + list(_link_problems(content)))
    articles = tuple(sorted(
        (Article(a, tuple(markdown.paragraphs(a.body))) for a in content.articles),
        key=lambda a: (-a.page.date.toordinal(), a.page.title, a.page.slug),
    ))
    mentions = [m for a in articles for m in find_mentions(a, entities)]
    return Site(
        config=config,
        articles=articles,
        people=_by_name(e for e in entities.values() if e.page.section == "people"),
        institutions=_by_name(e for e in entities.values() if e.page.section == "institutions"),
        entities=MappingProxyType(entities),
        mentions=_group((m.entity, m) for m in mentions),
        articles_of=_group((k, a.page.slug) for a in articles for k in _keys(a.page)),
        appears_with=_appears_with(articles, entities),
        members=_group((f"institutions/{s}", e.key) for e in entities.values() for s in e.page.affiliations),
        quotes=_group((q.speaker, (a.page.slug, q)) for a in articles for q in a.page.quotes),
        moved=MappingProxyType(moved),
    )


def _moved(pages: Iterable[EntityPage]) -> dict[str, str]:
    """Old key -> new key for every ``moved_from`` slug."""
    return {f"{p.section}/{old}": p.key for p in pages for old in p.moved_from}


def _follow_moves(article: ArticlePage, moved: Mapping[str, str]) -> ArticlePage:
    """An article that still lists an entity's old slug lists its new one."""
    if not moved:
        return article

    def follow(section: str, slugs: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(dict.fromkeys(moved.get(f"{section}/{s}", f"{section}/{s}").split("/", 1)[1] for s in slugs))

    quotes = tuple(replace(q, speaker=moved.get(q.speaker, q.speaker)) for q in article.quotes)
    return replace(article, people=follow("people", article.people),
                   institutions=follow("institutions", article.institutions), quotes=quotes)


def _link_problems(content: Content) -> Iterable[BuilderError]:
    """Links in Markdown bodies must lead to a content page (``../people/x.md``), an anchor of it
    (``x.md#p2``), or a full web address."""
    pages = {a.path.resolve(): len(markdown.paragraphs(a.body)) for a in content.articles}
    pages |= {e.path.resolve(): 0 for e in content.entities}
    bodies: list[ArticlePage | EntityPage] = [*content.articles, *content.entities]
    for page in bodies:
        for line, href in markdown.links(page.body):
            problem = link_problem(page.path, href, pages)
            if problem:
                yield ContentError(page.path, page.body_line + line, problem)


def link_problem(source: Path, href: str, pages: Mapping[Path, int]) -> str:
    """Why ``href`` in ``source`` is broken, or the empty string when it is fine."""
    if re.match(r"^[a-zA-Z][\w+.-]*:", href):
        return ""
    target, _, fragment = href.partition("#")
    if href.startswith("/") or (target and not target.endswith(".md")):
        return (f"link '{href}' does not point at a content page; link to a .md file (e.g. ../people/x.md) "
                "or a full https:// address")
    path = (source.parent / target).resolve() if target else source.resolve()
    if path not in pages:
        close = difflib.get_close_matches(str(path), [str(p) for p in pages], n=1)
        hint = f"; did you mean '{Path(close[0]).relative_to(source.parent.parent.resolve())}'?" if close else ""
        return f"broken link '{href}': no such page{hint}"
    if fragment and not (fragment.startswith("p") and fragment[1:].isdigit() and 0 < int(fragment[1:]) <=
                         pages[path]):
        return f"broken link '{href}': the page has no anchor '#{fragment}' (paragraphs are #p1 to #p{pages[path]})"
    return ""


def _keys(page: ArticlePage) -> list[str]:
    return [f"people/{s}" for s in page.people] + [f"institutions/{s}" for s in page.institutions]


def _reference_problems(content: Content, entities: Mapping[str, Entity]) -> Iterable[BuilderError]:
    for article in content.articles:
        for key in _keys(article):
            if key not in entities:
                yield _unknown(article.path, key, entities, "article lists")
        for quote in article.quotes:
            if quote.speaker not in entities:
                yield _unknown(article.path, quote.speaker, entities, "quote's speaker is")
    for entity in content.entities:
        for slug in entity.affiliations:
            if f"institutions/{slug}" not in entities:
                yield _unknown(entity.path, f"institutions/{slug}", entities, "affiliation is")


def _unknown(path: Path, key: str, entities: Mapping[str, Entity], what: str) -> ContentError:
    section, _, slug = key.partition("/")
    close = difflib.get_close_matches(key, list(entities), n=1)
    hint = f"; did you mean '{close[0].split('/', 1)[1]}'?" if close else f"; create content/{key}.md"
    return ContentError(path, None,
                        f"{what} '{slug}', but content/{section}/{slug}.md does not exist{hint}")


def find_mentions(article: Article, entities: Mapping[str, Entity]) -> list[Mention]:
    """Every sentence of the article that names one of the entities it lists (each entity once a sentence)."""
    names = NameIndex.of([entities[k] for k in _keys(article.page)])
    found: list[Mention] = []
    for paragraph in article.paragraphs:
        for start, end in split_sentences(paragraph.text):
            sentence = paragraph.text[start:end]
            seen: set[str] = set()
            for first, last, key in names.find(sentence):
                if key not in seen:
                    seen.add(key)
                    found.append(Mention(article.page.slug, key, paragraph.anchor, sentence, sentence[first:last]))
    return found


@dataclass(frozen=True, slots=True)
class NameIndex:
    """Finds the names of a set of entities in text: every name and alias, and coordinated forms
    (``Treasury`` in "the Justice, Treasury and State departments" names the Treasury Department)."""

    pattern: re.Pattern[str] | None
    """One regular expression for all names, longest first."""
    plain: Mapping[str, str]
    """Name or alias -> entity key."""
    coordinated: Mapping[tuple[str, str], str]
    """(qualifier word, plural head noun) -> entity key, e.g. (``Treasury``, ``departments``)."""

    @classmethod
    def of(cls, entities: Iterable[Entity]) -> NameIndex:
        """Index the names of these entities."""
        plain: dict[str, str] = {}
        coordinated: dict[tuple[str, str], str] = {}
        for entity in entities:
            for name in entity.names:
                plain.setdefault(name, entity.key)
            words = entity.page.name.split()
            if entity.page.section == "institutions" and len(words) == 2 and words[0][:1].isupper():
                coordinated.setdefault((words[0], _plural(words[1]).lower()), entity.key)
        pattern = _names_pattern(tuple(sorted(plain)), tuple(sorted(coordinated)))
        return cls(pattern, MappingProxyType(plain), MappingProxyType(coordinated))

    def find(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, entity key) of every name in ``text``, left to right, never overlapping."""
        if self.pattern is None:
            return []
        found = []
        for match in self.pattern.finditer(text):
            if match.group("name"):
                found.append((match.start(), match.end(), self.plain[match.group("name")]))
                continue
            word, head = (match.group("word"), match.group("head")) if match.group("word") else \
                (match.group("last"), match.group("lasthead"))
            key = self.coordinated.get((word, head.lower()))
            if key is not None:
                found.append((match.start(), match.start() + len(word), key))
        return found


def _plural(noun: str) -> str:
    return noun[:-1] + "ies" if noun.endswith("y") else noun + "s"


@functools.lru_cache(maxsize=4096)
def _names_pattern(plain: tuple[str, ...], coordinated: tuple[tuple[str, str], ...]) -> re.Pattern[str] | None:
    """One regular expression for these names (cached: many articles list the same entities)."""
    if not plain:
        return None
    names = "|".join(re.escape(n) for n in sorted(plain, key=lambda n: (-len(n), n)))
    parts = [rf"(?<![\w-])(?P<name>{names})(?![\w-])"]
    if coordinated:
        words = "|".join(sorted({re.escape(w) for w, _ in coordinated}, key=lambda w: (-len(w), w)))
        heads = "|".join(sorted({re.escape(h) for _, h in coordinated}))
        parts.append(rf"(?<![\w-])(?P<word>{words})(?=(?:,\s+[A-Z][\w.-]*)*,?\s+(?:and|or)\s+[A-Z][\w.-]*\s+"
                     rf"(?P<head>{heads})\b)")
        parts.append(rf"(?:(?<=and )|(?<=or ))(?P<last>{words})(?=\s+(?P<lasthead>{heads})\b)")
    return re.compile("|".join(parts))


def _by_name(entities: Iterable[Entity]) -> tuple[Entity, ...]:
    return tuple(sorted(entities, key=lambda e: (e.page.name.casefold(), e.key)))


def _group(pairs: Iterable[tuple[K, V]]) -> Mapping[K, tuple[V, ...]]:
    """Collect values per key, keeping first-seen order and dropping repeats."""
    grouped: dict[K, dict[V, None]] = {}
    for key, value in pairs:
        grouped.setdefault(key, {})[value] = None
    return MappingProxyType({k: tuple(v) for k, v in grouped.items()})


def _appears_with(articles: tuple[Article, ...], entities: Mapping[str, Entity]) -> Mapping[str, tuple[str, ...]]:
    counts: dict[str, dict[str, int]] = {}
    for article in articles:
        keys = _keys(article.page)
        for key in keys:
            for other in keys:
                if other != key:
                    counts.setdefault(key, {})[other] = counts.setdefault(key, {}).get(other, 0) + 1
    return MappingProxyType({
        key: tuple(sorted(others, key=lambda o: (-others[o], entities[o].page.name.casefold())))
        for key, others in counts.items()
    })
