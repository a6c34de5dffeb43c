"""content/**/*.md <-> pages: read and write Markdown files with YAML front matter.

Three kinds of page: ``articles/``, ``people/``, ``institutions/``. Reading validates each page's front matter and
reports every problem at once as ``path:line: message``; writing produces the same files ingest would.
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import hashlib
import json
import os
import re
import zlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, TypeVar, cast

import frontmatter
import yaml

from builder import records
from builder.errors import BuilderError, ContentError, did_you_mean, raise_all, yaml_problem
from builder.processes import can_fork, forked_map
from builder.snapshot import settled_stamp
from builder.version import builder_digest

T = TypeVar("T")
Section = Literal["articles", "people", "institutions"]
SECTIONS: tuple[Section, ...] = ("articles", "people", "institutions")
ENTITY_SECTIONS: tuple[Section, ...] = ("people", "institutions")


@dataclass(frozen=True, slots=True)
class QuoteRef:
    """A quotation in an article, attributed to an entity."""

    speaker: str
    """The speaker's key, ``people/<slug>`` (or ``institutions/<slug>``)."""
    text: str
    """The words quoted."""
    paragraph: int
    """1-based paragraph of the article that holds the quotation."""


@dataclass(frozen=True, slots=True)
class RoleRef:
    """A role of an entity and the sentence of an article that gives it (front matter ``roles``)."""

    role: str
    """The role as written (``Vice President``)."""
    article: str
    """Slug of the article."""
    paragraph: int
    """1-based paragraph of the article."""
    sentence: int
    """1-based sentence of that paragraph."""


TieKind = Literal["member of", "leads", "criticised", "met with"]
TIE_KINDS: tuple[TieKind, ...] = ("member of", "leads", "criticised", "met with")
"""The kinds of tie front matter may state (and extraction finds)."""


@dataclass(frozen=True, slots=True)
class TieRef:
    """A typed relation from an entity to another, and the sentence that states it (front matter ``ties``)."""

    type: str
    """``member of``, ``leads``, ``criticised`` or ``met with``."""
    target: str
    """Key of the other entity, ``people/<slug>`` or ``institutions/<slug>``."""
    article: str
    """Slug of the article."""
    paragraph: int
    """1-based paragraph of the article."""
    sentence: int
    """1-based sentence of that paragraph."""


@dataclass(frozen=True, slots=True)
class ArticlePage:
    """``content/articles/<slug>.md``."""

    path: Path
    """The file, for messages."""
    slug: str
    """The file name without ``.md``; also the page's URL segment."""
    title: str
    """Headline (derived from the lede when the seed has none; editors may change it)."""
    date: dt.date
    """Publication date."""
    dateline: str
    """Place and agency as written, e.g. ``GUATEMALA CITY (AP)``."""
    source: str
    """The agency or publication."""
    seed: str
    """File name of the seed this page was made from; empty for a hand-written article."""
    summary: str
    """The lede, or an editor's summary."""
    people: tuple[str, ...]
    """Slugs of the people the article names (pages in ``content/people/``)."""
    institutions: tuple[str, ...]
    """Slugs of the institutions the article names (pages in ``content/institutions/``)."""
    quotes: tuple[QuoteRef, ...]
    """Quotations in the article and who said them."""
    body: str
    """The article text as Markdown."""
    body_line: int
    """Line of the file where ``body`` starts."""

    @property
    def entity_keys(self) -> list[str]:
        """Keys of the entities it lists: ``people/<slug>`` then ``institutions/<slug>``."""
        return [f"people/{s}" for s in self.people] + [f"institutions/{s}" for s in self.institutions]


