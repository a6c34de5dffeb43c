"""Preview: build, serve the output folder, rebuild on every change and update the open browser tabs.

Uses the ``livereload`` package for the server (Tornado), its WebSocket and its browser client (``livereload.js``,
which refreshes a changed stylesheet in place), with three changes: files are watched by ``builder.watch``
(fast polling, a burst is one batch, nothing is dropped; the package's own watcher polls every 0.8 s and drops a
change made within 3 s of the previous reload), builds run on a worker thread so the server keeps answering,
and every served page gets a small client (``templates/assets/preview/live.js``) that shows a failed build's
errors over the page and swaps in the page's new HTML only when it changed. An edited article's page is made
at once from the site model kept from the last build and served from memory until the full build that follows
has written it. The search index is brought up to date just after the tabs are told (Pagefind takes long on a
big site). The output folder stays as hosted.
"""

from __future__ import annotations

import concurrent.futures
import errno
import functools
import hashlib
import json
import logging
import signal
import socket
import sys
import time
import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any, TypeVar
from urllib.parse import unquote

from livereload import Server
from livereload.handlers import LiveReloadHandler, StaticFileHandler
from livereload.watcher import Watcher as LivereloadWatcher
from tornado import ioloop, web

from builder import urls
from builder.config import CONFIG_NAME, theme_dir
from builder.content import PageReader
from builder.errors import BuilderError, BuildFailed, Interrupted, OutputError, file_problem
from builder.model import Site
from builder.pipeline import BuildReport, build, finish_search, load_site, page_reader, prepare_next, show_first
from builder.watch import Trigger, Watcher

T = TypeVar("T")

CLIENT_URL = "/__builder__/live.js"
"""Where the preview client is served (never written to the output folder)."""
STATUS_URL = "/__builder__/status"
"""The state of the last build, as JSON, for the client."""
STATUS_MESSAGE = "__builder__/status"
"""Path of the reload message that tells the clients to ask for the build status."""
WATCHED = ("seeds", "content", "templates", CONFIG_NAME)
"""What a change to triggers a rebuild, relative to the site folder."""
POLL_MS = 10
"""How often the server's loop looks for reported changes (cheap: no file is read unless one was reported)."""
SAFETY_SCAN_S = 2.0
"""How often, at most, every watched file is compared anyway (for file systems that report no events)."""
SAFETY_SHARE = 50
"""A safety scan waits this many times as long as the last one took, so that it takes at most 2 % of the time
on a large site (at 10,000 articles it takes about 0.25 s)."""
SETTLE_S = 0.03
"""Quiet time after the last change before a build starts: a burst of saves is one build."""
SWITCH_INTERVAL_S = 0.0005
"""How long a thread may hold the interpreter while another waits: short, so that a page shown at once, or a
request, is not kept waiting by a build running on the worker thread (Python's default is 5 ms per wait)."""
SEARCH_DELAY_S = 0.5
"""Quiet time after a build before its search index is made (a save that follows soon is built first)."""


def client_script() -> bytes:
    """The preview client's JavaScript."""
    return (theme_dir() / "assets" / "preview" / "live.js").read_bytes()


def port_is_free(host: str, port: int) -> bool:
    """True when nothing listens on ``host:port`` yet."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind((host, port))
        except OSError as exc:
            if exc.errno in (errno.EADDRINUSE, errno.EACCES):
                return False
            raise OutputError(None, None, f"cannot listen on {host}, port {port} ({exc.strerror or exc}); pass "
                                          "another --host") from exc
    return True


@dataclass(frozen=True, slots=True)
class Outcome:
    """What one build did: a report, or the problems that stopped it."""

    report: BuildReport | None
    """The build's report when it succeeded."""
    problems: tuple[str, ...]
    """``path:line: message`` for each problem (paths relative to the site) when it failed."""

    @property
    def ok(self) -> bool:
        """True when the build succeeded."""
        return self.report is not None


def describe(problem: BuilderError, site_dir: Path) -> str:
    """``path:line: message`` with the path relative to the site folder when it lies inside."""
    if problem.path is not None and problem.path.is_relative_to(site_dir):
        relative = BuilderError(problem.path.relative_to(site_dir), problem.line, problem.message)
        return str(relative)
    return str(problem)


