"""The real seed, built from scratch: the site the project publishes by default."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from builder import build
from builder.content import load_content

from .conftest import broken_links


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import shutil

    from .conftest import SEED_DIR

    site = tmp_path_factory.mktemp("seed-site")
    shutil.copytree(SEED_DIR, site / "seeds")
    build(site)
    return site


PEOPLE = {"kamala-harris": "Kamala Harris", "alejandro-giammattei": "Alejandro Giammattei",
          "alexandria-ocasio-cortez": "Alexandria Ocasio-Cortez", "gloria-porras": "Gloria Porras"}
INSTITUTIONS = ["justice-department", "treasury-department", "state-department",
                "constitutional-court-of-guatemala", "associated-press"]


def test_home_links_every_person_and_institution_named_in_the_seed(built: Path) -> None:
    home = (built / "output/index.html").read_text()
    for slug, name in PEOPLE.items():
        assert f'<a href="people/{slug}/">{name}</a>' in home
    for slug in INSTITUTIONS:
        assert f'href="institutions/{slug}/"' in home


def test_people_carry_their_roles_and_surname_aliases(built: Path) -> None:
    content = load_content(built / "content")
    people = {p.slug: p for p in content.entities if p.section == "people"}
    assert people["kamala-harris"].role == "Vice President"
    assert people["alejandro-giammattei"].role == "President of Guatemala"
    assert people["alexandria-ocasio-cortez"].role == "U.S. Representative, Democrat, New York"
    assert "Harris" in people["kamala-harris"].aliases
    assert "Giammattei" in people["alejandro-giammattei"].aliases


def test_article_front_matter_is_complete(built: Path) -> None:
    [article] = load_content(built / "content").articles
    assert article.title == "Vice President Kamala Harris offered an optimistic outlook"
    assert (article.dateline, article.source, article.seed) == ("GUATEMALA CITY (AP)", "AP",
                                                                "000_f52d19d8c2480346.txt")
    assert article.summary.startswith("Vice President Kamala Harris offered")
    assert set(PEOPLE) <= set(article.people) and set(INSTITUTIONS) <= set(article.institutions)


def test_every_entity_page_lists_the_article_with_the_sentence(built: Path) -> None:
    [article] = load_content(built / "content").articles
    for section, slugs in (("people", article.people), ("institutions", article.institutions)):
        for slug in slugs:
            page = (built / "output" / section / slug / "index.html").read_text()
            assert f'href="../../articles/{article.slug}/#p' in page, f"{section}/{slug} lists no sentence"
            assert "<strong>" in page


def test_article_links_every_mention(built: Path) -> None:
    [article] = load_content(built / "content").articles
    html = (built / "output/articles" / article.slug / "index.html").read_text()
    body = html.split('<div class="body">')[1].split("</div>")[0]
    unlinked = re.sub(r"<a [^>]*>.*?</a>", "", body)
    assert "Giammattei" not in unlinked and "Harris" not in unlinked and "Porras" not in unlinked
    assert '<a href="../../institutions/treasury-department/" class="entity">Treasury</a>' in body
    assert '<a href="../../people/kamala-harris/" class="entity">Kamala Harris</a>' in body
    assert re.search(r'<p id="p13">', body)


def test_harris_page_shows_her_quotes_linking_to_their_sentence(built: Path) -> None:
    page = (built / "output/people/kamala-harris/index.html").read_text()
    assert "I want to emphasize that the goal of our work is to help Guatemalans find hope at home" in page
    assert re.search(r'#p3-s1:~:text=[^"]+">Vice President Kamala Harris offered an optimistic outlook</a>', page)


def test_no_internal_link_is_broken_on_disk(built: Path) -> None:
    assert broken_links(built / "output") == []


@pytest.mark.parametrize("verb", [[], ["build"], ["ingest"], ["serve"]])
def test_help_explains_each_command(verb: list[str]) -> None:
    result = subprocess.run([sys.executable, "-m", "builder", *verb, "--help"], capture_output=True, text=True,
                            check=True)
    assert result.stdout.startswith("usage: builder")
    assert "--site DIR" in result.stdout or verb == []
    if verb == ["build"]:
        assert "--out DIR" in result.stdout
    if verb == ["serve"]:
        assert "--port PORT" in result.stdout and "--host HOST" in result.stdout
