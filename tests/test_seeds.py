"""Seed parsing: the plain format, its variants, Markdown seeds, and the errors a user sees."""

from __future__ import annotations

import datetime as dt
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from builder.errors import SeedError
from builder.seeds import load_seeds, parse_seed, read_seed_text

PLAIN = " date 2021-06-08 GUATEMALA CITY (AP) — First paragraph here.\n\nSecond paragraph.\n"


def test_parses_date_dateline_agency_and_paragraphs() -> None:
    seed = parse_seed(Path("a.txt"), PLAIN)
    assert seed.date == dt.date(2021, 6, 8)
    assert seed.dateline == "GUATEMALA CITY (AP)"
    assert seed.source == "AP"
    assert seed.paragraphs == ("First paragraph here.", "Second paragraph.")
    assert seed.lines == (1, 3)


def test_tolerates_crlf_bom_trailing_spaces_and_no_final_newline() -> None:
    messy = "\ufeff date 2021-06-08 GUATEMALA CITY (AP) — First paragraph here.   \r\n\r\nSecond paragraph.  "
    assert parse_seed(Path("a.txt"), messy).paragraphs == parse_seed(Path("a.txt"), PLAIN).paragraphs


def test_dateline_with_region_and_no_agency() -> None:
    seed = parse_seed(Path("a.txt"), " date 2020-01-02 KABUL, Afghanistan — Text.\n")
    assert (seed.dateline, seed.source, seed.paragraphs) == ("KABUL, Afghanistan", "", ("Text.",))


@pytest.mark.parametrize(("text", "first_line"), [
    (" date 2021-06-16\nLIMA (AFP) — Keiko Fujimori conceded on Sunday.\n\nShe spoke briefly.\n", 2),
    (" date 2021-06-16 \n\n  LIMA (AFP) — Keiko Fujimori conceded on Sunday.\n\nShe spoke briefly.\n", 3),
])
def test_dateline_on_the_line_after_the_date(text: str, first_line: int) -> None:
    seed = parse_seed(Path("a.txt"), text)
    assert (seed.dateline, seed.source) == ("LIMA (AFP)", "AFP")
    assert seed.paragraphs == ("Keiko Fujimori conceded on Sunday.", "She spoke briefly.")
    assert seed.lines == (first_line, first_line + 2)


def test_text_on_the_line_after_the_date_without_a_dateline() -> None:
    seed = parse_seed(Path("a.txt"), " date 2021-06-16\n\nThe minister said on Monday that talks would resume.\n")
    assert (seed.dateline, seed.paragraphs, seed.lines) == (
        "", ("The minister said on Monday that talks would resume.",), (3,))


@pytest.mark.parametrize("first", ["UPDATE — The vote was moved to Friday.", "OK — so the budget passed."])
def test_capitals_and_a_dash_on_the_next_line_are_not_a_dateline_without_agency_or_region(first: str) -> None:
    seed = parse_seed(Path("a.txt"), f" date 2021-06-16\n{first}\n\nMore.\n")
    assert (seed.dateline, seed.paragraphs, seed.lines) == ("", (first, "More."), (2, 4))


def test_a_dateline_alone_on_its_line_keeps_the_line_numbers() -> None:
    seed = parse_seed(Path("a.txt"), " date 2021-06-09\nWASHINGTON (AP) —\n\nThe president spoke.\n\nMore.\n")
    assert (seed.dateline, seed.paragraphs, seed.lines) == ("WASHINGTON (AP)", ("The president spoke.", "More."),
                                                            (4, 6))
    region = parse_seed(Path("a.txt"), " date 2021-06-09\nKABUL, Afghanistan — Text.\n")
    assert (region.dateline, region.paragraphs) == ("KABUL, Afghanistan", ("Text.",))


def test_a_date_with_a_time_in_a_markdown_seed_is_its_day() -> None:
    seed = parse_seed(Path("a.md"), "---\ndate: 2021-06-09 10:00:00\n---\n\nText.\n")
    assert seed.date == dt.date(2021, 6, 9) and type(seed.date) is dt.date


def test_seed_without_dateline_keeps_its_first_words() -> None:
    seed = parse_seed(Path("a.txt"), " date 2020-01-02 The minister said on Monday that talks would resume.\n")
    assert seed.dateline == ""
    assert seed.paragraphs[0].startswith("The minister said")


def test_markdown_seed_with_front_matter() -> None:
    text = "---\ntitle: Talks resume\ndate: 2022-05-01\nsource: Reuters\n---\n\nFirst.\n\nSecond.\n"
    seed = parse_seed(Path("a.md"), text)
    assert (seed.title, seed.date, seed.source) == ("Talks resume", dt.date(2022, 5, 1), "Reuters")
    assert seed.paragraphs == ("First.", "Second.")
    assert seed.lines == (7, 9)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "a.txt:1: seed is empty; write ' date YYYY-MM-DD ' on the first line, then the article"),
        ("Hello world\n", "a.txt:1: first line must start with 'date YYYY-MM-DD', found 'Hello world'"),
        (" date 2021-02-30 Text.\n", "a.txt:1: date '2021-02-30' does not exist; check the day and month"),
        (" date 08/06/2021 Text.\n", "a.txt:1: date '08/06/2021' is not in the form YYYY-MM-DD"),
        (" date 2021-06-08\n", "a.txt:1: seed has a date but no text; add the article's paragraphs after it"),
        ("---\ntitle: x\n---\nText\n", "a.txt:2: front matter has no 'date'; add 'date: YYYY-MM-DD'"),
        ("---\ntitle: [x\ndate: 2021-01-01\n---\nText\n", "a.txt:2: invalid YAML front matter: "),
    ],
)
def test_bad_seed_errors_name_file_and_line(text: str, message: str) -> None:
    with pytest.raises(SeedError) as caught:
        parse_seed(Path("a.txt"), text)
    assert str(caught.value).startswith(message)


def test_binary_and_non_utf8_seeds_are_refused(tmp_path: Path) -> None:
    binary = tmp_path / "b.txt"
    binary.write_bytes(b"\x89PNG\r\n\x00\x00")
    latin = tmp_path / "l.txt"
    latin.write_bytes(b" date 2021-01-01 Caf\xe9\n")
    with pytest.raises(SeedError, match="is a binary file, not a text article"):
        read_seed_text(binary)
    with pytest.raises(SeedError, match=r"l.txt:1: is not UTF-8 text \(byte 0xe9\)"):
        read_seed_text(latin)


def test_load_seeds_reports_every_bad_seed_at_once(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("no date\n")
    (tmp_path / "b.txt").write_text("")
    (tmp_path / "c.txt").write_text(PLAIN)
    (tmp_path / "notes.json").write_text("{}")
    with pytest.raises(Exception) as caught:
        load_seeds(tmp_path)
    assert "a.txt:1:" in str(caught.value) and "b.txt:1:" in str(caught.value)


_text = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=80)


@given(st.lists(_text.filter(lambda t: t.strip() != ""), min_size=1, max_size=5))
def test_paragraphs_survive_parsing_whitespace_normalised(paragraphs: list[str]) -> None:
    paragraphs = ["so " + paragraphs[0], *paragraphs[1:]]  # a lower-case start is never a dateline
    seed = parse_seed(Path("a.txt"), " date 2021-06-08 " + "\n\n".join(paragraphs))
    assert seed.paragraphs == tuple(" ".join(unicodedata.normalize("NFC", p).split()) for p in paragraphs)
