"""Shared fixtures: tiny sites written into tmp_path, and a checker for the links of a built site."""

from __future__ import annotations

import re
import shutil
import textwrap
from collections.abc import Callable, Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urldefrag

import pytest
from hypothesis import settings
from playwright import sync_api as playwright_api

REPO = Path(__file__).resolve().parent.parent
SEED_DIR = REPO / "seeds"

SEED = """\
 date 2024-03-05 LISBON (Reuters) — Prime Minister Ana Sousa met European Commission officials on Tuesday.

“We will work together on this,” Sousa said.
"""

settings.register_profile("untimed", deadline=None)
settings.load_profile("untimed")
"""Property tests check what comes out, never how long one example takes: on a busy machine Hypothesis's
per-example deadline (200 ms) failed examples that take 5 ms alone."""


@pytest.fixture
def write(tmp_path: Path) -> Callable[[str, str], Path]:
    """Write a file under tmp_path (dedented) and return its path."""

    def _write(relative: str, text: str) -> Path:
        path = tmp_path / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    return _write


@pytest.fixture
def seed_site(tmp_path: Path) -> Path:
    """A site folder holding a copy of the project's real seed articles."""
    shutil.copytree(SEED_DIR, tmp_path / "seeds")
    return tmp_path


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for name in ("href", "src"):
            if values.get(name) and not (tag == "link" and values.get("rel") == "canonical"):
                self.links.append(str(values[name]))
        if values.get("id"):
            self.ids.add(str(values["id"]))


def parse_links(html: str) -> tuple[list[str], set[str]]:
    """The href/src values and the element ids of a page."""
    parser = _Links()
    parser.feed(html)
    return parser.links, parser.ids


def broken_links(out: Path) -> list[str]:
    """Every internal link of every page that does not resolve on disk (folder -> index.html), or whose
    #fragment is missing, or that is root-absolute."""
    problems = []
    for page in sorted(out.rglob("*.html")):
        links, _ = parse_links(page.read_text(encoding="utf-8"))
        for link in links:
            if re.match(r"^[a-zA-Z][\w+.-]*:", link):
                continue
            if link.startswith("/"):
                problems.append(f"{page.relative_to(out)}: root-absolute link {link}")
                continue
            target, fragment = urldefrag(link)
            fragment = fragment.split(":~:")[0]  # a text fragment (:~:text=...) is no anchor
            path = (page.parent / unquote(target)).resolve() if target else page
            if path.is_dir():
                path = path / "index.html"
            if not path.is_file() or out.resolve() not in path.parents:
                problems.append(f"{page.relative_to(out)}: broken link {link}")
            elif fragment and fragment not in parse_links(path.read_text(encoding="utf-8"))[1]:
                problems.append(f"{page.relative_to(out)}: missing anchor {link}")
    return problems


CHROMIUM = Path("/usr/bin/chromium")
"""Debian's Chromium, installed by .ci/run; Playwright never downloads a browser here."""
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def browser() -> Iterator[playwright_api.Browser]:
    """Headless Chromium, one per test module."""
    assert CHROMIUM.exists(), "Chromium is missing: run .ci/run (it installs Debian's chromium package)"
    with playwright_api.sync_playwright() as driver:
        instance = driver.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield instance
        finally:
            instance.close()
