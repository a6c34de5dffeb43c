"""RenderedPage list -> output folder, all or nothing, writing only what changed, with its search index.

The output folder has a twin beside it, ``.<name>-standby``, which holds the site as it was one build ago. A build
brings the twin up to date (writing only files whose bytes differ, deleting files of removed pages), runs Pagefind
there when a page changed (or, for the preview, later: see ``refresh_search``), and then exchanges the two
folders in one atomic step. A failed or killed build
leaves the output folder exactly as it was; unchanged files are never rewritten. What each twin holds is recorded
per folder (by inode) in a state file, so pages that did not change need not even be rendered.
"""

from __future__ import annotations

import ctypes
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from builder import records, snapshot, urls
from builder.errors import Interrupted, OutputError, file_problem

SEARCH_BUNDLE_UNUSED = ("pagefind-component-ui.css", "pagefind-component-ui.js", "pagefind-highlight.js",
                        "pagefind-modular-ui.css", "pagefind-modular-ui.js", "pagefind-ui.css", "pagefind-ui.js")
"""Pagefind's ready-made search interfaces: the theme's ``assets/search.js`` talks to ``pagefind.js`` itself."""
STATE_VERSION = 4
"""The state file is JSON written with orjson (``records``): at 10,000 articles it holds about 9 MB, which the
standard library's encoder takes a tenth of a second to write. A folder about to change is marked in a small
file beside it (``_mark_changing``), which a builder that reads an earlier version would not heed."""


@dataclass(frozen=True, slots=True)
class Generation:
    """What one output folder holds."""

    files: dict[str, str] = field(default_factory=dict)
    """Path inside the folder -> SHA-256 of its bytes."""
    fingerprints: dict[str, Any] = field(default_factory=dict)
    """What its pages were rendered from (``deps.Fingerprints`` as plain data): page fingerprints, input digests."""
    search_stale: bool = False
    """True when its search index was made for an earlier version of its pages (``write_site`` deferred it)."""


@dataclass(frozen=True, slots=True)
class WriteReport:
    """What writing the site did."""

    files: int
    """Files in the new site."""
    written: int
    """Files whose bytes changed (written into the twin)."""
    removed: int
    """Files of pages that no longer exist."""
    search_stale: bool = False
    """True when the search index was left as it was although pages changed (``refresh_search`` brings it up
    to date)."""


def check_output_dir(out_dir: Path, sources: Iterable[Path]) -> None:
    """Refuse an output folder that is, contains, or lies inside one of the site's sources."""
    out = out_dir.resolve()
    for source in sources:
        src = source.resolve()
        if out == src or out in src.parents:
            raise OutputError(out_dir, None, f"output folder would replace the site's sources ({source}); "
                                             "choose another --out")
        if src in out.parents and src.name in ("content", "seeds", "templates"):
            raise OutputError(out_dir, None, f"output folder lies inside the sources ({source}); "
                                             "choose another --out")


MARKER = ".builder-output"
"""A file in every output folder (as Sphinx leaves ``.buildinfo``): it tells a folder the builder wrote, wherever
it is copied or cloned to, from a folder of other things given as ``--out``."""
MARKER_TEXT = b"This folder is written by builder: each build replaces all of it, so keep nothing else in it.\n"


def refuse_foreign_output(out_dir: Path, state_file: Path, own: Path) -> None:
    """Refuse an output folder that holds files this builder did not write there (a folder of other things given
    as ``--out``): a build would move them into the twin, and a later one delete them. The site's ``own`` output
    folder is the builder's whatever it holds; any other folder is the builder's when it holds ``MARKER`` or its
    state file records it (a folder written before the marker was)."""
    out = out_dir.resolve()
    if out == own.resolve() or not out.is_dir() or (out / MARKER).is_file():
        return
    try:
        with os.scandir(out) as entries:
            if next(entries, None) is None:
                return
    except OSError as exc:
        raise OutputError(out_dir, None, f"cannot read the output folder ({exc.strerror}); check permissions or "
                                         "choose another --out") from exc
    if str(out.stat().st_ino) not in _folders_recorded(state_file):
        raise OutputError(out_dir, None, "output folder holds files this builder did not write (or its record in "
                                         ".builder/ is gone), which a build would delete; empty it or choose "
                                         "another --out")


def standby_dir(out_dir: Path) -> Path:
    """The output folder's twin, one build behind."""
    out = out_dir.resolve()
    return out.parent / f".{out.name}-standby"


