"""The preview shows an edited article's page at once, made from the last build's model: that page is the very
page the full build then writes; when it could differ, nothing is shown first."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from builder import build
from builder.pipeline import load_site, show_first

from .test_incremental import site  # noqa: F401  (the fixture)

Edit = Callable[[str], str]


def _article(root: Path, seed: str) -> Path:
    return next(p for p in (root / "content/articles").iterdir() if f"seed: {seed}" in p.read_text())


@pytest.mark.parametrize("edit", [
    lambda text: text + "\nThe bridge reopened on Friday after repairs, Lopes said.\n",
    lambda text: text.replace("title: ", "title: Revised ", 1),
    lambda text: text.replace("Rui Lopes opened", "Rui Lopes, an engineer, opened"),  # his drawn summary's source
    lambda text: text.replace("Lopes thanked Ana Sousa", "Lopes thanked Prime Minister Ana Sousa"),
    lambda text: text.replace("\n---\n\n", "\n---\n\nThe meeting ended late.\n\n", 1),  # who the lede names
], ids=["text", "title", "summary source", "names", "new lede"])
def test_the_page_shown_first_is_the_page_the_build_writes(site: Path, edit: Edit) -> None:  # noqa: F811
    model = load_site(site)
    article = _article(site, "b.txt")
    article.write_text(edit(article.read_text()))
    shown = show_first(model, [article])
    assert shown is not None and len(shown) == 1
    build(site)
    for path, data in shown.items():
        assert data == (site / "output" / path).read_bytes()


@pytest.mark.parametrize("edit", [
    lambda text: text.replace("date: 2024-03-09", "date: 2024-03-10"),
    lambda text: text.replace("people:\n", "people:\n- nobody-known\n"),
    lambda text: text + "\nSee [the other article](a.md).\n",
    lambda text: text.replace("Rui Lopes opened", "The mayor opened").replace("Lopes thanked", "He thanked"),
], ids=["date", "unknown entity", "link", "summary from another article"])
def test_what_could_differ_is_not_shown_first(site: Path, edit: Edit) -> None:  # noqa: F811
    model = load_site(site)
    article = _article(site, "b.txt")
    article.write_text(edit(article.read_text()))
    assert show_first(model, [article]) is None


def test_a_broken_page_is_not_shown_first(site: Path) -> None:  # noqa: F811
    model = load_site(site)
    article = _article(site, "a.txt")
    article.write_text("---\ntitle: [broken\n---\n")
    assert show_first(model, [article]) is None
