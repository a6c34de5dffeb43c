"""Editors never lose work: re-ingest merges new facts into untouched fields and reports what it cannot merge."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from builder import build
from builder.cli import main
from builder.errors import BuilderError
from builder.ingest import merge_page

Write = Callable[[str, str], Path]

FIRST = " date 2024-03-05 LISBON (Reuters) — Prime Minister Ana Sousa met Carlos Mendes on Tuesday.\n"
SECOND = (" date 2024-04-01 PORTO (AP) — Ana Sousa opened a bridge with Carlos Mendes, the mayor.\n\n"
          "“It links two cities,” Sousa said.\n")


def test_edit_survives_reingest_while_new_facts_arrive(tmp_path: Path, write: Write) -> None:
    write("seeds/a.txt", FIRST)
    build(tmp_path)
    page = tmp_path / "content/people/ana-sousa.md"
    page.write_text(page.read_text().replace("role: Prime Minister", "role: Head of government")
                    + "\nLeads a minority government.\n")
    write("seeds/b.txt", SECOND)
    build(tmp_path)
    text = page.read_text()
    assert "role: Head of government" in text and "Leads a minority government." in text
    assert "- Sousa" in text  # the alias the second seed brought reached the untouched field
    assert "Leads a minority government." in (tmp_path / "output/people/ana-sousa/index.html").read_text()


def test_conflicting_edit_is_kept_and_reported(tmp_path: Path, write: Write,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    write("seeds/a.txt", FIRST)
    build(tmp_path)
    page = tmp_path / "content/people/ana-sousa.md"
    page.write_text(page.read_text().replace("aliases: []", "aliases:\n- A. Sousa"))
    write("seeds/b.txt", SECOND)
    assert main(["ingest", "--site", str(tmp_path), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert 'would keep content/people/ana-sousa.md: kept your edits; not merged: aliases would be ["Sousa"]' in out
    assert ("would create content/articles/ana-sousa-opened-a-bridge-with-carlos-mendes-the-mayor.md: new page from "
            "seed b.txt") in out
    main(["ingest", "--site", str(tmp_path)])
    assert "- A. Sousa" in page.read_text() and "- Sousa" not in page.read_text()


def test_dry_run_writes_nothing(tmp_path: Path, write: Write, capsys: pytest.CaptureFixture[str]) -> None:
    write("seeds/a.txt", FIRST)
    assert main(["ingest", "--site", str(tmp_path), "--dry-run"]) == 0
    assert "would create content/people/ana-sousa.md: new page from seed a.txt" in capsys.readouterr().out
    assert not (tmp_path / "content").exists() and not (tmp_path / ".builder").exists()


def test_removed_seed_removes_untouched_pages_and_keeps_edited_ones(tmp_path: Path, write: Write) -> None:
    write("seeds/a.txt", FIRST)
    build(tmp_path)
    [article] = (tmp_path / "content/articles").iterdir()
    person = tmp_path / "content/people/ana-sousa.md"
    person.write_text(person.read_text() + "\nEdited by hand.\n")
    (tmp_path / "seeds/a.txt").unlink()
    build(tmp_path)
    assert not article.exists()
    assert person.exists() and "Edited by hand." in person.read_text()
    assert not (tmp_path / "content/people/carlos-mendes.md").exists()


def test_page_deleted_by_an_editor_is_not_made_again(tmp_path: Path, write: Write) -> None:
    write("seeds/a.txt", FIRST)
    build(tmp_path)
    (tmp_path / "content/people/carlos-mendes.md").unlink()
    [article] = (tmp_path / "content/articles").iterdir()
    article.write_text(article.read_text().replace("- carlos-mendes\n", ""))
    write("seeds/b.txt", SECOND)
    build(tmp_path)
    assert not (tmp_path / "content/people/carlos-mendes.md").exists()
    assert "carlos-mendes" not in "".join(p.read_text() for p in (tmp_path / "content/articles").iterdir())


def test_renamed_entity_keeps_its_old_url(tmp_path: Path, write: Write) -> None:
    write("seeds/a.txt", FIRST)
    build(tmp_path)
    old = tmp_path / "content/people/ana-sousa.md"
    old.rename(tmp_path / "content/people/ana-maria-sousa.md")
    build(tmp_path)
    assert "moved_from:\n- ana-sousa" in (tmp_path / "content/people/ana-maria-sousa.md").read_text()
    redirect = (tmp_path / "output/people/ana-sousa/index.html").read_text()
    assert '<meta http-equiv="refresh" content="0; url=../ana-maria-sousa/">' in redirect
    assert (tmp_path / "output/people/ana-maria-sousa/index.html").exists()
    build(tmp_path)
    assert "moved_from:\n- ana-sousa" in (tmp_path / "content/people/ana-maria-sousa.md").read_text()


def _renamed(tmp_path: Path, write: Write) -> Path:
    """Ana Sousa's page, made from the first seed, renamed to ana-maria-sousa.md by an editor; built after each."""
    write("seeds/a.txt", FIRST)
    build(tmp_path)
    renamed = tmp_path / "content/people/ana-maria-sousa.md"
    (tmp_path / "content/people/ana-sousa.md").rename(renamed)
    build(tmp_path)
    return renamed


