"""The explainer in headless Chromium, on the default site served from 127.0.0.1: preview cards on hover and on
keyboard focus (dismissed with Escape), none at all without JavaScript while the links still work, links inside the
connections graph, and the cited sentence highlighted on arrival. Also from file://, where the card data still
comes from the page itself.
"""

from __future__ import annotations

import functools
import http.server
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright import sync_api as playwright_api

from builder import build

from .conftest import REPO

AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The default site as committed, built; returns its output folder."""
    root = tmp_path_factory.mktemp("explain-browser")
    for folder in ("seeds", "content"):
        shutil.copytree(REPO / folder, root / folder)
    (root / ".builder").mkdir()
    shutil.copy(REPO / ".builder" / "ingest.json", root / ".builder" / "ingest.json")
    shutil.copy(REPO / "site.yaml", root / "site.yaml")
    build(root)
    return root / "output"


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """No request log."""


@pytest.fixture(scope="module")
def server(site: Path) -> Iterator[str]:
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)



def _article(site: Path) -> str:
    [page] = sorted((site / "articles").glob("*/index.html"))
    return str(page.parent.relative_to(site)) + "/"


def _errors(page: playwright_api.Page) -> list[str]:
    problems: list[str] = []
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    return problems


def test_preview_card_appears_on_hover_and_goes_when_the_pointer_leaves(site: Path, server: str,
                                                                        browser: playwright_api.Browser) -> None:
    page = browser.new_page()
    problems = _errors(page)
    page.goto(server + _article(site))
    card = page.locator("#entity-card")
    link = page.locator('a.entity[href$="people/kamala-harris/"]').first
    link.hover()
    card.wait_for(state="visible")
    assert card.get_attribute("role") == "tooltip"
    assert "Kamala Harris" in card.inner_text() and "Vice President" in card.inner_text()
    assert link.get_attribute("aria-describedby") == "entity-card"
    page.mouse.move(1, 1)
    card.wait_for(state="hidden")
    assert problems == []


def test_preview_card_appears_on_keyboard_focus_and_escape_dismisses_it(site: Path, server: str,
                                                                       browser: playwright_api.Browser) -> None:
    page = browser.new_page()
    page.goto(server + _article(site))
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('entity')"):
            break
    else:
        pytest.fail("Tab never reached an entity link")
    name = page.evaluate("document.activeElement.textContent")
    card = page.locator("#entity-card")
    card.wait_for(state="visible")
    assert page.evaluate("document.activeElement.getAttribute('aria-describedby')") == "entity-card"
    text = card.inner_text()
    assert name.split()[-1] in text or name in text
    page.keyboard.press("Escape")
    card.wait_for(state="hidden")
    assert page.evaluate("document.activeElement.classList.contains('entity')"), "focus stays on the link"


def test_preview_card_passes_axe_while_open(site: Path, server: str, browser: playwright_api.Browser) -> None:
    page = browser.new_page()
    page.goto(server + _article(site))
    page.locator("a.entity").first.focus()
    page.locator("#entity-card").wait_for(state="visible")
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    assert [v["id"] for v in result["violations"]] == []


def test_without_javascript_there_is_no_card_and_links_still_work(site: Path, server: str,
                                                                  browser: playwright_api.Browser) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(server + _article(site))
    link = page.locator('a.entity[href$="people/kamala-harris/"]').first
    link.hover()
    link.focus()
    assert page.locator("#entity-card, .entity-card").count() == 0
    link.click()
    page.wait_for_load_state()
    assert page.url == server + "people/kamala-harris/"
    assert page.get_by_role("heading", level=1).inner_text() == "Kamala Harris"
    context.close()


def test_preview_card_works_from_disk(site: Path, browser: playwright_api.Browser) -> None:
    page = browser.new_page()
    page.goto((site / _article(site) / "index.html").as_uri())
    page.locator("a.entity").first.hover()
    page.locator("#entity-card").wait_for(state="visible")
    assert page.locator("#entity-card .card-name").inner_text()


@pytest.mark.parametrize("path", ["connections/", "people/kamala-harris/"])
def test_links_inside_the_connections_graph_work(server: str, browser: playwright_api.Browser, path: str) -> None:
    page = browser.new_page()
    page.goto(server + path)
    assert page.locator("svg.graph").is_visible()
    page.locator('svg.graph a[href$="alejandro-giammattei/"]').click()
    page.wait_for_load_state()
    assert page.url == server + "people/alejandro-giammattei/"
    assert page.get_by_role("heading", level=1).inner_text() == "Alejandro Giammattei"


_TARGET = ("(() => { const t = document.querySelector(':target');"
           " return t && [t.id, getComputedStyle(t).backgroundColor, t.innerText]; })()")


def test_mention_link_highlights_its_sentence_on_arrival(server: str, browser: playwright_api.Browser) -> None:
    page = browser.new_page()
    page.goto(server + "people/alexandria-ocasio-cortez/")
    page.locator("ul.mentions a").first.click()
    page.wait_for_load_state()
    ident, background, text = page.evaluate(_TARGET)
    assert ident == "p4-s1" and text == "Rep. Alexandria Ocasio-Cortez (D-NY) criticized the U.S. stance."
    assert background not in ("rgba(0, 0, 0, 0)", "transparent")


def test_quote_source_link_lands_on_and_highlights_the_quote(server: str, browser: playwright_api.Browser) -> None:
    """Chromium follows the text fragment: the quotation's words are marked (::target-text) and their paragraph is
    the target; a browser without text fragments lands on the sentence anchor, which is highlighted the same way."""
    page = browser.new_page()
    page.goto(server + "people/alexandria-ocasio-cortez/")
    quote = page.locator("figure.quote", has_text="First, seeking asylum at any US border")
    href = quote.locator("a.source").get_attribute("href")
    quote.locator("a.source").click()
    page.wait_for_load_state()
    ident, background, text = page.evaluate(_TARGET)
    assert ident in ("p5", (href or "").split("#")[1].split(":~:")[0])
    assert "First, seeking asylum at any US border" in text
    assert background not in ("rgba(0, 0, 0, 0)", "transparent")
    in_view = page.evaluate("(() => { const r = document.querySelector(':target').getBoundingClientRect();"
                            " return r.bottom > 0 && r.top < window.innerHeight; })()")
    assert in_view