@dataclass(frozen=True, slots=True)
class EntityPage:
    """``content/people/<slug>.md`` or ``content/institutions/<slug>.md``."""

    path: Path
    """The file, for messages."""
    section: Section
    """``people`` or ``institutions``."""
    slug: str
    """The file name without ``.md``; also the page's URL segment."""
    name: str
    """Canonical name."""
    aliases: tuple[str, ...]
    """Other names the articles use for this entity; each one is linked in the text."""
    role: str
    """Role or description in a few words (``Vice President``); empty when unknown."""
    affiliations: tuple[str, ...]
    """For people: slugs of the institutions they belong to."""
    moved_from: tuple[str, ...]
    """Earlier slugs of this page: their URLs redirect here and articles may still list them."""
    body: str
    """Editable description, Markdown."""
    body_line: int
    """Line of the file where ``body`` starts."""
    summary: str = ""
    """One line on why the entity matters; empty: the site draws one from the articles."""
    reviewed: bool = False
    """Whether an editor has checked the page; unreviewed pages say they were detected automatically."""
    roles: tuple[RoleRef, ...] = ()
    """Roles with the sentence each comes from."""
    ties: tuple[TieRef, ...] = ()
    """Typed relations to other entities, each with its sentence."""
    moved_from_line: int | None = None
    """Line of ``moved_from`` in the file (for messages)."""

    @property
    def key(self) -> str:
        """``people/<slug>``: how articles and quotes refer to this page."""
        return f"{self.section}/{self.slug}"


@dataclass(frozen=True, slots=True)
class Content:
    """Every page under content/, sorted by path."""

    articles: tuple[ArticlePage, ...]
    """Article pages."""
    entities: tuple[EntityPage, ...]
    """Person and institution pages."""
    warnings: tuple[str, ...] = field(default=())
    """Harmless problems (unknown front-matter keys), printed by the CLI."""


_ARTICLE_FIELDS: dict[str, tuple[type | tuple[type, ...], bool]] = {
    "title": (str, True), "date": ((dt.date, str), True), "dateline": (str, False), "source": (str, False),
    "seed": (str, False), "summary": (str, False), "people": (list, False), "institutions": (list, False),
    "quotes": (list, False),
}
_ENTITY_FIELDS: dict[str, tuple[type | tuple[type, ...], bool]] = {
    "name": (str, True), "aliases": (list, False), "role": (str, False), "affiliations": (list, False),
    "moved_from": (list, False), "summary": (str, False), "reviewed": (bool, False), "roles": (list, False),
    "ties": (list, False),
}
_RECORD_LISTS = frozenset({"quotes", "roles", "ties"})
"""List fields whose items are mappings, checked item by item."""