def run_build(site_dir: Path, out_dir: Path, first: bool = True, reader: PageReader | None = None,
              stop: Callable[[], bool] | None = None) -> Outcome:
    """Build once: ``first``, only the pages made from the changed files (the home page, indexes and the like
    follow in a second build, and the search index after that: ``run_search``). A user's mistake, or a bug in
    the builder (with its traceback), becomes the problems; once ``stop`` returns True, the build gives up."""
    report, problems = _attempt(lambda: build(site_dir, out_dir, defer_search=True, defer_indexes=first,
                                              reader=reader, stop=stop), site_dir)
    return Outcome(report, problems)


def run_rest(site_dir: Path, out_dir: Path, stop: Callable[[], bool], reader: PageReader | None = None
             ) -> Outcome | None:
    """The second build after a change: the pages the first left for later; None when ``stop`` interrupted it
    (a new change came in: it is built first, and the rest again after it)."""
    report, problems = _attempt(lambda: build(site_dir, out_dir, defer_search=True, stop=stop, reader=reader),
                                site_dir)
    return Outcome(report, problems) if report is not None or problems else None


def run_search(site_dir: Path, out_dir: Path, stop: Callable[[], bool]) -> tuple[str, ...] | None:
    """Index the pages of the last build for search: the problems if that failed (none: it worked), or None when
    ``stop`` asked it to give up (a new change came in first)."""
    def work() -> bool:
        finish_search(site_dir, out_dir, stop)
        return True

    finished, problems = _attempt(work, site_dir)
    return problems if finished or problems else None


def run_prepare(site_dir: Path, out_dir: Path, stop: Callable[[], bool]) -> bool:
    """Prepare the output's twin for fast builds (see ``build.prepare_next``); False when interrupted (to go on
    later). A failure is not retried: the next build writes the whole twin and reports any problem."""
    done, problems = _attempt(lambda: prepare_next(site_dir, out_dir, stop), site_dir)
    return bool(done) or bool(problems)


def _attempt(work: Callable[[], T], site_dir: Path) -> tuple[T | None, tuple[str, ...]]:
    """What ``work`` returned, or the problems that stopped it (``path:line: message``), or neither when it was
    interrupted."""
    try:
        return work(), ()
    except Interrupted:  # given up because a change came in: neither a result nor a problem
        return None, ()
    except BuildFailed as failed:
        return None, tuple(describe(p, site_dir) for p in failed.problems)
    except BuilderError as exc:
        return None, (describe(exc, site_dir),)
    except OSError as exc:  # a file moved or deleted while the build ran, or one it may not read
        return None, (describe(file_problem(exc), site_dir),)
    except Exception:  # a bug: the preview shows it, with its traceback, and keeps running
        return None, ("the builder crashed (a bug; please report it):\n" + traceback.format_exc(),)


def own_writes(report: BuildReport, content_dir: Path) -> dict[Path, str | None]:
    """The content files the build's ingest step wrote (their text) or removed (``None``)."""
    writes: dict[Path, str | None] = {}
    for step in report.ingest.steps:
        if step.action in ("create", "update") and step.text is not None:
            writes[content_dir / step.path] = step.text
        elif step.action == "remove":
            writes[content_dir / step.path] = None
    return writes


def digest(data: bytes) -> str:
    """A short fingerprint of a file's bytes."""
    return hashlib.blake2b(data, digest_size=12).hexdigest()


def stylesheet_digests(out_dir: Path) -> dict[str, str]:
    """Fingerprint of every stylesheet of the site (its assets folder: not a walk of every page), by its path
    inside the output folder."""
    return {p.relative_to(out_dir).as_posix(): digest(p.read_bytes())
            for p in sorted((out_dir / urls.ASSETS).rglob("*.css"))}


def changed_keys(before: Mapping[str, str], after: Mapping[str, str]) -> list[str]:
    """Keys whose values differ (present in ``after`` only), sorted."""
    return sorted(k for k, v in after.items() if before.get(k) != v)


