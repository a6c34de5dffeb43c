"""Source folders -> batches of changed paths, for the preview.

The operating system's file events (inotify and its peers, through ``watchfiles``) say which paths under
the watched folders may have changed; the watcher then compares the stamps (mtime, size, inode) of those files
(of every file in a reported folder) with what it saw last, collects what changed, and hands the whole set over
only once the changes have settled, so that a burst (a ``git checkout`` of 50 files) is one batch and a save
made while a build runs is kept for the next one. Files the build wrote itself are absorbed, so they never
start another build. While nothing happens nothing is scanned, except a slow safety scan of every file for file
systems that send no events.
"""

from __future__ import annotations

import functools
import os
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import watchfiles

Stamp = tuple[int, int, int]
"""What tells a file changed: modification time (ns), size, inode (an editor's save-by-rename)."""

_EDITOR_SUFFIXES = (".swp", ".swx", ".swo", "~", ".tmp", ".kate-swp")


def is_ignored(name: str) -> bool:
    """True for names no build reads: hidden files and folders, editors' swap, backup and lock files."""
    return name.startswith((".", "#")) or name.endswith(_EDITOR_SUFFIXES) or name == "4913"


def scan(roots: Iterable[Path]) -> dict[Path, Stamp]:
    """The stamp of every file under ``roots`` (each a folder or a single file; a missing one is empty)."""
    stamps: dict[Path, Stamp] = {}
    for root in roots:
        if root.is_dir():
            _scan_folder(root, stamps)
        elif root.is_file():
            stamps[root] = _stamp(os.stat(root))
    return stamps


def _scan_folder(folder: Path, stamps: dict[Path, Stamp]) -> None:
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return  # removed while we looked: its files show up as removed
    for entry in entries:
        if is_ignored(entry.name):
            continue
        try:
            if entry.is_dir(follow_symlinks=False):
                _scan_folder(Path(entry.path), stamps)
            elif entry.is_file():
                stamps[Path(entry.path)] = _stamp(entry.stat())
        except OSError:
            continue  # removed between the listing and the stat


def _stamp(info: os.stat_result) -> Stamp:
    return info.st_mtime_ns, info.st_size, info.st_ino


def changed_paths(before: Mapping[Path, Stamp], after: Mapping[Path, Stamp]) -> set[Path]:
    """Paths added, removed or modified between two scans."""
    return {p for p in before.keys() | after.keys() if before.get(p) != after.get(p)}


@dataclass
class Watcher:
    """Collects changes under ``roots`` and releases them as one batch once nothing changed for ``settle`` s."""

    roots: Sequence[Path]
    """Folders and files to watch."""
    settle: float = 0.03
    """Quiet time (seconds) after the last change before the batch is released."""
    snapshot: dict[Path, Stamp] = field(default_factory=dict)
    """Stamps as of the last check."""
    pending: set[Path] = field(default_factory=set)
    """Changed paths not yet handed over."""
    last_change: float = 0.0
    """When (monotonic seconds) the last change was seen."""

    def start(self) -> None:
        """Take the first snapshot: what exists now is not a change."""
        self.snapshot = scan(self.roots)

    def check(self, now: float) -> None:
        """Rescan; add what changed since the last check to the pending batch."""
        current = scan(self.roots)
        changed = changed_paths(self.snapshot, current)
        self.snapshot = current
        if changed:
            self.pending |= changed
            self.last_change = now

    def check_paths(self, paths: Iterable[Path], now: float) -> None:
        """Look again at reported paths only: a file, or every file of a folder (a path that is gone takes the
        files under it along); what changed joins the pending batch."""
        changed: set[Path] = set()
        for path in paths:
            if not any(path == root or root in path.parents for root in self.roots):
                continue
            if path in self.snapshot and path.is_file():  # the usual event: a known file saved
                before = {path: self.snapshot[path]}
            else:  # a folder, a new file, or a path that is gone: what was known at or under it
                prefix = f"{path}{os.sep}"
                before = {p: s for p, s in self.snapshot.items() if p == path or str(p).startswith(prefix)}
            ignored = not path.is_dir() and any(is_ignored(part) for part in path.parts[-3:])
            current = {} if ignored else scan([path])
            for known in before:
                del self.snapshot[known]
            self.snapshot |= current
            changed |= changed_paths(before, current)
        if changed:
            self.pending |= changed
            self.last_change = now

    def take(self, now: float) -> frozenset[Path]:
        """The pending batch once it has settled (and forget it), else nothing."""
        if not self.pending or now - self.last_change < self.settle:
            return frozenset()
        batch = frozenset(self.pending)
        self.pending.clear()
        return batch

    def absorb(self, own_writes: Mapping[Path, str | None]) -> None:
        """Forget changes the build made itself: a file that still holds exactly the text it wrote (``None``: a
        file it removed and that is still gone). A file someone changed since stays pending."""
        for path, text in own_writes.items():
            stamp = _stamp_of(path)
            if not is_own_write(path, text):
                continue
            self.pending.discard(path)
            if stamp is None:
                self.snapshot.pop(path, None)
            else:
                self.snapshot[path] = stamp


