"""The whole pipeline, one stage per line: seeds -> content -> site model -> pages -> output folder."""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from builder.config import SiteConfig, load_config
from builder.content import PageReader, load_content
from builder.errors import BuilderError, BuildFailed
from builder.feeds import base_url_warning
from builder.ingest import (
    IngestPlan,
    add_moves,
    apply_plan,
    follow_renames,
    generate_pages,
    ignored_paths,
    plan_ingest,
    read_pages,
    read_record,
)
from builder.model import build_site
from builder.output import check_output_dir, write_site
from builder.render import render_site
from builder.seeds import load_seeds


@dataclass(frozen=True, slots=True)
class BuildReport:
    """What a build did, for the summary line."""

    ingest: IngestPlan
    """Pages ingest created and seeds it skipped."""
    pages: Counter[str]
    """Number of files written per kind (home, article, person...)."""
    seconds: float
    """Wall time of the whole build."""
    warnings: tuple[str, ...]
    """Harmless problems to show the user."""

    def summary(self) -> str:
        """One line: what was written and how long it took."""
        total = sum(self.pages.values())
        kinds = ", ".join(f"{n} {k}" for k, n in sorted(self.pages.items()))
        counts = self.ingest.counts()
        changes = [f"{counts[a]} {w}" for a, w in (("create", "created"), ("update", "updated"),
                                                   ("remove", "removed")) if counts.get(a)]
        ingest = f"content: {', '.join(changes)}; " if changes else ""
        return f"{ingest}wrote {total} files ({kinds}) in {self.seconds:.2f} s"


def ingest(config: SiteConfig, dry_run: bool = False, reader: PageReader | None = None) -> IngestPlan:
    """Bring content/ up to date with seeds/ without losing an edit (only plan it when ``dry_run``)."""
    seeds = load_seeds(config.seeds_dir)
    disk, raw = read_pages(config.content_dir, reader or PageReader())
    record, moved = follow_renames(read_record(config.root), disk)
    drafts = generate_pages(seeds, disk, ignored_paths(record, disk))
    add_moves(drafts, moved, record)
    plan = plan_ingest(drafts, disk, raw, record)
    if not dry_run:
        apply_plan(plan, config.content_dir, config.root)
    return plan


def build(site_dir: Path, out_dir: Path | None = None, strict: bool = False) -> BuildReport:
    """Ingest new seeds, then render the site into ``out_dir`` (default: ``<site>/output``); with ``strict``,
    warnings fail the build before anything is written."""
    started = time.perf_counter()
    config = load_config(site_dir)
    out = out_dir if out_dir is not None else config.root / "output"
    check_output_dir(out, [config.root, config.seeds_dir, config.content_dir, config.templates_dir])
    reader = PageReader()
    plan = ingest(config, reader=reader)
    content = load_content(config.content_dir, reader)
    warnings = config.warnings + content.warnings
    if strict and warnings:
        raise BuildFailed([BuilderError(None, None, f"{w} (--strict)") for w in warnings])
    site = build_site(config, content)
    pages = render_site(site)
    write_site(pages, out)
    return BuildReport(plan, Counter(p.kind for p in pages), time.perf_counter() - started,
                       warnings + base_url_warning(config))
