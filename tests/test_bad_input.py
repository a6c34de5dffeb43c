"""Bad and hostile input: one folder per case under tests/invalid/ with the message a user sees beside it, and
harmless oddities under tests/hostile/ that must build into a correct, safe site."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from builder import build, content, serve
from builder.cli import main
from builder.content import make_slug, parse_page, render_page
from builder.errors import BuilderError, OutputError, file_problem
from builder.seeds import list_seed_files

from .conftest import SEED

HERE = Path(__file__).resolve().parent
INVALID = sorted(p.name for p in (HERE / "invalid").iterdir() if p.is_dir())
HOSTILE = sorted(p.name for p in (HERE / "hostile").iterdir() if p.is_dir())


def run_build(site: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "builder", "build", "--site", str(site), *extra],
                          capture_output=True, text=True, check=False, timeout=120)


@pytest.mark.parametrize("case", INVALID)
def test_invalid_input_gives_its_message_and_exit_1(case: str, tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(HERE / "invalid" / case / "site", site)
    result = run_build(site)
    expected = (HERE / "invalid" / case / "expected.txt").read_text(encoding="utf-8")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert re.sub(r"(?m)^error: ", "", result.stderr.replace(f"{site}/", "")) == expected
    assert not (site / "output").exists()


@pytest.mark.parametrize("case", HOSTILE)
def test_odd_but_harmless_input_builds_a_safe_site(case: str, tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(HERE / "hostile" / case / "site", site)
    result = run_build(site)
    assert result.returncode == 0, result.stderr
    html = "".join(p.read_text() for p in (site / "output").rglob("*.html"))
    assert "<script>alert" not in html and 'href="javascript:' not in html and "<b>there" not in html


def test_script_in_a_seed_is_shown_as_text(tmp_path: Path) -> None:
    shutil.copytree(HERE / "hostile" / "html-in-text" / "site", tmp_path / "site")
    build(tmp_path / "site")
    [article] = (tmp_path / "site/output/articles").glob("*/index.html")
    text = article.read_text()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "*Carlos* [Mendes](javascript:alert(1)) &amp; co." in text


def test_two_seeds_with_the_same_headline_get_distinct_pages(tmp_path: Path) -> None:
    shutil.copytree(HERE / "hostile" / "same-slug" / "site", tmp_path / "site")
    build(tmp_path / "site")
    names = sorted(p.name for p in (tmp_path / "site/content/articles").iterdir())
    assert names == ["prime-minister-ana-sousa-spoke-on-monday-2.md", "prime-minister-ana-sousa-spoke-on-monday.md"]


def test_very_large_seed_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    (tmp_path / "seeds").mkdir()
    big = tmp_path / "seeds/big.txt"
    big.write_text(" date 2021-01-01 " + "Word " * 6_000_000)
    result = run_build(tmp_path)
    assert result.returncode == 1
    assert result.stderr == (f"error: {big}: is 30 MB, more than the 5 MB one article may hold; split it into one "
                             "file per article\n")


def test_symlink_out_of_the_site_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "secret.md"
    outside.write_text("---\nname: Secret\n---\n")
    site = tmp_path / "site"
    (site / "content/people").mkdir(parents=True)
    (site / "content/people/secret.md").symlink_to(outside)
    result = run_build(site)
    assert result.returncode == 1
    assert "secret.md: is a symbolic link to a file outside the site; copy the file in instead" in result.stderr


def test_output_folder_that_cannot_be_created_is_reported(tmp_path: Path) -> None:
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds/a.txt").write_text(SEED)
    (tmp_path / "file").write_text("a file, not a folder")
    result = run_build(tmp_path, "--out", str(tmp_path / "file/out"))
    assert result.returncode == 1
    assert result.stderr == (f"error: {tmp_path / 'file/out'}: cannot create the output folder: {tmp_path / 'file'} "
                             "is a file; choose another --out\n")


def test_output_that_is_a_file_is_reported(tmp_path: Path) -> None:
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds/a.txt").write_text(SEED)
    (tmp_path / "out").write_text("not a folder")
    result = run_build(tmp_path, "--out", str(tmp_path / "out"))
    assert result.returncode == 1
    assert "output path exists and is not a folder" in result.stderr
    assert (tmp_path / "out").read_text() == "not a folder"


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_killed_build_leaves_the_previous_output_or_the_complete_new_one(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "seeds").mkdir(parents=True)
    for number in range(150):
        (site / "seeds" / f"{number:03}.txt").write_text(
            f" date 2021-01-{number % 28 + 1:02} LIMA (AP) — Minister Ana Sousa{number} met Carlos Mendes{number} "
            f"of the Port Authority {number}.\n\n“We talked about issue {number},” Sousa{number} said.\n")
    build(site)
    before = _tree(site / "output")
    for path in (site / "content/people").glob("*.md"):
        path.write_text(path.read_text() + "\nEdited.\n")
    shutil.copytree(site, tmp_path / "copy", ignore=shutil.ignore_patterns("output", ".output*", "cache"))
    build(tmp_path / "copy")
    complete = _tree(tmp_path / "copy/output")
    assert complete != before
    for delay in (0.2, 0.5, 0.8, 1.1, 1.4, 1.8):
        process = subprocess.Popen([sys.executable, "-m", "builder", "build", "--site", str(site)],
                                   start_new_session=True)
        time.sleep(delay)
        os.killpg(process.pid, signal.SIGKILL)  # the build and what it started (its processes, Pagefind)
        process.wait()
        after = _tree(site / "output")
        assert after in (before, complete), f"killed after {delay} s: a half-written site"
    build(site)
    assert _tree(site / "output") == complete
    assert sorted(p.name for p in site.iterdir() if p.name.startswith(".output")) == [".output-standby"]


_words = st.text(st.characters(blacklist_categories=["Cs"]), max_size=60)
# YAML reads U+0085, U+2028 and U+2029 as line breaks; seeds never carry them (their whitespace is collapsed).
_yaml_text = st.characters(blacklist_categories=("Cs", "Zl", "Zp"), blacklist_characters="\x85")


@given(_words)
def test_slugs_are_always_safe(text: str) -> None:
    slug = make_slug(text)
    assert slug == make_slug(slug)
    assert all(c.isascii() and (c.isalnum() or c == "-") for c in slug)
    assert ".." not in slug and "/" not in slug and "\x00" not in slug


_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(_yaml_text, max_size=30),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text("abcdefgh", min_size=1), inner, max_size=3),
    max_leaves=8,
)


@given(st.dictionaries(st.text("abcdefghij_", min_size=1, max_size=10), _values, min_size=1, max_size=5),
       st.text(_yaml_text.filter(lambda c: c.isprintable() or c == "\n"), max_size=80))
def test_front_matter_round_trips(meta: dict[str, object], body: str) -> None:
    text = render_page(meta, body)
    parsed, _, parsed_body, _ = parse_page(Path("x.md"), text)
    assert parsed == meta
    assert parsed_body.strip() == body.strip()


def test_builder_error_is_the_only_way_a_user_mistake_surfaces(tmp_path: Path) -> None:
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds/a.txt").write_text("nope")
    with pytest.raises(BuilderError):
        build(tmp_path)


def test_output_cut_short_by_its_reader_ends_quietly(tmp_path: Path) -> None:
    """``builder build | head -0``: the reader is gone before the summary is written."""
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds/a.txt").write_text(SEED)
    gone, writer = os.pipe()
    os.close(gone)
    with open(writer, "wb") as stdout:
        result = subprocess.run([sys.executable, "-m", "builder", "build", "--site", str(tmp_path)], stdout=stdout,
                                stderr=subprocess.PIPE, text=True, check=False, timeout=120)
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("warning: ") and result.stderr.count("\n") == 1  # no base_url: only that
    assert result.returncode == 141
    assert (tmp_path / "output/index.html").exists()  # the build itself was done


@pytest.mark.parametrize("stage", ["seeds", "content"])
def test_a_file_deleted_while_the_build_reads_it_is_one_line_and_the_output_stays(
        stage: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds/a.txt").write_text(SEED)
    build(tmp_path)
    before = _tree(tmp_path / "output")
    (tmp_path / "seeds/b.txt").write_text(SEED.replace("2024-03-05", "2024-03-06"))  # something to build
    if stage == "seeds":  # listed, then deleted before it is read
        gone = tmp_path / "seeds/gone.txt"
        seeds = list_seed_files
        monkeypatch.setattr("builder.cache.list_seed_files", lambda folder: [*seeds(folder), gone])
    else:
        gone = tmp_path / "content/articles/gone.md"
        pages = content.content_pages
        for module in ("content", "ingest", "pipeline"):
            monkeypatch.setattr(f"builder.{module}.content_pages", lambda folder: [*pages(folder), (gone, "articles")])
    assert main(["build", "--site", str(tmp_path)]) == 1
    assert capsys.readouterr().err == (f"error: {gone}: is gone: it was moved or deleted while the build ran, or "
                                       "it is a link to a file that is not there; build again\n")
    assert _tree(tmp_path / "output") == before


def test_a_template_deleted_while_the_pages_render_is_named_not_the_output(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds/a.txt").write_text(SEED)
    template = tmp_path / "templates/article.html"

    def gone(*args: object) -> None:
        raise FileNotFoundError(2, "No such file or directory", str(template))

    monkeypatch.setattr("builder.render._render", gone)
    assert main(["build", "--site", str(tmp_path)]) == 1
    assert capsys.readouterr().err == (f"error: {template}: is gone: it was moved or deleted while the build ran, "
                                       "or it is a link to a file that is not there; build again\n")
    assert not (tmp_path / "output").exists()


@pytest.mark.parametrize(("error", "line"), [
    (PermissionError(13, "Permission denied", b"/site/seeds/a.txt"),
     "/site/seeds/a.txt: cannot be read or written (Permission denied); check its permissions"),
    (OSError(28, "No space left on device", "/site/.builder/cache/x.json"),
     "/site/.builder/cache/x.json: cannot be read or written (No space left on device); check the free space and "
     "its permissions"),
    (FileNotFoundError(2, "No such file or directory"), "No such file or directory; build again"),
])
def test_a_file_the_build_cannot_use_is_one_line_naming_it(error: OSError, line: str) -> None:
    assert str(file_problem(error)) == line


def test_an_address_the_preview_cannot_listen_on_is_one_line() -> None:
    with pytest.raises(OutputError, match=r"^cannot listen on 192\.0\.2\.1, port 8000 \(.+\); pass another --host$"):
        serve.port_is_free("192.0.2.1", 8000)


def test_the_preview_shows_a_file_deleted_while_the_build_read_it_as_one_line(tmp_path: Path) -> None:
    def deleted() -> None:
        raise FileNotFoundError(2, "No such file or directory", str(tmp_path / "content/articles/a.md"))

    assert serve._attempt(deleted, tmp_path) == (None, (
        "content/articles/a.md: is gone: it was moved or deleted while the build ran, or it is a link to a file "
        "that is not there; build again",))


def test_a_build_that_cannot_record_itself_is_built_and_says_so(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds/a.txt").write_text(SEED)
    (tmp_path / "site.yaml").write_text("title: T\nbase_url: https://example.org/\n")

    def full(path: Path, *args: object) -> None:
        raise OSError(28, "No space left on device", f"{path}.tmp")

    monkeypatch.setattr("builder.pipeline.save_last", full)
    assert main(["build", "--site", str(tmp_path)]) == 0
    err = capsys.readouterr().err
    assert err.startswith(f"warning: {tmp_path}/.builder/cache/output-") and err.count("\n") == 1
    assert ".last.json: cannot record this build (No space left on device); the site is built" in err
    assert (tmp_path / "output/index.html").exists()


def test_output_folder_of_other_files_is_refused(tmp_path: Path) -> None:
    """A folder the builder did not write is not taken as --out: its files would be moved aside, then deleted."""
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds/a.txt").write_text(SEED)
    www = tmp_path / "www"
    www.mkdir()
    (www / "keep.txt").write_text("precious")
    result = run_build(tmp_path, "--out", str(www))
    assert result.returncode == 1
    assert result.stderr == (f"error: {www}: output folder holds files this builder did not write (or its record "
                             "in .builder/ is gone), which a build would delete; empty it or choose another --out\n")
    assert [p.name for p in www.iterdir()] == ["keep.txt"]
    assert not (tmp_path / "content").exists()
    (www / "keep.txt").unlink()
    assert run_build(tmp_path, "--out", str(www)).returncode == 0
    (tmp_path / "seeds/a.txt").write_text(SEED + "\nSousa left on Wednesday.\n")
    assert run_build(tmp_path, "--out", str(www)).returncode == 0, "a folder the builder wrote stays its own"
    assert (www / "index.html").exists()
    shutil.rmtree(tmp_path / ".builder/cache")  # a fresh clone of a site that commits its output, say
    (tmp_path / "seeds/a.txt").write_text(SEED + "\nSousa left on Thursday.\n")
    assert run_build(tmp_path, "--out", str(www)).returncode == 0, "known by the file it holds"
    (tmp_path / "output").mkdir()
    (tmp_path / "output/notes.txt").write_text("the site's own output folder is the builder's")
    assert run_build(tmp_path).returncode == 0


@pytest.mark.parametrize("jobs", ["0", "-1", "two"])
def test_a_number_of_processes_below_one_is_refused(tmp_path: Path, jobs: str,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    for verb in ("build", "ingest"):
        with pytest.raises(SystemExit) as exit_:
            main([verb, "--site", str(tmp_path), "--jobs", jobs])
        assert exit_.value.code == 2
        assert capsys.readouterr().err.splitlines()[-1] == (
            f"builder {verb}: error: argument --jobs: {jobs!r} is not a number of processes; give 1 or more")
    assert not (tmp_path / "output").exists()


def test_a_folder_that_holds_no_site_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`builder build` run in the wrong folder says so instead of making an empty site there."""
    for verb in ("build", "ingest", "serve"):
        assert main([verb, "--site", str(tmp_path)]) == 1
        assert capsys.readouterr().err == (f"error: {tmp_path}: holds no site (no site.yaml, seeds/ or content/); "
                                           "run the builder in a site's folder, pass one with --site, or make "
                                           "seeds/ here\n")
    assert list(tmp_path.iterdir()) == []