def resolve_page(out_dir: Path, url_path: str) -> Path | None:
    """The file a URL path is served from (a folder means its ``index.html``), or None: missing or outside."""
    root = out_dir.resolve()
    target = (root / unquote(url_path).lstrip("/")).resolve()
    if target != root and root not in target.parents:
        return None
    if target.is_dir():
        target = target / "index.html"
    return target if target.is_file() else None


def inject_client(html: bytes, page_digest: str) -> bytes:
    """The page with the preview client's script tag at the end of its head (or start, when it has none)."""
    tag = f'<script src="{CLIENT_URL}" data-page-digest="{page_digest}"></script>'.encode()
    if b"</head>" in html:
        return html.replace(b"</head>", tag + b"</head>", 1)
    return tag + html


def describe_batch(paths: frozenset[Path], site_dir: Path) -> str:
    """``content/a.md changed`` or ``12 files changed``."""
    if len(paths) == 1:
        (path,) = paths
        shown = path.relative_to(site_dir) if path.is_relative_to(site_dir) else path
        return f"{shown} changed"
    return f"{len(paths)} files changed"


class Preview:
    """The preview's state: the watcher, the build running on the worker thread, the last build's outcome and
    model, and the pages shown ahead of the build that will write them."""

    def __init__(self, site_dir: Path, out_dir: Path, say: Callable[[str], None]) -> None:
        self.site_dir = site_dir
        self.out_dir = out_dir
        self.say = say
        self.watcher = Watcher([site_dir / name for name in WATCHED], settle=SETTLE_S)
        self.trigger = Trigger(site_dir, WATCHED)
        self.next_scan = 0.0
        self.worker = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="build")
        self.shower = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="show")
        self.building = False
        self.showing = False
        self.show_blocked = False
        self.site: Site | None = None
        self.reader = page_reader(site_dir)
        self.load_pending = True
        self.shown: dict[Path, tuple[int, bytes]] = {}
        self.changes = 0
        self.build_started_at = 0
        self.indexes_pending = False
        self.standby_pending = True
        self.search_pending = False
        self.search_after = 0.0
        self.outcome = Outcome(None, ())
        self.stylesheets: dict[str, str] = {}
        self.warnings: tuple[str, ...] = ()
        self.stopping = False

    def first_build(self) -> None:
        """Build before serving; a failure is shown, and an empty site is served until the next good build. The
        build gives up as soon as the preview is stopping."""
        self.trigger.start()
        self.watcher.start()
        outcome = run_build(self.site_dir, self.out_dir, first=False, reader=self.reader,
                            stop=lambda: self.stopping)
        if self.stopping:
            return
        self.finish(outcome, None)
        self.out_dir.mkdir(parents=True, exist_ok=True)
        self.stylesheets = stylesheet_digests(self.out_dir)

    def tick(self) -> None:
        """Called every POLL_MS on the server's loop: collect reported changes; once they settled, show edited
        articles at once (even while a build runs) and start a build, else finish the last build: its remaining
        pages at once, its search index once things are quiet; while idle, read the site model that edits are
        shown from, and fill the output's twin."""
        now = time.monotonic()
        reported = self.trigger.take()
        if reported:
            self.watcher.check_paths(reported, now)
        if now >= self.next_scan and not self.building:  # under a build's load a full scan takes seconds
            self.watcher.check(now)
            took = time.monotonic() - now
            self.next_scan = time.monotonic() + max(SAFETY_SCAN_S, SAFETY_SHARE * took)
        if self.site is not None and not (self.showing or self.show_blocked) and self.watcher.pending and all(
                self.is_article(path) for path in self.watcher.pending):
            batch = self.watcher.take(now)
            if batch:
                self.show_first(self.site, batch)
        if self.building:
            return
        batch = self.watcher.take(now)
        if batch:
            self.start_build()
            future = self.worker.submit(run_build, self.site_dir, self.out_dir, True, self.reader)
            ioloop.IOLoop.current().add_future(future, lambda done: self.built(done.result(), batch))
        elif self.indexes_pending and not self.showing:
            self.start_build()
            rest = self.worker.submit(run_rest, self.site_dir, self.out_dir, self.changed_since, self.reader)
            ioloop.IOLoop.current().add_future(rest, lambda done: self.rest_built(done.result()))
        elif self.search_pending and not self.watcher.pending and now >= self.search_after:
            self.building = True
            self.search_pending = False
            indexed = self.worker.submit(run_search, self.site_dir, self.out_dir, self.changed_since)
            ioloop.IOLoop.current().add_future(indexed, lambda done: self.indexed(done.result()))
        elif self.site is None and self.load_pending and not self.watcher.pending:
            self.building = True
            self.load_pending = False
            loaded = self.worker.submit(_attempt, lambda: load_site(self.site_dir, self.reader), self.site_dir)
            ioloop.IOLoop.current().add_future(loaded, lambda done: self.loaded(done.result()[0]))
        elif self.standby_pending and not self.watcher.pending:
            self.building = True
            prepared = self.worker.submit(run_prepare, self.site_dir, self.out_dir, self.changed_since)
            ioloop.IOLoop.current().add_future(prepared, lambda done: self.prepared(done.result()))

    def is_article(self, path: Path) -> bool:
        """True for an article page that exists (edits to those alone can be shown before the build)."""
        return path.parent == self.site_dir / "content" / "articles" and path.suffix == ".md" \
            and not path.name.startswith(".") and path.is_file()

    def show_first(self, site: Site, batch: frozenset[Path]) -> None:
        """Make the pages of edited articles from the last build's model, serve them at once and tell the tabs;
        the full build follows (it ends, or a build that follows it ends, with the very same pages)."""
        self.showing = True
        self.changes += 1
        change = self.changes
        future = self.shower.submit(_attempt, lambda: show_first(site, batch), self.site_dir)

        def done(result: tuple[dict[str, bytes] | None, tuple[str, ...]]) -> None:
            self.showing = False
            pages = result[0]
            if pages is None:  # cannot be shown first: built the usual way
                self.watcher.pending |= batch
                self.show_blocked = True
                return
            self.shown |= {self.out_dir / path: (change, data) for path, data in pages.items()}
            self.indexes_pending = True
            self.say(f"{describe_batch(batch, self.site_dir)}: shown at once, the rest follows")
            LiveReloadHandler.reload_waiters(STATUS_MESSAGE)

        ioloop.IOLoop.current().add_future(future, lambda finished: done(finished.result()))

    def start_build(self) -> None:
        """Mark the worker busy with a build that sees every change made so far."""
        self.building = True
        self.build_started_at = self.changes
        self.show_blocked = False

    def page(self, path: Path) -> bytes | None:
        """A page shown ahead of the build that will write it, if any."""
        shown = self.shown.get(path)
        return shown[1] if shown else None

    def loaded(self, site: Site | None) -> None:
        """Back on the server's loop after reading the site model that edits are shown from (the build before
        had nothing to do, so it made none)."""
        self.building = False
        self.site = self.site or site

    def prepared(self, done: bool) -> None:
        """Back on the server's loop after copying the output into its twin (done, or to go on later)."""
        self.building = False
        self.standby_pending = not done

    def changed_since(self) -> bool:
        """True when a change is waiting or was shown since the build started, or the preview is stopping (read
        by the worker thread during work that a new build, or stopping, goes before)."""
        return self.stopping or bool(self.watcher.pending) or self.changes != self.build_started_at

    def indexed(self, problems: tuple[str, ...] | None) -> None:
        """Back on the server's loop after indexing: a failure is shown like a failed build's; an interrupted
        index is made again after the next build."""
        self.building = False
        if problems is None:
            self.search_pending = True
        elif problems:
            self.built(Outcome(None, problems), frozenset())

    def rest_built(self, outcome: Outcome | None) -> None:
        """Back on the server's loop after the second build (None: interrupted, to be made again later)."""
        if outcome is None:
            self.building = False
        else:
            self.built(outcome, frozenset())

    def built(self, outcome: Outcome, batch: frozenset[Path]) -> None:
        """Back on the server's loop after a build: report it and tell the browser tabs."""
        self.building = False
        self.finish(outcome, batch)
        if outcome.ok:
            for sheet in self.refreshed_stylesheets():
                LiveReloadHandler.reload_waiters(sheet)
        LiveReloadHandler.reload_waiters(STATUS_MESSAGE)

    def finish(self, outcome: Outcome, batch: frozenset[Path] | None) -> None:
        """Remember the outcome, absorb the build's own writes and print one line per problem or a summary."""
        self.outcome = outcome
        self.indexes_pending = outcome.report is not None and outcome.report.deferred > 0
        self.indexes_pending |= self.changes != self.build_started_at  # shown during the build: build again
        self.search_pending = outcome.report is not None and outcome.report.search_pending
        self.search_after = time.monotonic() + SEARCH_DELAY_S
        cause = describe_batch(batch, self.site_dir) + ": " if batch else ""
        if outcome.report is None:
            for problem in outcome.problems:
                self.say(f"error: {problem}")
            self.say(f"{cause}build failed; still serving the last good site")
            return
        self.watcher.absorb(own_writes(outcome.report, self.site_dir / "content"))
        self.site = outcome.report.site or self.site
        self.shown = {path: shown for path, shown in self.shown.items() if shown[0] > self.build_started_at}
        if outcome.report.warnings != self.warnings:
            for warning in outcome.report.warnings:
                self.say(f"warning: {warning}")
        self.warnings = outcome.report.warnings
        self.say(cause + outcome.report.summary())

    def refreshed_stylesheets(self) -> list[str]:
        """Stylesheets whose bytes changed since the last good build."""
        before, self.stylesheets = self.stylesheets, stylesheet_digests(self.out_dir)
        return changed_keys(before, self.stylesheets)

    def status(self, url_path: str) -> dict[str, Any]:
        """What the client needs: did the last build succeed, its problems, the fingerprint of its page now."""
        page = resolve_page(self.out_dir, url_path)
        html = (self.page(page) or page.read_bytes()) if page else None
        return {"ok": self.outcome.ok, "problems": list(self.outcome.problems),
                "digest": digest(html) if html is not None else ""}

    def stop(self) -> None:
        """Let a running build finish (the output folder is swapped in whole), then stop the worker. Work that
        may give up (the rest of a build, the search index, filling the twin) gives up at once, leaving the
        output as it was."""
        self.stopping = True
        self.trigger.stop()
        self.shower.shutdown(wait=True, cancel_futures=True)
        self.worker.shutdown(wait=True, cancel_futures=True)


