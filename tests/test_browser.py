"""The built site in real headless Chromium: under a sub-path on a real server, and opened from disk."""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urljoin, urlparse

import pytest
from playwright import sync_api as playwright_api

from builder import build

from .conftest import SEED_DIR, parse_links

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]



@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import shutil

    root = tmp_path_factory.mktemp("browser-site")
    shutil.copytree(SEED_DIR, root / "seeds")
    build(root, root / "www" / "any" / "sub" / "path")
    return root / "www"


@pytest.fixture(scope="module")
def server(site: Path) -> Iterator[str]:
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/any/sub/path/"
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    assert CHROMIUM.exists(), "Chromium is missing: run .ci/run (it installs Debian's chromium package)"
    with playwright_api.sync_playwright() as driver:
        instance = driver.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield instance
        finally:
            instance.close()


def test_every_link_resolves_under_a_sub_path(server: str) -> None:
    import urllib.request

    seen: set[str] = set()
    queue = [server]
    while queue:
        url = queue.pop()
        if url in seen:
            continue
        seen.add(url)
        with urllib.request.urlopen(url, timeout=5) as response:
            assert response.status == 200, url
            body = response.read().decode("utf-8")
        if not url.endswith((".css", ".js", ".svg")):
            for link in parse_links(body)[0]:
                target = urljoin(url, link).split("#")[0]
                assert target.startswith(server), f"{url} links outside the site: {link}"
                if urlparse(target).scheme == "http":
                    queue.append(target)
    assert len(seen) > 15


def test_navigation_works_from_disk(site: Path, browser: playwright_api.Browser) -> None:
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto((site / "any/sub/path/index.html").as_uri())
    page.get_by_role("link", name="Kamala Harris", exact=True).first.click()
    page.wait_for_load_state()
    assert page.url.endswith("/people/kamala-harris/index.html")
    assert page.get_by_role("heading", level=1).inner_text() == "Kamala Harris"
    page.get_by_role("link", name="Institutions", exact=True).first.click()
    page.wait_for_load_state()
    assert page.url.endswith("/institutions/index.html")
    assert errors == []


def test_pages_load_without_console_errors_or_failed_requests(server: str,
                                                              browser: playwright_api.Browser) -> None:
    page = browser.new_page()
    problems: list[str] = []
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    page.on("requestfailed", lambda request: problems.append(request.url))
    page.on("response", lambda r: problems.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    for path in ("", "people/kamala-harris/", "institutions/", "articles/"):
        page.goto(server + path)
    assert problems == []