def test_a_name_whose_page_was_renamed_finds_the_renamed_page(tmp_path: Path, write: Write) -> None:
    """The editor renames Ana Sousa's page and her name; a new article calls her Ana Sousa again. Its slug is the
    page's earlier one: the article lists the renamed page, as an article listing the earlier slug does, and no
    page comes back at the earlier address (its redirect would replace it)."""
    renamed = _renamed(tmp_path, write)
    renamed.write_text(renamed.read_text().replace("name: Ana Sousa", "name: Ana Maria Sousa", 1))
    write("seeds/b.txt", SECOND)
    build(tmp_path)
    assert not (tmp_path / "content/people/ana-sousa.md").exists()
    article = next(p for p in (tmp_path / "content/articles").iterdir() if "seed: b.txt" in p.read_text())
    assert "people:\n- ana-maria-sousa\n" in article.read_text()
    assert "name: Ana Maria Sousa" in renamed.read_text()


def test_a_page_renamed_back_keeps_its_address(tmp_path: Path, write: Write) -> None:
    people = _renamed(tmp_path, write).parent
    (people / "ana-maria-sousa.md").rename(people / "ana-sousa.md")
    report = build(tmp_path)
    assert "moved_from:\n- ana-maria-sousa\n" in (people / "ana-sousa.md").read_text()
    assert not report.warnings[:-1]  # the reminder that base_url is missing alone
    assert "Ana Sousa" in (tmp_path / "output/people/ana-sousa/index.html").read_text()


def test_a_page_renamed_while_a_new_seed_names_it_by_its_earlier_slug_is_not_made_again(
        tmp_path: Path, write: Write) -> None:
    """The new article spells the name without its accent: it is not the page's name, but its slug is the one the
    page had before this very build renamed it."""
    write("seeds/a.txt", " date 2024-03-05 LISBON (Reuters) — Prime Minister José Mendes met Carlos Lopes.\n")
    build(tmp_path)
    people = tmp_path / "content/people"
    (people / "jose-mendes.md").rename(people / "jose-carlos-mendes.md")
    write("seeds/b.txt", " date 2024-04-01 PORTO (AP) — Jose Mendes opened a bridge with Carlos Lopes.\n")
    build(tmp_path)
    assert not (people / "jose-mendes.md").exists()
    assert "moved_from:\n- jose-mendes\n" in (people / "jose-carlos-mendes.md").read_text()


def test_a_renamed_page_an_editor_deleted_is_not_made_again_at_its_earlier_address(
        tmp_path: Path, write: Write) -> None:
    renamed = _renamed(tmp_path, write)
    people = renamed.parent
    renamed.unlink()
    [article] = (tmp_path / "content/articles").iterdir()
    article.write_text(article.read_text().replace("- ana-sousa\n", "").replace("- ana-maria-sousa\n", ""))
    build(tmp_path)
    write("seeds/b.txt", SECOND)
    build(tmp_path)
    assert sorted(p.name for p in people.iterdir()) == ["carlos-mendes.md"]