class _Loader(yaml.CSafeLoader):
    """PyYAML's safe loader (libyaml), but dates stay text: they are checked here, with a message."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def load_content(content_dir: Path, reader: PageReader | None = None,
                 pages: list[tuple[Path, Section]] | None = None) -> Content:
    """Read and validate every page (``pages``, when the caller has just listed them with ``content_pages``);
    raise all problems together."""
    reader = reader or PageReader()
    articles: list[ArticlePage] = []
    entities: list[EntityPage] = []
    problems: list[BuilderError] = []
    warnings: list[str] = []
    for path, section in content_pages(content_dir) if pages is None else pages:
        try:
            page, found = load_page(path, section, reader)
            warnings += found
            if isinstance(page, ArticlePage):
                articles.append(page)
            else:
                entities.append(page)
        except BuilderError as exc:
            problems.append(exc)
    raise_all(problems)
    return Content(tuple(articles), tuple(entities), tuple(warnings + moves(entities)[1]))


def moves(pages: Iterable[EntityPage]) -> tuple[dict[str, str], list[str]]:
    """Earlier key -> the key of the page that moved from it (``moved_from``: the earlier address redirects
    there, and articles that still list the earlier slug list the page), and a warning for each earlier slug
    that cannot be one: the slug of a page that exists (that page keeps its address) or one that a page before
    it in content/ lists already (that one keeps it)."""
    pages = list(pages)
    keys = {page.key for page in pages}
    moved: dict[str, str] = {}
    warnings = []
    for page in pages:
        where = f"{page.path}:{page.moved_from_line or 2}"
        for slug in page.moved_from:
            key = f"{page.section}/{slug}"
            if not isinstance(slug, str) or not _is_slug(slug):
                warnings.append(f"{where}: moved_from lists '{slug}', which is not the name of a page file (a slug "
                                "such as 'ana-sousa'), ignored; remove it")
            elif key == page.key:
                warnings.append(f"{where}: moved_from lists the page's own slug '{slug}', ignored; remove it")
            elif key in keys:
                warnings.append(f"{where}: moved_from lists '{slug}', but content/{key}.md exists: it keeps its "
                                f"address and the articles that list '{slug}', ignored; remove '{slug}' from "
                                "moved_from")
            elif key in moved:
                warnings.append(f"{where}: moved_from lists '{slug}', as content/{moved[key]}.md does, which keeps "
                                "it (an earlier address redirects to one page), ignored; remove it from one of them")
            else:
                moved[key] = page.key
    return moved, warnings


def content_pages(content_dir: Path) -> list[tuple[Path, Section]]:
    """Every page of the content folder and its section, section by section."""
    return [(path, section) for section in SECTIONS for path in list_pages(content_dir / section)]


def load_page(path: Path, section: Section, reader: PageReader) -> tuple[ArticlePage | EntityPage, list[str]]:
    """One page of ``section`` and the warnings about its front matter, read through ``reader``."""
    return reader.made(path, functools.partial(_page, path, section))


def _page(path: Path, section: Section, parsed: ParsedPage) -> tuple[ArticlePage | EntityPage, list[str]]:
    """A page of ``section`` and the warnings about its front matter."""
    meta, lines, body, body_line = parsed
    warnings = _unknown_keys(path, meta, lines, section)
    if section == "articles":
        return _article(path, meta, lines, body, body_line), warnings
    return _entity(path, section, meta, lines, body, body_line), warnings


def read_article(path: Path) -> ArticlePage:
    """One article page, read and checked as ``load_content`` does (its unknown fields are not reported)."""
    meta, lines, body, body_line = parse_page(path, read_text(path))
    return _article(path, meta, lines, body, body_line)


def list_pages(folder: Path) -> list[Path]:
    """The ``.md`` pages of one section, by name."""
    try:
        entries = sorted((e for e in os.scandir(folder) if e.name.endswith(".md") and not e.name.startswith(".")),
                         key=lambda e: e.name)
    except (FileNotFoundError, NotADirectoryError):
        return []
    pages = [Path(e.path) for e in entries]
    for entry, page in zip(entries, pages, strict=True):
        if entry.is_symlink():
            refuse_outside_link(page, folder.parent.parent)
    return pages


def refuse_outside_link(path: Path, root: Path) -> None:
    """A symlink may point anywhere inside the site, never outside it."""
    if path.is_symlink() and root.resolve() not in path.resolve().parents:
        raise ContentError(path, None, "is a symbolic link to a file outside the site; copy the file in instead")


ParsedPage = tuple[dict[str, Any], dict[str, int], str, int]
"""Front matter, the line of each key, the body and the body's first line."""