def test_what_seeds_holds_that_is_not_read_is_a_warning(tmp_path: Path) -> None:
    (tmp_path / "seeds/old").mkdir(parents=True)
    (tmp_path / "seeds/a.txt").write_text(SEED)
    (tmp_path / "seeds/notes.docx").write_bytes(b"PK\x03\x04")
    (tmp_path / "seeds/b.md").write_text("---\ntitle: Talks resume\ndate: 2024-03-06\nauthor: Bob\nsorce: AP\n---\n\n"
                                         "Prime Minister Ana Sousa spoke.\n")
    seeds = tmp_path / "seeds"
    warnings = [f"warning: {seeds}/b.md:4: unknown field 'author' ignored (a seed's front matter holds title, date, "
                "dateline, source)",
                f"warning: {seeds}/b.md:5: unknown field 'sorce' ignored (did you mean 'source'?)",
                f"warning: {seeds}/notes.docx: not read: seeds are .txt, .md or .markdown files in seeds/ itself; "
                "rename it, or move it out of seeds/",
                f"warning: {seeds}/old: not read: seeds are .txt, .md or .markdown files in seeds/ itself"]
    strict = run_build(tmp_path, "--strict")
    assert strict.returncode == 1
    assert not (tmp_path / "content").exists(), "--strict refuses before ingest writes"
    result = run_build(tmp_path)
    assert result.returncode == 0
    assert sorted(line for line in result.stderr.splitlines() if "base_url" not in line) == sorted(warnings)
    assert (tmp_path / "output/articles/talks-resume/index.html").exists()
    person = tmp_path / "content/people/ana-sousa.md"
    person.write_text(person.read_text() + "\nLeads the government.\n")  # a build that renders, not ingests
    again = run_build(tmp_path)
    assert sorted(line for line in again.stderr.splitlines() if "base_url" not in line) == sorted(warnings)
    assert run_build(tmp_path, "--strict").returncode == 1
