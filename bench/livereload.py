"""Live preview latency: time from saving a content page to its new text being visible in the open browser tab.

Usage: ``python bench/livereload.py [--runs N] [--large-runs N] [--articles N] [--skip-large]``. Runs ``builder
serve`` on a free port of 127.0.0.1 for two sites copied into a temporary folder, opens a page in headless
Chromium (Debian's ``/usr/bin/chromium``, driven by Playwright), then, ``--runs`` times, appends a paragraph with a
unique marker to the page's Markdown and polls the tab until the marker is visible, without reloading it.

* the default site (this repository's ``seeds/``, ``content/``, ``templates/`` and ``site.yaml``): edits
  ``content/people/kamala-harris.md``; target median <= 150 ms;
* a synthetic site of ``--articles`` (1,000) article pages with 150 people and 40 institutions: edits one
  article; target median <= 500 ms.

Prints each run, the median and the target, and the build times the server printed. Exit status 0 when every
run saw its marker (a missed target is reported, not an error).
"""

from __future__ import annotations

import argparse
import random
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from playwright import sync_api as playwright_api

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
TIMEOUT_S = 120.0


@dataclass(frozen=True)
class Case:
    """One site to measure."""

    name: str
    """Shown in the report."""
    site: Path
    """The site folder (a temporary copy)."""
    url_path: str
    """The page opened in the browser."""
    edit: Path
    """The Markdown file edited, relative to the site."""
    target_ms: float
    """The median to stay under."""


def copy_default_site(into: Path) -> Case:
    """This repository's site, copied so the benchmark never touches its files."""
    for name in ("seeds", "content", "templates"):
        shutil.copytree(REPO / name, into / name, ignore=shutil.ignore_patterns("__pycache__", "*.py"))
    shutil.copy(REPO / "site.yaml", into / "site.yaml")
    return Case("default site", into, "/people/kamala-harris/", Path("content/people/kamala-harris.md"), 150)


def make_large_site(into: Path, articles: int) -> Case:
    """``articles`` article pages mentioning a few of 150 people and 40 institutions each (fixed random seed)."""
    rng = random.Random(5)
    people = [f"{first} {last}" for first, last in zip(_FIRST * 10, _LAST * 6, strict=False)][:150]
    institutions = [f"{kind} of {place}" for kind in _KINDS for place in _PLACES][:40]
    for name in people:
        _write(into / "content/people" / f"{_slug(name)}.md",
               f"---\nname: {name}\naliases: [{name.split()[1]}]\nrole: Minister\naffiliations: []\n---\n")
    for name in institutions:
        _write(into / "content/institutions" / f"{_slug(name)}.md", f"---\nname: {name}\naliases: []\nrole: ''\n---\n")
    for n in range(articles):
        who, where = rng.sample(people, 3), rng.sample(institutions, 2)
        _write(into / "content/articles" / f"article-{n:04d}.md", _article(n, who, where))
    (into / "site.yaml").write_text("title: A thousand articles\n", encoding="utf-8")
    return Case(f"{articles} articles", into, "/articles/article-0500/", Path("content/articles/article-0500.md"), 500)


def _article(n: int, who: list[str], where: list[str]) -> str:
    people = ", ".join(_slug(p) for p in who)
    institutions = ", ".join(_slug(i) for i in where)
    paragraphs = [f"{who[0]} met {who[1]} at the {where[0]} on day {n}, aides said.",
                  f"The {where[1]} welcomed the talks. {who[2]} did not attend the meeting.",
                  f"{who[1].split()[1]} said the plan would be published within a month.",
                  "Officials expect a vote before the end of the year, after a public consultation."]
    return (f"---\ntitle: Synthetic article {n}\ndate: 2024-01-{n % 28 + 1:02d}\ndateline: LISBON (Reuters)\n"
            f"source: Reuters\nseed: ''\nsummary: {paragraphs[0]}\npeople: [{people}]\n"
            f"institutions: [{institutions}]\nquotes: []\n---\n\n" + "\n\n".join(paragraphs) + "\n")


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


_FIRST = ["Ana", "Rui", "Marta", "Joao", "Ines", "Pedro", "Sofia", "Tiago", "Carla", "Nuno", "Rita", "Hugo",
          "Lara", "Paulo", "Vera"]
