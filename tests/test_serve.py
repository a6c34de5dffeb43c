"""``builder serve``: the watcher's batches, and a real server on a free port of 127.0.0.1 that rebuilds on change,
survives a bad edit, serves only the output folder and stops cleanly."""

from __future__ import annotations

import functools
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from builder import build, serve
from builder.serve import inject_client, resolve_page
from builder.watch import Trigger, Watcher, is_ignored, scan

from .conftest import SEED

Write = Callable[[str, str], Path]

SECOND_SEED = """\
 date 2024-03-06 PORTO (Reuters) — Mayor Rui Costa opened a bridge on Wednesday.
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:
        return str(response.read().decode("utf-8"))


def raw_status(port: int, path: str) -> int:
    """The HTTP status of ``path`` sent exactly as written (no client-side ``..`` clean-up)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request("GET", path)
        return connection.getresponse().status
    finally:
        connection.close()


def wait_for(predicate: Callable[[], bool], seconds: float = 20.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if predicate():
                return True
        except OSError:
            pass
        time.sleep(0.05)
    return False


class Preview:
    """A ``builder serve`` process on a free port, with the lines it printed."""

    def __init__(self, site: Path) -> None:
        self.site = site
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}/"
        self.lines: list[str] = []
        self.process = subprocess.Popen(
            [sys.executable, "-m", "builder", "serve", "--site", str(site), "--port", str(self.port)],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    def builds(self) -> list[str]:
        """The lines that end a rebuild caused by a change (success or failure)."""
        return [line for line in self.lines if " changed: " in line]

    def wait_for_builds(self, count: int) -> list[str]:
        assert wait_for(lambda: len(self.builds()) >= count), f"no build {count}: {self.lines}"
        return self.builds()

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
        self.process.wait(timeout=30)
        self.reader.join(timeout=5)


@pytest.fixture
def preview(tmp_path: Path, write: Write) -> Iterator[Preview]:
    write("seeds/lisbon.txt", SEED)
    running = Preview(tmp_path)
    try:
        assert wait_for(lambda: "Ana Sousa" in fetch(running.base), 60), f"server did not come up: {running.lines}"
        yield running
    finally:
        running.stop()


# ------------------------------------------------------------------------------------------------ the watcher


def test_a_burst_of_changes_is_one_batch_once_it_settled(tmp_path: Path) -> None:
    watcher = Watcher([tmp_path / "content"], settle=0.5)
    (tmp_path / "content").mkdir()
    watcher.start()
    for n in range(50):
        (tmp_path / "content" / f"{n}.md").write_text("x")
        watcher.check(now=10.0 + n / 1000)
    assert watcher.take(now=10.2) == frozenset()
    batch = watcher.take(now=11.0)
    assert len(batch) == 50
    assert watcher.take(now=12.0) == frozenset()


def test_a_change_made_during_a_build_waits_for_the_next_batch(tmp_path: Path) -> None:
    page = tmp_path / "a.md"
    page.write_text("one")
    watcher = Watcher([page], settle=0.0)
    watcher.start()
    page.write_text("two, longer")
    watcher.check(now=1.0)
    assert watcher.take(now=1.0) == {page}
    page.write_text("three, longer still")  # saved while the build of "two" runs
    watcher.check(now=2.0)
    assert watcher.take(now=2.0) == {page}


def test_reported_paths_are_looked_at_alone_and_a_folder_with_what_it_holds(tmp_path: Path) -> None:
    content = tmp_path / "content"
    (content / "articles").mkdir(parents=True)
    page, other = content / "articles/a.md", content / "articles/b.md"
    page.write_text("one")
    other.write_text("one")
    watcher = Watcher([content], settle=0.0)
    watcher.start()
    page.write_text("two, longer")
    other.write_text("two, longer")  # not reported: left to the safety scan
    watcher.check_paths({page}, now=1.0)
    assert watcher.take(now=1.0) == {page}
    (content / "people").mkdir()
    (content / "people/x.md").write_text("x")
    watcher.check_paths({content / "people"}, now=2.0)
    assert watcher.take(now=2.0) == {content / "people/x.md"}
    shutil.rmtree(content / "people")
    watcher.check_paths({content / "people"}, now=3.0)
    assert watcher.take(now=3.0) == {content / "people/x.md"}
    watcher.check(now=4.0)
    assert watcher.take(now=4.0) == {other}


def test_the_builds_own_writes_are_absorbed_but_a_later_edit_is_not(tmp_path: Path) -> None:
    (tmp_path / "content").mkdir()
    watcher = Watcher([tmp_path / "content"], settle=0.0)
    watcher.start()
    made, edited, removed = (tmp_path / "content" / name for name in ("made.md", "edited.md", "removed.md"))
    made.write_text("by ingest")
    edited.write_text("someone saved this after ingest")
    watcher.check(now=1.0)
    watcher.absorb({made: "by ingest", edited: "by ingest", removed: None})
    assert watcher.take(now=1.0) == {edited}
    watcher.check(now=2.0)
    assert watcher.take(now=2.0) == frozenset()


def test_the_trigger_reports_the_paths_of_file_events_under_the_watched_names_only(tmp_path: Path) -> None:
    (tmp_path / "content").mkdir()
    trigger = Trigger(tmp_path, ("seeds", "content", "templates", "site.yaml"))
    trigger.start()
    try:
        time.sleep(0.3)
        assert not trigger.take()
        changes: list[tuple[Path, Callable[[Path], object]]] = [
            (tmp_path / "content/a.md", lambda p: p.write_text("a")),
            (tmp_path / "site.yaml", lambda p: p.write_text("title: T\n")),
            (tmp_path / "templates", lambda p: p.mkdir()),
            (tmp_path / "templates/base.html", lambda p: p.write_text("<p>"))]  # in a folder made after the start
        for path, change in changes:
            time.sleep(0.3)
            trigger.take()
            change(path)
            assert wait_for(functools.partial(_reports, trigger, path, set()), 5)
        time.sleep(0.3)
        trigger.take()
        (tmp_path / "output").mkdir()
        (tmp_path / "output/index.html").write_text("<p>")
        (tmp_path / "content/.a.md.swp").write_text("swap")
        time.sleep(0.5)
        assert not trigger.take()
    finally:
        trigger.stop()


def _reports(trigger: Trigger, path: Path, reported: set[Path]) -> bool:
    reported |= trigger.take()
    return path in reported


def test_editor_and_hidden_files_are_not_watched(tmp_path: Path) -> None:
    for name in ("page.md", ".page.md.swp", "page.md~", ".#page.md", "4913"):
        (tmp_path / name).write_text("x")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "index").write_text("x")
    assert list(scan([tmp_path, tmp_path / "missing"])) == [tmp_path / "page.md"]
    assert is_ignored(".page.md.swp") and not is_ignored("page.md")