def test_an_earlier_slug_that_is_a_page_s_own_is_warned_about_and_leaves_that_page(tmp_path: Path) -> None:
    """Two pages list the same earlier slug, and one lists the slug of a page that exists: the build warns, at
    the line of each, and keeps the first claim and the page's own address."""
    people = tmp_path / "content/people"
    people.mkdir(parents=True)
    (people / "ana-maria.md").write_text("---\nname: Ana Maria\nmoved_from: [sousa-old]\n---\n")
    (people / "ana-sousa.md").write_text("---\nname: Ana Sousa\nmoved_from:\n- marta-reis\n- sousa-old\n---\n")
    (people / "marta-reis.md").write_text("---\nname: Marta Reis\n---\n")
    (tmp_path / "content/articles").mkdir()
    (tmp_path / "content/articles/a.md").write_text(
        "---\ntitle: A\ndate: 2024-01-01\npeople: [marta-reis, sousa-old]\n---\n\nMarta Reis met Ana Maria.\n")
    report = build(tmp_path)
    assert report.warnings[:2] == (
        f"{people}/ana-sousa.md:3: moved_from lists 'marta-reis', but content/people/marta-reis.md exists: it keeps "
        "its address and the articles that list 'marta-reis', ignored; remove 'marta-reis' from moved_from",
        f"{people}/ana-sousa.md:3: moved_from lists 'sousa-old', as content/people/ana-maria.md does, which keeps it "
        "(an earlier address redirects to one page), ignored; remove it from one of them")
    out = tmp_path / "output/people"
    assert "<h1>Marta Reis</h1>" in (out / "marta-reis/index.html").read_text()
    assert 'url=../ana-maria/"' in (out / "sousa-old/index.html").read_text()
    article = next((tmp_path / "output/articles").glob("*/index.html")).read_text()
    assert 'href="../../people/marta-reis/"' in article and 'href="../../people/ana-maria/"' in article


def _add_earlier_slug(tmp_path: Path, write: Write) -> Path:
    """Ana Sousa's page renamed, then an editor adds an earlier address of their own to its moved_from."""
    page = _renamed(tmp_path, write)
    page.write_text(page.read_text().replace("moved_from:\n- ana-sousa\n", "moved_from:\n- ana-sousa\n- sousa-ana\n"))
    build(tmp_path)
    return page


def test_a_page_renamed_again_keeps_the_earlier_addresses_an_editor_added(tmp_path: Path, write: Write) -> None:
    page = _add_earlier_slug(tmp_path, write)
    page.rename(page.with_name("sousa.md"))
    build(tmp_path)
    assert "moved_from:\n- ana-maria-sousa\n- ana-sousa\n- sousa-ana\n" in page.with_name("sousa.md").read_text()
    for earlier in ("ana-maria-sousa", "ana-sousa", "sousa-ana"):
        assert 'url=../sousa/"' in (tmp_path / f"output/people/{earlier}/index.html").read_text()


def test_a_page_renamed_back_after_an_editor_added_an_earlier_address_warns_of_nothing(
        tmp_path: Path, write: Write) -> None:
    page = _add_earlier_slug(tmp_path, write)
    page.rename(page.with_name("ana-sousa.md"))
    report = build(tmp_path)
    assert not report.warnings[:-1]  # the reminder that base_url is missing alone
    assert "moved_from:\n- ana-maria-sousa\n- sousa-ana\n" in page.with_name("ana-sousa.md").read_text()


def test_moved_from_an_editor_deleted_stays_deleted(tmp_path: Path, write: Write) -> None:
    page = _renamed(tmp_path, write)
    page.write_text(page.read_text().replace("moved_from:\n- ana-sousa\n", ""))
    write("seeds/b.txt", SECOND)  # which updates the page
    build(tmp_path)
    assert "- Sousa\n" in page.read_text() and "moved_from" not in page.read_text()
    assert not (tmp_path / "output/people/ana-sousa").exists()


def test_an_earlier_address_that_is_no_slug_is_warned_about_and_replaces_no_page(tmp_path: Path,
                                                                                   write: Write) -> None:
    write("seeds/a.txt", FIRST)
    build(tmp_path)
    page = tmp_path / "content/people/carlos-mendes.md"
    page.write_text(page.read_text().replace("---\n", "---\nmoved_from: ['', '../articles']\n", 1))
    report = build(tmp_path)
    assert report.warnings[0] == (f"{page}:2: moved_from lists '', which is not the name of a page file (a slug "
                                  "such as 'ana-sousa'), ignored; remove it")
    assert "../articles" in report.warnings[1]
    assert "Moved:" not in (tmp_path / "output/people/index.html").read_text()
    assert "Moved:" not in (tmp_path / "output/articles/index.html").read_text()