State = dict[str, "Generation | None"]
"""What a state file records: each output folder and twin (by inode) -> what it holds (None: unknown)."""


def live_generation(out_dir: Path, state_file: Path, recorded: State | None = None) -> Generation:
    """What the output folder holds now, as far as the state file knows (empty when unknown); ``recorded`` is
    what the state file holds, when the caller has just read it."""
    out = out_dir.resolve()
    if not out.is_dir():
        return Generation()
    state = recorded if recorded is not None else read_state(state_file)
    return state.get(str(out.stat().st_ino)) or Generation()


def write_site(produce: Callable[[Store], Iterable[Stored]], reused: Sequence[str],
               fingerprints: Mapping[str, Any], out_dir: Path, state_file: Path, search: bool,
               defer_search: bool = False, stop: Callable[[], bool] | None = None, pending: Collection[str] = (),
               recorded: State | None = None) -> WriteReport:
    """Make the output folder hold exactly the files that ``produce`` stores plus the ``reused`` files of the
    current output, in one atomic step. ``produce`` is given the function that stores one file (path, bytes)
    into the twin, and yields what that function returned for each file. Files go into the twin as they come, so
    a big site is never held in memory whole; ``pending`` names the files that other processes may store (render
    processes forked by ``produce``: this process learns of them only when they are yielded). ``fingerprints``
    are recorded for the next build. With ``defer_search``, changed pages keep the current search index (marked
    stale) instead of waiting for Pagefind: the preview shows a page first and indexes it a moment later. When
    ``stop`` returns True while Pagefind runs, it is stopped and ``Interrupted`` raised; the output folder is left
    as it was, as it is by any error while the files come. ``recorded`` is what the state file holds, when the
    caller has just read it (``read_state``)."""
    out = _prepare(out_dir)
    twin = standby_dir(out_dir)
    state = dict(recorded) if recorded is not None else read_state(state_file)
    live = state.get(str(out.stat().st_ino)) if out.is_dir() else None
    known = _open_twin(twin, state)
    state[str(twin.stat().st_ino)] = None  # the twin is about to change: unknown until written
    _mark_changing(state_file, twin)
    try:
        writer = _Writer(twin, dict(known), known)
        for path in pending:
            known[path] = UNKNOWN  # until its process reports it stored
        target: dict[str, str] = {}
        written = 0
        for stored in (*produce(writer.store), writer.store(MARKER, MARKER_TEXT)):
            target[stored.path] = known[stored.path] = stored.digest
            written += stored.written
        target.update(_reused(reused, live))
        written += _sync(twin, known, target, {}, out)
        if live is not None and _holds(live, target, search, defer_search):
            state[str(twin.stat().st_ino)] = Generation(dict(known), {}, True)
            state[str(out.stat().st_ino)] = Generation(live.files, dict(fingerprints), live.search_stale)
            _save_state(state_file, state)
            return WriteReport(len(live.files), 0, 0, live.search_stale)
        removed = _remove_stale(twin, known, target, keep=urls.SEARCH_INDEX)  # before Pagefind reads the twin
        stale = False
        if search:
            added, stale = _sync_search(twin, known, target, out, live, defer_search, stop)
            written += added
        removed += _remove_stale(twin, known, target)
        twin.chmod(0o755)
    except OSError as exc:
        _keep_twin_state(state_file, state, twin, known)
        if exc.filename is not None and not _is_output(exc.filename, out):  # an input, such as a template
            raise file_problem(exc) from exc
        raise OutputError(out_dir, None, f"cannot write the site ({exc.strerror}); check permissions and free "
                                         "space") from exc
    except BaseException:
        _keep_twin_state(state_file, state, twin, known)
        raise
    state[str(twin.stat().st_ino)] = Generation(target, dict(fingerprints), stale)
    if live is not None:  # about to become the twin, whose fingerprints no build reads
        state[str(out.stat().st_ino)] = Generation(live.files, {}, live.search_stale)
    _save_state(state_file, state)
    _swap(twin, out)
    return WriteReport(len(target), written, removed, stale)


def _is_output(name: str | bytes, out: Path) -> bool:
    """Whether a file an error names belongs to the output: in it, or in its twin or a scratch folder beside it
    (``.output-standby``, ``.output-search-...``)."""
    path, out = Path(os.fsdecode(name)).absolute(), out.absolute()
    if path.is_relative_to(out):
        return True
    return path.is_relative_to(out.parent) and path.relative_to(out.parent).parts[0].startswith(f".{out.name}-")