def _stamp_of(path: Path) -> Stamp | None:
    try:
        return _stamp(os.stat(path))
    except OSError:
        return None


def is_own_write(path: Path, text: str | None) -> bool:
    """True when ``path`` holds exactly ``text`` (or, for ``None``, does not exist)."""
    if text is None:
        return not path.exists()
    try:
        return path.read_bytes() == text.encode("utf-8")
    except OSError:
        return False


class Trigger:
    """Collects the paths the file system reports changed under ``site / name`` for any of ``names`` (folders
    watched with their subfolders, files on their own), including one created after the start. Two threads wait for
    events: one on the site folder itself (its direct entries), one on the watched folders that exist."""

    def __init__(self, site: Path, names: Sequence[str]) -> None:
        self.site = site
        self.names = tuple(names)
        self._lock = threading.Lock()
        self._paths: set[Path] = set()
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._watch_top, name="watch-site", daemon=True),
                         threading.Thread(target=self._watch_folders, name="watch-folders", daemon=True)]

    def start(self) -> None:
        """Start waiting for events."""
        for thread in self._threads:
            thread.start()

    def take(self) -> set[Path]:
        """The paths reported since the last call (empty when none)."""
        with self._lock:
            paths, self._paths = self._paths, set()
        return paths

    def stop(self) -> None:
        """Stop the threads (they notice within a few milliseconds)."""
        self._stop.set()
        for thread in self._threads:
            if thread.ident is not None:  # started
                thread.join(timeout=5)

    def _folders(self) -> tuple[Path, ...]:
        return tuple(self.site / n for n in self.names if (self.site / n).is_dir())

    def _moved(self, folders: tuple[Path, ...]) -> bool:
        return self._folders() != folders

    def _watch_top(self) -> None:
        names = set(self.names)
        self._relay(_events([self.site], self._stop, lambda _, path: Path(path).name in names, recursive=False))

    def _watch_folders(self) -> None:
        while not self._stop.is_set():
            folders = self._folders()
            moved = _Either(self._stop, functools.partial(self._moved, folders))  # a folder came or went: anew
            if folders:
                self._relay(_events(folders, moved, _not_ignored))
            else:
                self._stop.wait(0.1)

    def _relay(self, events: Iterable[set[tuple[watchfiles.Change, str]]]) -> None:
        for burst in events:
            with self._lock:
                self._paths |= {Path(path) for _, path in burst}


def _events(paths: Sequence[Path], stop: threading.Event | _Either, keep: Callable[[Any, str], bool],
            recursive: bool = True) -> Iterator[set[tuple[watchfiles.Change, str]]]:
    """Bursts of file events under ``paths``, handed over within milliseconds (the watcher's own settle time
    groups a burst), until ``stop`` is set."""
    return watchfiles.watch(*paths, watch_filter=keep, debounce=50, step=5, stop_event=stop, rust_timeout=100,
                            raise_interrupt=False, recursive=recursive)


def _not_ignored(_: object, path: str) -> bool:
    return not any(is_ignored(part) for part in Path(path).parts[-3:])


class _Either:
    """A stop event for ``watchfiles``: set when ``event`` is, or when ``check`` says so."""

    def __init__(self, event: threading.Event, check: Callable[[], bool]) -> None:
        self.event = event
        self.check = check

    def is_set(self) -> bool:
        return self.event.is_set() or self.check()
