"""Site folder -> Snapshot: the size and modification time of every input, to skip work when nothing changed.

A build that finds the same snapshot as the last successful one, with the output folder it left, has nothing
to do; one whose seeds, list of content files and builder are unchanged need not ingest (an edit to a content
page only matters to rendering).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from builder.cache import builder_digest
from builder.config import CONFIG_NAME, SiteConfig
from builder.content import SECTIONS, list_pages
from builder.render import template_dirs
from builder.seeds import list_seed_files


@dataclass(frozen=True, slots=True)
class Snapshot:
    """Stamps (modification time in ns, size) of a site's inputs."""

    seeds: dict[str, list[int]]
    """Seed file -> stamp."""
    content: dict[str, list[int]]
    """Content page -> stamp."""
    rest: dict[str, Any]
    """site.yaml, templates and assets, the builder's own code, and the output folder (inode)."""


def take_snapshot(config: SiteConfig, out: Path, content_only: Snapshot | None = None) -> Snapshot:
    """Stamp every input; with ``content_only``, take seeds and templates from it and stamp only content/."""
    content = {str(p): _stamp(p) for s in SECTIONS for p in list_pages(config.content_dir / s)}
    if content_only is not None:
        return Snapshot(content_only.seeds, content, {**content_only.rest, "output": _inode(out)})
    seeds = {str(p): _stamp(p) for p in list_seed_files(config.seeds_dir)}
    templates = {str(p): _stamp(p) for d in template_dirs(config.templates_dir) for p in sorted(d.rglob("*"))
                 if p.is_file() and "__pycache__" not in p.parts}
    config_file = config.root / CONFIG_NAME
    rest = {"site.yaml": _stamp(config_file) if config_file.exists() else None, "templates": templates,
            "builder": builder_digest(), "output": _inode(out)}
    return Snapshot(seeds, content, rest)


def load_last(path: Path) -> tuple[Snapshot, dict[str, Any]] | None:
    """The snapshot and summary the last successful build left, if any."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return Snapshot(data["seeds"], data["content"], data["rest"]), data["summary"]
    except (OSError, ValueError, KeyError, TypeError):
        return None


def save_last(path: Path, snapshot: Snapshot, summary: dict[str, Any]) -> None:
    """Remember a successful build."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    data = {"seeds": snapshot.seeds, "content": snapshot.content, "rest": snapshot.rest, "summary": summary}
    temporary.write_text(json.dumps(data, sort_keys=True), encoding="utf-8")
    os.replace(temporary, path)


def _stamp(path: Path) -> list[int]:
    stat = path.stat()
    return [stat.st_mtime_ns, stat.st_size]


def _inode(path: Path) -> int | None:
    try:
        return path.stat().st_ino
    except OSError:
        return None