UNKNOWN = ""
"""The digest of a file of the twin that may be there with unknown bytes (being written, or left by a build that
failed): no file has it, so the next build writes the file again or deletes it."""


@dataclass(frozen=True, slots=True)
class Stored:
    """One file stored into the twin."""

    path: str
    """Path inside the output folder."""
    digest: str
    """SHA-256 of its bytes."""
    written: bool
    """False when the twin held these bytes already."""


Store = Callable[[str, bytes], Stored]
"""Stores one file (path inside the output folder, bytes) into the twin; safe to call in a forked process."""


@dataclass(frozen=True, slots=True)
class _Writer:
    """Writes files into the twin, leaving alone those whose bytes it holds already."""

    twin: Path
    before: Mapping[str, str]
    """What the twin held when the build began (path -> digest)."""
    known: dict[str, str]
    """What it is known to hold now: a file is ``UNKNOWN`` while it is written (in the process that writes it)."""

    def store(self, path: str, data: bytes) -> Stored:
        digest = _digest(data)
        if self.before.get(path) == digest:
            return Stored(path, digest, False)
        self.known[path] = UNKNOWN  # while it is written
        _write(self.twin / path, data)
        self.known[path] = digest
        return Stored(path, digest, True)


def _write(destination: Path, data: bytes | Path) -> None:
    """Write one file of the twin: ``data``, or the bytes of the file it names (streamed: an asset may be big). A
    file there already is written over in place and cut to its new length, never emptied first: ext4 writes a
    file that was emptied and written again to disk as soon as it is closed (its guard against losing data in a
    crash), which made rewriting the files of the twin about ten times slower; and a build may rewrite all of
    them."""
    with _opened(destination) as file:
        if isinstance(data, Path):
            with open(data, "rb") as source:
                shutil.copyfileobj(source, file)
        else:
            file.write(data)
        file.truncate()


def _opened(destination: Path) -> BinaryIO:
    """The file open for writing where it is (``_write``), made with its folder when missing."""
    try:
        return open(destination, "r+b")
    except FileNotFoundError:
        destination.parent.mkdir(parents=True, exist_ok=True)
        return open(destination, "wb")


def _keep_twin_state(state_file: Path, state: dict[str, Generation | None], twin: Path, known: dict[str, str]) -> None:
    """Record what the twin holds now, ``known`` (a file being written is ``UNKNOWN``), after a failed, interrupted
    or partial write, so the next build need not write it all again."""
    state[str(twin.stat().st_ino)] = Generation(dict(known), {}, True)
    _save_state(state_file, state)


def refresh_search(out_dir: Path, state_file: Path, stop: Callable[[], bool] | None = None
                   ) -> WriteReport | None:
    """Bring a search index that ``write_site`` deferred up to date, in one atomic step like any build (None:
    it was not stale). ``stop`` may interrupt it (see ``write_site``)."""
    out = out_dir.resolve()
    live = live_generation(out, state_file)
    if not live.search_stale:
        return None
    pages = [p for p in live.files if not p.startswith(urls.SEARCH_INDEX)]
    return write_site(lambda store: (), pages, live.fingerprints, out, state_file, search=True, stop=stop)


def fill_standby(out_dir: Path, state_file: Path, stop: Callable[[], bool] | None = None) -> bool:
    """Make the output folder's twin a copy of it, so that the next build writes only what changes (the preview
    does this while idle: a first build leaves no twin). Gives up when ``stop`` returns True, keeping what was
    copied; returns True when the twin is complete."""
    out = out_dir.resolve()
    live = live_generation(out, state_file)
    if not live.files:
        return True
    state = read_state(state_file)
    twin = standby_dir(out_dir)
    known = _open_twin(twin, state)
    if known == live.files:
        return True
    state[str(twin.stat().st_ino)] = None
    _mark_changing(state_file, twin)
    try:
        complete = True
        for path in sorted(live.files):
            if stop is not None and stop():
                complete = False
                break
            _sync(twin, known, {path: live.files[path]}, {}, out)
        if complete:
            _remove_stale(twin, known, live.files)
    except OSError as exc:
        raise OutputError(twin, None, f"cannot copy the site ({exc.strerror}); check permissions and free "
                                      "space") from exc
    finally:
        _keep_twin_state(state_file, state, twin, known)
    return complete


