"""Content + SiteConfig -> Site: the complete, frozen model that rendering reads.

Built in one step (``build_site``): articles and entities are checked against each other (every slug an article
lists must have a page), mentions are found in the article text by each entity's name and aliases, and the reverse
indexes (who is mentioned where, who appears with whom) are filled once, from the complete set. Every role, tie
and quote is traced to its sentence (``Citation``), and each page's one-line summary is drawn from the text when
its front matter has none.
"""

from __future__ import annotations

import difflib
import functools
import hashlib
import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any, TypeVar

from builder import markdown
from builder.config import SiteConfig
from builder.content import ArticlePage, Content, EntityPage, QuoteRef, RoleRef, TieRef, field_line, moves
from builder.errors import BuilderError, ContentError, raise_all
from builder.names import find_names, leftmost_longest
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
    anchor: str = ""
    """Anchor of the sentence in the article page (``p3-s2``)."""


@dataclass(frozen=True, slots=True, repr=False)
class Citation:
    """Where a fact was read: one sentence of an article."""

    article: str
    """Slug of the article."""
    anchor: str
    """Anchor of the sentence in the article page (``p3-s2``), or of its paragraph when the sentence is unknown."""
    sentence: str
    """The sentence as written (empty when only the paragraph is known)."""
    words: str
    """The words to highlight on arrival (a text fragment): the quotation, or the sentence."""

    def __repr__(self) -> str:  # the dataclass's own is several times slower; build fingerprints use this
        return f"Citation({self.article!r}, {self.anchor!r}, {self.sentence!r}, {self.words!r})"


@dataclass(frozen=True, slots=True)
class Role:
    """A role of an entity, with the sentence that gives it (none for a role an editor wrote without one)."""

    text: str
    """The role (``Vice President``)."""
    citation: Citation | None
    """Its sentence."""


@dataclass(frozen=True, slots=True, repr=False)
class Tie:
    """A typed relation between two entities, as a sentence states it."""

    type: str
    """``member of``, ``leads``, ``criticised`` or ``met with``."""
    source: str
    """Key of the entity it starts from (the one who leads, meets...)."""
    target: str
    """Key of the other entity."""
    citation: Citation
    """The sentence that states it."""

    def __repr__(self) -> str:
        return f"Tie({self.type!r}, {self.source!r}, {self.target!r}, {self.citation!r})"


@dataclass(frozen=True, slots=True)
class StatedTie:
    """One tie between two entities (type, source, target), however many articles state it."""

    tie: Tie
    """The tie, cited from the newest article that states it."""
    articles: int
    """How many articles state it."""


@dataclass(frozen=True, slots=True)
class Quote:
    """A quotation, with the sentence it starts in."""

    text: str
    """The words quoted."""
    citation: Citation
    """Where it was said."""


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
    names: tuple[str, ...] = field(init=False)
    """The name and every alias, longest first: the strings linked in article text."""

    def __post_init__(self) -> None:
        names = tuple(sorted({self.page.name, *self.page.aliases}, key=lambda n: (-len(n), n)))
        object.__setattr__(self, "names", names)

    @property
    def key(self) -> str:
        """``people/<slug>`` or ``institutions/<slug>``."""
        return self.page.key


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
    mentions_in: Mapping[str, tuple[Mention, ...]]
    """Article slug -> the mentions in it, in reading order."""
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
    by_slug: Mapping[str, Article]
    """Every article by slug."""
    roles: Mapping[str, tuple[Role, ...]]
    """Entity key -> its roles, each with its sentence (the front matter's ``role`` alone when none is cited)."""
    ties: Mapping[str, tuple[Tie, ...]]
    """Entity key -> the typed ties from or to it, in article order."""
    stated: Mapping[str, tuple[StatedTie, ...]]
    """Entity key -> each distinct tie from or to it once, in the order ``ties`` first has it."""
    events: Mapping[str, tuple[Tie, ...]]
    """Article slug -> the typed ties it states (the site's timeline)."""
    cited_quotes: Mapping[str, tuple[Quote, ...]]
    """Entity key -> its quotations, each with the sentence it starts in."""
    shared: Mapping[str, Mapping[str, int]]
    """Entity key -> key of each entity named in the same articles -> how many articles they share."""
    summary_from: Mapping[str, str]
    """Entity key -> slug of the article its drawn summary would come from (what pages showing it depend on)."""
    summaries: Mapping[str, str]
    """Entity key -> one line on why it matters: the front matter's ``summary``, else the first sentence that
    names it (in its earliest article)."""
    sides: tuple[tuple[str, tuple[str, ...]], ...]
    """The who's who: (institution key, or empty for the rest; keys of its people), institutions by name."""
    anchored: frozenset[str] = frozenset()
    """Content files (paths) that a link in a page points at an anchor of (``x.md#p2``), and the files that hold
    such links: an edit to one of them may break a link, or change which files these are."""

    def article(self, slug: str) -> Article:
        """The article with this slug."""
        return self.by_slug[slug]


