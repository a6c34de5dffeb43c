"""Site folder -> Snapshot: the size and modification time of every input, to skip work when nothing changed.

A build that finds the same snapshot as the last successful one, with the output folder it left, has nothing
to do; one whose seeds, list of content files and builder are unchanged need not ingest (an edit to a content
page only matters to rendering). This module imports only the light stages: a build with nothing to do answers
before the rest of the builder is loaded. The record of the last build (a stamp per seed and content file) is
JSON written with orjson (``records``), several times faster than the standard library's encoder.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from builder import records
from builder.config import CONFIG_NAME, SiteConfig, template_dirs
from builder.version import builder_digest

Stamp = list[int] | None
"""Modification time in ns and size of a file; None when it cannot be read (a broken link)."""
SETTLE_NS = 20_000_000
"""How long after its last change a file's stamp is trusted. Many file systems give a file the time of the last
tick of a coarse clock (every 1 to 10 ms on Linux before 6.13), so a file saved twice within one tick, at the same
size, keeps its stamp: a build that stamped and read it between the two saves would take the second for the first,
and so would every build after it. A file changed less than this long ago is stamped again once it is this old,
before anything reads it (``_settled``); so is a content page read that soon after a save (``PageReader``).
File systems with coarser clocks (FAT's 2 s) and network file systems whose clock is off by more than this are
not covered."""
SETTLE_ROUNDS = 3
"""Times a file that keeps changing is waited for before its last stamp is taken as it is."""
_clock = time.time_ns
_pause = time.sleep


@dataclass(frozen=True, slots=True)
class Snapshot:
    """Stamps of a site's inputs. A folder is stamped whole (every file not hidden), a little more than the
    builder reads: a stray file makes a build look, never skip one that was needed."""

    seeds: dict[str, Stamp]
    """Seed file -> stamp."""
    content: dict[str, Stamp]
    """Content file -> stamp."""
    rest: dict[str, Any]
    """site.yaml, templates and assets, the builder's own code, and the output folder (inode)."""


@dataclass(frozen=True, slots=True)
class Check:
    """The inputs now, against what the last build into the same output folder recorded."""

    now: Snapshot
    last: Snapshot | None
    """None when no build into this output folder succeeded yet (or its record is unreadable)."""
    summary: dict[str, Any]
    """What the last build reported: files per kind, warnings, and whether it left work for later."""

    @property
    def unchanged(self) -> bool:
        """Nothing to do: no input changed and the last build finished everything."""
        return self.last == self.now and self.summary.get("complete", False)

    @property
    def must_ingest(self) -> bool:
        """Seeds, the list of content files or the builder changed (a new extractor may find more), or a build
        that ingested failed after it (``ingest_pending``)."""
        return (self.last is None or self.last.seeds != self.now.seeds
                or set(self.last.content) != set(self.now.content)
                or self.last.rest["builder"] != self.now.rest["builder"]
                or bool(self.now.rest.get("ingest pending")))


def check_inputs(config: SiteConfig, out: Path) -> Check:
    """Stamp the inputs and read the record of the last build into ``out``."""
    now = take_snapshot(config, out)
    last, summary = load_last(last_build_file(config.root, out)) or (None, {})
    return Check(now, last, summary)


def take_snapshot(config: SiteConfig, out: Path, content_only: Snapshot | None = None) -> Snapshot:
    """Stamp every input; with ``content_only``, take seeds and templates from it and stamp only content/. Files
    changed a moment ago are stamped once their stamp can be trusted (``SETTLE_NS``)."""
    content = _stamps(str(config.content_dir), deep=True)
    if content_only is not None:
        _settled(content)
        return Snapshot(content_only.seeds, content, {**content_only.rest, "output": _inode(out)})
    seeds = _stamps(str(config.seeds_dir), deep=False)
    templates = {path: stamp for folder in template_dirs(config.templates_dir)
                 for path, stamp in _stamps(str(folder), deep=True).items()}
    config_file = str(config.root / CONFIG_NAME)
    alone = {config_file: _stamp(config_file)}
    _settled(content, seeds, templates, alone)
    rest = {"site.yaml": alone[config_file], "templates": templates,
            "builder": builder_digest(), "output": _inode(out), "boot": boot_id(),
            "ingest pending": ingest_pending(config.root).exists()}
    return Snapshot(seeds, content, rest)


def _settled(*groups: dict[str, Stamp]) -> None:
    """Stamp again, in place, each file of ``groups`` that changed less than ``SETTLE_NS`` ago, once it is that
    old: a save after that changes its stamp. A file that goes on changing is waited for ``SETTLE_ROUNDS`` times.
    """
    now = _clock()
    recent = [(group, path) for group in groups for path, stamp in group.items()
              if stamp is not None and unsettled(stamp[0], now)]
    for _ in range(SETTLE_ROUNDS):
        if not recent:
            return
        settle(max(cast(list[int], group[path])[0] for group, path in recent))
        for group, path in recent:
            group[path] = _stamp(path)
        now = _clock()
        recent = [(group, path) for group, path in recent if (stamp := group[path]) is not None
                  and unsettled(stamp[0], now)]


def unsettled(mtime_ns: int, now: int | None = None) -> bool:
    """Whether a file last changed at ``mtime_ns`` (its modification time) may change again ``now`` (default:
    the clock's time) without its stamp changing: it changed less than ``SETTLE_NS`` before (or after) then."""
    return abs((_clock() if now is None else now) - mtime_ns) < SETTLE_NS


def settle(mtime_ns: int) -> None:
    """Wait until a file last changed at ``mtime_ns`` is ``SETTLE_NS`` old (at most that long), so that a save
    after it changes its stamp."""
    _pause(max(0, min(SETTLE_NS, SETTLE_NS - (_clock() - mtime_ns))) / 1e9)


def settled_stamp(path: str, stamp: tuple[int, int]) -> tuple[int, int]:
    """The stamp (modification time, size) to read the file at ``path`` under, given the one just taken: taken
    again after a wait while the file changed less than ``SETTLE_NS`` ago, so that a save after it is read
    changes it; when the file goes on changing (``SETTLE_ROUNDS``), a stamp no file has, so that what is read of
    it now is read again next time."""
    for _ in range(SETTLE_ROUNDS):
        if not unsettled(stamp[0]):
            return stamp
        settle(stamp[0])
        stat = os.stat(path)
        stamp = (stat.st_mtime_ns, stat.st_size)
    return stamp if not unsettled(stamp[0]) else (stamp[0], -1)


def boot_id() -> str:
    """Which start of the machine this is (empty where the system does not say). Files written shortly before a
    power cut may not have reached the disk, so what a build recorded of its output is not trusted after the
    machine restarts: the first build after it renders and writes every page again."""
    try:
        return Path("/proc/sys/kernel/random/boot_id").read_text(encoding="ascii").strip()
    except (OSError, ValueError):
        return ""


def with_output(snapshot: Snapshot, out: Path) -> Snapshot:
    """The snapshot as a build that succeeded records it: with the output folder as it is now (a build replaces
    it), and no ingest pending."""
    return Snapshot(snapshot.seeds, snapshot.content, {**snapshot.rest, "output": _inode(out),
                                                        "ingest pending": False})


def ingest_pending(site_root: Path) -> Path:
    """A file that says a build began to ingest and has not succeeded since: ingest may have changed content/ and
    its record (``.builder/ingest.json``) before the build failed, so the next build ingests again, whatever
    else changed (a page deleted and written back, say, leaves the list of content files as it was)."""
    return site_root / ".builder" / "ingest.pending"


def state_file(site_root: Path, out: Path) -> Path:
    """Where the build records what each output folder holds (one file per output folder)."""
    name = hashlib.sha1(str(out.resolve()).encode()).hexdigest()[:12]
    return site_root / ".builder" / "cache" / f"output-{name}.json"


def last_build_file(site_root: Path, out: Path) -> Path:
    """Where the build records the snapshot and summary of its last success into ``out``."""
    return state_file(site_root, out).with_suffix(".last.json")


def load_last(path: Path) -> tuple[Snapshot, dict[str, Any]] | None:
    """The snapshot and summary the last successful build left, if any."""
    try:
        data = records.read(path)
        return Snapshot(data["seeds"], data["content"], data["rest"]), data["summary"]
    except (OSError, ValueError, KeyError, TypeError):
        return None


def save_last(path: Path, snapshot: Snapshot, summary: dict[str, Any]) -> None:
    """Remember a successful build."""
    records.save(path, {"seeds": snapshot.seeds, "content": snapshot.content, "rest": snapshot.rest,
                        "summary": summary})


def report_line(pages: Mapping[str, int], rendered: int, deferred: int, written: int, seconds: float,
                changes: Mapping[str, int]) -> str:
    """The one line a build prints: what ingest changed, the site's files by kind, what was rendered."""
    later = f" ({deferred} more next)" if deferred else ""
    kinds = ", ".join(f"{n} {k}" for k, n in sorted(pages.items()))
    done = [f"{changes[a]} {w}" for a, w in (("create", "created"), ("update", "updated"), ("remove", "removed"),
                                              ("unmerged", "kept your edits over new facts from the seeds"))
            if changes.get(a)]
    ingest = f"content: {', '.join(done)}; " if done else ""
    return (f"{ingest}site: {sum(pages.values())} files ({kinds}); rendered {rendered}{later}, {written} changed, "
            f"in {seconds:.2f} s")


def _stamps(folder: str, deep: bool) -> dict[str, Stamp]:
    """Stamp of each file in ``folder`` (and, when ``deep``, its subfolders), hidden names and caches aside."""
    stamps: dict[str, Stamp] = {}
    try:
        entries = list(os.scandir(folder))
    except (FileNotFoundError, NotADirectoryError):
        return stamps
    for entry in entries:
        if entry.name.startswith(".") or entry.name == "__pycache__":
            continue
        if entry.is_dir():
            if deep:
                stamps |= _stamps(entry.path, deep)
            continue
        try:
            stat = entry.stat()
        except OSError:
            stamps[entry.path] = None
            continue
        stamps[entry.path] = [stat.st_mtime_ns, stat.st_size]
    return stamps


def _stamp(path: str) -> Stamp:
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return [stat.st_mtime_ns, stat.st_size]


def _inode(path: Path) -> int | None:
    try:
        return path.stat().st_ino
    except OSError:
        return None
