"""Tiny sites in tmp_path: what a user sees from build and ingest, messages included."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from builder import build
from builder.cli import main
from builder.errors import BuilderError, BuildFailed

from .conftest import SEED, broken_links

Write = Callable[[str, str], Path]

PERSON = """\
---
name: Ana Sousa
aliases: [Sousa]
role: Prime Minister
---
"""
ARTICLE = """\
---
title: Sousa meets the commission
date: 2024-03-05
people: [ana-sousa]
institutions: []
---

Prime Minister Ana Sousa met officials. Later, Sousa spoke.
"""


def test_build_ingests_a_seed_and_links_its_people(tmp_path: Path, write: Write) -> None:
    write("seeds/lisbon.txt", SEED)
    report = build(tmp_path)
    person = (tmp_path / "output/people/ana-sousa/index.html").read_text()
    article_files = list((tmp_path / "content/articles").glob("*.md"))
    assert len(article_files) == 1
    article = (tmp_path / "output/articles" / article_files[0].stem / "index.html").read_text()
    assert "Prime Minister" in person
    assert '<strong>Sousa</strong> said.' in person
    assert 'href="../../people/ana-sousa/" class="entity">Ana Sousa</a>' in article
    assert report.pages["person"] == 1 and report.pages["article"] == 1
    assert broken_links(tmp_path / "output") == []


def test_ingest_never_overwrites_an_edited_page(tmp_path: Path, write: Write) -> None:
    write("seeds/lisbon.txt", SEED)
    build(tmp_path)
    page = tmp_path / "content/people/ana-sousa.md"
    page.write_text(page.read_text().replace("role: Prime Minister", "role: Head of government") + "\nEdited.\n")
    build(tmp_path)
    assert "role: Head of government" in page.read_text() and "Edited." in page.read_text()
    assert "Head of government" in (tmp_path / "output/people/ana-sousa/index.html").read_text()


def test_a_second_seed_reuses_the_existing_person_page(tmp_path: Path, write: Write) -> None:
    write("seeds/a.txt", SEED)
    build(tmp_path)
    write("seeds/b.txt", " date 2024-04-01 PORTO (AP) — Ana Sousa opened a bridge. Sousa said little.\n")
    build(tmp_path)
    assert sorted(p.name for p in (tmp_path / "content/people").iterdir()) == ["ana-sousa.md"]
    person = (tmp_path / "output/people/ana-sousa/index.html").read_text()
    assert person.count('<ul class="mentions">') == 2


def test_hand_written_pages_behave_like_generated_ones(tmp_path: Path, write: Write) -> None:
    write("content/people/ana-sousa.md", PERSON)
    write("content/articles/sousa-meets.md", ARTICLE)
    build(tmp_path)
    person = (tmp_path / "output/people/ana-sousa/index.html").read_text()
    assert 'href="../../articles/sousa-meets/#p1-s1"' in person
    assert "Later, <strong>Sousa</strong> spoke." in person


def test_unknown_person_slug_fails_with_did_you_mean(tmp_path: Path, write: Write) -> None:
    write("content/people/ana-sousa.md", PERSON)
    path = write("content/articles/x.md", ARTICLE.replace("[ana-sousa]", "[ana-souza]"))
    with pytest.raises(BuilderError) as caught:
        build(tmp_path)
    assert str(caught.value) == (f"{path}:4: article lists 'ana-souza', but content/people/ana-souza.md does not "
                                 "exist; did you mean 'ana-sousa'?")


def test_every_bad_page_is_reported_before_failing(tmp_path: Path, write: Write) -> None:
    bad_yaml = write("content/people/a.md", "---\nname: [A\n---\n")
    no_name = write("content/people/b.md", "---\nrole: x\n---\n")
    with pytest.raises(BuildFailed) as caught:
        build(tmp_path)
    assert [str(p) for p in caught.value.problems] == [
        f"{bad_yaml}:2: invalid YAML in front matter: did not find expected ',' or ']'; close the list with ']', "
        "and put an item that holds a comma or bracket in quotes",
        f"{no_name}:2: front matter has no 'name'; add 'name: ...'",
    ]


def test_failed_build_leaves_previous_output_untouched(tmp_path: Path, write: Write) -> None:
    write("content/people/ana-sousa.md", PERSON)
    build(tmp_path)
    before = {p: p.read_bytes() for p in (tmp_path / "output").rglob("*") if p.is_file()}
    write("content/people/broken.md", "---\nname: [\n---\n")
    with pytest.raises(BuilderError):
        build(tmp_path)
    after = {p: p.read_bytes() for p in (tmp_path / "output").rglob("*") if p.is_file()}
    assert after == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".output")] == []


def test_stale_pages_disappear_on_the_next_build(tmp_path: Path, write: Write) -> None:
    write("content/people/ana-sousa.md", PERSON)
    build(tmp_path)
    (tmp_path / "content/people/ana-sousa.md").unlink()
    build(tmp_path)
    assert not (tmp_path / "output/people/ana-sousa").exists()


def test_two_builds_are_byte_identical(tmp_path: Path, write: Write) -> None:
    write("seeds/lisbon.txt", SEED)
    build(tmp_path)
    first = {p.relative_to(tmp_path): p.read_bytes() for p in (tmp_path / "output").rglob("*") if p.is_file()}
    build(tmp_path)
    second = {p.relative_to(tmp_path): p.read_bytes() for p in (tmp_path / "output").rglob("*") if p.is_file()}
    assert first == second


def test_output_folder_may_not_be_the_sources(tmp_path: Path, write: Write,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    write("seeds/lisbon.txt", SEED)
    assert main(["build", "--site", str(tmp_path), "--out", str(tmp_path / "content")]) == 1
    assert main(["build", "--site", str(tmp_path), "--out", str(tmp_path)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err == [
        f"error: {tmp_path / 'content'}: output folder would replace the site's sources ({tmp_path / 'content'}); "
        "choose another --out",
        f"error: {tmp_path}: output folder would replace the site's sources ({tmp_path}); choose another --out",
    ]
    assert (tmp_path / "seeds/lisbon.txt").exists()


def test_cli_prints_one_line_per_problem_and_exits_1(tmp_path: Path, write: Write) -> None:
    write("seeds/a.txt", "no date here\n")
    write("seeds/b.txt", "")
    result = subprocess.run([sys.executable, "-m", "builder", "build", "--site", str(tmp_path)],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"error: {tmp_path / 'seeds/a.txt'}:1: first line must start with 'date YYYY-MM-DD', found 'no date here'",
        f"error: {tmp_path / 'seeds/b.txt'}:1: seed is empty; write ' date YYYY-MM-DD ' on the first line, "
        "then the article",
    ]
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "output").exists()


def test_ingest_dry_run_lists_pages_and_writes_nothing(tmp_path: Path, write: Write,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    write("seeds/lisbon.txt", SEED)
    assert main(["ingest", "--site", str(tmp_path), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "would create content/people/ana-sousa.md: new page from seed lisbon.txt" in out
    assert not (tmp_path / "content").exists()


def test_build_from_a_site_folder_without_templates_uses_the_shipped_theme(tmp_path: Path, write: Write) -> None:
    write("seeds/lisbon.txt", SEED)
    result = subprocess.run([sys.executable, "-m", "builder", "build"], cwd=tmp_path, capture_output=True,
                            text=True, check=False, env={**os.environ, "PYTHONPATH": ""})
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("content: 3 created; site: ") and " files (" in result.stdout
    assert (tmp_path / "output/assets/style.css").is_file()


def test_site_templates_override_the_theme(tmp_path: Path, write: Write) -> None:
    write("content/people/ana-sousa.md", PERSON)
    write("templates/404.html", "{% extends 'base.html' %}{% block main %}<h1>Gone</h1>{% endblock %}")
    build(tmp_path)
    assert "<h1>Gone</h1>" in (tmp_path / "output/404.html").read_text()


def test_template_errors_name_the_template_and_page(tmp_path: Path, write: Write) -> None:
    write("content/people/ana-sousa.md", PERSON)
    broken = write("templates/404.html", "{% extends 'base.html' %}\n{% block main %}{{ nothing.here }}"
                                         "{% endblock %}")
    with pytest.raises(BuilderError) as caught:
        build(tmp_path)
    assert str(caught.value) == f"{broken}:2: 'nothing' is undefined (while rendering 404.html)"
    write("templates/404.html", "{% block main %\n")
    with pytest.raises(BuilderError, match=r"404.html:1: template syntax error"):
        build(tmp_path)


def test_links_to_sentences_are_checked_and_lead_to_the_sentence(tmp_path: Path, write: Write) -> None:
    write("content/people/ana-sousa.md", PERSON + "\nShe [said it here](../articles/sousa-meets.md#p1-s2).\n")
    write("content/articles/sousa-meets.md", ARTICLE)
    build(tmp_path)
    person = (tmp_path / "output/people/ana-sousa/index.html").read_text()
    article = (tmp_path / "output/articles/sousa-meets/index.html").read_text()
    assert 'href="../../articles/sousa-meets/#p1-s2"' in person
    assert 'id="p1-s2"' in article
    page = write("content/people/ana-sousa.md", PERSON + "\nSee [nothing](../articles/sousa-meets.md#p1-s3).\n")
    with pytest.raises(BuilderError) as caught:
        build(tmp_path)
    assert str(caught.value) == (f"{page}:7: broken link '../articles/sousa-meets.md#p1-s3': the page has no anchor "
                                 "'#p1-s3' (paragraphs are #p1 to #p1)")


def test_a_page_whose_name_is_not_a_slug_is_reported_and_left_out_of_ingest(tmp_path: Path, write: Write) -> None:
    write("seeds/a.txt", " date 2021-06-10 WASHINGTON (AP) — President Joe Biden met Senator Bob Menendez.\n")
    build(tmp_path)
    articles = {p: p.read_text() for p in (tmp_path / "content/articles").iterdir()}
    copy = write("content/people/Joe-Biden.md", (tmp_path / "content/people/joe-biden.md").read_text())
    with pytest.raises(BuilderError) as caught:
        build(tmp_path)
    assert str(caught.value) == (f"{copy}: file name 'Joe-Biden.md' is not a valid slug, and 'joe-biden.md' is "
                                 "another page; merge the two, or rename it to a slug of your own")
    assert {p: p.read_text() for p in (tmp_path / "content/articles").iterdir()} == articles
    copy.rename(tmp_path / "content/people/Biden.md")
    with pytest.raises(BuilderError, match=re.escape("'Biden.md' is not a valid slug; rename it to 'biden.md'")):
        build(tmp_path)
