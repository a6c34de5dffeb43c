"""The built site in real headless Chromium: under a sub-path on a real server (which answers a missing address
with 404.html, as static hosts do), and opened from disk. axe-core (npm ``axe-core``, installed by ``make test``'s
``npm ci``) checks every page type in light and dark; a missing browser or tool fails, it never skips.
"""

from __future__ import annotations

import functools
import http.server
import shutil
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlparse

import pytest
from playwright import sync_api as playwright_api

from builder import build

from .conftest import REPO, SEED_DIR, broken_links, parse_links

AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
SUB = "any/sub/path/"
PAGE_TYPES = {
    "home": "", "article index": "articles/", "people index": "people/", "institution index": "institutions/",
    "article": "articles/*/", "person": "people/kamala-harris/", "institution": "institutions/*/",
    "search": "search/?q=Harris", "not found": "people/nobody/at/all/", "connections": "connections/",
    "timeline": "timeline/", "timeline month": "timeline/2021-06/", "mentions": "people/kamala-harris/mentions/2/",
}
SECOND_SEED = """ date 2021-06-09 MEXICO CITY (AP) — Vice President Kamala Harris met Mexican officials on Wednesday.

Harris said the talks would go on.
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real seed and one more article, one article per page of mentions (so the person has two), and the
    timeline cut into months."""
    root = tmp_path_factory.mktemp("browser-site")
    shutil.copytree(SEED_DIR, root / "seeds")
    (root / "seeds/follow-up.txt").write_text(SECOND_SEED, encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("builder.render.MENTIONS_PER_PAGE", 1)
        patch.setattr("builder.render.TIMELINE_PER_PAGE", 1)
        patch.setattr("builder.render.HOME_ARTICLES", 1)
        build(root, root / "www" / SUB)
    return root / "www"


class _StaticHost(http.server.SimpleHTTPRequestHandler):
    """A static host: files as they are, and the site's 404.html for any missing address under it."""

    not_found: Path

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        if code != 404 or not self.not_found.is_file():
            super().send_error(code, message, explain)
            return
        body = self.not_found.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the tests report what failed."""


@pytest.fixture(scope="module")
def server(site: Path) -> Iterator[str]:
    handler_class = type("Host", (_StaticHost,), {"not_found": site / SUB / "404.html"})
    handler = functools.partial(handler_class, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/{SUB}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)



def _watch(page: playwright_api.Page) -> list[str]:
    """Collect console errors, uncaught exceptions and failed requests (a 404 page's own status aside, and requests
    cut short because a click left the page while they loaded, such as its icon)."""
    problems: list[str] = []

    def on_console(msg: playwright_api.ConsoleMessage) -> None:
        is_own_status = msg.text.startswith("Failed to load resource") and msg.location.get("url") == page.url
        if msg.type == "error" and not is_own_status:
            problems.append(f"console: {msg.text} ({msg.location.get('url')})")

    page.on("console", on_console)
    page.on("pageerror", lambda exc: problems.append(f"exception: {exc}"))
    page.on("requestfailed", lambda request: problems.append(f"failed: {request.url} ({request.failure})")
            if request.failure != "net::ERR_ABORTED" else None)  # aborted: the page was left before it loaded
    page.on("response", lambda r: problems.append(f"{r.status} {r.url}")
            if r.status >= 400 and r.request.resource_type != "document" else None)
    return problems


def _page(site: Path, path: str) -> str:
    """A page type's path: ``articles/*/`` is the first article of the built site."""
    if "*" not in path:
        return path
    found = sorted((site / SUB).glob(path + "index.html"))
    assert found, f"the site has no page at {path}"
    return str(found[0].parent.relative_to(site / SUB)) + "/"


def _fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8", "replace")


def test_every_link_resolves_under_a_sub_path(server: str) -> None:
    seen: set[str] = set()
    queue = [server, server + "404.html", server + "feed.xml"]
    while queue:
        url = queue.pop()
        if url in seen:
            continue
        seen.add(url)
        status, body = _fetch(url)
        assert status == 200, url
        if not url.endswith((".css", ".js", ".svg")):
            for link in parse_links(body)[0]:
                target = urljoin(url, link).split("#")[0]
                if target.startswith("data:"):
                    continue
                assert target.startswith(server), f"{url} links outside the site: {link}"
                if urlparse(target).scheme == "http":
                    queue.append(target)
    assert {server + "search/", server + "feed.xml", server + "assets/search.js"} <= seen
    assert len(seen) > 20


def test_every_link_resolves_from_disk(site: Path) -> None:
    assert broken_links(site / SUB) == []


def test_navigation_works_from_disk(site: Path, browser: playwright_api.Browser) -> None:
    page = browser.new_page()
    errors = _watch(page)
    page.goto((site / SUB / "index.html").as_uri())
    page.get_by_role("link", name="Kamala Harris", exact=True).first.click()
    page.wait_for_load_state()
    assert page.url.endswith("/people/kamala-harris/index.html")
    assert page.get_by_role("heading", level=1).inner_text() == "Kamala Harris"
    page.get_by_role("link", name="Institutions", exact=True).first.click()
    page.wait_for_load_state()
    assert page.url.endswith("/institutions/index.html")
    page.get_by_role("link", name="Search", exact=True).first.click()
    page.wait_for_load_state()
    assert "served over HTTP" in page.locator("#search-status").inner_text()
    page.goto((site / SUB / "404.html").as_uri())
    page.get_by_role("link", name="people", exact=True).click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/{SUB}people/index.html")
    assert errors == []


@pytest.mark.parametrize("path", PAGE_TYPES.values(), ids=PAGE_TYPES.keys())
def test_pages_load_without_console_errors_or_failed_requests(site: Path, server: str,
                                                              browser: playwright_api.Browser, path: str) -> None:
    page = browser.new_page()
    problems = _watch(page)
    page.goto(server + _page(site, path))
    page.wait_for_load_state("networkidle")
    assert problems == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", PAGE_TYPES.values(), ids=PAGE_TYPES.keys())
def test_no_axe_violations(site: Path, server: str, browser: playwright_api.Browser, path: str,
                           scheme: str) -> None:
    assert AXE.is_file(), f"{AXE} is missing: run `npm ci --ignore-scripts` (make test does)"
    page = browser.new_page(color_scheme=scheme)  # type: ignore[arg-type]
    page.goto(server + _page(site, path))
    page.wait_for_load_state("networkidle")
    if path.startswith("search/"):
        page.locator("ol.search-results li").first.wait_for()
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    assert result["passes"] or result["incomplete"] or result["inapplicable"], "axe-core did not run"
    violations = [f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}" for v in result["violations"]]
    assert violations == []


@pytest.mark.parametrize("missing", ["nothing-here", "people/nobody/", "institutions/a/b/c/d.html"])
def test_404_page_is_styled_and_its_links_work_at_any_depth(server: str, browser: playwright_api.Browser,
                                                            missing: str) -> None:
    page = browser.new_page()
    problems = _watch(page)
    response = page.goto(server + missing)
    assert response is not None and response.status == 404
    assert page.get_by_role("heading", level=1).inner_text() == "Page not found"
    assert "Georgia" in page.evaluate("getComputedStyle(document.body).fontFamily")
    hrefs = page.eval_on_selector_all("main a, header a", "links => links.map(a => a.href)")
    if missing == "nothing-here":  # no section in the address, no earlier visit: the domain root is the guess
        assert hrefs[0] == urljoin(server, "/")
        return
    assert hrefs and all(h.startswith(server) and _fetch(h)[0] == 200 for h in hrefs), hrefs
    assert problems == []


def test_404_page_finds_the_root_remembered_from_an_earlier_visit(server: str,
                                                                 browser: playwright_api.Browser) -> None:
    page = browser.new_page()
    page.goto(server)
    page.goto(server + "no/such/page")
    hrefs = page.eval_on_selector_all("main a", "links => links.map(a => a.href)")
    assert hrefs[0] == server and all(_fetch(h)[0] == 200 for h in hrefs)


def test_search_finds_people_articles_and_institutions(server: str, browser: playwright_api.Browser) -> None:
    page = browser.new_page()
    problems = _watch(page)
    page.goto(server + "search/")
    page.get_by_label("Articles, people and institutions").fill("Harris")
    page.keyboard.press("Enter")
    page.locator("ol.search-results li").first.wait_for()
    hrefs = page.eval_on_selector_all("ol.search-results a", "links => links.map(a => a.href)")
    assert server + "people/kamala-harris/" in hrefs
    assert any("/articles/" in h for h in hrefs)
    assert all(_fetch(h)[0] == 200 for h in hrefs)
    page.get_by_label("Articles, people and institutions").fill("Justice Department")
    page.keyboard.press("Enter")
    page.wait_for_function("[...document.querySelectorAll('ol.search-results a')]"
                           ".some(a => a.href.includes('/institutions/'))")
    assert problems == []


def test_search_page_without_javascript_links_to_the_indexes(server: str, browser: playwright_api.Browser) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(server + "search/")
    assert not page.locator("form.search").is_visible()
    for name in ("article", "person", "institution"):
        page.get_by_role("link", name=name, exact=True).click()
        page.wait_for_load_state()
        assert page.get_by_role("heading", level=1).inner_text() in ("Articles", "People", "Institutions")
        page.go_back()
    context.close()


@pytest.mark.parametrize("path", PAGE_TYPES.values(), ids=PAGE_TYPES.keys())
def test_pages_fit_a_390_pixel_phone(site: Path, server: str, browser: playwright_api.Browser, path: str) -> None:
    page = browser.new_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page.goto(server + _page(site, path))
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_keyboard_reaches_a_visible_skip_link_first(server: str, browser: playwright_api.Browser) -> None:
    page = browser.new_page()
    page.goto(server + "people/kamala-harris/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused == "Skip to content"
    box = page.evaluate("(() => { const r = document.activeElement.getBoundingClientRect();"
                        " return [r.left, r.top, r.width]; })()")
    assert box[0] >= 0 and box[1] >= 0 and box[2] > 0
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_print_stylesheet_hides_navigation(server: str, browser: playwright_api.Browser) -> None:
    page = browser.new_page()
    page.goto(server + "people/kamala-harris/")
    page.emulate_media(media="print")
    assert page.evaluate("getComputedStyle(document.querySelector('.site-header nav')).display") == "none"