class PageHandler(StaticFileHandler):  # type: ignore[misc]
    """Files under the output folder only; HTML pages (and the site's 404 page) get the preview client."""

    def initialize(self, path: str, default_filename: str | None = None, preview: Preview | None = None) -> None:
        super().initialize(path, default_filename)
        self.preview = preview

    async def get(self, path: str, include_body: bool = True) -> None:
        """Serve ``path``: an HTML page with the client injected, anything else as it is."""
        self.path = self.parse_url_path(path)
        absolute = self.validate_absolute_path(self.root, self.get_absolute_path(self.root, self.path))
        if absolute is None:
            return  # redirected: a folder without its trailing slash
        if not absolute.endswith(".html"):
            await super().get(path, include_body)
            return
        self.absolute_path = absolute
        shown = self.preview.page(Path(absolute)) if self.preview else None
        html = shown or Path(absolute).read_bytes()
        self.send_page(html, digest(html))

    def send_page(self, html: bytes, page_digest: str) -> None:
        """Send an HTML page with the preview client, never cached."""
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.set_header("Cache-Control", "no-store")
        self.finish(inject_client(html, page_digest))

    def compute_etag(self) -> str | None:
        """No ETag for the site's 404 page (it stands for a missing file)."""
        if getattr(self, "absolute_path", None) is None:
            return None
        return str(super().compute_etag())

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        """A missing page shows the site's own 404 page, with the client and the empty fingerprint of a missing
        page, so the tab reloads once the page exists."""
        not_found = Path(self.root) / "404.html"
        if status_code == 404 and not_found.is_file():
            self.send_page(not_found.read_bytes(), "")
            return
        super().write_error(status_code, **kwargs)


