"""Edited articles that few other pages show the change of -> those pages, without the rest of the site model.

Many edits to a built site change an article's text and nothing that another page shows of it (its view, see
``deps.article_view``): a typo mended or a sentence reworded where nobody is named, a paragraph added that
names nobody. Such an edit changes the article's own page and nothing else (but the search index). Many others
change only sentences that name someone: those show, besides, on one page of mentions of each entity the
article lists. A build that finds only such edits since the last one reads the edited articles, the entities
they list and the articles on those pages of mentions; it renders the pages from a site model that holds only
those, with what the last build recorded of each entity (``deps.entity_record``), and keeps every other file:
besides stamping the inputs and reading the records of the output, its cost does not grow with the site.

Anything else goes to the full build: a new, removed or renamed file, a seed, an entity page, a template,
site.yaml, the builder itself, an edit that entities' own pages or the pages made from all content show (front
matter, a paragraph a quotation, role or tie cites, the sentence an entity's summary is drawn from), a link in
the edited text, or a problem in the page (the full build reports it). So does a template that asks the partial
model for more than it holds (``Beyond``): the model refuses instead of answering wrong.
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Callable, Container, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any, NoReturn, TypeVar, cast

from builder import records
from builder.config import SiteConfig
from builder.content import ArticlePage, EntityPage, PageReader, load_page, refuse_outside_link
from builder.deps import (
    article_inputs,
    article_view,
    cited_part,
    mention_page_inputs,
    order_digest,
    page_fingerprint,
    shared_digest,
    shown_inputs,
    view_name,
)
from builder.errors import BuilderError
from builder.model import (
    Article,
    Citation,
    Entity,
    Mention,
    Quote,
    Role,
    Site,
    StatedTie,
    Tie,
    analysis,
    find_mentions,
    follow_moves,
    kept_mentions,
    one_line,
    summary_mentions,
)
from builder.render import RenderedPage, mentions_page_of, on_mentions_page, render_chosen
from builder.snapshot import Check

V = TypeVar("V")

MOST_EDITED = 50
"""Articles edited at once above which the full build is as quick."""


@dataclass(frozen=True, slots=True)
class Patch:
    """The pages the edits change and the record of the output once they replace the old ones."""

    pages: tuple[RenderedPage, ...]
    record: dict[str, Any]
    """The fingerprints of the output (``deps.Fingerprints`` as plain data) with the changed pages' updated."""
    reasons: dict[str, str]
    """URL -> why it was rendered (for ``--explain``)."""


@dataclass(frozen=True, slots=True)
class _Edit:
    """An edited article as it is now."""

    article: Article
    mentions: tuple[Mention, ...]
    digest: str
    """Of its text."""
    view: str
    """What other pages show of it (``deps.article_view``)."""
    named: bool
    """Whether its view changed: the sentences that name someone did, and pages of mentions show them."""


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


def entity_records_file(state_file: Path) -> Path:
    """Where the output's entity records (``deps.entity_record``) are kept, beside its state file."""
    return state_file.with_suffix(".entities.json")


def save_entity_records(path: Path, entities: Mapping[str, Any]) -> str:
    """Keep the entities' records (``deps.Fingerprints.entities``): a first line says where each is in the file
    (a build after an edit decodes the few it needs) and holds a digest of them, which goes into the output's
    record too, so that a build reads them only when they are those of its output."""
    parts = {key: records.dumps({**record, "key": key}) for key, record in entities.items()}
    digest = hashlib.sha1(b"\0".join(key.encode() + b"\0" + part for key, part in parts.items())).hexdigest()
    where, offset = {}, 0
    for key, part in parts.items():
        where[key] = [offset, len(part)]
        offset += len(part)
    records.write(path, records.dumps({"digest": digest, "where": where}) + b"\n" + b"".join(parts.values()))
    return digest