Memo = Callable[[Path, str, str, Callable[[], Any]], Any]
"""Keeps a JSON value derived from a content file: (file, name, tag of the other inputs, compute) -> value."""


def _no_memo(path: Path, name: str, tag: str, compute: Callable[[], Any]) -> Any:
    return compute()


def build_site(config: SiteConfig, content: Content, memo: Memo = _no_memo) -> Site:
    """Check references, find mentions and fill the reverse indexes. ``memo`` may keep each article's parsed
    paragraphs and mentions between builds (the result is the same either way)."""
    entities = {e.key: Entity(e) for e in content.entities}
    moved = _moved(content.entities)
    content = Content(tuple(follow_moves(a, moved) for a in content.articles), content.entities, content.warnings)
    pages: list[ArticlePage | EntityPage] = [*content.articles, *content.entities]
    parsed = {p.path: analysis(memo, p) for p in pages}
    raise_all(list(_reference_problems(content, entities)) + list(_link_problems(content, parsed)))
    articles = tuple(sorted(
        (Article(a, tuple(parsed[a.path][0])) for a in content.articles),
        key=lambda a: (-a.page.date.toordinal(), a.page.title, a.page.slug),
    ))
    by_slug = MappingProxyType({a.page.slug: a for a in articles})
    cite = _Citer(by_slug, memo)
    raise_all([*_evidence_problems(content.entities, by_slug, entities, cite), *_quote_problems(articles)])
    mentions = [m for a in articles for m in kept_mentions(memo, a, entities)]
    shared = _co_mentions(articles)
    ties = _ties(content.entities, moved, cite)
    drawn = summary_mentions(mentions)
    return Site(
        config=config,
        articles=articles,
        people=_by_name(e for e in entities.values() if e.page.section == "people"),
        institutions=_by_name(e for e in entities.values() if e.page.section == "institutions"),
        entities=MappingProxyType(entities),
        mentions=_collect((m.entity, m) for m in mentions),
        mentions_in=_collect((m.article, m) for m in mentions),
        articles_of=_group((k, a.page.slug) for a in articles for k in a.page.entity_keys),
        appears_with=_appears_with(shared, entities),
        members=_group((f"institutions/{s}", e.key) for e in entities.values() for s in e.page.affiliations),
        quotes=_group((q.speaker, (a.page.slug, q)) for a in articles for q in a.page.quotes),
        moved=MappingProxyType(moved),
        by_slug=by_slug,
        roles=MappingProxyType({e.key: _roles(e, cite) for e in content.entities}),
        ties=_group((key, t) for t in ties for key in (t.source, t.target)),
        stated=_group((key, s) for s in _stated(ties, articles) for key in (s.tie.source, s.tie.target)),
        events=_group((t.citation.article, t) for t in ties),
        cited_quotes=_group((q.speaker, Quote(q.text, cite.quote(slug, q))) for slug, a in by_slug.items()
                            for q in a.page.quotes),
        shared=shared,
        summary_from=MappingProxyType({k: drawn[k].article for k in sorted(drawn)}),  # not in the text's order
        summaries=MappingProxyType({p.key: p.summary or one_line(drawn[p.key].sentence if p.key in drawn else "")
                                    for p in content.entities}),
        sides=_sides(entities, ties),
        anchored=_anchored(content, parsed),
    )


