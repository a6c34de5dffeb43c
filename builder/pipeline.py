"""The whole pipeline, one stage per line: seeds -> content -> site model -> pages -> output folder."""

from __future__ import annotations

import functools
import gc
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, ParamSpec, TypeVar, cast

from builder.config import SiteConfig, load_config
from builder.content import (
    Content,
    PageReader,
    Section,
    content_pages,
    load_content,
    load_page,
    page_slug,
    read_article,
)
from builder.deps import Fingerprints, common_inputs, explain, fingerprints
from builder.edits import edited_articles, entity_records_file, patch_articles, save_entity_records
from builder.errors import BuilderError, BuildFailed, Interrupted
from builder.feeds import base_url_warning
from builder.ingest import (
    Draft,
    IngestPlan,
    add_moves,
    added_paths,
    apply_plan,
    follow_renames,
    generate_pages,
    ignored_paths,
    plan_ingest,
    read_pages,
    read_record,
)
from builder.model import Site, analysis, build_site, with_article
from builder.output import (
    Store,
    Stored,
    check_output_dir,
    fill_standby,
    live_generation,
    read_state,
    refresh_search,
    refuse_foreign_output,
    write_site,
)
from builder.render import RenderedPage, render_page, render_pages, template_pages
from builder.snapshot import (
    Check,
    Snapshot,
    check_inputs,
    ingest_pending,
    last_build_file,
    load_last,
    report_line,
    save_last,
    state_file,
    take_snapshot,
    with_output,
)
from builder.urls import SEARCH_INDEX, output_path, page_url

P = ParamSpec("P")
R = TypeVar("R")

Progress = Callable[[str, int, int], None]
"""Told of long work as it goes: (what is being done, how many are done, how many in all; 0 of 0 for a stage
without counts)."""


@dataclass(frozen=True, slots=True)
class BuildReport:
    """What a build did, for the summary line."""

    ingest: IngestPlan
    """What ingest created, updated, kept and removed in content/."""
    pages: Counter[str]
    """Number of files in the site per kind (home, article, person...)."""
    rendered: int
    """Pages rendered from templates (the others had not changed)."""
    written: int
    """Files whose bytes changed."""
    seconds: float
    """Wall time of the whole build."""
    warnings: tuple[str, ...]
    """Harmless problems to show the user."""
    reasons: dict[str, str] = field(default_factory=dict)
    """URL -> why it was rendered (for ``--explain``)."""
    search_pending: bool = False
    """True when the search index was deferred (``finish_search`` brings it up to date)."""
    deferred: int = 0
    """Pages made from all content (home, indexes...) whose rendering was left to the next build."""
    site: Site | None = None
    """The site model the pages were rendered from (None when nothing had changed)."""

    def summary(self) -> str:
        """One line: what changed and how long it took."""
        return report_line(self.pages, self.rendered, self.deferred, self.written, self.seconds,
                           self.ingest.counts())


def _without_cycle_collection(work: Callable[P, R]) -> Callable[P, R]:
    """Run ``work`` with Python's cycle collector paused. A build makes millions of objects that live until it
    ends (pages, the site model) and few reference cycles; the collector would go over all of them again and
    again, a third of the time of a build after an edit, to free almost nothing."""
    @functools.wraps(work)
    def paused(*args: P.args, **kwargs: P.kwargs) -> R:
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            return work(*args, **kwargs)
        finally:
            if was_enabled:
                gc.enable()

    return paused


@_without_cycle_collection
def ingest(config: SiteConfig, dry_run: bool = False, reader: PageReader | None = None,
           progress: Progress | None = None, workers: int = 1, strict: bool = False) -> IngestPlan:
    """Bring content/ up to date with seeds/ without losing an edit (only plan it when ``dry_run``); many new
    seeds and content pages are read in ``workers`` processes. Without a ``reader``, the pages are read through
    the site's cache of parsed pages, which is then brought up to date. With ``strict``, warnings about seeds/
    fail it before it writes anything."""
    keep = reader is None
    reader = reader or page_reader(config.root)
    drafts, found = _drafts(config, reader, dry_run, workers, progress)
    add_moves(drafts, found.moved, found.record, found.disk)
    plan = replace(plan_ingest(drafts, found.disk, found.files, found.record), warnings=found.warnings)
    _refuse_warnings(plan.warnings, strict)
    if not dry_run:
        apply_plan(plan, config.content_dir, config.root, reader.changed_since_read)
    if keep and not dry_run:
        reader.save()
    return plan