def _prepare(out_dir: Path) -> Path:
    out = out_dir.resolve()
    blocking = next((p for p in (out.parent, *out.parent.parents) if p.exists()), out.parent)
    if not blocking.is_dir():
        raise OutputError(out_dir, None, f"cannot create the output folder: {blocking} is a file; choose another --out")
    if out.exists() and not out.is_dir():
        raise OutputError(out_dir, None, "output path exists and is not a folder; remove it or choose another --out")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        remove_leftovers(out)
    except OSError as exc:
        raise OutputError(out_dir, None, f"cannot create the output folder ({exc.strerror}); "
                                         "check permissions or choose another --out") from exc
    return out


def _holds(live: Generation, target: dict[str, str], search: bool, defer_search: bool) -> bool:
    """True when the output folder already holds exactly these files (and a search index if one is wanted, up to
    date unless it may be deferred)."""
    pages = {p: d for p, d in live.files.items() if not p.startswith(urls.SEARCH_INDEX)}
    has_index = len(pages) < len(live.files)
    return pages == target and has_index == search and (defer_search or not live.search_stale)


def _open_twin(twin: Path, state: dict[str, Generation | None]) -> dict[str, str]:
    """What the twin holds; a twin of unknown content (a killed build, a first build) is emptied."""
    if twin.is_dir():
        known = state.get(str(twin.stat().st_ino))
        if known is not None:
            return dict(known.files)
        shutil.rmtree(twin)
    try:
        twin.mkdir()
    except OSError as exc:
        raise OutputError(twin, None, f"cannot create the output folder ({exc.strerror}); "
                                      "check permissions or choose another --out") from exc
    return {}


def _reused(reused: Sequence[str], live: Generation | None) -> dict[str, str]:
    """The digests of files kept from the current output."""
    files = live.files if live is not None else {}
    missing = [path for path in reused if path not in files]
    if missing:
        raise ValueError(f"{missing[0]} cannot be reused: the output does not hold it")
    return {path: files[path] for path in reused}


def _sync(twin: Path, known: dict[str, str], target: dict[str, str], rendered: Mapping[str, bytes],
          live_dir: Path) -> int:
    """Write into the twin every file whose bytes differ from what it holds; return how many."""
    written = 0
    for path in sorted(target):
        if known.get(path) == target[path]:
            continue
        known[path] = UNKNOWN  # while it is written
        _write(twin / path, rendered[path] if path in rendered else live_dir / path)
        known[path] = target[path]
        written += 1
    return written


def _sync_search(twin: Path, known: dict[str, str], target: dict[str, str], live_dir: Path,
                 live: Generation | None, defer: bool, stop: Callable[[], bool] | None) -> tuple[int, bool]:
    """Pagefind's index of the twin's pages, run only when a page changed (else the current index is kept, as
    it is when ``defer``); returns the files written and whether the index is stale."""
    pages = {p: d for p, d in target.items() if p.endswith(".html")}
    live_pages = {p: d for p, d in (live.files if live else {}).items() if p.endswith(".html")}
    live_index = {p: d for p, d in (live.files if live else {}).items() if p.startswith(urls.SEARCH_INDEX)}
    current = pages == live_pages and live is not None and not live.search_stale
    if live_index and (current or defer):
        target.update(live_index)
        return _sync(twin, known, target, {}, live_dir), not current
    with tempfile.TemporaryDirectory(prefix=f".{live_dir.name}-search-", dir=twin.parent) as scratch:
        bundle = Path(scratch) / "pagefind"
        index_search(twin, bundle, stop)
        files = {f"{urls.SEARCH_INDEX}{p.relative_to(bundle).as_posix()}": p.read_bytes()
                 for p in sorted(bundle.rglob("*")) if p.is_file()}
    target.update({path: _digest(data) for path, data in files.items()})
    return _sync(twin, known, target, files, live_dir), False


