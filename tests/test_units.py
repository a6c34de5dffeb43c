"""Pure functions of each stage: URLs, Markdown, front matter, config, titles, and the import order."""

from __future__ import annotations

import ast
import datetime as dt
import json
import math
import re
import urllib.parse
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from builder import markdown, urls
from builder.config import parse_config
from builder.content import PageReader, escape_markdown, make_slug, parse_page, render_page
from builder.errors import BuildFailed, ConfigError, ContentError
from builder.ingest import _norm, derive_title, record_text

REPO = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    ("source", "target", "href"),
    [
        ("", "people/kamala-harris/", "people/kamala-harris/"),
        ("people/kamala-harris/", "", "../../"),
        ("people/kamala-harris/", "institutions/twitter/", "../../institutions/twitter/"),
        ("people/", "articles/a/#p3", "../articles/a/#p3"),
        ("articles/a/", "assets/style.css", "../../assets/style.css"),
        ("404.html", "people/", "people/"),
        ("", "", "./"),
    ],
)
def test_relative_links(source: str, target: str, href: str) -> None:
    assert urls.relative(source, target) == href


def test_pages_are_written_as_folder_index_files() -> None:
    assert urls.output_path(urls.page_url("people", "x")) == "people/x/index.html"
    assert urls.output_path(urls.HOME) == "index.html"


def test_markdown_links_every_alias_and_anchors_paragraphs() -> None:
    def linker(text: str) -> list[tuple[int, int, str]]:
        return [(m.start(), m.end(), "k/") for m in re.finditer(r"Kamala Harris|Harris", text)]

    html = markdown.render("Kamala Harris met him. Harris’ trip.\n\nNext.", linker)
    assert '<p id="p1"><span class="sentence" id="p1-s1"><a href="k/" class="entity">Kamala Harris</a> met him.' \
        '</span>' in html
    assert '<span class="sentence" id="p1-s2"><a href="k/" class="entity">Harris</a>’ trip.</span></p>' in html
    assert '<p id="p2"><span class="sentence" id="p2-s1">Next.</span></p>' in html


def test_markdown_never_runs_html_or_script_links() -> None:
    html = markdown.render("<script>alert(1)</script> [x](javascript:alert(1)) [ok](https://example.org)")
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert 'href="javascript:' not in html
    assert '<a href="https://example.org">ok</a>' in html


_plain = st.text(st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), min_size=1, max_size=60)


@given(_plain.filter(lambda t: t.strip() == t and t != ""))
def test_escaped_seed_text_renders_literally(text: str) -> None:
    assert [p.text for p in markdown.paragraphs(escape_markdown(text))] == [text]


def test_front_matter_errors_carry_the_file_line() -> None:
    with pytest.raises(ContentError, match=r"^x.md:3: invalid YAML in front matter"):
        parse_page(Path("x.md"), "---\nname: A\naliases: [B\n---\n")
    with pytest.raises(ContentError, match=r"^x.md:1: has no front matter"):
        parse_page(Path("x.md"), "just text\n")


def test_config_reports_every_bad_value_and_warns_unknown_keys(tmp_path: Path) -> None:
    path = tmp_path / "site.yaml"
    with pytest.raises(BuildFailed) as caught:
        parse_config(tmp_path, path, "title: 3\nlanguage: [en]\n")
    assert [str(p) for p in caught.value.problems] == [
        f"{path}:1: 'title' must be text, not int", f"{path}:2: 'language' must be text, not list"]
    config = parse_config(tmp_path, path, "titel: X\n")
    assert config.warnings == (f"{path}:1: unknown setting 'titel' ignored (did you mean 'title'?)",)
    with pytest.raises(ConfigError, match=r"site.yaml:1: 'base_url' must start with http"):
        parse_config(tmp_path, path, "base_url: example.org\n")


def test_slugs_are_safe() -> None:
    assert make_slug("Alexandria Ocasio-Cortez") == "alexandria-ocasio-cortez"
    assert make_slug("José Álvarez") == "jose-alvarez"
    assert make_slug("../../etc/passwd") == "etc-passwd"


def test_title_is_cut_before_a_phrase() -> None:
    lede = ("Vice President Kamala Harris offered an optimistic outlook for improved cooperation with Guatemala on "
            "addressing the spike in migration after her meeting on Monday. She also spoke.")
    assert derive_title(lede) == "Vice President Kamala Harris offered an optimistic outlook"
    assert derive_title("Short lede here. More.") == "Short lede here"


STAGES = ["version", "errors", "records", "processes", "config", "snapshot", "sentences", "names", "seeds", "content",
          "extract", "cache", "ingest", "markdown", "urls", "model", "graph", "feeds", "render", "deps", "output",
          "edits", "pipeline", "watch", "serve", "cli"]


def test_modules_import_only_earlier_stages() -> None:
    order = {name: index for index, name in enumerate(STAGES)}
    for path in sorted((REPO / "builder").rglob("*.py")):
        module = path.relative_to(REPO / "builder").parts[0].removesuffix(".py")
        if module not in order:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("builder."):
                imported = node.module.split(".")[1]
                if imported in order and imported != module:
                    assert order[imported] < order[module], f"{path.name} imports {node.module} against the flow"


def test_front_matter_dates_are_read_as_text_and_checked_by_the_builder() -> None:
    assert parse_page(Path("a.md"), "---\ntitle: T\ndate: 2021-13-02\n---\n")[0]["date"] == "2021-13-02"


