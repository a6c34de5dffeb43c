"""Incremental builds: after any change, the output equals a clean build of the same input, byte for byte,
and only the pages whose inputs changed are rendered again."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest

from builder import build, snapshot
from builder.cache import SeedCache
from builder.cli import ProgressLine, main
from builder.config import load_config
from builder.content import PageReader
from builder.deps import CATALOGUE, cited_paragraphs, fingerprints
from builder.errors import BuilderError, BuildFailed, Interrupted
from builder.ingest import apply_plan
from builder.output import live_generation
from builder.pipeline import finish_search, load_site, page_reader, prepare_next
from builder.render import render_pages
from builder.snapshot import check_inputs, take_snapshot

SEEDS = {
    "a.txt": " date 2024-03-05 LISBON (Reuters) — Prime Minister Ana Sousa met Carlos Mendes of the Port Authority "
             "on Tuesday.\n\n“We will work together,” Sousa said.\n",
    "b.txt": " date 2024-03-09 PORTO (AP) — Mayor Rui Lopes opened a bridge with the Port Authority.\n\n"
             "Lopes thanked Ana Sousa for the money.\n",
    "c.txt": " date 2024-03-12 BRAGA (AP) — Judge Marta Reis ruled against the City Council.\n",
}


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    (root / "seeds").mkdir(parents=True)
    for name, text in SEEDS.items():
        (root / "seeds" / name).write_text(text)
    (root / "site.yaml").write_text("title: Incremental\n")
    build(root)
    return root


def _show_in_template(site: Path, name: str, shown: str) -> None:
    """Give the site its own copy of the theme, with ``shown`` (template code) above the heading of ``name``."""
    theme = Path(__file__).resolve().parent.parent / "templates"
    shutil.copytree(theme, site / "templates", ignore=shutil.ignore_patterns("__init__.py", "__pycache__"))
    template = site / "templates" / name
    template.write_text(template.read_text().replace("<h1>", f"<p>{shown}</p><h1>"))


def _clean_build(site: Path, tmp_path: Path) -> dict[str, bytes]:
    copy = tmp_path / "clean"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(site, copy, ignore=shutil.ignore_patterns("output", ".output*", "cache"))
    build(copy)
    return _tree(copy / "output")


def _article(site: Path, seed: str) -> Path:
    return next(p for p in (site / "content/articles").iterdir() if f"seed: {seed}" in p.read_text())


def _edit_text(site: Path) -> None:
    page = _article(site, "c.txt")
    page.write_text(page.read_text().replace("ruled against", "ruled, once more, against"))


def _gain_entity(site: Path) -> None:
    page = _article(site, "c.txt")
    page.write_text(page.read_text().replace("institutions:\n", "institutions:\n- port-authority\n", 1))


def _lose_entity(site: Path) -> None:
    page = _article(site, "b.txt")
    page.write_text(page.read_text().replace("- ana-sousa\n", "", 1))


def _edit_summary_source(site: Path) -> None:
    """Ana Sousa's drawn summary comes from article a; article b shows it in her preview card."""
    page = _article(site, "a.txt")
    page.write_text(page.read_text().replace("Ana Sousa met Carlos", "Ana Sousa, again, met Carlos"))


def _change_template(site: Path) -> None:
    theme = Path(__file__).resolve().parent.parent / "templates"
    shutil.copytree(theme, site / "templates", ignore=shutil.ignore_patterns("__init__.py", "__pycache__"))
    base = site / "templates/base.html"
    base.write_text(base.read_text().replace("</body>", "<p>changed template</p></body>"))


def _change_config(site: Path) -> None:
    (site / "site.yaml").write_text("title: Incremental, renamed\n")


def _add_seed(site: Path) -> None:
    (site / "seeds/d.txt").write_text(" date 2024-04-01 FARO (AP) — Ana Sousa met Marta Reis.\n")


def _remove_seed(site: Path) -> None:
    (site / "seeds/b.txt").unlink()


def _edit_entity(site: Path) -> None:
    """An editor changes Ana Sousa's role (articles a and b list her) and gives Marta Reis an alias that article
    c's text holds (its page links the longer name); no article changes."""
    sousa, reis = site / "content/people/ana-sousa.md", site / "content/people/marta-reis.md"
    sousa.write_text(sousa.read_text().replace("role: Prime Minister", "role: Former Prime Minister", 1))
    reis.write_text(reis.read_text().replace("aliases: []", "aliases:\n- Judge Marta Reis", 1))


def _add_paragraph(site: Path) -> None:
    """Nothing another page shows changes: the page is rebuilt without the rest of the model."""
    page = _article(site, "b.txt")
    page.write_text(page.read_text() + "\nThe bridge cost less than planned.\n")


def _reword_named_sentence(site: Path) -> None:
    """The sentence names Rui Lopes and Ana Sousa, and draws no summary: it shows on the page of each entity the
    article lists, not on the pages made from all content."""
    page = _article(site, "b.txt")
    page.write_text(page.read_text().replace("thanked Ana Sousa for the money", "thanked Ana Sousa for all the money"))


def _edit_title(site: Path) -> None:
    page = _article(site, "b.txt")
    page.write_text(page.read_text().replace("title: ", "title: Now, ", 1))


def _edit_quoted_paragraph(site: Path) -> None:
    """The sentence a quotation is in names nobody (a first build sees to that); then a sentence comes before
    it, and Sousa's page links the quotation to a new anchor. Nothing else another page shows changes."""
    page = _article(site, "a.txt")
    page.write_text(page.read_text().replace("together,” Sousa said.", "together,” she said."))
    build(site)
    page.write_text(page.read_text().replace("“We will work together,” she said.",
                                             "It was late. “We will work together,” she said."))


CHANGES: dict[str, Callable[[Path], None]] = {
    "edit": _edit_text, "paragraph added": _add_paragraph, "sentence naming someone reworded": _reword_named_sentence,
    "title edited": _edit_title,
    "quoted paragraph edited": _edit_quoted_paragraph, "summary source edited": _edit_summary_source,
    "entity gained": _gain_entity,
    "entity lost": _lose_entity, "entity's role and alias edited": _edit_entity,
    "template": _change_template, "config": _change_config, "seed added": _add_seed, "seed removed": _remove_seed,
}


@pytest.mark.parametrize("change", list(CHANGES))
def test_incremental_build_equals_a_clean_build(change: str, site: Path, tmp_path: Path) -> None:
    CHANGES[change](site)
    build(site)
    assert _tree(site / "output") == _clean_build(site, tmp_path)