@dataclass(frozen=True, slots=True)
class _Found:
    """What ingest reads of the site besides the seeds."""

    disk: Mapping[str, tuple[dict[str, Any], str]]
    """The content pages (path in content/ -> front matter, body)."""
    files: Mapping[str, str]
    """The text of every content file, readable as a page or not."""
    record: Mapping[str, Any]
    """What the last ingest wrote, renames followed."""
    moved: Mapping[str, str]
    """Entities' earlier slugs -> their pages now."""
    warnings: tuple[str, ...]
    """About seeds/: files that are not seeds, fields of seeds that nothing reads."""


def _drafts(config: SiteConfig, reader: PageReader, dry_run: bool, workers: int, progress: Progress | None
            ) -> tuple[dict[str, Draft], _Found]:
    """Every page the seeds imply (``generate_pages``), and what was read of the site to draft them. Seeds that
    changed are analysed in other processes while the content pages are read here, in one process: no second set
    of processes is forked beside extraction's (nor while its pool's threads run), even when it uses only one
    core; a build that finds both new seeds and many changed pages is rare. The seeds and what extraction found
    in them are let go once the pages are drafted, before the plan is made."""
    from builder.cache import SeedCache  # seeds are read only when they changed: a build after an edit skips it
    from builder.seeds import other_files

    cache = SeedCache(config.root)
    seeds = cache.load_seeds(config.seeds_dir)
    with cache.analysing(seeds, workers, _told(progress, "reading seeds", len(seeds))) as busy:
        _read_ahead(config, reader, 1 if busy else workers)
        disk, files = read_pages(config.content_dir, reader)
        record, moved = follow_renames(read_record(config.root), disk)
    drafts = generate_pages(seeds, disk, ignored_paths(record, files), cache.extract, added_paths(record, disk),
                            moved)
    if not dry_run:
        cache.save()
    warnings = (*other_files(config.seeds_dir, (seed.path for seed in seeds)),
                *(w for seed in seeds for w in seed.warnings))
    return drafts, _Found(disk, files, record, moved, warnings)