def patch_articles(config: SiteConfig, paths: list[Path], record: Mapping[str, Any], warnings: Sequence[str],
                   reader: PageReader, entities_file: Path, cached: PageReader) -> Patch | None:
    """The pages that change with the articles at ``paths`` when the edits change nothing but the sentences that
    name someone (the views ``record``, the output's fingerprints, holds tell), and their front matter gets the
    same ``warnings`` as at the last build, else None. Edited articles are read with ``reader``; the articles on
    pages of mentions and entity pages (whose front matter may hold thousands of ties) with ``cached``, the
    site's cache of parsed pages; ``entities_file`` holds the entities' records."""
    if not {"pages", "common", "files", "edits"} <= record.keys():
        return None
    files: dict[str, str] = dict(record["files"])
    cards: dict[str, list[Any]] = record["edits"]["cards"]
    try:
        read = [_read(config, path, record, warnings, reader) for path in paths]
        if any(edit is None for edit in read):
            return None
        edits = {edit.article.page.slug: edit for edit in read if edit is not None}
        chosen: set[tuple[str, int]] = set()
        held: dict[str, Entity] = {}  # entities read from their files: the others stand as their cards

        def entity(key: str) -> Entity:
            if key not in held:
                held[key] = _entity(config, key, cached)
            return held[key]

        kept: Mapping[str, Any] = {}
        if any(edit.named for edit in edits.values()):
            kept = _entity_records(entities_file, record["edits"].get("entities"))
            for edit in edits.values():
                if edit.named:
                    chosen |= _pages_of_mentions(edit, kept, entity, cards)
            for key, number in chosen:
                if number == 1:  # the entity's own page shows more of it than its card
                    entity(key)
        articles = _articles(config, {key: kept[key]["articles"] for key, _ in chosen}, chosen, edits,
                             record["edits"]["moved"], cards, cached)
        site = _partial_site(config, articles, cards, held, {key: kept[key] for key, _ in chosen})
        pages = tuple(render_chosen(site, [edit.article for edit in edits.values()], sorted(chosen)))
        shown = dict(zip(sorted(chosen), pages[len(edits):], strict=True))
    except (BuilderError, Beyond, LookupError, ValueError, TypeError, OSError):  # the full build reports it
        return None
    shared = shared_digest(record["common"])
    fingerprints = dict(record["pages"])
    for edit in edits.values():
        files[str(edit.article.page.path)] = edit.digest
        files[view_name(str(edit.article.page.path))] = edit.view
    reasons: dict[str, str] = {}
    for edit, page in zip(edits.values(), pages, strict=False):  # the articles' pages come first
        inputs = [files[name] for name in article_inputs(edit.article.page)]
        fingerprints[page.url] = page_fingerprint(shared, page.kind, inputs)
        reasons[page.url] = f"changed: {edit.article.page.path}"
    for (key, number), page in shown.items():
        order = kept[key]["articles"]
        chunk = on_mentions_page(order, number)
        names, extra = mention_page_inputs(str(_entity_file(config, key)), order_digest(order),
                                           [shown_inputs(articles[slug][0].page) for slug in chunk],
                                           kept[key]["about"] if number == 1 else None)
        if page.url not in fingerprints or any(name not in files for name in names):
            return None
        fingerprints[page.url] = page_fingerprint(shared, page.kind, [files[name] for name in names], extra)
        reasons[page.url] = "changed: " + ", ".join(view_name(str(edits[slug].article.page.path)) for slug in chunk
                                               if slug in edits and edits[slug].named)
    return Patch(pages, {**record, "pages": fingerprints, "files": files}, reasons)


def _read(config: SiteConfig, path: Path, record: Mapping[str, Any], warnings: Sequence[str], reader: PageReader
          ) -> _Edit | None:
    """An edited article as it is now; None when pages other than its own and its pages of mentions may show the
    edit (what entities' pages cite of it changed, or it has links to check, or links point into it) or its
    warnings changed (the line of an unknown field)."""
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
    paragraphs, links = analysis(reader.memo, page)
    if links:
        return None
    article = Article(page, tuple(paragraphs))
    mentions = tuple(find_mentions(article, {key: _card_entity(key, cards[key]) for key in page.entity_keys}))
    view = article_view(article, mentions, reader.front_digest(path), edits["cited"].get(page.slug, ()))
    was = record["files"].get(view_name(name))
    if was is None or cited_part(was) != cited_part(view):
        return None
    return _Edit(article, mentions, reader.digest(path), view, was != view)


def _entity_records(path: Path, digest: str | None) -> Mapping[str, Any]:
    """The entities' records the last build kept (``save_entity_records``), each decoded when first asked for;
    KeyError when they are not those of the output (another build wrote them since), OSError when there are
    none."""
    first, _, rest = path.read_bytes().partition(b"\n")
    header = records.loads(first)
    if digest is None or not isinstance(header, dict) or header.get("digest") != digest \
            or not isinstance(header.get("where"), dict):
        raise KeyError(path)

    def decode(key: str, where: Any) -> Any:
        if not (isinstance(where, list) and len(where) == 2 and all(type(n) is int for n in where)):
            raise KeyError(key)
        record = records.loads(rest[where[0]:where[0] + where[1]])
        if not isinstance(record, dict) or record.get("key") != key:  # not the record this build wrote
            raise KeyError(key)
        return record

    return _Made(header["where"], decode)