def test_an_earlier_slug_that_a_page_has_leaves_names_to_that_page(tmp_path: Path, write: Write) -> None:
    """Ana Sousa's page claims Marta Reis's slug (warned about, ignored): a new article naming Marta Reis, whom no
    page calls so, lists her page, as the build does, not Ana Sousa's."""
    write("seeds/a.txt", FIRST)
    build(tmp_path)
    people = tmp_path / "content/people"
    (people / "marta-reis.md").write_text("---\nname: Judge M. Reis\n---\n")
    sousa = people / "ana-sousa.md"
    sousa.write_text(sousa.read_text().replace("reviewed: false", "reviewed: false\nmoved_from:\n- marta-reis", 1))
    write("seeds/b.txt", " date 2024-04-01 PORTO (AP) — Marta Reis opened a court.\n")
    build(tmp_path)
    article = next(p for p in (tmp_path / "content/articles").iterdir() if "seed: b.txt" in p.read_text())
    assert "people:\n- marta-reis\n" in article.read_text()


def test_a_page_that_cannot_be_read_is_not_taken_for_deleted(tmp_path: Path, write: Write) -> None:
    """Its articles keep listing it while the build reports its error, and a new article lists it too."""
    write("seeds/a.txt", FIRST)
    build(tmp_path)
    page = tmp_path / "content/people/ana-sousa.md"
    page.write_text(page.read_text().replace("name: Ana Sousa", "name: [Ana Sousa", 1))
    write("seeds/b.txt", SECOND)
    with pytest.raises(BuilderError):
        build(tmp_path)
    articles = [p.read_text() for p in (tmp_path / "content/articles").iterdir()]
    assert len(articles) == 2 and all("- ana-sousa\n" in text for text in articles)


@pytest.mark.parametrize("commented", ["# checked with the desk\nrole: Prime Minister",
                                       "role: Prime Minister  # checked with the desk",
                                       "role: >-  # checked with the desk\n  Prime Minister"])
def test_front_matter_with_comments_is_never_rewritten(tmp_path: Path, write: Write, commented: str) -> None:
    write("seeds/a.txt", FIRST)
    build(tmp_path)
    page = tmp_path / "content/people/ana-sousa.md"
    text = page.read_text().replace("\nrole: Prime Minister", "\n" + commented, 1)
    page.write_text(text)
    write("seeds/b.txt", SECOND)
    build(tmp_path)
    assert page.read_text() == text


def test_a_hash_inside_a_value_is_not_a_comment(tmp_path: Path, write: Write) -> None:
    write("seeds/a.txt", FIRST)
    build(tmp_path)
    page = tmp_path / "content/people/ana-sousa.md"
    page.write_text(page.read_text().replace("\nrole: Prime Minister", "\nrole: 'Prime Minister #2'", 1))
    write("seeds/b.txt", SECOND)
    build(tmp_path)
    meta = yaml.safe_load(page.read_text().split("---\n")[1])
    assert meta["role"] == "Prime Minister #2"
    assert meta["aliases"] == ["Sousa"], "merged with what the new seed says of her"


def test_merge_takes_new_values_only_where_the_editor_did_not_change_anything() -> None:
    base = {"meta": {"name": "A", "role": "x", "aliases": []}, "body": ""}
    meta, body, updated, conflicts = merge_page(
        base, ({"name": "A", "role": "edited", "aliases": []}, "mine"),
        ({"name": "A", "role": "y", "aliases": ["B"]}, ""))
    assert meta == {"name": "A", "role": "edited", "aliases": ["B"]}
    assert body == "mine"
    assert updated == ["aliases"]
    assert conflicts == ['role would be "y"']


