"""``builder serve`` in real headless Chromium: an edit shows up in the open tab by itself, a second quick save
too, a failed build shows its errors over the page until the next good build, and a stylesheet is swapped in
place. Nothing here reloads the page by hand."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright import sync_api as playwright_api

from .conftest import SEED
from .test_serve import Preview, fetch, wait_for

OVERLAY = "#builder-error-overlay"
WAIT_MS = 20_000

Write = Callable[[str, str], Path]



@pytest.fixture
def preview(tmp_path: Path, write: Write) -> Iterator[Preview]:
    write("seeds/lisbon.txt", SEED)
    running = Preview(tmp_path)
    try:
        assert wait_for(lambda: "Ana Sousa" in fetch(running.base), 60), f"server did not come up: {running.lines}"
        yield running
    finally:
        running.stop()


@pytest.fixture
def tab(browser: playwright_api.Browser, preview: Preview) -> Iterator[playwright_api.Page]:
    page = browser.new_page()
    page.set_default_timeout(WAIT_MS)
    page.goto(preview.base + "people/ana-sousa/")
    page.wait_for_function("window.LiveReload && window.LiveReload.connector.protocol >= 7")
    try:
        yield page
    finally:
        page.close()


def person_page(site: Path) -> Path:
    return site / "content/people/ana-sousa.md"


def test_an_edit_shows_up_in_the_open_tab(tab: playwright_api.Page, preview: Preview) -> None:
    page = person_page(preview.site)
    page.write_text(page.read_text() + "\nLeads the minority government.\n")
    tab.get_by_text("Leads the minority government.").wait_for()


def test_an_edit_is_swapped_in_place_and_the_page_still_works(browser: playwright_api.Browser,
                                                              preview: Preview) -> None:
    """No reload: the tab keeps its state and scroll position, the title follows the page, and the article's
    preview cards (a script of the theme) work on the new text."""
    article = next((preview.site / "content/articles").glob("*.md"))
    page = browser.new_page(viewport={"width": 800, "height": 300})
    page.set_default_timeout(WAIT_MS)
    try:
        page.goto(preview.base + "articles/" + article.stem + "/")
        page.wait_for_function("window.LiveReload && window.LiveReload.connector.protocol >= 7")
        page.evaluate("window.stillTheSamePage = true; window.scrollTo(0, 120)")
        text = article.read_text()
        article.write_text(text.replace("title: ", "title: Revised ", 1) + "\nA paragraph added by hand.\n")
        page.get_by_text("A paragraph added by hand.").wait_for()
        assert page.evaluate("window.stillTheSamePage") is True
        assert page.evaluate("window.scrollY") == 120
        assert page.title().startswith("Revised ")
        link = page.locator("main a.entity").first
        link.hover()
        page.locator("#entity-card").wait_for(state="visible")
        assert page.locator("#entity-card").count() == 1
    finally:
        page.close()


def test_a_second_save_within_a_second_is_shown(tab: playwright_api.Page, preview: Preview) -> None:
    page = person_page(preview.site)
    original = page.read_text()
    page.write_text(original + "\nFirst save.\n")
    tab.get_by_text("First save.").wait_for()
    page.write_text(original + "\nSecond save.\n")  # right after the first reload
    tab.get_by_text("Second save.").wait_for()
    page.write_text(original + "\nThird save.\n")
    time.sleep(0.3)
    page.write_text(original + "\nFourth save.\n")  # while the third builds
    tab.get_by_text("Fourth save.").wait_for()
    assert tab.get_by_text("First save.").count() == 0


def test_a_broken_page_shows_the_overlay_and_the_fix_clears_it(tab: playwright_api.Page, preview: Preview) -> None:
    page = person_page(preview.site)
    original = page.read_text()
    page.write_text("---\nname: [broken\n---\n")
    overlay = tab.locator(OVERLAY)
    overlay.wait_for()
    assert "content/people/ana-sousa.md:2: invalid YAML in front matter: did not find expected ',' or ']'" \
        in overlay.inner_text()
    page.write_text("---\nname: Ana Sousa\naffiliations: ['<stream>']\n---\n")
    tab.wait_for_function("document.getElementById('builder-error-overlay').innerText.includes('<stream>')")
    assert tab.locator("stream").count() == 0, "the message was not escaped"
    assert tab.get_by_role("heading", level=1).inner_text() == "Ana Sousa", "the last good page is gone"
    assert preview.process.poll() is None
    page.write_text(original + "\nFixed.\n")
    tab.get_by_text("Fixed.").wait_for()
    assert tab.locator(OVERLAY).count() == 0


def test_a_broken_site_yaml_or_template_is_shown_the_same_way(tab: playwright_api.Page, preview: Preview) -> None:
    config = preview.site / "site.yaml"
    config.write_text("title: [Lisbon\n")
    tab.locator(OVERLAY).get_by_text("site.yaml:").wait_for()
    config.write_text("title: Lisbon explained\n")
    tab.locator(OVERLAY).wait_for(state="detached")
    assert "Lisbon explained" in tab.title()
    template = preview.site / "templates/base.html"
    template.parent.mkdir()
    template.write_text("<html><head></head><body>{% if %}</body></html>\n")
    tab.locator(OVERLAY).get_by_text("templates/base.html:1:").wait_for()
    template.unlink()
    tab.locator(OVERLAY).wait_for(state="detached")
    assert tab.get_by_role("heading", level=1).inner_text() == "Ana Sousa"


def test_a_page_opened_while_the_build_is_broken_shows_the_overlay(browser: playwright_api.Browser,
                                                                    preview: Preview) -> None:
    person_page(preview.site).write_text("---\nname: [broken\n---\n")
    preview.wait_for_builds(1)
    page = browser.new_page()
    try:
        page.goto(preview.base)
        page.locator(OVERLAY).get_by_text("content/people/ana-sousa.md:2:").wait_for(timeout=WAIT_MS)
    finally:
        page.close()


def test_a_stylesheet_change_refreshes_the_styles_without_a_reload(tab: playwright_api.Page,
                                                                   preview: Preview) -> None:
    from builder.config import theme_dir

    tab.evaluate("window.stillTheSamePage = true")
    sheet = preview.site / "templates/assets/style.css"
    sheet.parent.mkdir(parents=True)
    sheet.write_text((theme_dir() / "assets/style.css").read_text() + "\nh1 { outline: 3px solid rgb(1, 2, 3) }\n")
    tab.wait_for_function("getComputedStyle(document.querySelector('h1')).outlineColor === 'rgb(1, 2, 3)'")
    assert tab.evaluate("window.stillTheSamePage") is True