@pytest.fixture
def months_site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The site of ``site`` with article a a month earlier and a timeline cut into months (February, March)."""
    monkeypatch.setattr("builder.render.TIMELINE_PER_PAGE", 1)
    root = tmp_path / "site"
    (root / "seeds").mkdir(parents=True)
    for name, text in SEEDS.items():
        (root / "seeds" / name).write_text(text.replace("2024-03-05", "2024-02-05"))
    (root / "site.yaml").write_text("title: Incremental\n")
    build(root)
    assert (root / "output/timeline/2024-02/index.html").is_file()
    return root


@pytest.mark.parametrize("change", list(CHANGES))
def test_incremental_build_with_the_timeline_in_months_equals_a_clean_build(change: str, months_site: Path,
                                                                             tmp_path: Path) -> None:
    CHANGES[change](months_site)
    build(months_site)
    assert _tree(months_site / "output") == _clean_build(months_site, tmp_path)


def test_an_edit_to_a_sentence_a_tie_cites_renders_its_month_of_the_timeline_not_the_others(
        months_site: Path, tmp_path: Path) -> None:
    for entity in ("people/ana-sousa", "institutions/carlos-mendes-of-the-port-authority"):  # not drawn from it
        file = months_site / f"content/{entity}.md"
        file.write_text(file.read_text().replace("summary: ''", "summary: Written by an editor.", 1))
    build(months_site)
    page = _article(months_site, "a.txt")  # February: Ana Sousa met with Carlos Mendes, its first sentence says
    front, body = page.read_text().split("\n---\n", 1)
    page.write_text(front + "\n---\n" + body.replace("on Tuesday.", "on Tuesday morning.", 1))
    report = build(months_site)
    assert "timeline/2024-03/" not in report.reasons
    assert report.reasons["timeline/2024-02/"].startswith("changed: what the site model draws from its articles")
    february = (months_site / "output/timeline/2024-02/index.html").read_text()
    assert "Port%20Authority%20on%20Tuesday%20morning.\">(source)</a>" in february
    assert _tree(months_site / "output") == _clean_build(months_site, tmp_path)


def test_a_new_article_renders_its_month_and_the_months_beside_it(months_site: Path, tmp_path: Path) -> None:
    (months_site / "seeds/d.txt").write_text(" date 2024-04-01 FARO (AP) — Ana Sousa met Marta Reis.\n")
    rendered = set(build(months_site).reasons)
    assert {"timeline/2024-04/", "timeline/2024-03/", "timeline/"} <= rendered  # March gains a month after it
    assert "timeline/2024-02/" not in rendered
    (months_site / "seeds/e.txt").write_text(" date 2024-04-02 FARO (AP) — Judge Marta Reis spoke.\n")
    rendered = set(build(months_site).reasons)
    assert "timeline/2024-04/" in rendered and not {"timeline/2024-02/", "timeline/2024-03/"} & rendered
    assert _tree(months_site / "output") == _clean_build(months_site, tmp_path)


def test_a_renamed_entity_renders_the_months_that_name_it(months_site: Path, tmp_path: Path) -> None:
    reis = months_site / "content/people/marta-reis.md"
    reis.write_text(reis.read_text().replace("name: Marta Reis", "name: Marta Reis Costa", 1))
    rendered = set(build(months_site).reasons)
    assert "timeline/2024-03/" in rendered and "timeline/2024-02/" not in rendered
    assert "Marta Reis Costa</a>" in (months_site / "output/timeline/2024-03/index.html").read_text()
    assert _tree(months_site / "output") == _clean_build(months_site, tmp_path)


def test_an_edit_renders_only_the_pages_that_depend_on_it(site: Path) -> None:
    _edit_text(site)
    report = build(site)
    article = _article(site, "c.txt").stem
    rendered = set(report.reasons)
    assert f"articles/{article}/" in rendered and "people/marta-reis/" in rendered
    assert "people/ana-sousa/" not in rendered and "people/rui-lopes/" not in rendered
    assert not any(url.startswith("articles/") and url != f"articles/{article}/" and url != "articles/"
                   for url in rendered)


def test_an_edit_that_no_index_shows_leaves_the_indexes_alone(site: Path, tmp_path: Path) -> None:
    page = _article(site, "c.txt")
    page.write_text(page.read_text() + "\nThe hearing lasted an hour.\n")
    report = build(site)
    assert f"articles/{page.stem}/" in report.reasons
    assert not {"", "articles/", "people/", "timeline/", "connections/"} & set(report.reasons)
    assert _tree(site / "output") == _clean_build(site, tmp_path)


def test_what_pages_made_from_all_content_show_depends_on_no_paragraph_that_nothing_cites(site: Path) -> None:
    """``deps._catalogue`` digests front matter, the paragraphs that quotations, roles and ties cite, and the
    entities' summaries, instead of the ``CATALOGUE`` fields: every other paragraph rewritten leaves them as they
    were."""
    before = load_site(site)
    cited = cited_paragraphs(before)
    rewritten = 0
    for article in before.articles:
        kept = {*cited.get(article.page.slug, ()), *(q.paragraph for q in article.page.quotes)}
        front, body = article.page.path.read_text().split("\n---\n", 1)
        paragraphs = body.strip("\n").split("\n\n")
        rewritten += len(paragraphs) - len(kept)
        article.page.path.write_text(front + "\n---\n\n" + "\n\n".join(
            text if number in kept else f"Paragraph {number} was rewritten." for number, text in
            enumerate(paragraphs, 1)) + "\n")
    after = load_site(site)
    assert rewritten and after.mentions != before.mentions
    for name in (*CATALOGUE, "stated"):  # stated: the connections page shows it, made from ties
        if name not in ("summaries", "summary_from"):  # digested themselves
            assert repr(getattr(after, name)) == repr(getattr(before, name)), name


def test_an_edit_only_its_page_shows_renders_that_page_alone(site: Path, tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    _add_paragraph(site)
    assert main(["build", "--site", str(site), "--explain"]) == 0
    page = _article(site, "b.txt")
    out = capsys.readouterr().out
    assert out.startswith(f"rendered articles/{page.stem}/: changed: {page}\n") and "; rendered 1," in out
    assert "The bridge cost less than planned." in (site / f"output/articles/{page.stem}/index.html").read_text()
    assert _tree(site / "output") == _clean_build(site, tmp_path)


def test_a_reworded_sentence_that_names_someone_renders_its_pages_of_mentions_without_the_whole_model(
        site: Path, tmp_path: Path) -> None:
    _reword_named_sentence(site)
    report = build(site)
    page = _article(site, "b.txt")
    assert report.site is None  # the partial model (builder/edits.py)
    assert set(report.reasons) == {f"articles/{page.stem}/", "people/ana-sousa/", "people/rui-lopes/",
                                   "institutions/port-authority/"}
    assert report.reasons["people/ana-sousa/"] == f"changed: what other pages show of {page}"
    assert "thanked <strong>Ana Sousa</strong> for all the money" in \
        (site / "output/people/ana-sousa/index.html").read_text()
    assert _tree(site / "output") == _clean_build(site, tmp_path)


@pytest.mark.parametrize("change", [_add_paragraph, _reword_named_sentence])
def test_a_build_without_the_whole_model_leaves_the_record_a_full_build_would(change: Callable[[Path], None],
                                                                             site: Path) -> None:
    """Without the record of its last build's inputs, the next build makes the whole model and fingerprints
    every page: none differs from what the build without it recorded."""
    change(site)
    assert build(site).site is None
    next((site / ".builder/cache").glob("output-*.last.json")).unlink()
    report = build(site)
    assert report.site is not None and report.rendered == 0


@pytest.fixture
def plain_site(tmp_path: Path) -> Path:
    """Written by hand, without roles, ties or quotations: two people with summaries of their own; article a1
    (older) names Ana Sousa then Rui Lopes, a2 (newer) names only Rui Lopes."""
    root = tmp_path / "plain"
    (root / "seeds").mkdir(parents=True)
    (root / "site.yaml").write_text("title: Plain\n")
    for key, name in (("ana-sousa", "Ana Sousa"), ("rui-lopes", "Rui Lopes")):
        (root / "content/people").mkdir(parents=True, exist_ok=True)
        (root / f"content/people/{key}.md").write_text(f"---\nname: {name}\nsummary: {name}.\nreviewed: true\n---\n")
    for slug, day, body in (("a1", "01", "Ana Sousa spoke.\n\nRui Lopes listened.\n"),
                            ("a2", "02", "Rui Lopes listened again.\n\nNothing else.\n")):
        (root / "content/articles").mkdir(parents=True, exist_ok=True)
        (root / f"content/articles/{slug}.md").write_text(
            f"---\ntitle: Article {slug}\ndate: 2024-03-{day}\nsummary: S.\npeople:\n- ana-sousa\n- rui-lopes\n"
            f"---\n\n{body}")
    build(root)
    return root


def _recorded(site: Path) -> dict[str, Any]:
    state = next(p for p in (site / ".builder/cache").glob("output-*.json") if p.name.count(".") == 1)
    return live_generation(site / "output", state).fingerprints


def test_a_name_that_comes_first_in_the_newest_article_leaves_the_record_a_full_build_would(plain_site: Path
                                                                                           ) -> None:
    """Which article each entity's summary would be drawn from is recorded in an order that no edit to the
    text changes."""
    page = plain_site / "content/articles/a2.md"
    page.write_text(page.read_text().replace("Rui Lopes listened", "Ana Sousa nodded. Rui Lopes listened", 1))
    assert build(plain_site).site is None
    next((plain_site / ".builder/cache").glob("output-*.last.json")).unlink()
    report = build(plain_site)
    assert report.site is not None and report.rendered == 0


@pytest.mark.parametrize("shown", ["{{ 'whole' if site.people is sequence else 'none' }}", "{{ site.roles }}"])
def test_a_template_that_tests_or_prints_what_the_partial_model_stands_for_gets_the_whole_model(
        shown: str, plain_site: Path, tmp_path: Path) -> None:
    _show_in_template(plain_site, "entity.html", shown)
    build(plain_site)
    page = plain_site / "content/articles/a2.md"
    page.write_text(page.read_text().replace("listened again", "listened once again"))
    assert build(plain_site).site is not None
    assert _tree(plain_site / "output") == _clean_build(plain_site, tmp_path)


def _where_as_list(header: dict[str, Any], body: bytes) -> bytes:
    return orjson.dumps({**header, "where": list(header["where"].items())}) + b"\n" + body


def _offsets_as_floats(header: dict[str, Any], body: bytes) -> bytes:
    where = {key: [float(n) for n in place] for key, place in header["where"].items()}
    return orjson.dumps({**header, "where": where}) + b"\n" + body


def _records_as_lists(header: dict[str, Any], body: bytes) -> bytes:
    where = {key: [5 * number, 5] for number, key in enumerate(header["where"])}
    return orjson.dumps({**header, "where": where}) + b"\n" + b"[1,2]" * len(where)


def _records_swapped(header: dict[str, Any], body: bytes) -> bytes:
    first, second = list(header["where"])[:2]
    where = {**header["where"], first: header["where"][second], second: header["where"][first]}
    return orjson.dumps({**header, "where": where}) + b"\n" + body


@pytest.mark.parametrize("craft", [_where_as_list, _offsets_as_floats, _records_as_lists, _records_swapped])
def test_entity_records_that_are_not_those_the_build_wrote_send_it_to_the_whole_model(
        craft: Callable[[dict[str, Any], bytes], bytes], plain_site: Path, tmp_path: Path) -> None:
    """Whatever the file beside the output's record holds, the build after an edit falls back, never fails or
    answers from another entity's record."""
    records = next((plain_site / ".builder/cache").glob("output-*.entities.json"))
    first, _, body = records.read_bytes().partition(b"\n")
    records.write_bytes(craft(orjson.loads(first), body))
    page = plain_site / "content/articles/a2.md"
    page.write_text(page.read_text().replace("listened again", "listened once again"))
    assert build(plain_site).site is not None
    assert _tree(plain_site / "output") == _clean_build(plain_site, tmp_path)