@_without_cycle_collection
def build(site_dir: Path, out_dir: Path | None = None, strict: bool = False, workers: int = 1,
          defer_search: bool = False, defer_indexes: bool = False, stop: Callable[[], bool] | None = None,
          reader: PageReader | None = None, progress: Progress | None = None, inputs: Check | None = None
          ) -> BuildReport:
    """Ingest new seeds, then render the site into ``out_dir`` (default: ``<site>/output``); with ``strict``,
    warnings fail the build before anything is written. Work that nothing changed since the last build is
    skipped; many pages to render are shared among ``workers`` processes. With ``defer_search`` changed pages
    keep the old search index until ``finish_search``; with ``defer_indexes`` the pages made from all content
    files (home, indexes, timeline...) keep their current output until the next build, unless they are new. The
    preview uses both to show an edited page first and the rest a moment later. Once ``stop`` returns True, the
    build gives up between two stages or two pages (``Interrupted``) and the output folder stays as it was. A
    ``reader`` kept between builds (by the preview) spares reading the parsed pages from disk each time;
    ``progress`` is told of each stage and how reading the seeds and rendering go. ``inputs`` are the stamps of
    the inputs when the caller has just taken them (the command line does, to answer a build with nothing to do
    before loading the pipeline)."""
    started = time.perf_counter()
    config, out, state = _site_and_output(site_dir, out_dir)
    check = inputs or check_inputs(config, out)
    if inputs is None:  # read site.yaml again now that it is stamped: it may have been saved since
        config, out, state = _site_and_output(site_dir, out_dir)
    if check.unchanged:
        return _unchanged(config, check.summary, strict, time.perf_counter() - started)
    check_output_dir(out, [config.root, config.seeds_dir, config.content_dir, config.templates_dir])
    refuse_foreign_output(out, state, config.output_dir)
    if reader is None and not defer_search:
        edited = _after_edits(config, out, state, check, strict, started)
        if edited is not None:
            return edited
    reader = reader or page_reader(config.root)
    reader.recheck()
    pending = ingest_pending(config.root)
    plan = IngestPlan(())
    if check.must_ingest:
        _mark(pending)  # until this build succeeds
        plan = ingest(config, reader=reader, progress=progress, workers=workers, strict=strict)
    stamps = check.now  # of the inputs as this build reads them: an edit saved later is built by the next one
    if any(step.action in ("create", "update", "remove") for step in plan.steps):
        reader.recheck()
        stamps = take_snapshot(config, out, content_only=check.now)  # with the pages ingest wrote, before reading
    _tell(progress, "reading content pages")
    pages = content_pages(config.content_dir)
    _read_ahead(config, reader, workers, pages)
    content = load_content(config.content_dir, reader, pages)
    _go_on(stop, "reading content")
    seeds_warnings = plan.warnings if check.must_ingest else tuple(check.summary.get("seeds warnings", ()))
    warnings = config.warnings + seeds_warnings + content.warnings  # seeds/ is looked at only when ingesting
    _refuse_warnings(warnings, strict)
    _tell(progress, "building the site model")
    site = build_site(config, content, reader.memo)
    _go_on(stop, "building the site model")
    _tell(progress, "comparing with the last build")
    recorded = read_state(state)
    before = live_generation(out, state, recorded).fingerprints
    files = _content_files(content)
    kinds = template_pages(site)
    counter = Counter(kinds.values())
    found: list[Fingerprints] = []
    record: dict[str, Any] = {}  # what the output is made from, for the next build: complete before it is written
    common = common_inputs(config)

    def compare() -> None:
        now = fingerprints(site, {p: reader.digest(p) for p in files}, {p: reader.front_digest(p) for p in files},
                           common)
        try:
            reader.save()
            kept = save_entity_records(entity_records_file(state), now.entities)
        except OSError as exc:  # not the output's: this may run while the output is written
            raise BuilderError(exc.filename, None, f"cannot write the build's cache ({exc.strerror}); check "
                                                   "permissions and free space") from exc
        record.update({"pages": dict(now.pages), "common": now.common, "files": now.files,
                       "edits": {**now.edits, "entities": kept}})
        found.append(now)

    later: set[str] = set()
    meanwhile: Callable[[], None] | None = None
    if before.get("common") != common and not defer_indexes:
        stale, meanwhile = set(kinds), compare  # every page renders again: they are fingerprinted meanwhile
    else:
        compare()
        old = before.get("pages", {})
        stale = {url for url, fp in found[0].pages.items() if old.get(url) != fp}
        later = {url for url in stale if found[0].inputs[url] is None and url in old} if defer_indexes else set()
        stale -= later
        record["pages"].update({url: old[url] for url in later})
    rendered = _rendering(site, stale, workers, stop, kinds, counter, _told(progress, "rendering pages", len(stale)),
                          meanwhile)
    reused = [output_path(url) for url in kinds if url not in stale]
    written = write_site(rendered, reused, record, out, state, search=config.search, defer_search=defer_search,
                         pending=[output_path(url) for url in stale], recorded=recorded)
    now = found[0]
    reasons = explain(sorted(stale), now, before)
    warnings += base_url_warning(config)
    complete = not written.search_stale and not later  # else the next build has work left even if nothing changes
    warnings += _recorded(last_build_file(config.root, out), with_output(stamps, out), {
        "pages": dict(counter), "warnings": list(warnings), "seeds warnings": list(seeds_warnings),
        "complete": complete, "deferred": bool(later)})
    pending.unlink(missing_ok=True)
    return BuildReport(plan, counter, len(stale), written.written, time.perf_counter() - started, warnings, reasons,
                       written.search_stale, len(later), site)