class StatusHandler(web.RequestHandler):
    """``GET /__builder__/status?page=/people/x/``: the last build's status, for the client."""

    def initialize(self, preview: Preview) -> None:
        self.preview = preview

    def get(self) -> None:
        self.set_header("Content-Type", "application/json")
        self.set_header("Cache-Control", "no-store")
        self.finish(json.dumps(self.preview.status(self.get_argument("page", "/"))))


class ClientHandler(web.RequestHandler):
    """``GET /__builder__/live.js``: the preview client."""

    def get(self) -> None:
        self.set_header("Content-Type", "application/javascript; charset=utf-8")
        self.set_header("Cache-Control", "no-store")
        self.finish(client_script())


class PollingWatcher(LivereloadWatcher):  # type: ignore[misc]
    """Plugs the preview's own polling into livereload: the package's watcher never reloads a tab itself."""

    def __init__(self, preview: Preview) -> None:
        super().__init__()
        self.preview = preview

    def start(self, callback: Callable[[], None]) -> bool:
        """Poll on the server's loop; True tells livereload not to poll on its own."""
        ioloop.PeriodicCallback(self.preview.tick, POLL_MS).start()
        return True

    def examine(self) -> tuple[None, None]:
        """Nothing for livereload to do: the preview sends its own reload messages."""
        return None, None