class PageReader:
    """Reads pages, parsing each file once while it is unchanged (same size and modification time), and knows a
    digest of each page's text (what ``deps`` fingerprints pages with).

    With a ``cache_dir``, parsed pages are kept on disk between builds (JSON; only pages whose front matter
    survives JSON unchanged), so a build parses only the files that changed. The pages are spread over
    ``CACHE_SHARDS`` files by a hash of their path; a file is read when one of its pages is first asked for (a
    build after an edit may need a few pages only), and a build writes back only the files whose pages changed.
    """

    def __init__(self, cache_dir: Path | None = None) -> None:
        self._parsed: dict[str, tuple[tuple[int, int], ParsedPage, str, dict[str, Any]]] = {}  # by str(path)
        self._checked: set[str] = set()
        self._cache_dir = cache_dir
        self._dirty: set[int] = set()  # shards whose pages changed
        self._made: dict[str, tuple[object, object]] = {}
        self._unkept: set[str] = set()  # pages whose front matter would not survive the JSON cache
        self._loaded: set[int] = set()  # cache files read

    def read(self, path: Path) -> ParsedPage:
        """The parsed page; a copy of its front matter, so callers may not change what is cached."""
        meta, lines, body, body_line = self._entry(path)[1]
        return _copy(meta), lines, body, body_line

    def made(self, path: Path, make: Callable[[ParsedPage], T]) -> T:
        """What ``make`` builds from the parsed page (it must not change it), kept in memory and built again only
        when the file changed; a problem ``make`` raises is raised again each time."""
        entry = self._entry(path)
        kept = self._made.get(str(path))
        if kept is None or kept[0] is not entry:
            kept = (entry, make(entry[1]))
            self._made[str(path)] = kept
        return cast(T, kept[1])

    def digest(self, path: Path) -> str:
        """SHA-1 of the page's text as last read."""
        return self._entry(path)[2]

    def front_digest(self, path: Path) -> str:
        """SHA-1 of the page's front matter as parsed (its body left out), kept with the parse."""
        meta = self._entry(path)[1][0]
        return str(self.memo(path, "front matter", "", lambda: hashlib.sha1(
            json.dumps(_text_keys(meta), sort_keys=True, default=str).encode("utf-8")).hexdigest()))

    def memo(self, path: Path, name: str, tag: str, compute: Callable[[], Any]) -> Any:
        """A value derived from the page (JSON data), computed once per version of the file and ``tag`` (a digest
        of whatever else the value depends on), and kept on disk with the parse."""
        memos = self._entry(path)[3]
        kept = memos.get(name)
        if kept is None or kept[0] != tag:
            kept = [tag, compute()]
            memos[name] = kept
            self._dirty.add(_shard(str(path)))
        return kept[1]

    def prefetch(self, paths: Sequence[Path], workers: int, warm: Callable[[PageReader, Path], object]) -> None:
        """Read the pages among ``paths`` that are not parsed yet (or whose files changed) in ``workers`` forked
        processes, each running ``warm`` on its share (which reads the page through the reader it is given, and
        may keep what it derives with ``memo``), and keep what they parsed: a build that finds many pages new
        then reads them on all cores. A page that ``warm`` finds a problem in is left for the build to report."""
        todo = [path for path in paths if self._changed(str(path))]
        if len(todo) < 2 * _PREFETCH_SHARE or not can_fork(workers):
            return
        count = -(-len(todo) // _PREFETCH_SHARE)
        shares = [todo[first::count] for first in range(count)]  # interleaved: some pages cost more
        for entries in forked_map(functools.partial(self._share, warm), shares, workers, ordered=False):
            for name, entry, kept in entries:
                self._parsed[name] = entry
                self._dirty.add(_shard(name))
                if kept:
                    self._unkept.discard(name)
                else:
                    self._unkept.add(name)

    def _share(self, warm: Callable[[PageReader, Path], object], paths: list[Path]
               ) -> list[tuple[str, Any, bool]]:
        """In a forked process: ``warm`` each page; what was parsed of each (cache entry, and whether the JSON
        cache can keep it)."""
        done = []
        for path in paths:
            try:
                warm(self, path)
            except BuilderError:
                continue
            name = str(path)
            if name in self._parsed:
                done.append((name, self._parsed[name], name not in self._unkept))
        return done

    def changed_since_read(self, path: Path) -> bool:
        """Whether the file is no longer the version last read: saved since, or created (never read) or removed."""
        entry = self._parsed.get(str(path))
        try:
            now: tuple[int, int] | None = _stamp(str(path))
        except FileNotFoundError:
            now = None
        return (entry[0] if entry is not None and str(path) in self._checked else None) != now

    def recheck(self) -> None:
        """Look at every file's stamp again on its next read (after files were written)."""
        self._checked.clear()

    def save(self) -> None:
        """Keep what was parsed for the next build (pages not read in this build are dropped), writing only the
        cache files whose pages changed."""
        if self._cache_dir is None:
            return
        dropped = [name for name in self._parsed if name not in self._checked]
        for name in dropped:
            del self._parsed[name]
        for shard in set(range(CACHE_SHARDS)) - self._loaded:  # holds no page read in this build
            _shard_file(self._cache_dir, shard).unlink(missing_ok=True)
            self._loaded.add(shard)
        shards = self._dirty | {_shard(name) for name in dropped}
        if not shards:
            return
        entries: dict[int, dict[str, Any]] = {shard: {} for shard in shards}
        for name, e in self._parsed.items():
            shard = _shard(name)
            if shard in entries and name not in self._unkept:
                entries[shard][name] = [list(e[0]), *e[1], e[2], e[3]]
        for shard, pages in sorted(entries.items()):
            records.save(_shard_file(self._cache_dir, shard), {"version": builder_digest(), "pages": pages})
        self._dirty.clear()

    def _cached(self, name: str) -> tuple[tuple[int, int], ParsedPage, str, dict[str, Any]] | None:
        """What was parsed of the page at path ``name``, reading its cache file the first time."""
        shard = _shard(name)
        if shard not in self._loaded:
            self._loaded.add(shard)
            if self._cache_dir is not None:
                self._parsed.update(_load_shard(self._cache_dir, shard))
        return self._parsed.get(name)

    def _changed(self, name: str) -> bool:
        """True when the file is not parsed yet, or changed since (an unchanged one counts as checked)."""
        cached = self._cached(name)
        if cached is None or name in self._checked:
            return cached is None
        if cached[0] != _stamp(name):
            return True
        self._checked.add(name)
        return False

    def _entry(self, path: Path) -> tuple[tuple[int, int], ParsedPage, str, dict[str, Any]]:
        name = str(path)  # str keys: comparing Path objects is many times slower
        cached = self._cached(name)
        if name not in self._checked:
            key = _stamp(name)
            if cached is None or cached[0] != key:
                key = settled_stamp(name, key)  # saved a moment ago: read once a save would change its stamp
                text = read_text(path)
                cached = (key, parse_page(path, text), hashlib.sha1(text.encode("utf-8")).hexdigest(), {})
                self._parsed[name] = cached
                self._dirty.add(_shard(name))
                if not _survives_json(cached[1][0]):
                    self._unkept.add(name)
                else:
                    self._unkept.discard(name)
            self._checked.add(name)
        assert cached is not None
        return cached


_PREFETCH_SHARE = 400
"""Pages each process reads at a time; below two shares, starting processes costs more than it saves."""
CACHE_SHARDS = 1024
"""Files the page cache is spread over: an edit rewrites one, and the build after an edit that reads the hundred
articles on a few pages of mentions reads about a hundred of these files, a tenth of the cache (at 10,000
articles each holds about 35 kB)."""


def _stamp(name: str) -> tuple[int, int]:
    """What tells a file changed: its modification time and size."""
    stat = os.stat(name)
    return stat.st_mtime_ns, stat.st_size


def _shard(name: str) -> int:
    """The cache file that keeps the page at path ``name``."""
    return zlib.crc32(name.encode()) % CACHE_SHARDS


def _shard_file(cache_dir: Path, shard: int) -> Path:
    return cache_dir / f"{shard:02x}.json"


def _load_shard(cache_dir: Path, shard: int) -> dict[str, tuple[tuple[int, int], ParsedPage, str, dict[str, Any]]]:
    """What one cache file of an earlier build holds (nothing when another version of the builder wrote it)."""
    try:
        data = records.read(_shard_file(cache_dir, shard))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("version") != builder_digest():
        return {}
    return {p: ((e[0][0], e[0][1]), (e[1], e[2], e[3], e[4]), e[5], e[6]) for p, e in data["pages"].items()}


def _copy(value: Any) -> Any:
    """A deep copy of parsed YAML (dicts, lists and scalars), several times faster than ``copy.deepcopy``."""
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return copy.deepcopy(value)


def _text_keys(value: Any) -> Any:
    """Parsed YAML with every mapping's keys as text (YAML reads ``no:`` or ``1:`` as a boolean or a number, which
    cannot be sorted among text keys)."""
    if isinstance(value, dict):
        return {str(k): _text_keys(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_text_keys(v) for v in value]
    return value


def _survives_json(meta: Any) -> bool:
    try:
        return bool(records.loads(records.dumps(meta)) == meta)
    except (TypeError, ValueError):
        return False


def read_text(path: Path) -> str:
    """A page's text, or a one-line error when it is not UTF-8."""
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ContentError(path, None, "is not UTF-8 text; re-save it as UTF-8") from exc


def parse_page(path: Path, text: str) -> tuple[dict[str, Any], dict[str, int], str, int]:
    """Split ``---`` front matter from the body and parse it, with the line of each top-level key."""
    text = text.replace("\r\n", "\n")
    handler = frontmatter.default_handlers.YAMLHandler()
    if not handler.detect(text):
        raise ContentError(path, 1, "has no front matter; start the file with a '---' line, the fields, and '---'")
    try:
        raw, body = handler.split(text)
    except ValueError as exc:
        raise ContentError(path, 1, "front matter is never closed; add a '---' line after it") from exc
    loader = _Loader(raw)
    try:
        node = _compose(path, loader)
        if not isinstance(node, yaml.MappingNode):
            raise ContentError(path, 2, "front matter must be a mapping of fields (key: value)")
        if "*" in raw:  # no alias without one
            _refuse_aliases(path, node)
        lines = {str(k.value): int(k.start_mark.line) + 1 for k, _ in node.value}  # raw starts after '---'
        if len(lines) < len(node.value):
            _refuse_repeated_fields(path, node)
        meta = loader.construct_document(node)
    finally:
        loader.dispose()
    body_line = text[: len(text) - len(body)].count("\n") + 1
    return meta, lines, body.lstrip("\n"), body_line + (len(body) - len(body.lstrip("\n")))


def _refuse_repeated_fields(path: Path, node: yaml.MappingNode) -> None:
    """A field given twice: YAML would keep the last silently, and the editor may have changed the first."""
    first: dict[str, int] = {}
    for key, _ in node.value:
        line = int(key.start_mark.line) + 1
        if str(key.value) in first:
            raise ContentError(path, line, f"field '{key.value}' is given twice (lines {first[str(key.value)]} and "
                                           f"{line}); keep one")
        first[str(key.value)] = line


def field_line(path: Path, field: str, number: int | None = None, value: str | None = None) -> int | None:
    """The line of front-matter ``field`` in the page at ``path``, or of an item of that list: its ``number``-th
    (from 1) or the first that is ``value``. For an error found after the page was parsed (it is read again: the
    parsed pages keep only the lines of fields); None when it cannot be found."""
    try:
        text = read_text(path).replace("\r\n", "\n")
        raw = frontmatter.default_handlers.YAMLHandler().split(text)[0]
        node = yaml.compose(raw, Loader=yaml.CSafeLoader)
    except (OSError, ValueError, BuilderError, yaml.YAMLError):
        return None
    if not isinstance(node, yaml.MappingNode):
        return None
    found = next((v for k, v in node.value if k.value == field), None)
    if found is None:
        return None
    if number is None and value is None:
        return int(found.start_mark.line) + 1
    items = found.value if isinstance(found, yaml.SequenceNode) else []
    if number is not None:
        item = items[number - 1] if 0 < number <= len(items) else None
    else:
        item = next((i for i in items if isinstance(i, yaml.ScalarNode) and i.value == value), None)
    return int(item.start_mark.line) + 1 if item is not None else None


def _refuse_aliases(path: Path, root: yaml.Node) -> None:
    """YAML aliases (``*a``) can blow a small file up into a huge value: not allowed here. An alias makes one
    node appear twice in the tree, which is how it is found."""
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            raise ContentError(path, int(node.start_mark.line) + 1,
                               "YAML anchors and aliases (&name, *name) are not allowed in front matter; "
                               "write the value out")
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            stack += [part for pair in reversed(node.value) for part in reversed(pair)]
        elif isinstance(node, yaml.SequenceNode):
            stack += reversed(node.value)


def _compose(path: Path, loader: _Loader) -> yaml.Node | None:
    try:
        return loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.context_mark or exc.problem_mark
        line = int(mark.line) + 1 if mark is not None else 2
        problem = yaml_problem(exc.problem or exc.context)
        raise ContentError(path, line, f"invalid YAML in front matter: {problem}") from exc


def _unknown_keys(path: Path, meta: dict[str, Any], lines: dict[str, int], section: Section) -> list[str]:
    known = _ARTICLE_FIELDS if section == "articles" else _ENTITY_FIELDS
    warnings = []
    for key in meta:
        if key not in known:
            warnings.append(f"{path}:{lines.get(str(key), 2)}: unknown field '{key}' ignored"
                            f"{did_you_mean(str(key), known)}")
    return warnings


def _check(path: Path, meta: dict[str, Any], lines: dict[str, int],
           fields: dict[str, tuple[type | tuple[type, ...], bool]]) -> None:
    problems: list[BuilderError] = []
    for key, (kind, required) in fields.items():
        if key not in meta or meta[key] is None:
            if required:
                problems.append(ContentError(path, 2, f"front matter has no '{key}'; add '{key}: ...'"))
            continue
        if not isinstance(meta[key], kind):
            wanted = "a list" if kind is list else "a date (YYYY-MM-DD)" if kind == (dt.date, str) else \
                "true or false" if kind is bool else "text"
            problems.append(ContentError(path, lines.get(key, 2), f"'{key}' must be {wanted}"))
        elif kind is list and key not in _RECORD_LISTS and not all(isinstance(v, str) for v in meta[key]):
            problems.append(ContentError(path, lines.get(key, 2), f"'{key}' must be a list of text items"))
    raise_all(problems)


def _article(path: Path, meta: dict[str, Any], lines: dict[str, int], body: str, body_line: int) -> ArticlePage:
    _check(path, meta, lines, _ARTICLE_FIELDS)
    date = meta["date"]
    if isinstance(date, str):
        try:
            date = dt.date.fromisoformat(date)
        except ValueError as exc:
            raise ContentError(path, lines["date"], f"date '{date}' is not a real date in the form YYYY-MM-DD") \
                from exc
    if isinstance(date, dt.datetime):
        date = date.date()
    return ArticlePage(
        path=path, slug=page_slug(path), title=meta["title"].strip(), date=date,
        dateline=meta.get("dateline") or "", source=meta.get("source") or "", seed=meta.get("seed") or "",
        summary=meta.get("summary") or "", people=tuple(meta.get("people") or ()),
        institutions=tuple(meta.get("institutions") or ()),
        quotes=_quotes(path, meta.get("quotes") or [], lines.get("quotes", 2)), body=body, body_line=body_line,
    )


def _quotes(path: Path, items: list[Any], line: int) -> tuple[QuoteRef, ...]:
    quotes = []
    for item in items:
        if not (isinstance(item, dict) and isinstance(item.get("speaker"), str) and isinstance(item.get("text"), str)
                and isinstance(item.get("paragraph"), int)):
            raise ContentError(path, line, "each quote needs 'speaker' (people/<slug>), 'text' and 'paragraph' "
                                           "(a number)")
        quotes.append(QuoteRef(item["speaker"], item["text"], item["paragraph"]))
    return tuple(quotes)


def _entity(path: Path, section: Section, meta: dict[str, Any], lines: dict[str, int], body: str,
            body_line: int) -> EntityPage:
    _check(path, meta, lines, _ENTITY_FIELDS)
    return EntityPage(
        path=path, section=section, slug=page_slug(path), name=meta["name"].strip(),
        aliases=tuple(a for a in (meta.get("aliases") or ()) if a.strip()), role=meta.get("role") or "",
        affiliations=tuple(meta.get("affiliations") or ()), moved_from=tuple(meta.get("moved_from") or ()),
        body=body, body_line=body_line, summary=(meta.get("summary") or "").strip(),
        reviewed=bool(meta.get("reviewed")), roles=_roles(path, meta.get("roles") or [], lines.get("roles", 2)),
        ties=_ties(path, meta.get("ties") or [], lines.get("ties", 2)), moved_from_line=lines.get("moved_from"),
    )


def _roles(path: Path, items: list[Any], line: int) -> tuple[RoleRef, ...]:
    roles = []
    for number, item in enumerate(items, 1):
        if not (isinstance(item, dict) and isinstance(item.get("role"), str) and _is_evidence(item)):
            raise ContentError(path, line, f"roles item {number}: each role needs 'role' (text), 'article' (a slug "
                                           "of content/articles/), 'paragraph' and 'sentence' (numbers from 1)")
        roles.append(RoleRef(item["role"], item["article"], item["paragraph"], item["sentence"]))
    return tuple(roles)


def _ties(path: Path, items: list[Any], line: int) -> tuple[TieRef, ...]:
    ties = []
    for number, item in enumerate(items, 1):
        if not (isinstance(item, dict) and item.get("type") in TIE_KINDS and isinstance(item.get("target"), str)
                and re.fullmatch(r"(?:people|institutions)/[\w-]+", item["target"]) and _is_evidence(item)):
            kinds = ", ".join(f"'{k}'" for k in TIE_KINDS)
            raise ContentError(path, line, f"ties item {number}: each tie needs 'type' (one of {kinds}), 'target' "
                                           "(people/<slug> or institutions/<slug>), 'article' (a slug), "
                                           "'paragraph' and 'sentence' (numbers from 1)")
        ties.append(TieRef(item["type"], item["target"], item["article"], item["paragraph"], item["sentence"]))
    return tuple(ties)


def _is_evidence(item: dict[Any, Any]) -> bool:
    """``article`` (text), ``paragraph`` and ``sentence`` (whole numbers from 1)."""
    numbers = [item.get("paragraph"), item.get("sentence")]
    return isinstance(item.get("article"), str) and all(
        isinstance(n, int) and not isinstance(n, bool) and n >= 1 for n in numbers)


def page_slug(path: Path) -> str:
    """A page's slug is its file name; it must already be a clean slug so that its URL is safe."""
    slug = path.stem
    if not _is_slug(slug):
        clean = path.with_name(f"{make_slug(slug) or 'page'}.md")
        if _another(clean, path):
            raise ContentError(path, None, f"file name '{path.name}' is not a valid slug, and '{clean.name}' is "
                                           f"another page; merge the two, or rename it to a slug of your own")
        raise ContentError(path, None, f"file name '{path.name}' is not a valid slug; rename it to '{clean.name}'")
    return slug


def _another(path: Path, page: Path) -> bool:
    """Whether ``path`` is a file other than ``page`` (on a file system that ignores case it may be the same)."""
    try:
        return not path.samefile(page)
    except OSError:
        return False


def _is_slug(slug: str) -> bool:
    """Whether a page file may have this name (``.md`` left out): a slug that ``make_slug`` leaves as it is."""
    return bool(_CLEAN_SLUG.fullmatch(slug) and len(slug) <= 80) or (bool(slug) and slug == make_slug(slug))


_CLEAN_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
"""What ``make_slug`` leaves as it is (checked first: it is many times faster than making the slug)."""


def make_slug(text: str, max_length: int = 80) -> str:
    """Lower-case ASCII words joined by hyphens: safe in a URL and a file name."""
    from slugify import slugify  # with its transliteration tables: only when a name is not a slug already

    return str(slugify(text, max_length=max_length, word_boundary=True, save_order=True))


class _Dumper(yaml.CSafeDumper):
    """PyYAML's safe dumper (libyaml), writing dates as the loader reads them (``_Loader``): as text, unquoted.
    A date read from a page and written again stays ``date: 2021-06-09``, not ``'2021-06-09'``."""


_Dumper.yaml_implicit_resolvers = _Loader.yaml_implicit_resolvers
_Dumper.add_representer(dt.date, lambda dumper, day: dumper.represent_str(day.isoformat()))


def render_page(meta: dict[str, Any], body: str) -> str:
    """The text of a page file: front matter in the given key order, then the body."""
    front = yaml.dump(meta, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=1000,
                      default_flow_style=False)  # libyaml: four times as fast as PyYAML's own dumper, the same
    # text for ordinary text (emoji and some control characters are written differently, and read back the same)
    return f"---\n{front}---\n\n{body.rstrip()}\n" if body.strip() else f"---\n{front}---\n"


_MD_INLINE = re.compile(r"[\\`*_\[\]<>|~]")
"""Characters that Markdown may take for inline markup."""


_ENTITY = re.compile(r"&(?=#?\w+;)")
_BLOCK_START = re.compile(r"\s*(?:[#>+=-]|\d+[.)])")
"""What would make the text a heading, quotation, list item or rule: the last character is the mark."""


def escape_markdown(text: str) -> str:
    """Make plain text render literally as one Markdown paragraph: ``*``, ``[``, ``<``, ``#`` stay characters.
    (Ingest escapes every paragraph of every seed: the patterns are compiled once, and tried only where they
    may match.)"""
    escaped = _MD_INLINE.sub(r"\\\g<0>", text)
    if "&" in escaped:
        escaped = _ENTITY.sub(r"\\&", escaped)
    start = _BLOCK_START.match(escaped)
    if start is None:
        return escaped
    mark = start.end() - 1
    return f"{escaped[:mark]}\\{escaped[mark:]}"