# ------------------------------------------------------------------------------------------- serving the files


def test_pages_are_resolved_only_inside_the_output_folder(tmp_path: Path) -> None:
    out = tmp_path / "output"
    (out / "people" / "a").mkdir(parents=True)
    (out / "people" / "a" / "index.html").write_text("<p>a</p>")
    (tmp_path / "site.yaml").write_text("title: x")
    assert resolve_page(out, "/people/a/") == (out / "people/a/index.html").resolve()
    assert resolve_page(out, "/people/%61/") == (out / "people/a/index.html").resolve()
    assert resolve_page(out, "/../site.yaml") is None
    assert resolve_page(out, "/%2e%2e/site.yaml") is None
    assert resolve_page(out, "/people/b/") is None


def test_the_client_goes_at_the_end_of_the_head() -> None:
    page = inject_client(b"<html><head><title>t</title></head><body></body></html>", "abc")
    assert page == (b'<html><head><title>t</title><script src="/__builder__/live.js" data-page-digest="abc">'
                    b"</script></head><body></body></html>")


# ---------------------------------------------------------------------------------------------- a real server


def test_serve_rebuilds_on_edit_and_survives_a_broken_page(preview: Preview, tmp_path: Path) -> None:
    page = tmp_path / "content/people/ana-sousa.md"
    original = page.read_text()
    page.write_text(original + "\nLeads the minority government.\n")
    assert wait_for(lambda: "Leads the minority government." in fetch(preview.base + "people/ana-sousa/"))
    page.write_text("---\nname: [broken\n---\n")
    preview.wait_for_builds(2)
    status = json.loads(fetch(preview.base + "__builder__/status?page=/people/ana-sousa/"))
    assert status["ok"] is False
    assert status["problems"] == ["content/people/ana-sousa.md:2: invalid YAML in front matter: did not find "
                                  "expected ',' or ']'; close the list with ']', and put an item that holds a comma "
                                  "or bracket in quotes"]
    assert preview.process.poll() is None, "the server died on a bad edit"
    assert "Leads the minority government." in fetch(preview.base + "people/ana-sousa/")
    page.write_text(original + "\nBack to normal.\n")
    assert wait_for(lambda: "Back to normal." in fetch(preview.base + "people/ana-sousa/"))
    assert json.loads(fetch(preview.base + "__builder__/status"))["ok"] is True