@given(st.text())
def test_text_fragments_are_percent_encoded_like_urllib(text: str) -> None:
    assert urls.text_fragment(text, edge=10**6) == ":~:text=" + urllib.parse.quote(" ".join(text.split()), safe="") \
        .replace("-", "%2D")


def test_the_page_cache_keeps_pages_between_builds_and_rewrites_only_what_changed(tmp_path: Path) -> None:
    pages = tmp_path / "content/people"
    pages.mkdir(parents=True)
    for number in range(20):
        (pages / f"p{number}.md").write_text(f"---\nname: Person {number}\n---\nAbout {number}.\n")
    cache = tmp_path / "cache"
    first = PageReader(cache)
    for path in sorted(pages.iterdir()):
        first.read(path)
    first.save()
    files = {p.name: p.stat().st_ino for p in cache.iterdir()}
    assert len(files) > 1  # spread over several files
    edited, removed = pages / "p3.md", pages / "p7.md"
    edited.write_text("---\nname: Person three\n---\nEdited.\n")
    removed.unlink()
    second = PageReader(cache)
    for path in sorted(pages.iterdir()):
        second.read(path)
    second.save()
    rewritten = {p.name for p in cache.iterdir() if p.stat().st_ino != files.get(p.name)}  # each is replaced
    assert 1 <= len(rewritten) <= 2  # the files of the edited page and of the removed one
    third = PageReader(cache)
    assert third.read(edited)[0] == {"name": "Person three"}
    assert third.read(pages / "p1.md")[2] == "About 1.\n"
    assert not any(str(removed) in p.read_text() for p in cache.iterdir())


_SCALARS = st.one_of(st.text(max_size=80), st.integers(), st.booleans(), st.none())
_VALUES = st.one_of(_SCALARS, st.lists(st.text(max_size=40), max_size=4),
                    st.lists(st.dictionaries(st.text(min_size=1, max_size=8), _SCALARS, max_size=3), max_size=3))


@given(st.dictionaries(st.text(min_size=1, max_size=12), _VALUES, max_size=6))
def test_front_matter_reads_back_as_written(meta: dict[str, object]) -> None:
    assert parse_page(Path("page.md"), render_page(meta, "Body."))[0] == meta


def test_pages_are_written_as_ingest_wrote_them_before() -> None:
    """The site's own content pages, made by ingest with PyYAML's Python dumper, come out byte for byte the same
    from libyaml's (so no page changes because the dumper did)."""
    pages = sorted((Path(__file__).parent.parent / "content").rglob("*.md"))
    assert pages
    for page in pages:
        text = page.read_text(encoding="utf-8")
        meta, _, body, _ = parse_page(page, text)
        assert render_page(meta, body) == text, page


_JSON = st.recursive(st.one_of(st.text(max_size=20), st.integers(), st.booleans(), st.none()),
                     lambda inner: st.one_of(st.lists(inner, max_size=4),
                                             st.dictionaries(st.text(max_size=8), inner, max_size=4)),
                     max_leaves=30)


@given(st.dictionaries(st.text(max_size=30), _JSON, max_size=4))
def test_the_ingest_record_is_written_as_the_standard_library_indents_it(record: dict[str, object]) -> None:
    """The record is committed with content/: a faster encoder must not change a byte of it."""
    expected = json.dumps({"version": 1, "pages": record}, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    assert record_text(record) == expected.encode("utf-8")


_SCALARS = st.one_of(st.text(st.characters(codec=None)), st.integers(), st.floats(allow_nan=False), st.booleans(),
                     st.none(), st.dates(), st.datetimes(
                     timezones=st.sampled_from([None, dt.UTC, dt.timezone(dt.timedelta(hours=-5, minutes=-30))])))
_FRONT_MATTER = st.recursive(_SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=4),
    st.dictionaries(st.one_of(st.text(max_size=3), st.integers(-3, 3), st.booleans(), st.none(), st.floats(
        allow_nan=False)), inner, max_size=4)),
    max_leaves=12)


@given(_FRONT_MATTER)
def test_ingest_compares_front_matter_as_the_standard_library_writes_it_to_json(value: object) -> None:
    """``ingest._norm`` (orjson, and the standard library for what orjson cannot write) gives what the standard
    library's JSON gives: drafts, pages and the record compare as they always did."""
    expected = json.loads(json.dumps(value, default=lambda d: d.isoformat(), ensure_ascii=False))
    assert _norm(value) == expected


def test_ingest_compares_a_number_that_is_not_one_as_the_standard_library_writes_it() -> None:
    assert math.isnan(_norm({"a": [float("nan")]})["a"][0])


@pytest.mark.parametrize("page", sorted((REPO / "content").rglob("*.md")), ids=lambda p: p.name)
def test_a_page_read_and_written_again_is_the_same_text(page: Path) -> None:
    """Ingest writes a page it updates from what it read: nothing the editor did not change may change (a date
    was written again quoted, as text)."""
    text = page.read_text(encoding="utf-8")
    meta, _, body, _ = parse_page(page, text)
    assert render_page(meta, body) == text


def test_dates_are_written_unquoted_whether_read_as_text_or_made_as_dates() -> None:
    assert render_page({"date": dt.date(2021, 6, 8), "read": "2021-06-09", "number": "12", "word": "yes"}, "") == (
        "---\ndate: 2021-06-08\nread: 2021-06-09\nnumber: '12'\nword: 'yes'\n---\n")
