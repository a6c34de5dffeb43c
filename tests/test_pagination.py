"""An entity named in many articles: its page lists the newest ones under "Mentioned in" (with their quotes
and dates) and numbered pages (``people/x/mentions/2/``) list the rest, linked by a pager (the first, the last
and those around the current one); a tie stated again and again is listed once; an edit re-renders only the
page of mentions that shows it, and the result equals a clean build."""

from __future__ import annotations

import itertools
import re
import shutil
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from builder import build
from builder.render import pager_window

from .test_incremental import _clean_build, _tree


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr("builder.render.MENTIONS_PER_PAGE", 2)
    root = tmp_path / "site"
    (root / "seeds").mkdir(parents=True)
    for day in range(1, 6):
        (root / "seeds" / f"{day}.txt").write_text(
            f" date 2024-05-0{day} LISBON (Reuters) — Mayor Rita Dias, who leads the City Council, opened bridge "
            f"number {day} on Monday.\n\n“Bridge {day} is open,” Dias said.\n")
    (root / "site.yaml").write_text("title: Bridges\n")
    build(root)
    return root


def _article_headings(html: str) -> list[str]:
    return re.findall(r"bridge number (\d) on Monday</a> <time", html)


def test_mentions_are_cut_into_linked_pages_newest_first(site: Path) -> None:
    out = site / "output/people/rita-dias"
    main, second, third = (out / "index.html").read_text(), (out / "mentions/2/index.html").read_text(), \
        (out / "mentions/3/index.html").read_text()
    assert not (out / "mentions/4").exists()
    assert _article_headings(main) == ["5", "4"]
    assert _article_headings(second) == ["3", "2"]
    assert _article_headings(third) == ["1"]
    assert "Articles 1–2 of 5, newest first." in main and "Articles 5–5 of 5, newest first." in third
    assert '<a href="mentions/2/" rel="next">Older</a>' in main
    assert '<a href="../../" rel="prev">Newer</a>' in second and '<a href="../3/" rel="next">Older</a>' in second
    assert '<a href="./" aria-current="page">2</a>' in second
    assert "<h1><a href=\"../../\">Rita Dias</a>: mentioned in, page 2</h1>" in second


def test_each_page_shows_the_quotes_and_dates_of_its_own_articles(site: Path) -> None:
    out = site / "output/people/rita-dias"
    main, second = (out / "index.html").read_text(), (out / "mentions/2/index.html").read_text()
    assert re.findall(r"<p>Bridge (\d) is open</p>", main) == ["5", "4"]
    assert re.findall(r"<p>Bridge (\d) is open</p>", second) == ["3", "2"]
    assert "Quoted in articles 1–2 of 5, the newest; each page of “Mentioned in” holds the quotes" in main
    timeline = main.split('<ol class="timeline">')[1].split("</ol>")[0]
    assert re.findall(r"bridge number (\d) on Monday</a>", timeline) == ["4", "5"]
    assert "The 2 newest of 5 articles; the earlier ones are on the further pages" in main


def test_a_tie_that_many_articles_state_is_listed_once_citing_the_newest(site: Path) -> None:
    for page in ("people/rita-dias/index.html", "connections/index.html"):
        ties = (site / "output" / page).read_text().split('<ul class="ties">')[1].split("</ul>")[0]
        assert ties.count("<li>") == 1 and ties.count('<span class="tie-type">leads</span>') == 1, page
        assert "opened bridge number 5 on Monday.”</a> <span class=\"also\">(and 4 more articles)</span>" in ties