def test_strict_turns_warnings_into_errors(tmp_path: Path, write: Write,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    write("site.yaml", "titel: Oops\n")
    write("seeds/a.txt", FIRST)
    assert main(["build", "--site", str(tmp_path)]) == 0
    assert main(["build", "--site", str(tmp_path), "--strict"]) == 1
    err = capsys.readouterr().err
    assert f"error: {tmp_path / 'site.yaml'}:1: unknown setting 'titel' ignored (did you mean 'title'?) (--strict)" \
        in err


def test_a_type_changed_by_an_editor_survives_reingest(tmp_path: Path, write: Write) -> None:
    write("seeds/a.txt", FIRST)
    build(tmp_path)
    (tmp_path / "content/institutions").mkdir(exist_ok=True)
    (tmp_path / "content/people/carlos-mendes.md").rename(tmp_path / "content/institutions/carlos-mendes.md")
    [article] = (tmp_path / "content/articles").iterdir()
    article.write_text(article.read_text().replace("institutions: []", "institutions:\n- carlos-mendes"))
    write("seeds/b.txt", SECOND)
    build(tmp_path)
    assert not (tmp_path / "content/people/carlos-mendes.md").exists()
    assert "- carlos-mendes" in article.read_text().split("institutions:")[1]
    page = (tmp_path / "output/institutions/carlos-mendes/index.html").read_text()
    assert "Carlos Mendes" in page


def test_two_entities_merged_by_an_editor_stay_merged(tmp_path: Path, write: Write) -> None:
    """Merge: delete one page, give its name to the other as an alias, list the other in the article."""
    write("seeds/a.txt", " date 2024-03-05 LISBON (Reuters) — Prime Minister Ana Sousa met Carlos Mendes on "
                         "Tuesday.\n\nMendes, known as Kiko Mendes to his friends, left early.\n")
    build(tmp_path)
    people = tmp_path / "content/people"
    assert (people / "kiko-mendes.md").exists()
    (people / "kiko-mendes.md").unlink()
    page = people / "carlos-mendes.md"
    page.write_text(page.read_text().replace("aliases:\n", "aliases:\n- Kiko Mendes\n", 1))
    [article] = (tmp_path / "content/articles").iterdir()
    article.write_text(article.read_text().replace("- kiko-mendes\n", ""))
    write("seeds/b.txt", " date 2024-04-01 PORTO (AP) — Kiko Mendes opened a bridge on Friday.\n")
    build(tmp_path)
    assert not (people / "kiko-mendes.md").exists()
    second = next(p for p in (tmp_path / "content/articles").iterdir() if "seed: b.txt" in p.read_text())
    assert "- carlos-mendes" in second.read_text()
    html = (tmp_path / "output/articles" / second.stem / "index.html").read_text()
    assert 'href="../../people/carlos-mendes/"' in html


def test_an_entity_added_by_an_editor_is_listed_by_later_articles(tmp_path: Path, write: Write) -> None:
    write("seeds/a.txt", FIRST)
    build(tmp_path)
    write("content/institutions/harbour-board.md", "---\nname: Harbour Board\naliases: [the board]\n---\n")
    write("seeds/b.txt", " date 2024-04-01 PORTO (AP) — Ana Sousa visited the board on Friday.\n")
    build(tmp_path)
    second = next(p for p in (tmp_path / "content/articles").iterdir() if "seed: b.txt" in p.read_text())
    assert "- harbour-board" in second.read_text()
    assert "Ana Sousa visited" in (tmp_path / "output/institutions/harbour-board/index.html").read_text()


def test_a_build_says_when_an_edit_kept_new_facts_out(tmp_path: Path, write: Write,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    write("seeds/a.txt", FIRST)
    build(tmp_path)
    page = tmp_path / "content/people/ana-sousa.md"
    page.write_text(page.read_text().replace("aliases: []", "aliases: [Ana]"))
    write("seeds/b.txt", SECOND)
    assert main(["build", "--site", str(tmp_path)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == 'kept content/people/ana-sousa.md: kept your edits; not merged: aliases would be ["Sousa"]'
    assert out[1].startswith("content: 1 created, 1 updated, 1 kept your edits over new facts from the seeds; "
                             "site: "), out
    assert "aliases: [Ana]" in page.read_text()
    write("seeds/c.txt", FIRST.replace("2024-03-05", "2024-03-06").replace("Tuesday", "Wednesday"))
    assert "kept your edits" not in build(tmp_path).summary(), "said once, when the seeds first said something new"


def test_quotations_stay_with_a_body_the_editor_changed(tmp_path: Path, write: Write,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    """A corrected seed brings new words for a quotation; the editor's body does not have them, so the page keeps
    its quotations (they cite the body) and the build says what it did not take."""
    write("seeds/b.txt", SECOND)
    build(tmp_path)
    article = next((tmp_path / "content/articles").iterdir())
    article.write_text(article.read_text().replace("opened a bridge", "opened a new bridge"))
    write("seeds/b.txt", SECOND.replace("It links two cities", "It links our two cities"))
    assert main(["build", "--site", str(tmp_path)]) == 0
    notes = [line for line in capsys.readouterr().out.splitlines() if line.startswith("kept ")]
    assert len(notes) == 1 and "not merged: quotes would be" in notes[0] and "; body would be" in notes[0], notes
    text = article.read_text()
    assert "opened a new bridge" in text and "text: It links two cities" in text and "our two" not in text