def _mark(path: Path) -> None:
    """Leave the (empty) file ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch()


def _recorded(path: Path, snapshot: Snapshot, summary: dict[str, Any]) -> tuple[str, ...]:
    """Record a build that succeeded (``save_last``): nothing to say, or the warning to give when the record
    cannot be written. The site is built either way; the next build then does more than it needs."""
    try:
        save_last(path, snapshot, summary)
    except OSError as exc:
        return (f"{path}: cannot record this build ({exc.strerror or exc}); the site is built, and the next build "
                "will look at every input again",)
    return ()


def _after_edits(config: SiteConfig, out: Path, state: Path, check: Check, strict: bool, started: float
                 ) -> BuildReport | None:
    """The build when only articles were edited, and in ways that only their pages and their pages of mentions
    show (``builder/edits.py``): those pages alone are rendered, from a model of what they show. None when the
    full build is needed."""
    paths = edited_articles(check, config.content_dir)
    if paths is None:
        return None
    recorded = read_state(state)
    live = live_generation(out, state, recorded)
    if live.search_stale:
        return None
    warnings = tuple(check.summary.get("warnings", ()))
    patch = patch_articles(config, paths, live.fingerprints, warnings, PageReader(), entity_records_file(state),
                           page_reader(config.root))
    if patch is None:
        return None
    _refuse_warnings(_input_warnings(config, warnings), strict)
    changed = {page.path for page in patch.pages}
    reused = [path for path in live.files if path not in changed and not path.startswith(SEARCH_INDEX)]
    written = write_site(lambda store: [store(page.path, page.data) for page in patch.pages], reused,
                         patch.record, out, state, search=config.search, pending=sorted(changed), recorded=recorded)
    warnings += _recorded(last_build_file(config.root, out), with_output(check.now, out), check.summary)
    return BuildReport(IngestPlan(()), Counter(check.summary["pages"]), len(patch.pages), written.written,
                       time.perf_counter() - started, warnings, patch.reasons)


def _read_ahead(config: SiteConfig, reader: PageReader, workers: int,
                pages: list[tuple[Path, Section]] | None = None) -> None:
    """Read the content pages (``pages``, when just listed) that are new or changed on all cores when they are
    many (``PageReader.prefetch``)."""
    listed = content_pages(config.content_dir) if pages is None else pages
    reader.prefetch([path for path, _ in listed], workers, _warm)


def _warm(reader: PageReader, path: Path) -> None:
    """Read one content page and what the site model derives from it alone (``PageReader.prefetch`` runs this
    in processes when a build finds many pages new), and the digest of its front matter (for ``fingerprints``)."""
    page, _ = load_page(path, cast(Section, path.parent.name), reader)
    analysis(reader.memo, page)
    reader.front_digest(path)


def page_reader(site_root: Path) -> PageReader:
    """A reader of content pages that keeps what it parsed in the site's build cache."""
    return PageReader(site_root / ".builder" / "cache" / "pages")


@_without_cycle_collection
def load_site(site_dir: Path, reader: PageReader | None = None) -> Site:
    """The site model of the content as it is now, without rendering (the preview keeps one to show edits at
    once)."""
    config = load_config(site_dir)
    reader = reader or page_reader(config.root)
    reader.recheck()
    return build_site(config, load_content(config.content_dir, reader), reader.memo)


def show_first(site: Site, paths: Iterable[Path]) -> dict[str, bytes] | None:
    """The pages of edited articles, made at once from ``site`` (the model of the last build) while a full build
    catches up: output path -> bytes. None when one of them cannot be made that way (see ``with_article``) or
    has a problem (the full build reports it)."""
    pages: dict[str, bytes] = {}
    for path in paths:
        try:
            patched = with_article(site, read_article(path))
            if patched is None:
                return None
            site = patched
            page = render_page(site, page_url("articles", page_slug(path)))
        except BuilderError:
            return None
        pages[page.path] = page.data
    return pages