class PreviewServer(Server):  # type: ignore[misc]
    """livereload's server with the preview's routes, and without its log lines."""

    def __init__(self, preview: Preview) -> None:
        super().__init__(watcher=PollingWatcher(preview))
        self.preview = preview
        self.watcher.watch(str(preview.site_dir))  # livereload watches the current folder when it has no task

    def get_web_handlers(self, script: bytes) -> list[tuple[Any, ...]]:
        return [
            (STATUS_URL, StatusHandler, {"preview": self.preview}),
            (CLIENT_URL, ClientHandler),
            (r"/(.*)", PageHandler, {"path": str(self.preview.out_dir), "default_filename": "index.html",
                                     "preview": self.preview}),
        ]

    def _setup_logging(self) -> None:
        """The preview prints its own lines; livereload's would repeat them, and Tornado's access log would
        print every 404 (a server error still prints, with its traceback)."""
        logging.getLogger("tornado.access").setLevel(logging.ERROR)


def say_now(line: str) -> None:
    """Print a line at once, even when stdout is a pipe."""
    print(line, flush=True)


def serve(site_dir: Path, out_dir: Path, host: str, port: int, say: Callable[[str], None] = say_now) -> None:
    """Build, then serve and rebuild until interrupted (Ctrl-C or SIGTERM)."""
    if not port_is_free(host, port):
        raise OutputError(None, None, f"port {port} on {host} is already in use; stop the other server or "
                                      f"pass --port {port + 1}")
    sys.setswitchinterval(SWITCH_INTERVAL_S)
    preview = Preview(site_dir, out_dir.resolve(), say)
    first = {number: signal.signal(number, functools.partial(_stop_first_build, preview))
             for number in (signal.SIGINT, signal.SIGTERM)}
    try:  # the file watcher's threads run from the first build on: stopped however serving ends
        preview.first_build()
        if not preview.stopping:
            say(f"serving {out_dir} at http://{host}:{port}/ (Ctrl-C to stop)")
            _stop_on_signals(ioloop.IOLoop.current(), preview)
            PreviewServer(preview).serve(host=host, port=port, root=str(preview.out_dir), open_url_delay=None,
                                         restart_delay=0)
    finally:
        preview.stop()
        for number, handler in first.items():
            signal.signal(number, handler)
    say("stopped")


def _stop_first_build(preview: Preview, signum: int, frame: FrameType | None) -> None:
    """Ctrl-C or SIGTERM during the first build: the build gives up at its next step. (Raising KeyboardInterrupt
    instead would land wherever the main thread happens to be; inside a finalizer it is only printed, and the
    preview went on to serve.)"""
    preview.stopping = True


def _stop_on_signals(loop: ioloop.IOLoop, preview: Preview) -> None:
    """Ctrl-C and SIGTERM stop the server's loop between two of its callbacks (for the reason above), as does one
    that came since the first build ended. The loop's closing restores the signals' usual handlers."""
    for number in (signal.SIGINT, signal.SIGTERM):
        loop.asyncio_loop.add_signal_handler(number, loop.stop)  # type: ignore[attr-defined]
    if preview.stopping:
        loop.add_callback(loop.stop)
