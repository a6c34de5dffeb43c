"""RenderedPage list -> output folder, all or nothing, with its search index.

Pages are written into a fresh folder beside the output folder, Pagefind indexes them there (``pagefind/``),
and the folder is swapped in only once all that succeeded: a failed or killed build leaves the previous site
exactly as it was. The output folder may never be, or contain, the site's sources.
"""

from __future__ import annotations

import ctypes
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path

from pagefind.service import get_executable

from builder import urls
from builder.errors import OutputError
from builder.render import RenderedPage

SEARCH_BUNDLE_UNUSED = ("pagefind-component-ui.css", "pagefind-component-ui.js", "pagefind-highlight.js",
                        "pagefind-modular-ui.css", "pagefind-modular-ui.js", "pagefind-ui.css", "pagefind-ui.js")
"""Pagefind's ready-made search interfaces: the theme's ``assets/search.js`` talks to ``pagefind.js`` itself."""


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


def write_site(pages: Iterable[RenderedPage], out_dir: Path) -> int:
    """Write every page into a fresh folder and swap it in place of ``out_dir``; return the number of files."""
    parent = out_dir.resolve().parent
    blocking = next((p for p in (parent, *parent.parents) if p.exists()), parent)
    if not blocking.is_dir():
        raise OutputError(out_dir, None, f"cannot create the output folder: {blocking} is a file; choose another --out")
    try:
        parent.mkdir(parents=True, exist_ok=True)
        remove_leftovers(out_dir)
        staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}-new-", dir=parent))
    except OSError as exc:
        raise OutputError(out_dir, None, f"cannot create the output folder ({exc.strerror}); "
                                         "check permissions or choose another --out") from exc
    try:
        count = _write_all(pages, staging)
        index_search(staging)
        _swap(staging, out_dir.resolve())
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise OutputError(out_dir, None, f"cannot write the site ({exc.strerror}); "
                                         "check permissions and free space") from exc
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return count


def _write_all(pages: Iterable[RenderedPage], staging: Path) -> int:
    count = 0
    for page in pages:
        target = staging / page.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(page.data)
        count += 1
    staging.chmod(0o755)
    return count


def index_search(site: Path) -> None:
    """Run Pagefind over the written pages: the static search index in ``pagefind/`` (byte-identical rebuilds)."""
    executable = get_executable()
    if executable is None:
        raise OutputError(site, None, "cannot build the search index: Pagefind is missing; "
                                      "run `pip install 'pagefind[extended]'` (make build does)")
    bundle = site / urls.SEARCH_INDEX
    result = subprocess.run([str(executable), "--site", str(site), "--output-path", str(bundle), "--silent"],
                            capture_output=True, text=True, check=False)
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().splitlines()
        raise OutputError(site, None, f"Pagefind could not index the site: {detail[-1] if detail else 'no output'}")
    for name in SEARCH_BUNDLE_UNUSED:
        (bundle / name).unlink(missing_ok=True)


def _swap(staging: Path, out: Path) -> None:
    """Replace ``out`` by ``staging``: an atomic exchange where the system has one, so that a build killed at any
    moment leaves either the old site or the new one in place; the old folder is removed afterwards."""
    if not out.exists():
        os.replace(staging, out)
        return
    if not out.is_dir():
        raise OutputError(out, None, "output path exists and is not a folder; remove it or choose another --out")
    if _exchange(staging, out):
        shutil.rmtree(staging, ignore_errors=True)
        return
    retired = Path(tempfile.mkdtemp(prefix=f".{out.name}-old-", dir=out.parent))
    os.replace(out, retired / out.name)
    os.replace(staging, out)
    shutil.rmtree(retired, ignore_errors=True)


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
    """Remove the staging folders of builds that were killed before they could clean up."""
    parent = out_dir.resolve().parent
    for prefix in (f".{out_dir.name}-new-", f".{out_dir.name}-old-"):
        for leftover in sorted(parent.glob(prefix + "*")):
            shutil.rmtree(leftover, ignore_errors=True)