_LAST = ["Sousa", "Costa", "Pereira", "Almeida", "Ferreira", "Rodrigues", "Martins", "Gomes", "Lopes", "Marques",
         "Ribeiro", "Pinto", "Carvalho", "Teixeira", "Moreira", "Correia", "Mendes", "Nunes", "Soares", "Vieira",
         "Monteiro", "Cardoso", "Rocha", "Neves", "Coelho"]
_KINDS = ["Ministry", "Court", "Council", "Bank", "Agency", "Office", "Institute", "Commission"]
_PLACES = ["Lisbon", "Porto", "Braga", "Faro", "Evora"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def running_server(site: Path) -> Iterator[tuple[str, list[str]]]:
    """``builder serve`` for ``site``; yields its address and the lines it prints."""
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "builder", "serve", "--site", str(site), "--port", str(port)],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=REPO)
    lines: list[str] = []
    reader = threading.Thread(target=_read, args=(process, lines), daemon=True)
    reader.start()
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + TIMEOUT_S * 5
        while not _answers(base):
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"server did not start: {lines}")
            time.sleep(0.1)
        yield base, lines
    finally:
        process.terminate()
        process.wait(timeout=TIMEOUT_S)


def _read(process: subprocess.Popen[str], lines: list[str]) -> None:
    for line in process.stdout or ():
        lines.append(line.rstrip())
        PRINTED.append(time.perf_counter())


PRINTED: list[float] = []
"""When each server line was read, to split a run's latency into build and browser."""


def _answers(base: str) -> bool:
    try:
        with urllib.request.urlopen(base + "/", timeout=2):
            return True
    except OSError:
        return False


def measure(case: Case, runs: int, browser: playwright_api.Browser) -> list[float]:
    """Milliseconds from each save to its marker being visible in the tab."""
    edited = case.site / case.edit
    original = edited.read_text(encoding="utf-8")
    latencies = []
    with running_server(case.site) as (base, lines):
        page = browser.new_page()
        page.goto(base + case.url_path)
        page.wait_for_function("window.LiveReload && window.LiveReload.connector.protocol >= 7")
        for run in range(runs):
            marker = f"Marker{secrets.token_hex(6)}"
            started = time.perf_counter()
            edited.write_text(f"{original}\n{marker} paragraph.\n", encoding="utf-8")
            _wait_visible(page, marker)
            latencies.append((time.perf_counter() - started) * 1000)
            built = (PRINTED[-1] - started) * 1000 if PRINTED and PRINTED[-1] > started else float("nan")
            print(f"  run {run + 1}: {latencies[-1]:.0f} ms (build printed after {built:.0f} ms)")
            time.sleep(0.5)
        page.close()
        edited.write_text(original, encoding="utf-8")
        builds = [float(m.group(1)) for line in lines if (m := re.search(r" changed: .* in ([\d.]+) s$", line))]
        if builds:
            print(f"  server build time: median {statistics.median(builds) * 1000:.0f} ms over {len(builds)} builds")
    return latencies


def _wait_visible(page: playwright_api.Page, marker: str) -> None:
    deadline = time.monotonic() + TIMEOUT_S
    while time.monotonic() < deadline:
        try:
            if page.evaluate("m => !!document.body && document.body.innerText.includes(m)", marker):
                return
        except playwright_api.Error:
            pass  # the page is reloading
        time.sleep(0.002)
    raise SystemExit(f"marker {marker} not visible after {TIMEOUT_S:.0f} s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=15, help="edits on the default site (default: 15)")
    parser.add_argument("--large-runs", type=int, default=5, help="edits on the large site (default: 5)")
    parser.add_argument("--articles", type=int, default=1000, help="articles in the large site (default: 1000)")
    parser.add_argument("--skip-large", action="store_true", help="measure the default site only")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-livereload-") as tmp, \
            playwright_api.sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        cases = [(copy_default_site(Path(tmp) / "default"), args.runs)]
        if not args.skip_large:
            cases.append((make_large_site(Path(tmp) / "large", args.articles), args.large_runs))
        results = []
        for case, runs in cases:
            print(f"{case.name}: editing {case.edit}, watching {case.url_path}")
            latencies = measure(case, runs, browser)
            results.append((case, statistics.median(latencies)))
        browser.close()
    for case, median in results:
        verdict = "met" if median <= case.target_ms else "MISSED"
        print(f"{case.name}: median {median:.0f} ms (target <= {case.target_ms:.0f} ms: {verdict})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