def with_article(site: Site, page: ArticlePage) -> Site | None:
    """The site with one article's page replaced, and the summaries drawn from it, the rest of the model as it
    was: enough to show that article's own page at once while a full build catches up. None when that page could
    differ from what the full build makes of it: a new article or a new date, a name without an entity page, a
    link to check, or an entity whose drawn summary would now come from another article."""
    old = site.by_slug.get(page.slug)
    page = follow_moves(page, site.moved)
    if old is None or old.page.path != page.path or old.page.date != page.date or \
            any(k not in site.entities for k in page.entity_keys):
        return None
    paragraphs, links = markdown.analyse(page.body)
    if links:
        return None
    article = Article(page, tuple(paragraphs))
    found = find_mentions(article, site.entities)
    drawn = summary_mentions(found)
    summaries = {}
    for key in page.entity_keys:
        if site.summary_from.get(key) == page.slug and not site.entities[key].page.summary:
            if key not in drawn:
                return None
            summaries[key] = one_line(drawn[key].sentence)
    return replace(site, articles=tuple(article if a is old else a for a in site.articles),
                   by_slug=MappingProxyType({**site.by_slug, page.slug: article}),
                   mentions_in=MappingProxyType({**site.mentions_in, page.slug: tuple(found)}),
                   summaries=MappingProxyType({**site.summaries, **summaries}))


class _Citer:
    """Finds the sentence a fact was read from; splits each article's paragraphs into sentences once."""

    def __init__(self, articles: Mapping[str, Article], memo: Memo = _no_memo) -> None:
        self.articles = articles
        self.memo = memo
        self.split: dict[str, list[list[str]]] = {}

    def sentences(self, slug: str) -> list[list[str]]:
        """The sentences of each paragraph of an article (where they start and end kept by ``memo``)."""
        if slug not in self.split:
            article = self.articles[slug]
            spans = self.memo(article.page.path, "sentences", "", lambda: [
                [list(span) for span in split_sentences(p.text)] for p in article.paragraphs])
            self.split[slug] = [[p.text[s:e] for s, e in spans[n]] for n, p in enumerate(article.paragraphs)]
        return self.split[slug]

    def sentence(self, slug: str, paragraph: int, sentence: int, words: str = "") -> Citation:
        """Sentence ``sentence`` of paragraph ``paragraph`` (both 1-based) of an article."""
        text = self.sentences(slug)[paragraph - 1][sentence - 1]
        return Citation(slug, markdown.sentence_anchor(f"p{paragraph}", sentence), text, words or text)

    def quote(self, slug: str, quote: QuoteRef) -> Citation:
        """The sentence a quotation starts in; its paragraph when the words are not found there."""
        paragraphs = self.sentences(slug)
        if not 0 < quote.paragraph <= len(paragraphs):
            return Citation(slug, f"p{quote.paragraph}", "", quote.text)
        opening = quote.text.split(".")[0][:60].strip()
        for number, sentence in enumerate(paragraphs[quote.paragraph - 1], 1):
            if opening and opening in sentence:
                return self.sentence(slug, quote.paragraph, number, quote.text)
        return Citation(slug, f"p{quote.paragraph}", "", quote.text)


def _evidence_problems(pages: Iterable[EntityPage], articles: Mapping[str, Article], entities: Mapping[str, Entity],
                       cite: _Citer) -> Iterable[BuilderError]:
    """Every role and tie must cite a sentence that exists, and a tie an entity that exists."""
    for page in pages:
        refs: list[tuple[str, int, RoleRef | TieRef]] = [
            *(("roles", n, r) for n, r in enumerate(page.roles, 1)),
            *(("ties", n, t) for n, t in enumerate(page.ties, 1))]
        for name, number, ref in refs:
            where = f"{name} item {number}"
            if ref.article not in articles:
                close = difflib.get_close_matches(ref.article, list(articles), n=1)
                hint = f"; did you mean '{close[0]}'?" if close else ""
                yield ContentError(page.path, field_line(page.path, name, number),
                                   f"{where} cites article '{ref.article}', but content/articles/{ref.article}.md "
                                   f"does not exist{hint}")
                continue
            paragraphs = cite.sentences(ref.article)
            if not (ref.paragraph <= len(paragraphs) and ref.sentence <= len(paragraphs[ref.paragraph - 1])):
                yield ContentError(page.path, field_line(page.path, name, number),
                                   f"{where} cites paragraph {ref.paragraph}, sentence {ref.sentence} of "
                                   f"'{ref.article}', which has no such sentence")
        for number, tie in enumerate(page.ties, 1):
            if tie.target not in entities:
                yield _unknown(page.path, tie.target, entities, f"ties item {number}: its target is",
                               field_line(page.path, "ties", number))