def _shows(url: str, text: str) -> bool:
    return text in fetch(url)


def test_the_home_page_and_indexes_follow_an_edited_article(preview: Preview, tmp_path: Path) -> None:
    """The article's own page is shown at once, made from the last build's model; the pages made from all
    articles follow in a full build."""
    article = next((tmp_path / "content/articles").glob("*.md"))
    article.write_text(article.read_text().replace("title: ", "title: Revised ", 1))
    assert wait_for(lambda: "Revised " in fetch(preview.base + f"articles/{article.stem}/"))
    for index in ("", "articles/", "timeline/"):
        assert wait_for(functools.partial(_shows, preview.base + index, "Revised ")), index
    assert any("shown at once, the rest follows" in line for line in preview.lines)


def test_the_search_index_follows_an_edit_a_moment_later(preview: Preview, tmp_path: Path) -> None:
    """The page is swapped in first; the search index of the edited site follows, equal to a clean build's."""
    entry = preview.base + "pagefind/pagefind-entry.json"
    before = fetch(entry)
    page = tmp_path / "content/people/ana-sousa.md"
    page.write_text(page.read_text() + "\nQuixotically thorough.\n")
    assert wait_for(lambda: "Quixotically" in fetch(preview.base + "people/ana-sousa/"))
    assert wait_for(lambda: fetch(entry) != before), "the search index was not brought up to date"
    clean = tmp_path.parent / "clean"
    shutil.copytree(tmp_path, clean, ignore=shutil.ignore_patterns("output", ".output*", ".builder"))
    build(clean)
    assert _search_index(tmp_path / "output") == _search_index(clean / "output")


def _search_index(output: Path) -> dict[Path, bytes]:
    return {p.relative_to(output): p.read_bytes() for p in (output / "pagefind").rglob("*") if p.is_file()}


def test_a_burst_of_fifty_files_gives_one_rebuild(preview: Preview, tmp_path: Path) -> None:
    for n in range(50):
        (tmp_path / f"templates/assets/extra-{n:02d}.txt").parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / f"templates/assets/extra-{n:02d}.txt").write_text(f"file {n}\n")
    assert preview.wait_for_builds(1)[0].startswith("50 files changed: site: ")
    (tmp_path / "content/people/ana-sousa.md").write_text(
        (tmp_path / "content/people/ana-sousa.md").read_text() + "\nMarker.\n")
    assert preview.wait_for_builds(2)[1].startswith("content/people/ana-sousa.md changed: ")


