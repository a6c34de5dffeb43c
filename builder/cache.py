"""Seeds and what extraction found in them, kept on disk between builds (``.builder/cache/seeds.json``).

A build then reads and analyses only the seeds whose files changed (by size and modification time). The cache
is plain JSON, never pickle, so a site folder from elsewhere cannot make a build run code; it is thrown away
whenever the builder's own code changes. Extraction loads only when a seed is analysed.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import functools
import typing
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from builder import records
from builder.errors import BuilderError, SeedError, raise_all
from builder.processes import can_fork, forked
from builder.seeds import Seed, list_seed_files, parse_seed, read_seed_text
from builder.snapshot import settled_stamp
from builder.version import builder_digest

if TYPE_CHECKING:
    from builder.extract import Extraction

CACHE_NAME = Path(".builder") / "cache" / "seeds.json"


class SeedCache:
    """Parsed seeds and their extraction results, by file; load, use, then ``save``."""

    def __init__(self, site_root: Path, version: str | None = None) -> None:
        self.path = site_root / CACHE_NAME
        self.version = version or builder_digest()
        self._entries: dict[str, dict[str, Any]] = self._load()
        self._used: set[str] = set()
        self._changed = False

    def load_seeds(self, seeds_dir: Path) -> list[Seed]:
        """Every seed of the folder, parsed again only when its file changed; all bad seeds reported at once."""
        seeds: list[Seed] = []
        problems: list[BuilderError] = []
        for path in list_seed_files(seeds_dir):
            try:
                seeds.append(self._seed(path))
            except SeedError as exc:
                problems.append(exc)
        raise_all(problems)
        return seeds

    @contextlib.contextmanager
    def analysing(self, seeds: Sequence[Seed], workers: int = 1, done: Callable[[int], None] | None = None
                  ) -> Iterator[bool]:
        """Run extraction on the seeds that have no result yet, in ``workers`` forked processes when there are
        several cores (see ``_extractions``): they start on entering the block, which may do other work
        meanwhile (ingest reads the content pages) and is told whether they did (the cores are then busy); their
        results are kept on leaving it. ``done`` is told how many seeds are analysed so far."""
        todo = [seed for seed in seeds if "extraction" not in self._entries[str(seed.path)]]
        count = len(seeds) - len(todo)
        with _extractions(todo, workers) as extractions:
            yield bool(todo) and can_fork(workers)
            for results in extractions:
                for key, extraction in results:
                    self._entries[key]["extraction"] = extraction
                    self._changed = True
                count += len(results)
                if done is not None:
                    done(count)

    def extract(self, seed: Seed) -> Extraction:
        """What extraction finds in the seed (computed once per version of the seed file)."""
        from builder.extract import Extraction

        entry = self._entries[str(seed.path)]
        if "extraction" not in entry:
            entry["extraction"] = _extract_share([seed])[0][1]
            self._changed = True
        return typing.cast(Extraction, from_data(Extraction, entry["extraction"]))

    def save(self) -> None:
        """Write the cache when it changed, dropping seeds that are gone."""
        stale = set(self._entries) - self._used
        if not self._changed and not stale:
            return
        for key in stale:
            del self._entries[key]
        records.save(self.path, {"version": self.version, "seeds": self._entries}, sort_keys=True)

    def _seed(self, path: Path) -> Seed:
        stat = path.stat()
        stamp = (stat.st_mtime_ns, stat.st_size)
        key = str(path)
        self._used.add(key)
        entry = self._entries.get(key)
        if entry is None or entry["stamp"] != list(stamp):
            stamp = settled_stamp(key, stamp)  # saved a moment ago: read once a save would change its stamp
            entry = {"stamp": list(stamp), "seed": to_data(parse_seed(path, read_seed_text(path)))}
            self._entries[key] = entry
            self._changed = True
        return typing.cast(Seed, from_data(Seed, entry["seed"]))

    def _load(self) -> dict[str, dict[str, Any]]:
        try:
            data = records.read(self.path)
        except (OSError, ValueError):
            return {}
        if not isinstance(data, dict) or data.get("version") != self.version:
            return {}
        seeds = data.get("seeds")
        return seeds if isinstance(seeds, dict) else {}


_SHARE = 100
"""Seeds a process analyses at a time."""


@contextlib.contextmanager
def _extractions(seeds: list[Seed], workers: int) -> Iterator[Iterator[list[tuple[str, Any]]]]:
    """(seed path, extraction as data) of every seed, a share at a time in processes when there are several cores
    (even for one seed: extraction's lexicons, 60 MB, then never load in the build's own process), started on
    entering the block; else one at a time here, as they are taken."""
    if not seeds or not can_fork(workers):
        yield (_extract_share([seed]) for seed in seeds)
        return
    shares = [seeds[start:start + _SHARE] for start in range(0, len(seeds), _SHARE)]
    with forked(_extract_share, shares, min(workers, len(shares)), ordered=False) as results:
        yield results


def _extract_share(seeds: list[Seed]) -> list[tuple[str, Any]]:
    from builder.extract import extract_entities

    return [(str(seed.path), to_data(extract_entities(seed.paragraphs, seed.dateline))) for seed in seeds]


def to_data(value: Any) -> Any:
    """A dataclass tree as JSON-ready data."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_data(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, tuple | list):
        return [to_data(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Path):
        return str(value)
    return value


def from_data(kind: Any, data: Any) -> Any:
    """Rebuild a value of type ``kind`` (a dataclass, tuple, date, path or plain type) from ``to_data``'s output."""
    return _decoder(kind)(data)


def _same(data: Any) -> Any:
    return data


@functools.cache
def _decoder(kind: Any) -> Callable[[Any], Any]:
    """What turns ``to_data``'s output back into a value of type ``kind``; made once per type (a build decodes
    the analysis of every seed)."""
    if kind in _DECODERS:
        return _DECODERS[kind]
    if isinstance(kind, type) and dataclasses.is_dataclass(kind):
        fields = {name: _decoder(hint) for name, hint in typing.get_type_hints(kind).items()}
        decoded = {name: decode for name, decode in fields.items() if decode is not _same}
        build = kind

        def dataclass_of(data: dict[str, Any]) -> Any:
            return build(**{name: decoded[name](value) if name in decoded else value for name, value in data.items()})
        return dataclass_of
    if typing.get_origin(kind) is tuple:
        args = typing.get_args(kind)
        if len(args) == 2 and args[1] is Ellipsis:
            item = _decoder(args[0])
            return tuple if item is _same else lambda data: tuple(map(item, data))
        items = [_decoder(a) for a in args]
        return lambda data: tuple(decode(v) for decode, v in zip(items, data, strict=True))
    return _same


_DECODERS: dict[Any, Callable[[Any], Any]] = {dt.date: dt.date.fromisoformat, Path: Path}
