"""Source folders -> batches of changed paths, for the preview.

Polls the stamps (mtime, size, inode) of every file under the watched paths, collects what changed, and hands
the whole set over only once the changes have settled, so that a burst (a ``git checkout`` of 50 files) is one
batch and a save made while a build runs is kept for the next one. Files the build wrote itself are absorbed,
so they never start another build.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

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