def test_ingests_own_writes_do_not_start_another_build(preview: Preview, tmp_path: Path) -> None:
    (tmp_path / "seeds/porto.txt").write_text(SECOND_SEED)
    first = preview.wait_for_builds(1)[0]
    assert first.startswith("seeds/porto.txt changed: content: ") and " created" in first
    assert wait_for(lambda: "Rui Costa" in fetch(preview.base))
    page = tmp_path / "content/people/ana-sousa.md"
    page.write_text(page.read_text() + "\nMarker.\n")
    assert preview.wait_for_builds(2)[1].startswith("content/people/ana-sousa.md changed: ")


def test_serve_injects_the_client_and_serves_only_the_site(preview: Preview) -> None:
    home = fetch(preview.base)
    assert "livereload.js" in home and '<script src="/__builder__/live.js"' in home
    assert "LiveReloadPluginBuilderPreview" in fetch(preview.base + "__builder__/live.js")
    for path in ("/../site.yaml", "/%2e%2e/site.yaml", "/..%2fsite.yaml", "/../seeds/lisbon.txt"):
        assert raw_status(preview.port, path) in (403, 404), path
    with pytest.raises(urllib.error.HTTPError) as missing:
        fetch(preview.base + "no/such/page/")
    assert missing.value.code == 404
    assert not (preview.site / "output/__builder__").exists()
    assert "live.js" not in "".join(p.name for p in (preview.site / "output").rglob("*"))


def test_ctrl_c_stops_the_server_cleanly(preview: Preview) -> None:
    os.killpg(preview.process.pid, signal.SIGINT)
    assert preview.process.wait(timeout=30) == 0
    preview.reader.join(timeout=5)
    assert preview.lines[-1] == "stopped"
    assert not any("Traceback" in line for line in preview.lines)
    assert f"serving {preview.site / 'output'} at {preview.base} (Ctrl-C to stop)" in preview.lines


def test_ctrl_c_during_the_first_build_stops_cleanly(tmp_path: Path, write: Write) -> None:
    """Ctrl-C before serving begins makes the first build give up and stops the file watcher's threads (left
    running, they crashed the interpreter as it exited; a KeyboardInterrupt raised in a finalizer was lost)."""
    for number in range(300):
        write(f"seeds/{number:03}.txt", f" date 2021-01-{number % 28 + 1:02} LIMA (AP) — Minister Ana Sousa{number} "
                                        f"met Carlos Mendes{number} of the Port Authority {number}.\n")
    preview = Preview(tmp_path)
    try:
        assert wait_for(lambda: any((tmp_path / "content/articles").glob("*.md")), 60), preview.lines
        os.killpg(preview.process.pid, signal.SIGINT)  # while the site renders
        code = preview.process.wait(timeout=30)
        preview.reader.join(timeout=5)
    finally:
        preview.stop()
    assert code == 0 and preview.lines[-1] == "stopped", (code, preview.lines)
    assert not any("Fatal" in line or "FATAL" in line or "Traceback" in line for line in preview.lines)


def test_work_that_may_give_up_gives_up_once_the_preview_stops(tmp_path: Path, write: Write) -> None:
    """Ctrl-C need not wait for the output's twin to be filled (or a search index to be made) on a big site."""
    write("seeds/lisbon.txt", SEED)
    build(tmp_path)
    preview = serve.Preview(tmp_path, tmp_path / "output", lambda line: None)
    preview.stop()
    assert serve.run_prepare(tmp_path, tmp_path / "output", preview.changed_since) is False  # gave up
    assert not any((tmp_path / ".output-standby").rglob("*.html"))


def test_port_in_use_gives_a_clear_message(tmp_path: Path, write: Write) -> None:
    write("seeds/lisbon.txt", SEED)
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = subprocess.run([sys.executable, "-m", "builder", "serve", "--site", str(tmp_path), "--port",
                                 str(port)], capture_output=True, text=True, timeout=30, check=False)
    assert result.returncode == 1
    assert result.stderr == (f"error: port {port} on 127.0.0.1 is already in use; stop the other server or pass "
                             f"--port {port + 1}\n")