def test_a_link_removed_from_an_article_leaves_the_record_a_full_build_would(plain_site: Path) -> None:
    page = plain_site / "content/articles/a2.md"
    page.write_text(page.read_text().replace("Nothing else.", "Nothing [else](a1.md#p1)."))
    build(plain_site)
    assert _recorded(plain_site)["edits"]["anchored"] == sorted(
        {str(page), str(plain_site / "content/articles/a1.md")})
    page.write_text(page.read_text().replace("Nothing [else](a1.md#p1).", "Nothing else."))
    build(plain_site)
    assert _recorded(plain_site)["edits"]["anchored"] == []


@pytest.mark.parametrize("after", [6, 8, 10])
def test_a_page_a_stopped_build_was_rendering_then_removed_leaves_the_output(after: int, plain_site: Path,
                                                                            tmp_path: Path) -> None:
    """The preview's way: an edit starts a build, a new change (the article removed) stops it. The twin may hold
    the page's new version: the next build must not take it for the old one, nor keep it."""
    assert prepare_next(plain_site) is True
    page = plain_site / "content/articles/a2.md"
    page.write_text(page.read_text().replace("title: Article a2", "title: Article a2, retitled"))
    calls = iter(range(1000))
    with pytest.raises(Interrupted):
        build(plain_site, defer_search=True, stop=lambda: next(calls) >= after)
    page.unlink()
    build(plain_site)
    assert _tree(plain_site / "output") == _clean_build(plain_site, tmp_path)


def test_a_page_a_failed_build_was_rendering_then_removed_leaves_the_output(plain_site: Path, tmp_path: Path
                                                                           ) -> None:
    _show_in_template(plain_site, "home.html", "")
    build(plain_site)
    assert prepare_next(plain_site) is True
    home = plain_site / "templates/home.html"
    good = home.read_text()
    home.write_text(good.replace("{% block main %}", "{% block main %}{{ nothing.here }}", 1))
    page = plain_site / "content/articles/a2.md"
    page.write_text(page.read_text().replace("title: Article a2", "title: Article a2, retitled"))
    with pytest.raises(BuilderError):
        build(plain_site)
    home.write_text(good)
    page.unlink()
    build(plain_site)
    assert _tree(plain_site / "output") == _clean_build(plain_site, tmp_path)


def test_a_removed_article_leaves_the_search_index(plain_site: Path, tmp_path: Path) -> None:
    assert prepare_next(plain_site) is True  # the twin holds the site, as after any second build
    (plain_site / "content/articles/a2.md").unlink()
    build(plain_site)
    assert not (plain_site / "output/articles/a2").exists()
    assert _tree(plain_site / "output") == _clean_build(plain_site, tmp_path)