def _quote_problems(articles: Iterable[Article]) -> Iterable[BuilderError]:
    """Every quotation must be in the paragraph it names, word for word (spaces aside): the site shows the words
    as the speaker's and links to the paragraph."""
    for article in articles:
        for number, quote in enumerate(article.page.quotes, 1):
            words = " ".join(quote.text.split())
            if 0 < quote.paragraph <= len(article.paragraphs) and \
                    words in " ".join(article.paragraphs[quote.paragraph - 1].text.split()):
                continue
            texts = [" ".join(p.text.split()) for p in article.paragraphs]
            holder = next((n for n, text in enumerate(texts, 1) if words and words in text), None)
            hint = f"; did you mean paragraph {holder}?" if holder else \
                "; copy the words from the article as written there, or set 'paragraph' to the one that holds them"
            shown = words if len(words) <= 60 else words[:57] + "..."
            count = "" if 0 < quote.paragraph <= len(texts) else f" (the article has {len(texts)} paragraphs)"
            yield ContentError(article.page.path, field_line(article.page.path, "quotes", number),
                               f"quotes item {number}: \u201c{shown}\u201d is not in paragraph {quote.paragraph}"
                               f"{count}{hint}")


def _roles(page: EntityPage, cite: _Citer) -> tuple[Role, ...]:
    cited = tuple(dict.fromkeys(Role(r.role, cite.sentence(r.article, r.paragraph, r.sentence)) for r in page.roles))
    if page.role and not any(r.text == page.role for r in cited):
        return (Role(page.role, None), *cited)
    return cited


def _ties(pages: Iterable[EntityPage], moved: Mapping[str, str], cite: _Citer) -> list[Tie]:
    return list(dict.fromkeys(
        Tie(t.type, page.key, moved.get(t.target, t.target), cite.sentence(t.article, t.paragraph, t.sentence))
        for page in pages for t in page.ties))


def _stated(ties: Iterable[Tie], articles: tuple[Article, ...]) -> list[StatedTie]:
    """Each distinct tie once, cited from the newest article that states it."""
    age = {a.page.slug: index for index, a in enumerate(articles)}
    same: dict[tuple[str, str, str], list[Tie]] = {}
    for tie in ties:
        same.setdefault((tie.type, tie.source, tie.target), []).append(tie)
    return [StatedTie(min(group, key=lambda t: age[t.citation.article]), len({t.citation.article for t in group}))
            for group in same.values()]


def summary_mentions(mentions: Iterable[Mention]) -> dict[str, Mention]:
    """Where an entity's summary is drawn from when its front matter has none: in its earliest article, the first
    sentence that opens on its name (``Indeed, Giammattei himself has faced criticism``), or failing that the first
    that names it. ``mentions`` come newest article first, so an entity's earliest article is its last (of two on
    the same day, the later in the site's order)."""
    last: dict[str, list[Mention]] = {}
    for mention in mentions:
        run = last.get(mention.entity)
        if run is None or run[0].article != mention.article:
            last[mention.entity] = [mention]
        else:
            run.append(mention)
    return {key: next((m for m in run if _opens_on_name(m)), run[0]) for key, run in last.items()}


def _opens_on_name(mention: Mention) -> bool:
    """Whether the sentence is about the name it holds: at most one lower-case word comes before it."""
    before = mention.sentence[: mention.sentence.find(mention.alias)].split()
    return sum(1 for word in before if not word[:1].isupper()) <= 1


def one_line(sentence: str, limit: int = 220) -> str:
    """A sentence, cut at a word before ``limit`` characters."""
    return sentence if len(sentence) <= limit else sentence[:limit].rsplit(" ", 1)[0].rstrip(",;:") + " …"