def _entity(config: SiteConfig, key: str, reader: PageReader) -> Entity:
    """An entity as its file holds it (the file did not change since the last build)."""
    page, _ = load_page(_entity_file(config, key), cast(Any, key.split("/", 1)[0]), reader)
    if not isinstance(page, EntityPage) or page.key != key:
        raise KeyError(key)
    return Entity(page)


def _entity_file(config: SiteConfig, key: str) -> Path:
    """The content file of the entity with this key (``people/x`` -> ``content/people/x.md``)."""
    return config.content_dir / f"{key}.md"


def _pages_of_mentions(edit: _Edit, kept: Mapping[str, Any], entity: Callable[[str], Entity],
                       cards: Mapping[str, Any]) -> set[tuple[str, int]]:
    """The page of mentions of each entity the edited article lists that holds it (entity key, page number);
    KeyError when the edit changes an entity's drawn summary or the article it comes from."""
    slug = edit.article.page.slug
    drawn = summary_mentions(edit.mentions)
    pages = set()
    for key in edit.article.page.entity_keys:
        order: list[str] = kept[key]["articles"]
        index = order.index(slug)
        source = kept[key]["summary_from"]
        if source == slug:
            if key not in drawn or (one_line(drawn[key].sentence) != cards[key][3] and not entity(key).page.summary):
                raise KeyError(key)
        elif key in drawn and (source is None or order.index(source) < index):
            raise KeyError(key)  # the article, older than the one the summary came from, now names the entity
        pages.add((key, mentions_page_of(index)))
    return pages


def _articles(config: SiteConfig, orders: Mapping[str, list[str]], chosen: Iterable[tuple[str, int]],
              edits: Mapping[str, _Edit], moved: Mapping[str, str], cards: Mapping[str, Any], reader: PageReader
              ) -> dict[str, tuple[Article, tuple[Mention, ...]]]:
    """The edited articles, and the articles the chosen pages of mentions show (on an entity's own page, its
    first and last too), read from their files, each with its mentions."""
    found = {slug: (edit.article, edit.mentions) for slug, edit in edits.items()}
    for key, number in chosen:
        order = orders[key]
        wanted = on_mentions_page(order, number)
        for slug in itertools.chain(wanted, (order[0], order[-1]) if number == 1 else ()):
            if slug not in found:
                found[slug] = _article(config.content_dir / "articles" / f"{slug}.md", moved, cards, reader)
    return found


def _article(path: Path, moved: Mapping[str, str], cards: Mapping[str, Any], reader: PageReader
             ) -> tuple[Article, tuple[Mention, ...]]:
    """An article that did not change since the last build, with its mentions (through ``reader``, the site's
    cache of parsed pages, they are read, not found again)."""
    loaded, _ = load_page(path, "articles", reader)
    page = follow_moves(cast(ArticlePage, loaded), moved)
    article = Article(page, tuple(analysis(reader.memo, page)[0]))
    entities = {key: _card_entity(key, cards[key]) for key in page.entity_keys}
    return article, tuple(kept_mentions(reader.memo, article, entities))


class Beyond(BaseException):
    """A template asked the partial site model for something it does not hold. Not an ``Exception``: Jinja's
    tests (``is sequence``...) take any Exception for a no, which would answer instead of refusing."""


class _Refusing:
    """Refuses (``Beyond``) to be shown whole: a template printing it would show the stand-in, not what the
    whole model holds."""

    def __repr__(self) -> NoReturn:
        raise Beyond(f"the whole of {type(self).__name__}")

    __str__ = __repr__


class _Card(_Refusing):
    """What pages that list an entity show of it (``deps.card_name``), standing for its ``EntityPage``: its
    address, name, aliases and role; anything else is ``Beyond``."""

    def __init__(self, key: str, name: str, aliases: list[str], role: str) -> None:
        self.key = key
        self.section, self.slug = key.split("/", 1)
        self.name, self.aliases, self.role = name, tuple(aliases), role

    def __getattr__(self, name: str) -> NoReturn:
        raise Beyond(f"the {name} of {self.key}")


