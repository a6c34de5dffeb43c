"""seeds/*.txt|*.md -> Seed: the raw articles, parsed into date, dateline and paragraphs.

A plain seed's first line is `` date YYYY-MM-DD `` followed by a dateline (``CITY (AGENCY) — ``) and the first
paragraph; paragraphs are separated by blank lines. A Markdown seed carries ``title``/``date``/``source`` in
YAML front matter instead.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from builder.errors import BuilderError, SeedError, did_you_mean, raise_all, yaml_problem

SEED_SUFFIXES = (".txt", ".md", ".markdown")
MAX_SEED_BYTES = 5_000_000
"""A news article is a few kilobytes; anything this large is not one article."""

_DATE_LINE = re.compile(r"^\s*date\s+(\S+)\s*(.*)$", re.IGNORECASE)
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATELINE = re.compile(
    r"^(?P<place>[A-ZÀ-Þ][A-ZÀ-Þ .'’-]*[A-ZÀ-Þ.](?:,\s+[A-Z][\w.]*(?:\s+[A-Z][\w.]*)*)?)"
    r"\s*(?:\((?P<agency>[^()\n]{1,40})\))?\s*[—–-]{1,2}\s+"
)


@dataclass(frozen=True, slots=True)
class Seed:
    """One raw article, parsed and normalised."""

    path: Path
    """Where the seed was read from (for messages)."""
    date: dt.date
    """Publication date."""
    dateline: str
    """The place and agency as written, e.g. ``GUATEMALA CITY (AP)``; empty when there is none."""
    source: str
    """The news agency or publication, e.g. ``AP``; empty when unknown."""
    title: str
    """The headline when the seed has one (Markdown seeds); empty for plain seeds."""
    paragraphs: tuple[str, ...]
    """The text, one string per paragraph, whitespace collapsed, dateline removed."""
    lines: tuple[int, ...]
    """The 1-based line where each paragraph starts in the seed file."""
    warnings: tuple[str, ...] = ()
    """Harmless problems to tell the user: front-matter fields a Markdown seed holds that nothing reads."""

    @property
    def name(self) -> str:
        """The seed's file name, recorded in the article's front matter as ``seed``."""
        return self.path.name


def load_seeds(seeds_dir: Path) -> list[Seed]:
    """Parse every seed file in ``seeds_dir`` (sorted by name); report all bad seeds together."""
    seeds: list[Seed] = []
    problems: list[BuilderError] = []
    for path in list_seed_files(seeds_dir):
        try:
            seeds.append(parse_seed(path, read_seed_text(path)))
        except SeedError as exc:
            problems.append(exc)
    raise_all(problems)
    return seeds


def other_files(seeds_dir: Path, seeds: Iterable[Path]) -> list[str]:
    """Warnings for what ``seeds_dir`` holds besides its ``seeds`` (``list_seed_files``) and hidden files."""
    if not seeds_dir.is_dir():
        return []
    read = set(seeds)
    found = sorted(p for p in seeds_dir.iterdir() if not p.name.startswith(".") and p not in read)
    return [f"{p}: not read: seeds are .txt, .md or .markdown files in seeds/ itself"
            + ("" if p.is_dir() else "; rename it, or move it out of seeds/") for p in found]


def list_seed_files(seeds_dir: Path) -> list[Path]:
    """The seed files of a folder, by name; hidden files and other extensions are not seeds."""
    if not seeds_dir.is_dir():
        return []
    return sorted(
        p for p in seeds_dir.iterdir()
        if p.suffix.lower() in SEED_SUFFIXES and not p.name.startswith(".") and p.is_file()
    )


def read_seed_text(path: Path) -> str:
    """Read a seed as UTF-8 text, refusing binary files with a message that says what to do."""
    if path.is_symlink() and path.parent.resolve() not in path.resolve().parents:
        raise SeedError(path, None, "is a symbolic link to a file outside seeds/; copy the file in instead")
    size = path.stat().st_size
    if size > MAX_SEED_BYTES:
        raise SeedError(path, None, f"is {size / 1e6:.0f} MB, more than the {MAX_SEED_BYTES // 1_000_000} MB "
                                    "one article may hold; split it into one file per article")
    data = path.read_bytes()
    if b"\x00" in data[:8192]:
        raise SeedError(path, None, "is a binary file, not a text article; remove it from seeds/")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise SeedError(path, line, f"is not UTF-8 text (byte 0x{data[exc.start]:02x}); "
                                    "re-save the file as UTF-8") from exc


def parse_seed(path: Path, text: str) -> Seed:
    """Parse the text of one seed file (plain or Markdown with front matter)."""
    text = unicodedata.normalize("NFC", text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n"))
    if not text.strip():
        raise SeedError(path, 1, "seed is empty; write ' date YYYY-MM-DD ' on the first line, then the article")
    if text.startswith("---\n"):
        return _parse_markdown_seed(path, text)
    return _parse_plain_seed(path, text)


def _parse_plain_seed(path: Path, text: str) -> Seed:
    first, _, rest = text.partition("\n")
    match = _DATE_LINE.match(first)
    if not match:
        raise SeedError(path, 1, f"first line must start with 'date YYYY-MM-DD', found '{first[:40].strip()}'")
    date = _parse_date(path, 1, match.group(1))
    if match.group(2).strip():
        lede, dateline, source = split_dateline(match.group(2))
        text = lede + "\n" + rest
    else:  # the dateline may open the next line of text, when it is plainly one: with its agency or region
        lede, dateline, source = split_dateline(rest)
        if not (source or "," in dateline):
            lede, dateline, source = rest, "", ""
        text = "\n" + "\n" * rest[:len(rest) - len(lede)].count("\n") + lede  # line numbers kept
    paragraphs, lines = _split_paragraphs(text, first_line=1)
    if not paragraphs:
        raise SeedError(path, 1, "seed has a date but no text; add the article's paragraphs after it")
    return Seed(path, date, dateline, source, "", paragraphs, lines)


def _parse_markdown_seed(path: Path, text: str) -> Seed:
    end = re.search(r"^(?:---|\.\.\.)[ \t]*$", text[4:], re.MULTILINE)
    if end is None:
        raise SeedError(path, 1, "front matter opened with '---' is never closed; add a line '---' after it")
    meta = _load_front_matter(path, text[4 : 4 + end.start()])
    body = text[4 + end.end():]
    body_line = text[: 4 + end.end()].count("\n") + 1
    if "date" not in meta:
        raise SeedError(path, 2, "front matter has no 'date'; add 'date: YYYY-MM-DD'")
    date = _parse_date(path, _key_line(text, "date"), meta["date"])
    lede, dateline, source = split_dateline(body.lstrip("\n"))
    body_line += len(body) - len(body.lstrip("\n"))
    paragraphs, lines = _split_paragraphs(lede, first_line=body_line)
    if not paragraphs:
        raise SeedError(path, body_line, "seed has front matter but no text; add the article below it")
    return Seed(path, date, str(meta.get("dateline") or dateline), str(meta.get("source") or source),
                str(meta.get("title") or ""), paragraphs, lines, tuple(_unread_fields(path, text, meta)))


SEED_FIELDS = ("title", "date", "dateline", "source")
"""What a Markdown seed's front matter may hold."""