def test_an_edit_saved_while_a_build_runs_is_built_by_the_next(plain_site: Path, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    page = plain_site / "content/articles/a2.md"
    page.write_text(page.read_text().replace("title: Article a2", "title: Article a2, retitled"))
    def saved_meanwhile(*args: Any, **kwargs: Any) -> Any:  # after the build has read the page
        page.write_text(page.read_text().replace("Nothing else.", "Nothing else at all."))
        return fingerprints(*args, **kwargs)

    monkeypatch.setattr("builder.pipeline.fingerprints", saved_meanwhile)
    build(plain_site)
    monkeypatch.setattr("builder.pipeline.fingerprints", fingerprints)
    build(plain_site)
    assert "Nothing else at all." in (plain_site / "output/articles/a2/index.html").read_text()
    assert _tree(plain_site / "output") == _clean_build(plain_site, tmp_path)


Save = Callable[[Path, str, str], None]


@pytest.fixture
def coarse_clock(monkeypatch: pytest.MonkeyPatch) -> Save:
    """A file clock that ticks only when the builder waits for it (``snapshot.SETTLE_NS``), as a coarse clock
    would between two quick saves; returns a save that replaces words in a file and stamps it with that clock."""
    clock = [time.time_ns()]
    monkeypatch.setattr("builder.snapshot._clock", lambda: clock[0])
    monkeypatch.setattr("builder.snapshot._pause", lambda seconds: clock.__setitem__(0, clock[0] + int(seconds * 1e9)))

    def save(path: Path, old: str, new: str) -> None:
        text = path.read_text()
        assert old in text
        path.write_text(text.replace(old, new))
        os.utime(path, ns=(clock[0], clock[0]))

    return save


def test_a_template_saved_again_within_one_tick_after_the_build_read_it_is_built(
        plain_site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, coarse_clock: Save) -> None:
    """Many file systems stamp a file with the last tick of a coarse clock, so a second save at the same size
    within one tick leaves its stamp as it was: the build must read the template once a save would change it."""
    _show_in_template(plain_site, "article.html", "AAAA")
    template = plain_site / "templates/article.html"
    coarse_clock(template, "AAAA", "BBBB")

    def saved_again(*args: Any, **kwargs: Any) -> Iterator[Any]:  # once every page is rendered
        yield from render_pages(*args, **kwargs)
        coarse_clock(template, "BBBB", "CCCC")

    monkeypatch.setattr("builder.pipeline.render_pages", saved_again)
    build(plain_site)
    monkeypatch.setattr("builder.pipeline.render_pages", render_pages)
    build(plain_site)
    assert "CCCC" in (plain_site / "output/articles/a2/index.html").read_text()
    assert _tree(plain_site / "output") == _clean_build(plain_site, tmp_path)


@pytest.mark.parametrize("next_build", ["after edits", "full", "with the preview's reader"])
def test_a_page_saved_while_the_build_reads_it_and_again_in_the_same_tick_is_built(
        next_build: str, plain_site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        coarse_clock: Save) -> None:
    """The first save lands after the build stamped the inputs and before it reads the page, the second (same
    size, same tick) after it read it: the build must read the page once a save would change its stamp."""
    page = plain_site / "content/articles/a2.md"
    (plain_site / "site.yaml").write_text("title: Plain, again\n")  # the build is a full one
    reader = page_reader(plain_site) if next_build == "with the preview's reader" else None

    def stamped_then_saved(*args: Any, **kwargs: Any) -> Any:
        check = check_inputs(*args, **kwargs)
        coarse_clock(page, "Rui Lopes listened again.", "Rui Lopes listened twice.")
        return check

    def read_then_saved(*args: Any, **kwargs: Any) -> Any:
        coarse_clock(page, "Nothing else.", "Nothing more.")
        return fingerprints(*args, **kwargs)

    monkeypatch.setattr("builder.pipeline.check_inputs", stamped_then_saved)
    monkeypatch.setattr("builder.pipeline.fingerprints", read_then_saved)
    build(plain_site, reader=reader)
    monkeypatch.setattr("builder.pipeline.check_inputs", check_inputs)
    monkeypatch.setattr("builder.pipeline.fingerprints", fingerprints)
    assert "listened twice" in (plain_site / "output/articles/a2/index.html").read_text()
    if next_build == "full":
        (plain_site / "site.yaml").write_text("title: Plain, once more\n")
    build(plain_site, reader=reader)
    assert "Nothing more." in (plain_site / "output/articles/a2/index.html").read_text()
    assert _tree(plain_site / "output") == _clean_build(plain_site, tmp_path)


def test_a_seed_saved_while_ingest_reads_it_and_again_in_the_same_tick_is_built(
        site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, coarse_clock: Save) -> None:
    seed = site / "seeds/c.txt"
    load = SeedCache.load_seeds

    def stamped_then_saved(*args: Any, **kwargs: Any) -> Any:  # after the stamps, before ingest reads it
        check = check_inputs(*args, **kwargs)
        coarse_clock(seed, "ruled against", "ruled towards")
        return check

    def read_then_saved(self: SeedCache, folder: Path) -> Any:  # same size, same tick, after ingest read it
        seeds = load(self, folder)
        coarse_clock(seed, "City Council", "City Cowncil")
        return seeds

    other = site / "seeds/b.txt"  # changed before the build stamps the inputs: it ingests
    other.write_text(other.read_text().replace("opened a bridge", "opened a new bridge"))
    monkeypatch.setattr("builder.pipeline.check_inputs", stamped_then_saved)
    monkeypatch.setattr(SeedCache, "load_seeds", read_then_saved)
    build(site)
    monkeypatch.setattr("builder.pipeline.check_inputs", check_inputs)
    monkeypatch.setattr(SeedCache, "load_seeds", load)
    build(site)
    assert "Cowncil" in _article(site, "c.txt").read_text()
    assert _tree(site / "output") == _clean_build(site, tmp_path)


def test_a_page_that_goes_on_changing_while_it_is_read_is_read_again_next_time(
        plain_site: Path, monkeypatch: pytest.MonkeyPatch, coarse_clock: Save) -> None:
    page = plain_site / "content/articles/a2.md"
    saves = iter(["Nothing new.", "Nothing odd.", "Nothing sad.", "Nothing bad."])
    waited = snapshot._pause

    def saved_while_waiting(seconds: float) -> None:  # saved again in each new tick of the clock
        waited(seconds)
        coarse_clock(page, re.findall(r"Nothing \w+\.", page.read_text())[0], next(saves))

    coarse_clock(page, "Nothing else.", "Nothing all.")
    monkeypatch.setattr("builder.snapshot._pause", saved_while_waiting)
    reader = PageReader()
    assert "Nothing sad." in reader.read(page)[2]  # saved three times while it waited, then read
    monkeypatch.setattr("builder.snapshot._pause", waited)
    coarse_clock(page, "Nothing sad.", "Nothing bad.")  # in the same tick, at the same size
    reader.recheck()
    assert "Nothing bad." in reader.read(page)[2]


def test_a_wait_for_a_file_that_has_already_settled_does_not_fail() -> None:
    snapshot.settle(time.time_ns() - 2 * snapshot.SETTLE_NS)


def test_site_yaml_saved_again_in_one_tick_before_the_build_stamps_it_is_built(
        plain_site: Path, monkeypatch: pytest.MonkeyPatch, coarse_clock: Save) -> None:
    """``build`` without stamps taken by its caller (the preview, the Python API) reads site.yaml, then stamps
    the inputs: a second save in the same tick between the two is built."""
    config = plain_site / "site.yaml"
    coarse_clock(config, "title: Plain", "title: Plan1")

    def saved_then_stamped(*args: Any, **kwargs: Any) -> Any:
        coarse_clock(config, "title: Plan1", "title: Plan2")
        return check_inputs(*args, **kwargs)

    monkeypatch.setattr("builder.pipeline.check_inputs", saved_then_stamped)
    build(plain_site)
    monkeypatch.setattr("builder.pipeline.check_inputs", check_inputs)
    build(plain_site)
    assert "<h1>Plan2</h1>" in (plain_site / "output/index.html").read_text()


def test_a_cache_that_cannot_be_written_is_named_not_the_output(site: Path, monkeypatch: pytest.MonkeyPatch,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    before = _tree(site / "output")
    (site / "site.yaml").write_text("title: Every page again\n")

    def full(*args: Any) -> str:
        raise OSError(28, "No space left on device", str(site / ".builder/cache/full"))

    monkeypatch.setattr("builder.pipeline.save_entity_records", full)
    assert main(["build", "--site", str(site)]) == 1
    err = capsys.readouterr().err
    assert f"{site}/.builder/cache/full: cannot write the build's cache (No space left on device)" in err
    assert "cannot write the site" not in err
    assert _tree(site / "output") == before


@pytest.mark.parametrize("content_only", [False, True], ids=["before ingest", "after ingest wrote pages"])
def test_a_file_saved_a_moment_ago_is_stamped_again_once_the_file_clock_has_moved_on(
        content_only: bool, plain_site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    clock = [time.time_ns()]
    page = plain_site / "content/articles/a2.md"
    saves = ["Nothing more."] if not content_only else []

    def saved_while_waiting(seconds: float) -> None:  # the same size, in the tick the clock moves to
        clock[0] += int(seconds * 1e9)
        if saves:
            page.write_text(page.read_text().replace("Nothing else.", saves.pop()))
            os.utime(page, ns=(clock[0], clock[0]))

    monkeypatch.setattr("builder.snapshot._clock", lambda: clock[0])
    monkeypatch.setattr("builder.snapshot._pause", saved_while_waiting)
    config = load_config(plain_site)
    os.utime(page, ns=(clock[0], clock[0]))
    snapshot = take_snapshot(config, plain_site / "output")
    if content_only:  # ingest wrote the page a moment ago
        os.utime(page, ns=(clock[0], clock[0]))
        saves.append("Nothing more.")
        snapshot = take_snapshot(config, plain_site / "output", content_only=snapshot)
    assert "Nothing more." in page.read_text()
    assert snapshot.content[str(page)] == [page.stat().st_mtime_ns, page.stat().st_size]


def test_an_edit_saved_while_ingest_updates_the_page_is_left_and_merged_by_the_next_build(
        site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The seed changes, so ingest updates its article; the editor saves the article after ingest read it."""
    page = _article(site, "b.txt")
    (site / "seeds/b.txt").write_text(SEEDS["b.txt"].replace("2024-03-09", "2024-03-10"))
    def saved_meanwhile(*args: Any) -> None:
        page.write_text(page.read_text().replace("opened a bridge", "opened a new bridge"))
        apply_plan(*args)

    monkeypatch.setattr("builder.pipeline.apply_plan", saved_meanwhile)
    with pytest.raises(BuilderError, match="was saved while ingest was updating it, and was left as it is"):
        build(site)
    assert "opened a new bridge" in page.read_text()
    monkeypatch.setattr("builder.pipeline.apply_plan", apply_plan)
    build(site)
    html = (site / f"output/articles/{page.stem}/index.html").read_text()
    assert "opened a new bridge" in html and "March 10, 2024" in html
    assert _tree(site / "output") == _clean_build(site, tmp_path)


def test_an_older_article_that_comes_to_name_an_entity_gives_its_summary(site: Path, tmp_path: Path) -> None:
    """An entity's summary is drawn from its earliest article that names it: a sentence naming Marta Reis in
    article a, older than c, moves her summary, which every page that lists her shows."""
    page = _article(site, "a.txt")
    page.write_text(page.read_text().replace("people:\n", "people:\n- marta-reis\n", 1))
    build(site)
    page.write_text(page.read_text().rstrip() + "\n\nJudge Marta Reis watched the meeting.\n")
    report = build(site)
    later = _article(site, "c.txt").stem
    assert report.site is not None and f"articles/{later}/" in report.reasons  # its preview card of her
    assert '<p class="summary">Judge Marta Reis watched the meeting.</p>' in \
        (site / "output/people/marta-reis/index.html").read_text()
    assert _tree(site / "output") == _clean_build(site, tmp_path)


def test_a_reworded_sentence_an_entity_s_summary_is_drawn_from_renders_every_page_that_shows_it(
        site: Path, tmp_path: Path) -> None:
    """Pedro Alves has no summary of his own: his is drawn from the only sentence that names him, which no role,
    tie or quotation cites; article b's page shows it in his preview card."""
    (site / "content/people/pedro-alves.md").write_text("---\nname: Pedro Alves\n---\n")
    page = _article(site, "b.txt")
    page.write_text(page.read_text().replace("people:\n", "people:\n- pedro-alves\n", 1) +
                    "\nPedro Alves paid for the bridge.\n")
    build(site)
    page.write_text(page.read_text().replace("paid for the bridge", "paid for most of the bridge"))
    report = build(site)
    assert report.site is not None
    assert '<p class="summary">Pedro Alves paid for most of the bridge.</p>' in \
        (site / "output/people/pedro-alves/index.html").read_text()
    assert _tree(site / "output") == _clean_build(site, tmp_path)


def test_without_the_entities_records_of_its_output_the_build_after_a_reworded_sentence_gets_the_whole_model(
        site: Path, tmp_path: Path) -> None:
    records = next((site / ".builder/cache").glob("output-*.entities.json"))
    stale = records.read_bytes()
    _gain_entity(site)  # article c now lists the Port Authority
    build(site)
    records.write_bytes(stale)  # records of an earlier output: the Port Authority in two articles
    _reword_named_sentence(site)
    assert build(site).site is not None
    assert _tree(site / "output") == _clean_build(site, tmp_path)
    records.unlink()
    page = _article(site, "b.txt")
    page.write_text(page.read_text().replace("for all the money", "for the money"))
    assert build(site).site is not None
    assert _tree(site / "output") == _clean_build(site, tmp_path)


@pytest.mark.parametrize("shown", ["{{ site.mentions[entity.key] | length }} sentences",
                                   "{{ site.people | length }} people",
                                   "{{ site.entities['people/marta-reis'].page.body }}"])
def test_an_entity_template_that_shows_more_than_the_partial_model_holds_gets_the_whole_model(
        shown: str, site: Path, tmp_path: Path) -> None:
    _show_in_template(site, "entity.html", shown)
    build(site)
    _reword_named_sentence(site)
    assert build(site).site is not None
    assert _tree(site / "output") == _clean_build(site, tmp_path)


def test_builds_after_edits_of_either_kind_in_turn_equal_a_clean_build(site: Path, tmp_path: Path) -> None:
    """Each build leaves the record the next one starts from, whether it built the whole model or not."""
    for change in (_add_paragraph, _reword_named_sentence, _edit_title, _add_paragraph, _edit_text,
                   _reword_named_sentence, _add_paragraph):
        change(site)
        build(site)
    assert _tree(site / "output") == _clean_build(site, tmp_path)


@pytest.mark.parametrize("shown", [
    "{{ site.articles | length }} articles", "{{ site.entities['people/rui-lopes'].page.body }}",
    "{% for e in site.people + site.institutions if e.key in article.page.entity_keys %}{{ e.page.name }}; "
    "{% endfor %}"])
def test_a_template_that_shows_more_than_an_article_and_its_entities_gets_the_whole_model(
        shown: str, site: Path, tmp_path: Path) -> None:
    _show_in_template(site, "article.html", shown)
    build(site)
    _add_paragraph(site)
    report = build(site)
    assert report.site is not None and set(report.reasons) == {f"articles/{_article(site, 'b.txt').stem}/"}
    assert _tree(site / "output") == _clean_build(site, tmp_path)


def test_strict_builds_after_an_edit_refuse_what_a_clean_strict_build_refuses(site: Path, tmp_path: Path) -> None:
    """The site has no base_url: a reminder, which --strict lets pass; an unknown field it refuses."""
    _add_paragraph(site)
    assert build(site, strict=True).rendered == 1
    assert build(site, strict=True).rendered == 0
    page = _article(site, "b.txt")
    page.write_text(page.read_text().replace("---\n", "---\nauthor: Jo\n", 1))
    build(site)
    page.write_text(page.read_text() + "\nMore.\n")
    with pytest.raises(BuildFailed, match="unknown field 'author'"):
        build(site, strict=True)


def test_warnings_after_an_edit_give_the_lines_a_clean_build_gives(site: Path) -> None:
    page = _article(site, "b.txt")
    page.write_text(page.read_text().replace("---\n", "---\nauthor: Jo\n", 1))
    assert any(w.startswith(f"{page}:2: unknown field 'author'") for w in build(site).warnings)
    text = page.read_text().replace("author: Jo\n", "", 1)
    page.write_text(text.replace("\n---\n", "\nauthor: Jo\n---\n", 1))  # the same field, further down
    line = page.read_text().splitlines().index("author: Jo") + 1
    assert any(w.startswith(f"{page}:{line}: unknown field 'author'") for w in build(site).warnings)


def test_an_edited_article_that_became_a_link_outside_the_site_is_refused(site: Path, tmp_path: Path) -> None:
    page = _article(site, "b.txt")
    outside = tmp_path / "outside.md"
    outside.write_text(page.read_text() + "\nThe bridge cost less than planned.\n")
    page.unlink()
    page.symlink_to(outside)
    with pytest.raises(BuilderError, match="symbolic link to a file outside the site"):
        build(site)


def test_an_edit_to_a_sentence_a_role_cites_renders_the_page_that_shows_it(site: Path, tmp_path: Path) -> None:
    """The cited sentence names nobody: only the role on Marta Reis's page shows the edit."""
    _add_paragraph(site)  # paragraph 3 of article b
    page = _article(site, "b.txt")
    reis = site / "content/people/marta-reis.md"
    text = reis.read_text()
    roles = f"roles:\n- {{role: Budget Judge, article: {page.stem}, paragraph: 3, sentence: 1}}\n"
    reis.write_text(re.sub(r"(?m)^roles:.*\n(?:[- ].*\n)*", lambda _: roles, text, count=1))
    assert "Budget Judge" in reis.read_text()
    build(site)
    page.write_text(page.read_text().replace("cost less than planned", "cost far less than planned"))
    report = build(site)
    assert "people/marta-reis/" in report.reasons
    assert "cost%20far%20less%20than%20planned" in (site / "output/people/marta-reis/index.html").read_text()
    assert _tree(site / "output") == _clean_build(site, tmp_path)


def test_stray_files_whose_names_are_not_utf8_do_not_stop_builds(site: Path) -> None:
    """The record of a build stamps every file in seeds/ and content/, whatever its name."""
    for folder in ("seeds", "content/articles"):
        os.close(os.open(os.fsencode(site / folder) + b"/notes\xe9.bak", os.O_CREAT | os.O_WRONLY))
    build(site)
    assert build(site).rendered == 0  # the record was saved, and it tells that nothing changed
    _add_paragraph(site)
    assert build(site).rendered == 1


def test_front_matter_keys_that_yaml_reads_as_booleans_or_numbers_are_warned_about(site: Path) -> None:
    page = _article(site, "b.txt")
    page.write_text(page.read_text().replace("---\n", "---\nno: x\n1: y\n", 1))
    warnings = build(site).warnings
    assert any(f"{page}:2: unknown field 'False'" in w for w in warnings)
    assert any(f"{page}:3: unknown field '1'" in w for w in warnings)


def test_an_edit_that_breaks_a_link_into_the_article_fails_the_build(site: Path) -> None:
    _add_paragraph(site)  # paragraph 3, which names nobody
    page = _article(site, "b.txt")
    reis = site / "content/people/marta-reis.md"
    reis.write_text(reis.read_text() + f"\nSee [the bridge](../articles/{page.name}#p3).\n")
    build(site)
    page.write_text(page.read_text().replace("\nThe bridge cost less than planned.\n", ""))
    with pytest.raises(BuilderError, match="has no anchor '#p3'"):
        build(site)


def test_a_link_added_to_an_article_is_checked(site: Path) -> None:
    page = _article(site, "b.txt")
    page.write_text(page.read_text() + "\nSee [the mayor](../people/rui-lope.md).\n")
    with pytest.raises(BuilderError, match=re.escape("broken link '../people/rui-lope.md'")):
        build(site)


def test_after_the_machine_restarts_the_build_renders_and_writes_every_page_again(
        site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A page written just before a power cut may be empty on disk while the record says it was written."""
    page = site / "output/people/ana-sousa/index.html"
    page.write_bytes(b"")
    assert build(site).rendered == 0  # the same start of the machine: its record is trusted
    monkeypatch.setattr("builder.snapshot.boot_id", lambda: "the next start")
    report = build(site)
    assert report.rendered == sum(n for kind, n in report.pages.items() if kind not in ("asset", "feed", "robots",
                                                                                       "sitemap"))
    assert b"Ana Sousa" in page.read_bytes()
    assert _tree(site / "output") == _clean_build(site, tmp_path)
    assert build(site).rendered == 0


def test_nothing_changed_renders_nothing_and_writes_nothing(site: Path) -> None:
    before = {p: p.stat().st_mtime_ns for p in (site / "output").rglob("*") if p.is_file()}
    report = build(site)
    assert report.rendered == 0 and report.written == 0
    assert {p: p.stat().st_mtime_ns for p in (site / "output").rglob("*") if p.is_file()} == before


def test_the_command_line_answers_a_build_with_nothing_to_do_without_loading_the_pipeline(site: Path) -> None:
    """The check that nothing changed runs before the stages load; it prints what the last build printed."""
    (site / "site.yaml").write_text("title: Incremental\ncolour: red\n")
    first = subprocess.run([sys.executable, "-m", "builder", "build", "--site", str(site)], capture_output=True,
                           text=True, check=True)
    script = ("import sys; from builder.cli import main; code = main(['build', '--site', sys.argv[1]]); "
              "print('loaded' if 'builder.pipeline' in sys.modules else 'not loaded')")
    again = subprocess.run([sys.executable, "-c", script, str(site)], capture_output=True, text=True, check=True)
    assert again.stdout.splitlines()[-1] == "not loaded"
    assert again.stderr == first.stderr and "site.yaml:2: unknown setting" in again.stderr
    assert again.stdout.split("; rendered")[0] == first.stdout.split("; rendered")[0]
    assert "rendered 0, 0 changed" in again.stdout
    (site / "seeds" / "c.txt").write_text(SEEDS["c.txt"] + "\nReis spoke to reporters.\n")
    changed = subprocess.run([sys.executable, "-c", script, str(site)], capture_output=True, text=True, check=True)
    assert changed.stdout.splitlines()[-1] == "loaded" and "content: 2 updated" in changed.stdout


def test_long_work_reports_its_progress(tmp_path: Path) -> None:
    root = tmp_path / "fresh"
    (root / "seeds").mkdir(parents=True)
    for name, text in SEEDS.items():
        (root / "seeds" / name).write_text(text)
    told: list[tuple[str, int, int]] = []
    report = build(root, progress=lambda what, done, total: told.append((what, done, total)))
    seeds = [t for t in told if t[0] == "reading seeds"]
    pages = [t for t in told if t[0] == "rendering pages"]
    assert seeds == [("reading seeds", n, 3) for n in (1, 2, 3)]
    assert [done for _, done, _ in pages] == list(range(1, report.rendered + 1))
    assert {total for _, _, total in pages} == {report.rendered}
    stages = [what for what, _, total in told if not total]
    assert stages == ["reading content pages", "building the site model", "comparing with the last build"]
    assert told.index(("reading content pages", 0, 0)) == len(seeds)


def test_a_terminal_shows_progress_on_one_line_cleared_at_the_end() -> None:
    stream = io.StringIO()
    line = ProgressLine(stream)
    line("building the site model", 0, 0)
    for done in range(1, 4):
        line("rendering pages", done, 3)
    line.clear()
    assert stream.getvalue() == "\rbuilding the site model\x1b[K\rrendering pages: 3 of 3\x1b[K\r\x1b[K"  # at most
    # one count per 0.1 s, but always the last


def test_a_new_builder_ingests_again(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Content edits alone skip ingest; a new version of the builder (a better extractor) runs it."""
    _edit_text(site)
    assert build(site).ingest.steps == ()
    monkeypatch.setattr("builder.snapshot.builder_digest", lambda: "a newer builder")
    assert build(site).ingest.steps != ()


def test_explain_says_why_a_page_was_rendered(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _edit_text(site)
    assert main(["build", "--site", str(site), "--explain"]) == 0
    out = capsys.readouterr().out
    article = _article(site, "c.txt")
    assert f"rendered articles/{article.stem}/: changed: {article}" in out
    assert "rendered people/ana-sousa/" not in out


def test_search_can_be_turned_off(site: Path) -> None:
    (site / "site.yaml").write_text("title: Incremental\nsearch: false\n")
    build(site)
    assert not (site / "output/pagefind").exists() and not (site / "output/search").exists()
    assert not [page for page in (site / "output").rglob("*.html") if 'search/"' in page.read_text()]
    (site / "site.yaml").write_text("title: Incremental\n")
    build(site)
    assert (site / "output/pagefind/pagefind.js").is_file()


def _index(folder: Path) -> dict[str, bytes]:
    return {name: data for name, data in _tree(folder).items() if name.startswith("pagefind/")}


@pytest.mark.parametrize("finish", ["finish_search", "a later build"])
def test_a_deferred_search_index_is_finished_later(finish: str, site: Path, tmp_path: Path) -> None:
    """The preview shows an edit before Pagefind has run: the pages change at once, the old index stays until
    it is finished (by the preview, or by the next build), and then the site equals a clean build."""
    old_index = _index(site / "output")
    _edit_text(site)
    report = build(site, defer_search=True)
    assert report.search_pending
    assert "once more" in (site / "output/articles" / _article(site, "c.txt").stem / "index.html").read_text()
    assert _index(site / "output") == old_index
    if finish == "finish_search":
        assert finish_search(site) is True
        assert finish_search(site) is False
        again = build(site)
        assert again.site is None and again.rendered == 0  # nothing left to do: the model is not even built
    else:
        assert build(site).search_pending is False
    clean = _clean_build(site, tmp_path)
    assert _index(site / "output") != old_index
    assert _tree(site / "output") == clean


def test_deferred_index_pages_are_rendered_by_the_next_build(site: Path, tmp_path: Path) -> None:
    """The preview renders an edited article's own pages first; home, indexes and the like follow."""
    page = _article(site, "c.txt")
    page.write_text(page.read_text().replace("title: ", "title: Revised ", 1))
    home = (site / "output/index.html").read_text()
    first = build(site, defer_indexes=True, defer_search=True)
    assert first.deferred > 0 and set(first.reasons) == {f"articles/{page.stem}/", "people/marta-reis/",
                                                          "institutions/city-council/"}
    assert "<title>Revised " in (site / "output/articles" / page.stem / "index.html").read_text()
    assert (site / "output/index.html").read_text() == home
    assert finish_search(site) is True  # as the preview does; the pages left for later are still left
    second = build(site)
    assert second.deferred == 0 and "" in second.reasons and f"articles/{page.stem}/" not in second.reasons
    assert _tree(site / "output") == _clean_build(site, tmp_path)


def test_a_deferred_build_does_not_make_the_next_one_ingest_again(site: Path) -> None:
    (site / "seeds/d.txt").write_text(" date 2024-03-20 FARO (AP) — Mayor Rita Dias opened a school.\n")
    assert build(site, defer_search=True, defer_indexes=True).ingest.steps != ()
    _edit_text(site)
    assert build(site, defer_search=True, defer_indexes=True).ingest.steps == ()
    assert build(site).rendered > 0
    assert build(site).rendered == 0


def test_an_interrupted_build_writes_nothing(site: Path, tmp_path: Path) -> None:
    _edit_text(site)
    before = _tree(site / "output")
    with pytest.raises(Interrupted):
        build(site, stop=lambda: True)
    assert _tree(site / "output") == before
    build(site)
    assert _tree(site / "output") == _clean_build(site, tmp_path)


def test_a_template_error_half_way_leaves_the_output_as_it_was(site: Path, tmp_path: Path) -> None:
    """Pages are written into the twin as they are rendered; a failure after some of them changes nothing that
    is served, and the next good build is right."""
    _change_template(site)
    build(site)
    before = _tree(site / "output")
    entity = site / "templates/entity.html"
    good = entity.read_text()
    entity.write_text(good.replace("{% block main %}", "{% block main %}{{ nothing.here }}", 1))
    _edit_text(site)
    with pytest.raises(BuilderError):
        build(site)
    assert _tree(site / "output") == before
    entity.write_text(good)
    build(site)
    assert _tree(site / "output") == _clean_build(site, tmp_path)


def test_an_interrupted_search_index_leaves_the_output_as_it_was(site: Path, tmp_path: Path) -> None:
    _edit_text(site)
    build(site, defer_search=True)
    before = _tree(site / "output")
    with pytest.raises(Interrupted):
        finish_search(site, stop=lambda: True)
    assert _tree(site / "output") == before
    _edit_summary_source(site)
    build(site, defer_search=True)
    assert finish_search(site) is True
    assert _tree(site / "output") == _clean_build(site, tmp_path)


def test_the_twin_can_be_filled_ahead_so_an_edit_writes_only_what_changed(tmp_path: Path) -> None:
    root = tmp_path / "fresh"
    (root / "seeds").mkdir(parents=True)
    for name, text in SEEDS.items():
        (root / "seeds" / name).write_text(text)
    build(root)
    twin = root / ".output-standby"
    assert not twin.exists()  # a first build leaves no twin: the next would copy every file
    assert prepare_next(root, stop=lambda: True) is False
    assert prepare_next(root) is True
    assert _tree(twin) == _tree(root / "output")
    _edit_text(root)
    report = build(root)
    assert 0 < report.written < len(_tree(root / "output")) / 2
    assert _tree(root / "output") == _clean_build(root, tmp_path)


_DIES_AFTER_ONE_FILE = """
import os, sys
from pathlib import Path
from builder import build, output
store = output._Writer.store
def store_and_die(self, path, data):
    stored = store(self, path, data)
    if stored.written:
        os._exit(9)
    return stored
output._Writer.store = store_and_die
build(Path(sys.argv[1]))
"""


def test_a_build_killed_while_writing_into_the_twin_leaves_it_unknown(site: Path, tmp_path: Path) -> None:
    """The twin is a known copy of the output; a build that dies after writing one file into it (the edited
    version of a page) must leave it unknown, or the builds after it, the edit undone, would keep that file."""
    assert prepare_next(site) is True
    page = _article(site, "b.txt")
    text = page.read_text()
    page.write_text(text.replace("title: ", "title: Now, ", 1))
    assert subprocess.run([sys.executable, "-c", _DIES_AFTER_ONE_FILE, str(site)]).returncode == 9
    page.write_text(text)
    build(site)
    _add_paragraph(site)
    build(site)
    assert _tree(site / "output") == _clean_build(site, tmp_path)


def _in_processes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Read and render even a small site in processes (they start only for hundreds of pages)."""
    monkeypatch.setattr("builder.render._PER_PROCESS", 2)
    monkeypatch.setattr("builder.content._PREFETCH_SHARE", 2)


def _forget_rendering(site: Path) -> None:
    """Remove the output and what rendering kept (the pages parsed), not what ingest knows."""
    for folder in ("output", ".output-standby", ".builder/cache/pages"):
        shutil.rmtree(site / folder, ignore_errors=True)
    for state in (site / ".builder/cache").glob("output-*.json"):
        if not state.name.endswith(".last.json"):
            state.unlink()


def test_reading_and_rendering_in_processes_gives_the_same_site(site: Path, tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    _in_processes(monkeypatch)
    built = _tree(site / "output")
    _forget_rendering(site)
    report = build(site, workers=2)
    assert report.ingest.counts() == {}  # the pages were all read in the processes, not by ingest
    assert report.written == len(built)
    assert _tree(site / "output") == built
    _edit_text(site)  # the next build trusts what the processes parsed and wrote
    build(site, workers=2)
    assert _tree(site / "output") == _clean_build(site, tmp_path)


def test_a_bad_page_read_in_a_process_is_reported_like_any(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _in_processes(monkeypatch)
    _forget_rendering(site)
    page = _article(site, "a.txt")
    page.write_text(page.read_text().replace("title:", "title: [unclosed", 1))
    with pytest.raises(BuilderError) as caught:
        build(site, workers=2)
    assert str(caught.value).startswith(f"{page}:2:")


def test_a_build_that_fails_in_a_render_process_leaves_the_next_build_right(site: Path, tmp_path: Path,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    _in_processes(monkeypatch)
    prepare_next(site)  # the twin holds the site: the render processes write changed pages into it
    _change_template(site)
    home = site / "templates/home.html"  # the first page fails while other processes go on
    home.write_text(home.read_text().replace("{% block main %}", "{% block main %}{{ nothing.here }}", 1))
    with pytest.raises(BuilderError):
        build(site, workers=2)
    shutil.rmtree(site / "templates")  # back to the site as it was: the pages written for the failed build go
    build(site, workers=2)
    _edit_text(site)
    build(site, workers=2)
    assert _tree(site / "output") == _clean_build(site, tmp_path)

def test_a_template_error_in_a_render_process_names_the_template(site: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("builder.render._PER_PROCESS", 2)
    _change_template(site)
    entity = site / "templates/entity.html"
    entity.write_text(entity.read_text().replace("{% block main %}", "{% block main %}{{ nothing.here }}", 1))
    with pytest.raises(BuilderError) as caught:
        build(site, workers=2)
    assert str(caught.value).startswith(f"{entity}:")
    assert "'nothing' is undefined (while rendering " in str(caught.value)


def test_seeds_analysed_in_processes_give_the_same_content(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("builder.cache._SHARE", 1)  # processes start only for hundreds of new seeds
    sites = {}
    for workers in (1, 2):
        root = tmp_path / f"jobs-{workers}"
        (root / "seeds").mkdir(parents=True)
        for name, text in SEEDS.items():
            (root / "seeds" / name).write_text(text)
        assert main(["ingest", "--site", str(root), "--jobs", str(workers)]) == 0
        sites[workers] = _tree(root / "content")
    assert sites[2] == sites[1]
    assert len(sites[1]) > len(SEEDS)


def test_a_new_article_renders_the_pages_it_reaches_not_every_page(site: Path, tmp_path: Path) -> None:
    (site / "seeds/d.txt").write_text(" date 2024-03-20 BRAGA (AP) — Judge Marta Reis spoke to reporters.\n")
    report = build(site)
    rendered = set(report.reasons)
    new = next(url for url in rendered if url.startswith("articles/") and url != "articles/")
    assert {new, "people/marta-reis/", "", "articles/", "timeline/"} <= rendered
    untouched = {f"articles/{_article(site, seed).stem}/" for seed in ("a.txt", "b.txt")}
    untouched |= {"people/ana-sousa/", "people/rui-lopes/", "institutions/port-authority/"}
    assert not rendered & untouched, rendered & untouched
    assert _tree(site / "output") == _clean_build(site, tmp_path)


def test_a_build_that_failed_after_ingest_changed_content_is_ingested_again(site: Path, tmp_path: Path) -> None:
    """Ingest may rewrite content/ and its record before the build fails: the next build ingests again, even when
    the list of content files and the seeds are what the last build that succeeded saw."""
    sousa = site / "content/people/ana-sousa.md"
    sousa.write_text(sousa.read_text().replace("type: met with", "type: criticised"))  # her ties are the editor's
    build(site)
    institution = site / "content/institutions/carlos-mendes-of-the-port-authority.md"
    kept = institution.read_bytes()
    institution.unlink()  # ingest takes it out of the article, then her tie's target is missing
    with pytest.raises(BuilderError, match="its target is 'carlos-mendes-of-the-port-authority'"):
        build(site)
    articles = site / "content/articles"
    assert not any("carlos-mendes-of-the-port-authority" in p.read_text() for p in articles.iterdir())
    institution.write_bytes(kept)
    build(site)
    assert any("carlos-mendes-of-the-port-authority" in p.read_text() for p in articles.iterdir())
    assert _tree(site / "output") == _clean_build(site, tmp_path)
    assert build(site).rendered == 0