def finish_search(site_dir: Path, out_dir: Path | None = None, stop: Callable[[], bool] | None = None) -> bool:
    """Index the pages of a build whose search index was deferred; False when there was nothing to do. When
    ``stop`` returns True before it is done, it gives up (``Interrupted``) and leaves the output as it was."""
    config, out, state = _site_and_output(site_dir, out_dir)
    finished = refresh_search(out, state, stop) is not None
    last = load_last(last_build_file(config.root, out))
    if finished and last is not None and not last[1].get("deferred", True):
        snapshot, summary = last  # the last build is complete now: a build with nothing changed has nothing to do
        save_last(last_build_file(config.root, out), with_output(snapshot, out), {**summary, "complete": True})
    return finished


def _go_on(stop: Callable[[], bool] | None, stage: str) -> None:
    """Give up between two stages once ``stop`` returns True (nothing has been written yet)."""
    if stop is not None and stop():
        raise Interrupted(stage)


def _rendering(site: Site, stale: set[str], workers: int, stop: Callable[[], bool] | None, kinds: Mapping[str, str],
               counter: Counter[str], rendered: Callable[[int], None] | None,
               meanwhile: Callable[[], object] | None = None) -> Callable[[Store], Iterator[Stored]]:
    """What renders the ``stale`` template pages and the other files and stores each into the output's twin (in the
    render processes, when there are several), counting the files that are not template pages (assets...) and
    telling ``rendered`` how many template pages are done; ``meanwhile`` is done while the processes render."""
    def produce(store: Store) -> Iterator[Stored]:
        def each(page: RenderedPage) -> tuple[str, str, Stored]:
            return page.url, page.kind, store(page.path, page.data)

        done = 0
        for url, kind, stored in render_pages(site, each, only=stale.__contains__, workers=workers, stop=stop,
                                               meanwhile=meanwhile):
            if url not in kinds:
                counter[kind] += 1
            elif rendered is not None:
                done += 1
                rendered(done)
            yield stored

    return produce


def _tell(progress: Progress | None, stage: str) -> None:
    """Tell ``progress`` that a stage without counts begins."""
    if progress is not None:
        progress(stage, 0, 0)


def _told(progress: Progress | None, what: str, total: int) -> Callable[[int], None] | None:
    """A function that tells ``progress`` how many of ``total`` are done."""
    if progress is None:
        return None
    return lambda done: progress(what, done, total)


def _refuse_warnings(warnings: tuple[str, ...], strict: bool) -> None:
    """With ``strict``, warnings fail the build."""
    if strict and warnings:
        raise BuildFailed([BuilderError(None, None, f"{w} (--strict)") for w in warnings])


def _input_warnings(config: SiteConfig, warnings: tuple[str, ...]) -> tuple[str, ...]:
    """The warnings about the site's input among those a build reported: ``--strict`` refuses them, not the
    reminder that base_url is missing."""
    reminder = base_url_warning(config)
    return tuple(w for w in warnings if w not in reminder)


def _unchanged(config: SiteConfig, summary: dict[str, Any], strict: bool, seconds: float) -> BuildReport:
    """The report of a build that found nothing changed since the last one."""
    warnings = tuple(summary["warnings"])
    _refuse_warnings(_input_warnings(config, warnings), strict)
    return BuildReport(IngestPlan(()), Counter(summary["pages"]), 0, 0, seconds, warnings)


def prepare_next(site_dir: Path, out_dir: Path | None = None, stop: Callable[[], bool] | None = None) -> bool:
    """Copy the output folder into its twin, so that the next build writes only the files that change; True
    when done, False when ``stop`` interrupted it (what was copied is kept)."""
    _, out, state = _site_and_output(site_dir, out_dir)
    return fill_standby(out, state, stop)


def _site_and_output(site_dir: Path, out_dir: Path | None) -> tuple[SiteConfig, Path, Path]:
    """The site's settings, its output folder (default: ``<site>/output``) and that folder's state file."""
    config = load_config(site_dir)
    out = out_dir if out_dir is not None else config.output_dir
    return config, out, state_file(config.root, out)


def _content_files(content: Content) -> list[Path]:
    return [a.path for a in content.articles] + [e.path for e in content.entities]