def _sides(entities: Mapping[str, Entity], ties: Iterable[Tie]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """People grouped by the institution they belong to (first affiliation, else one they lead or are a member
    of); the rest last, under an empty key."""
    side: dict[str, str] = {}
    for tie in ties:
        if tie.type in ("member of", "leads") and tie.target.startswith("institutions/"):
            side.setdefault(tie.source, tie.target)
    groups: dict[str, list[Entity]] = {}
    for entity in _by_name(e for e in entities.values() if e.page.section == "people"):
        affiliation = next((f"institutions/{s}" for s in entity.page.affiliations), side.get(entity.key, ""))
        groups.setdefault(affiliation, []).append(entity)
    order = sorted(groups, key=lambda k: (k == "", entities[k].page.name.casefold() if k else ""))
    return tuple((k, tuple(e.key for e in groups[k])) for k in order)


def _moved(pages: Iterable[EntityPage]) -> dict[str, str]:
    """Old key -> new key for every ``moved_from`` slug that can redirect (``content.moves``; load_content warns
    about the others)."""
    return moves(pages)[0]


def follow_moves(article: ArticlePage, moved: Mapping[str, str]) -> ArticlePage:
    """An article that still lists an entity's old slug lists its new one."""
    if not moved:
        return article

    def follow(section: str, slugs: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(dict.fromkeys(moved.get(f"{section}/{s}", f"{section}/{s}").split("/", 1)[1] for s in slugs))

    quotes = tuple(replace(q, speaker=moved.get(q.speaker, q.speaker)) for q in article.quotes)
    return replace(article, people=follow("people", article.people),
                   institutions=follow("institutions", article.institutions), quotes=quotes)


def _link_problems(content: Content, parsed: Mapping[Path, tuple[list[markdown.Paragraph], list[tuple[int, str]]]]
                   ) -> Iterable[BuilderError]:
    """Links in Markdown bodies must lead to a content page (``../people/x.md``), an anchor of it
    (``x.md#p2``), or a full web address."""
    bodies: list[ArticlePage | EntityPage] = [*content.articles, *content.entities]
    links = [(page, line, href) for page in bodies for line, href in parsed[page.path][1]]
    if not links:
        return
    pages = _SentenceCounts({Path(os.path.normpath(p)): paragraphs for p, (paragraphs, _) in parsed.items()})
    for page, line, href in links:
        problem = link_problem(page.path, href, pages)
        if problem:
            yield ContentError(page.path, page.body_line + line, problem)


def _anchored(content: Content, parsed: Mapping[Path, tuple[list[markdown.Paragraph], list[tuple[int, str]]]]
              ) -> frozenset[str]:
    """The content files that links point at an anchor of, and the files that hold such links."""
    bodies: list[ArticlePage | EntityPage] = [*content.articles, *content.entities]
    anchored = [(page.path, os.path.normpath(page.path.parent / href.partition("#")[0] if href.partition("#")[0]
                                             else page.path))
                for page in bodies for _, href in parsed[page.path][1]
                if "#" in href and not re.match(r"^[a-zA-Z][\w+.-]*:", href)]
    return frozenset(name for source, target in anchored for name in (os.path.normpath(source), target))


class _SentenceCounts(Mapping[Path, tuple[int, ...]]):
    """Each content file's number of sentences per paragraph, counted when first asked for (a link checks the
    anchors of one page, not of every page)."""

    def __init__(self, paragraphs: dict[Path, list[markdown.Paragraph]]) -> None:
        self._paragraphs = paragraphs
        self._counts: dict[Path, tuple[int, ...]] = {}

    def __getitem__(self, path: Path) -> tuple[int, ...]:
        if path not in self._counts:
            self._counts[path] = tuple(len(split_sentences(p.text)) for p in self._paragraphs[path])
        return self._counts[path]

    def __iter__(self) -> Iterator[Path]:
        return iter(self._paragraphs)

    def __len__(self) -> int:
        return len(self._paragraphs)


_ANCHOR = re.compile(r"p(\d+)(?:-s(\d+))?")


def link_problem(source: Path, href: str, pages: Mapping[Path, tuple[int, ...]]) -> str:
    """Why ``href`` in ``source`` is broken, or the empty string when it is fine. ``pages`` gives each content
    file's number of sentences per paragraph: anchors are ``#pN`` and, in articles, ``#pN-sM``."""
    if re.match(r"^[a-zA-Z][\w+.-]*:", href):
        return ""
    target, _, fragment = href.partition("#")
    if href.startswith("/") or (target and not target.endswith(".md")):
        return (f"link '{href}' does not point at a content page; link to a .md file (e.g. ../people/x.md) "
                "or a full https:// address")
    path = Path(os.path.normpath(source.parent / target if target else source))
    if path not in pages:
        close = difflib.get_close_matches(str(path), [str(p) for p in pages], n=1)
        hint = f"; did you mean '{os.path.relpath(close[0], source.parent.parent)}'?" if close else ""
        return f"broken link '{href}': no such page{hint}"
    if fragment and not _has_anchor(fragment, pages[path], path.parent.name == "articles"):
        count = len(pages[path])
        return f"broken link '{href}': the page has no anchor '#{fragment}' (paragraphs are #p1 to #p{count})"
    return ""


def _has_anchor(fragment: str, sentences: tuple[int, ...], is_article: bool) -> bool:
    match = _ANCHOR.fullmatch(fragment)
    if match is None or not 0 < int(match.group(1)) <= len(sentences):
        return False
    if match.group(2) is None:
        return True
    return is_article and 0 < int(match.group(2)) <= sentences[int(match.group(1)) - 1]


def _reference_problems(content: Content, entities: Mapping[str, Entity]) -> Iterable[BuilderError]:
    for article in content.articles:
        for key in article.entity_keys:
            if key not in entities:
                section, _, slug = key.partition("/")
                yield _unknown(article.path, key, entities, "article lists",
                               field_line(article.path, section, value=slug))
        for number, quote in enumerate(article.quotes, 1):
            if quote.speaker not in entities:
                yield _unknown(article.path, quote.speaker, entities, f"quotes item {number}: its speaker is",
                               field_line(article.path, "quotes", number))
    for entity in content.entities:
        for slug in entity.affiliations:
            if f"institutions/{slug}" not in entities:
                yield _unknown(entity.path, f"institutions/{slug}", entities, "affiliation is",
                               field_line(entity.path, "affiliations", value=slug))


def _unknown(path: Path, key: str, entities: Mapping[str, Entity], what: str, line: int | None) -> ContentError:
    section, _, slug = key.partition("/")
    close = difflib.get_close_matches(key, list(entities), n=1)
    hint = f"; did you mean '{close[0].split('/', 1)[1]}'?" if close else f"; create content/{key}.md"
    return ContentError(path, line,
                        f"{what} '{slug}', but content/{section}/{slug}.md does not exist{hint}")


def analysis(memo: Memo, page: ArticlePage | EntityPage) -> tuple[list[markdown.Paragraph], list[tuple[int, str]]]:
    """The page's paragraphs and links (kept by ``memo`` as plain data)."""
    def compute() -> list[Any]:
        found, links = markdown.analyse(page.body)
        return [[[p.anchor, p.text, p.line] for p in found], [list(link) for link in links]]

    found, links = memo(page.path, "analysis", "", compute)
    return [markdown.Paragraph(*p) for p in found], [(line, href) for line, href in links]


def kept_mentions(memo: Memo, article: Article, entities: Mapping[str, Entity]) -> list[Mention]:
    """``find_mentions``, kept by ``memo`` until the article or the names of the entities it lists change."""
    names = [(k, entities[k].names, entities[k].page.name, entities[k].page.section) for k in article.page.entity_keys]
    tag = hashlib.sha1(repr(names).encode()).hexdigest()

    def compute() -> list[Any]:
        return [[m.entity, m.paragraph, m.sentence, m.alias, m.anchor] for m in find_mentions(article, entities)]

    return [Mention(article.page.slug, *m) for m in memo(article.page.path, "mentions", tag, compute)]


def find_mentions(article: Article, entities: Mapping[str, Entity]) -> list[Mention]:
    """Every sentence of the article that names one of the entities it lists (each entity once a sentence)."""
    names = NameIndex.of([entities[k] for k in article.page.entity_keys])
    found: list[Mention] = []
    for paragraph in article.paragraphs:
        for number, (start, end) in enumerate(split_sentences(paragraph.text), 1):
            sentence = paragraph.text[start:end]
            seen: set[str] = set()
            for first, last, key in names.find(sentence):
                if key not in seen:
                    seen.add(key)
                    found.append(Mention(article.page.slug, key, paragraph.anchor, sentence, sentence[first:last],
                                         markdown.sentence_anchor(paragraph.anchor, number)))
    return found


@dataclass(frozen=True, slots=True)
class NameIndex:
    """Finds the names of a set of entities in text: every name and alias, and coordinated forms
    (``Treasury`` in "the Justice, Treasury and State departments" names the Treasury Department)."""

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
        return cls(MappingProxyType(plain), MappingProxyType(coordinated))

    def find(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, entity key) of every name in ``text``, left to right, never overlapping: at one place a
        name before a coordinated form, the longest name first. Names are found with ``str.find`` (a regular
        expression of each article's names would be compiled again for almost every article)."""
        found = [(start, end, 0, self.plain[name]) for start, end, name in find_names(text, self.plain)]
        if self.coordinated and any(head in text for _, head in self.coordinated):
            for match in _coordinated_pattern(tuple(sorted(self.coordinated))).finditer(text):
                word, head = (match.group("word"), match.group("head")) if match.group("word") else \
                    (match.group("last"), match.group("lasthead"))
                key = self.coordinated.get((word, head.lower()))
                if key is not None:
                    found.append((match.start(), match.start() + len(word), 1, key))
        found.sort(key=lambda f: (f[0], f[2], f[0] - f[1]))
        return leftmost_longest([(start, end, key) for start, end, _, key in found])


def _plural(noun: str) -> str:
    return noun[:-1] + "ies" if noun.endswith("y") else noun + "s"


@functools.lru_cache(maxsize=4096)
def _coordinated_pattern(coordinated: tuple[tuple[str, str], ...]) -> re.Pattern[str]:
    """A regular expression for the coordinated forms of these (qualifier, head) pairs (cached: many articles
    list the same institutions)."""
    words = "|".join(sorted({re.escape(w) for w, _ in coordinated}, key=lambda w: (-len(w), w)))
    heads = "|".join(sorted({re.escape(h) for _, h in coordinated}))
    return re.compile(rf"(?<![\w-])(?P<word>{words})(?=(?:,\s+[A-Z][\w.-]*)*,?\s+(?:and|or)\s+[A-Z][\w.-]*\s+"
                      rf"(?P<head>{heads})\b)|(?:(?<=and )|(?<=or ))(?P<last>{words})(?=\s+(?P<lasthead>{heads})\b)")


def _by_name(entities: Iterable[Entity]) -> tuple[Entity, ...]:
    return tuple(sorted(entities, key=lambda e: (e.page.name.casefold(), e.key)))


def _group(pairs: Iterable[tuple[K, V]]) -> Mapping[K, tuple[V, ...]]:
    """Collect values per key, keeping first-seen order and dropping repeats."""
    grouped: dict[K, dict[V, None]] = {}
    for key, value in pairs:
        grouped.setdefault(key, {})[value] = None
    return MappingProxyType({k: tuple(v) for k, v in grouped.items()})


def _collect(pairs: Iterable[tuple[K, V]]) -> Mapping[K, tuple[V, ...]]:
    """Collect values per key, in order (``_group`` for values known to be distinct, without hashing them)."""
    collected: dict[K, list[V]] = {}
    for key, value in pairs:
        collected.setdefault(key, []).append(value)
    return MappingProxyType({k: tuple(v) for k, v in collected.items()})


def _co_mentions(articles: tuple[Article, ...]) -> Mapping[str, Mapping[str, int]]:
    """Entity key -> each entity named in the same articles -> the number of articles they share."""
    counts: dict[str, dict[str, int]] = {}
    for article in articles:
        keys = article.page.entity_keys
        for key in keys:
            for other in keys:
                if other != key:
                    counts.setdefault(key, {})[other] = counts.setdefault(key, {}).get(other, 0) + 1
    return MappingProxyType({k: MappingProxyType(v) for k, v in counts.items()})


def _appears_with(counts: Mapping[str, Mapping[str, int]],
                  entities: Mapping[str, Entity]) -> Mapping[str, tuple[str, ...]]:
    return MappingProxyType({
        key: tuple(sorted(others, key=lambda o: (-others[o], entities[o].page.name.casefold())))
        for key, others in counts.items()
    })