def index_search(site: Path, bundle: Path, stop: Callable[[], bool] | None = None) -> None:
    """Run Pagefind over the pages in ``site``, writing its index into ``bundle`` (byte-identical rebuilds); stop
    it and raise ``Interrupted`` as soon as ``stop`` returns True."""
    from pagefind.service import get_executable  # loads asyncio: only a build that indexes pays for it

    executable = get_executable()
    if executable is None:
        raise OutputError(site, None, "cannot build the search index: Pagefind is missing; "
                                      "run `pip install 'pagefind[extended]'` (make build does)")
    with tempfile.TemporaryFile("w+") as log, subprocess.Popen(
            [str(executable), "--site", str(site), "--output-path", str(bundle), "--silent"],
            stdout=log, stderr=subprocess.STDOUT, text=True) as pagefind:
        while pagefind.poll() is None:
            if stop is not None and stop():
                pagefind.kill()
                raise Interrupted("search index")
            time.sleep(0.01)
        log.seek(0)
        output = log.read()
    if pagefind.returncode != 0:
        detail = output.strip().splitlines()
        raise OutputError(site, None, f"Pagefind could not index the site: {detail[-1] if detail else 'no output'}")
    for name in SEARCH_BUNDLE_UNUSED:
        (bundle / name).unlink(missing_ok=True)


def _remove_stale(twin: Path, known: dict[str, str], target: dict[str, str], keep: str | None = None) -> int:
    """Delete the twin's files that the new site does not have (but those whose path starts with ``keep``), and
    folders left empty."""
    stale = sorted(path for path in set(known) - set(target) if keep is None or not path.startswith(keep))
    for path in stale:
        (twin / path).unlink(missing_ok=True)
        del known[path]
    for folder in sorted({(twin / p).parent for p in stale}, key=lambda f: -len(f.parts)):
        while folder != twin and folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
            folder = folder.parent
    return len(stale)


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_state(state_file: Path) -> State:
    """What the state file records (empty when it is missing or unreadable, or was written before the machine last
    started: see ``snapshot.boot_id``)."""
    try:
        data = records.read(state_file)
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("version") != STATE_VERSION or data.get("boot") != snapshot.boot_id():
        return {}
    state = {ino: Generation(g["files"], g["fingerprints"], g["search_stale"]) if g else None
             for ino, g in data.get("folders", {}).items()}
    try:
        changing = records.read(_changing_file(state_file))
    except (OSError, ValueError):
        return state
    return {**state, str(changing): None}


def _folders_recorded(state_file: Path) -> set[str]:
    """The inodes of the folders the state file names, whatever builder wrote it and whenever."""
    folders: set[str] = set()
    for path in (state_file, _changing_file(state_file)):
        try:
            data = records.read(path)
        except (OSError, ValueError):
            continue
        if isinstance(data, dict):
            folders |= {str(ino) for ino in data.get("folders", {})}
        elif isinstance(data, str):  # the folder about to change (``_mark_changing``)
            folders.add(data)
    return folders


def _save_state(state_file: Path, state: Mapping[str, Generation | None]) -> None:
    folders: dict[str, Any] = {ino: {"files": g.files, "fingerprints": g.fingerprints,
                                     "search_stale": g.search_stale} if g else None
                               for ino, g in state.items()}
    records.save(state_file, {"version": STATE_VERSION, "boot": snapshot.boot_id(), "folders": folders})
    _changing_file(state_file).unlink(missing_ok=True)


def _mark_changing(state_file: Path, folder: Path) -> None:
    """Record that a folder (the twin) is about to change, so that a build killed meanwhile knows it holds
    unknown files: a small file beside the state file that ``read_state`` heeds until ``_save_state`` writes the
    whole state again (several megabytes at 10,000 articles)."""
    records.save(_changing_file(state_file), str(folder.stat().st_ino))


def _changing_file(state_file: Path) -> Path:
    return state_file.with_suffix(".changing.json")


def _swap(twin: Path, out: Path) -> None:
    """Exchange the twin and the output folder in one atomic step (Linux), or as closely as the system allows."""
    if not out.exists():
        os.replace(twin, out)
        return
    if _exchange(twin, out):
        return
    parked = out.parent / f".{out.name}-old-{os.getpid()}"
    os.replace(out, parked)
    os.replace(twin, out)
    os.replace(parked, twin)


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(first: Path, second: Path) -> bool:
    """Swap two folders in one step with Linux's renameat2(RENAME_EXCHANGE); False where that is unavailable."""
    if sys.platform != "linux":
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    result = renameat2(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE)
    return bool(result == 0)


def remove_leftovers(out_dir: Path) -> None:
    """Remove what builds of earlier versions, or killed ones, left beside the output folder."""
    for prefix in (f".{out_dir.name}-new-", f".{out_dir.name}-old-", f".{out_dir.name}-search-"):
        for leftover in sorted(out_dir.parent.glob(prefix + "*")):
            shutil.rmtree(leftover, ignore_errors=True)