class _Only(_Refusing, Mapping[str, V]):
    """A mapping that holds some of its keys, knows that it lacks some others (``known``: a KeyError, as the whole
    model gives), and refuses (``Beyond``) to say anything about the rest or about all of its keys."""

    def __init__(self, held: Mapping[str, V], known: Container[str] = ()) -> None:
        self._held, self._known = held, known

    def __getitem__(self, key: str) -> V:
        if key in self._held:
            return self._held[key]
        if key in self._known:
            raise KeyError(key)
        raise Beyond(key)

    def __iter__(self) -> Iterator[str]:
        raise Beyond("all keys")

    def __len__(self) -> int:
        raise Beyond("all keys")


class _Made(Mapping[str, V]):
    """A mapping whose values are made from plain data (``make``: key, plain value) when first asked for."""

    def __init__(self, plain: Mapping[str, Any], make: Callable[[str, Any], V]) -> None:
        self._plain, self._make, self._made = plain, make, dict[str, V]()

    def __getitem__(self, key: str) -> V:
        if key not in self._made:
            self._made[key] = self._make(key, self._plain[key])
        return self._made[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._plain)

    def __len__(self) -> int:
        return len(self._plain)


class _Everything:
    """Every key (of a mapping that holds all there are)."""

    def __contains__(self, key: object) -> bool:
        return True


def _card_entity(key: str, card: list[Any]) -> Entity:
    """An entity as its card (name, aliases, role, summary) shows it."""
    return Entity(cast(EntityPage, _Card(key, *card[:3])))


class _Unheld:
    """A sequence of the whole site that the partial model does not hold: whatever is asked of it (its items,
    its length, joining it to another) is ``Beyond``."""

    def _refuse(self, *args: object) -> NoReturn:
        raise Beyond("a list of the whole site")

    __iter__ = __len__ = __getitem__ = __contains__ = __reversed__ = __bool__ = __repr__ = __str__ = _refuse
    __add__ = __radd__ = __mul__ = __rmul__ = __or__ = __ror__ = __and__ = __rand__ = __sub__ = __rsub__ = _refuse
    __eq__ = __ne__ = __lt__ = __le__ = __gt__ = __ge__ = __hash__ = _refuse

    def __getattr__(self, name: str) -> NoReturn:
        raise Beyond(f"the {name} of a list of the whole site")


def _partial_site(config: SiteConfig, articles: Mapping[str, tuple[Article, tuple[Mention, ...]]],
                  cards: Mapping[str, list[Any]], held: Mapping[str, Entity], kept: Mapping[str, Mapping[str, Any]]
                  ) -> Site:
    """A site model that holds some articles and their mentions, every entity's card (``held`` in full; it will
    not list them), and for
    the entities ``kept`` their records (``deps.entity_record``), and refuses anything else."""
    known = set(kept)

    def each(field: str, make: Callable[[Any], V], present: Callable[[Any], bool] = bool) -> _Only[V]:
        return _Only(_Made({key: record[field] for key, record in kept.items() if present(record[field])},
                           lambda _, plain: make(plain)), known)

    entities = _Only(_Made(cards, lambda key, card: held.get(key) or _card_entity(key, card)), _Everything())
    whole = _Only[Any]({})
    unheld = cast(Any, _Unheld())
    return Site(
        config=config, articles=unheld, people=unheld, institutions=unheld, entities=entities,
        mentions=whole, mentions_in=_Only({slug: m for slug, (_, m) in articles.items() if m}, set(articles)),
        articles_of=each("articles", tuple), appears_with=each("appears_with", tuple),
        members=each("members", tuple), quotes=whole, moved=whole,
        by_slug=_Only({slug: article for slug, (article, _) in articles.items()}),
        roles=each("roles", lambda roles: tuple(Role(text, c and _citation(c)) for text, c in roles), lambda _: True),
        ties=whole, events=whole, summary_from=whole,
        stated=each("stated", lambda stated: tuple(
            StatedTie(Tie(kind, source, target, _citation(c)), count) for kind, source, target, c, count in stated)),
        cited_quotes=each("quotes", lambda quotes: tuple(Quote(text, _citation(c)) for text, c in quotes)),
        shared=each("shared", lambda pairs: MappingProxyType(dict(pairs))),
        summaries=_Only({key: card[3] for key, card in cards.items()}, _Everything()),
        sides=unheld, anchored=unheld)


def _citation(plain: list[str]) -> Citation:
    return Citation(*plain)