def _unread_fields(path: Path, text: str, meta: dict[str, Any]) -> Iterator[str]:
    for key in meta:
        if key not in SEED_FIELDS:
            hint = did_you_mean(str(key), SEED_FIELDS) or f" (a seed's front matter holds {', '.join(SEED_FIELDS)})"
            yield f"{path}:{_key_line(text, str(key))}: unknown field '{key}' ignored{hint}"


def _load_front_matter(path: Path, text: str) -> dict[str, Any]:
    try:
        meta = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.context_mark or exc.problem_mark
        raise SeedError(path, mark.line + 2 if mark else 2,
                        f"invalid YAML front matter: {yaml_problem(exc.problem)}") from exc
    if meta is None:
        return {}
    if not isinstance(meta, dict):
        raise SeedError(path, 2, "front matter must be a mapping (key: value)")
    return meta


def _key_line(text: str, key: str) -> int:
    for number, line in enumerate(text.split("\n"), start=1):
        if line.startswith(f"{key}:"):
            return number
    return 1


def _parse_date(path: Path, line: int, value: object) -> dt.date:
    if isinstance(value, dt.datetime):  # ``date: 2021-06-09 10:00:00``: the day is what the site shows
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value)
    if not _ISO_DATE.match(text):
        raise SeedError(path, line, f"date '{text}' is not in the form YYYY-MM-DD")
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise SeedError(path, line, f"date '{text}' does not exist; check the day and month") from exc


def split_dateline(text: str) -> tuple[str, str, str]:
    """Split ``GUATEMALA CITY (AP) — text`` into (text, ``GUATEMALA CITY (AP)``, ``AP``)."""
    match = _DATELINE.match(text.lstrip())
    if match is None or not _looks_like_place(match.group("place")):
        return text, "", ""
    agency = (match.group("agency") or "").strip()
    place = match.group("place").strip()
    dateline = f"{place} ({agency})" if agency else place
    return text.lstrip()[match.end():], dateline, agency


def _looks_like_place(place: str) -> bool:
    """A dateline place is written in capitals: ``WASHINGTON`` or ``KABUL, Afghanistan``."""
    head = place.split(",")[0]
    letters = [c for c in head if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


def _split_paragraphs(text: str, first_line: int) -> tuple[tuple[str, ...], tuple[int, ...]]:
    paragraphs: list[str] = []
    lines: list[int] = []
    for line, block in _blocks(text, first_line):
        paragraphs.append(" ".join(block.split()))
        lines.append(line)
    return tuple(paragraphs), tuple(lines)


def _blocks(text: str, first_line: int) -> Iterator[tuple[int, str]]:
    current: list[str] = []
    start = first_line
    for number, raw in enumerate(text.split("\n"), start=first_line):
        if raw.strip():
            if not current:
                start = number
            current.append(raw)
        elif current:
            yield start, "\n".join(current)
            current = []
    if current:
        yield start, "\n".join(current)