def test_a_long_timeline_is_cut_into_months(site: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr("builder.render.TIMELINE_PER_PAGE", 4)
    for day, month in ((6, "06"), (7, "07")):
        (site / "seeds" / f"{day}.txt").write_text(f" date 2024-{month}-0{day} LISBON (Reuters) — Mayor Rita Dias "
                                                    f"opened bridge number {day} on Monday.\n")
    build(site)
    overview = (site / "output/timeline/index.html").read_text()
    assert re.findall(r'<a href="(2024-\d\d/)">(\w+ 2024)</a> <span class="meta">\((\d) articles?\)', overview) == [
        ("2024-05/", "May 2024", "5"), ("2024-06/", "June 2024", "1"), ("2024-07/", "July 2024", "1")]
    may = (site / "output/timeline/2024-05/index.html").read_text()
    assert re.findall(r"bridge number (\d) on Monday</a>", may) == ["1", "2", "3", "4", "5"]
    assert "<h1>Timeline: May 2024</h1>" in may and 'rel="prev"' not in may
    assert '<a href="../2024-06/" rel="next">June 2024</a>' in may
    june = (site / "output/timeline/2024-06/index.html").read_text()
    assert '<a href="../2024-05/" rel="prev">May 2024</a>' in june and '<a href="../2024-07/" rel="next">' in june
    (site / "seeds/7.txt").unlink()
    build(site)
    assert not (site / "output/timeline/2024-07").exists()
    assert _tree(site / "output") == _clean_build(site, tmp_path)


def test_the_home_page_and_the_index_list_the_newest_articles(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("builder.render.HOME_ARTICLES", 2)
    monkeypatch.setattr("builder.render.TIMELINE_PER_PAGE", 3)
    (site / "site.yaml").write_text("title: Bridges, again\n")  # the pages change: render them with these limits
    build(site)
    home = (site / "output/index.html").read_text().split('<h2 id="articles">')[1]
    assert _article_headings(home) == ["5", "4"]
    assert '<a href="articles/">More articles</a> (5 in all)' in home
    index = (site / "output/articles/index.html").read_text()
    assert _article_headings(index) == ["5", "4", "3"]
    assert 'The 3 newest of 5 articles; the <a href="../timeline/">timeline</a> lists every article' in index


def test_the_feed_holds_the_newest_articles(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("builder.feeds.FEED_ENTRIES", 2)
    (site / "seeds/6.txt").write_text(" date 2024-05-06 LISBON (Reuters) — Mayor Rita Dias opened bridge number 6 "
                                      "on Monday.\n")
    build(site)
    feed = (site / "output/feed.xml").read_text()
    assert re.findall(r"<title>.*bridge number (\d)", feed) == ["6", "5"]


def test_an_edit_renders_the_one_page_of_mentions_that_shows_it(site: Path, tmp_path: Path) -> None:
    article = next(p for p in (site / "content/articles").iterdir() if "seed: 2.txt" in p.read_text())
    article.write_text(article.read_text().replace("opened bridge number 2", "opened bridge number 2 again"))
    report = build(site)
    assert "people/rita-dias/mentions/2/" in report.reasons
    assert "people/rita-dias/mentions/3/" not in report.reasons
    assert "people/rita-dias/" not in report.reasons
    assert "bridge number 2 again" in (site / "output/people/rita-dias/mentions/2/index.html").read_text()
    assert _tree(site / "output") == _clean_build(site, tmp_path)


def test_a_sentence_that_names_the_entity_added_renders_its_page_of_mentions_without_the_whole_model(
        site: Path, tmp_path: Path) -> None:
    """The sentences above are cited by ties and quotations, which other pages show; this one only names her."""
    article = next(p for p in (site / "content/articles").iterdir() if "seed: 2.txt" in p.read_text())
    article.write_text(article.read_text() + "\nLater, Dias thanked the workers.\n")
    report = build(site)
    assert report.site is None  # made from what it shows (builder/edits.py)
    assert set(report.reasons) == {f"articles/{article.stem}/", "people/rita-dias/mentions/2/",
                                   "institutions/city-council/mentions/2/"}
    assert "Later, <strong>Dias</strong> thanked the workers." in \
        (site / "output/people/rita-dias/mentions/2/index.html").read_text()
    assert _tree(site / "output") == _clean_build(site, tmp_path)


def test_what_an_older_article_changes_on_the_entity_s_own_page_renders_it_again(site: Path, tmp_path: Path
                                                                                  ) -> None:
    """The own page shows the first mention's date and who is named with the entity, from all its articles."""
    article = next(p for p in (site / "content/articles").iterdir() if "seed: 1.txt" in p.read_text())
    article.write_text(article.read_text().replace("date: 2024-05-01", "date: 2024-04-30"))
    report = build(site)
    assert "people/rita-dias/" in report.reasons
    assert "April 30, 2024" in (site / "output/people/rita-dias/index.html").read_text()
    assert _tree(site / "output") == _clean_build(site, tmp_path)
    article.write_text(article.read_text().replace("people:\n- rita-dias\n", "people:\n- rita-dias\n- pedro-alves\n"))
    (site / "content/people/pedro-alves.md").write_text("---\nname: Pedro Alves\n---\n")
    report = build(site)
    assert "people/rita-dias/" in report.reasons
    named = (site / "output/people/rita-dias/index.html").read_text().split("Named in the same articles")[1]
    assert "Pedro Alves" in named.split("</ul>")[0]
    assert _tree(site / "output") == _clean_build(site, tmp_path)
    (site / "content/people/pedro-alves.md").write_text("---\nname: Pedro Alves Costa\n---\n")
    build(site)
    assert "Pedro Alves Costa" in (site / "output/people/rita-dias/index.html").read_text()
    assert _tree(site / "output") == _clean_build(site, tmp_path)


def test_an_article_removed_renumbers_the_pages(site: Path, tmp_path: Path) -> None:
    (site / "seeds/5.txt").unlink()
    build(site)
    out = site / "output/people/rita-dias"
    assert _article_headings((out / "index.html").read_text()) == ["4", "3"]
    assert not (out / "mentions/3").exists()
    assert 'rel="next"' not in (out / "mentions/2/index.html").read_text()
    shutil.rmtree(tmp_path / "clean", ignore_errors=True)
    assert _tree(site / "output") == _clean_build(site, tmp_path)


@given(st.integers(1, 400), st.integers(0, 400), st.integers(0, 4))
def test_a_pager_links_the_first_and_last_pages_and_those_around_the_current_one(count: int, at: int,
                                                                                  around: int) -> None:
    number = at % count + 1
    window = pager_window(number, count, around)
    shown = [n for n in window if n is not None]
    assert shown[0] == 1 and shown[-1] == count and number in shown
    assert shown == sorted(set(shown))
    assert set(range(max(1, number - around), min(count, number + around) + 1)) <= set(shown)
    for before, gap, after in zip(window, window[1:], window[2:], strict=False):
        if gap is None:
            assert before is not None and after is not None and after - before > 2
    assert all(b - a == 1 for a, b in itertools.pairwise(window) if a is not None and b is not None)
    assert len(window) <= 2 * around + 5


def test_a_long_run_of_pages_is_linked_by_the_first_the_last_and_the_neighbours(
        site: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr("builder.render.MENTIONS_PER_PAGE", 1)
    monkeypatch.setattr("builder.render.PAGER_AROUND", 0)
    build(site, tmp_path / "out")
    second = (tmp_path / "out/people/rita-dias/mentions/2/index.html").read_text()
    pager = second.split('<nav class="pager"')[1].split("</nav>")[0]
    assert re.findall(r'<li>(?:<a href="([^"]+)"[^>]*>(\d)</a>)</li>', pager) == [
        ("../../", "1"), ("./", "2"), ("../5/", "5")]
    assert '<li aria-hidden="true">…</li>' in pager
    assert '<a href="../../" rel="prev">Newer</a>' in pager and '<a href="../3/" rel="next">Older</a>' in pager
