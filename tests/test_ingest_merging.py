"""Across seeds, one page per real entity: tiny sites ingested into tmp_path, checked by the pages an editor sees."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from builder.config import load_config
from builder.pipeline import ingest

Write = Callable[[str, str], Path]


def ingest_seeds(site: Path, write: Write, seeds: dict[str, str]) -> None:
    """Write the seeds into the site's seeds/ folder, then ingest."""
    for name, text in seeds.items():
        write(f"seeds/{name}", text)
    ingest(load_config(site))


def pages(site: Path, section: str) -> dict[str, dict[str, Any]]:
    """Front matter of every page of a section, by slug."""
    found: dict[str, dict[str, Any]] = {}
    for path in sorted((site / "content" / section).glob("*.md")):
        found[path.stem] = yaml.safe_load(path.read_text(encoding="utf-8").split("---")[1])
    return found


def test_one_person_named_in_two_seeds_has_one_page(tmp_path: Path, write: Write) -> None:
    ingest_seeds(tmp_path, write, {
        "a.txt": " date 2024-05-02 LIMA (Reuters) — Police arrested Tomás “El Flaco” Ochoa on Thursday. Ochoa "
                 "denied the charges.\n",
        "b.txt": " date 2024-05-09 LIMA (AP) — A judge ordered that Tomás Ochoa stay in jail until his trial.\n",
    })
    people = pages(tmp_path, "people")
    assert list(people) == ["tomas-ochoa"]
    assert people["tomas-ochoa"]["name"] == "Tomás Ochoa"
    assert set(people["tomas-ochoa"]["aliases"]) == {"El Flaco", "Ochoa"}


def test_a_surname_read_alone_first_becomes_the_full_name_a_later_seed_gives(tmp_path: Path, write: Write) -> None:
    ingest_seeds(tmp_path, write, {
        "a.txt": " date 2024-05-02 LIMA (Reuters) — The Ochoa government said on Thursday that it would "
                 "build two dams.\n",
    })
    assert [p["name"] for p in pages(tmp_path, "people").values()] == ["Ochoa"]
    ingest_seeds(tmp_path, write, {
        "b.txt": " date 2024-05-09 LIMA (AP) — President Tomás Ochoa opened the first dam on Monday.\n",
    })
    people = pages(tmp_path, "people")
    assert list(people) == ["ochoa"]  # the page keeps its address
    assert people["ochoa"]["name"] == "Tomás Ochoa"
    assert people["ochoa"]["aliases"] == ["Ochoa"]


SHARED_SURNAME = {
    "a.txt": " date 2024-05-02 OSLO (Reuters) — Shipping executive Ingrid Solberg-Vik resigned. "
             "Solberg-Vik said she would rest.\n",
    "b.txt": " date 2024-05-09 OSLO (AP) — Harald Solberg-Vik, a fisheries inspector, found the nets. "
             "Solberg-Vik said they were illegal.\n",
}


def test_two_people_who_share_a_surname_keep_two_pages(tmp_path: Path, write: Write) -> None:
    ingest_seeds(tmp_path, write, SHARED_SURNAME)
    people = pages(tmp_path, "people")
    assert sorted(p["name"] for p in people.values()) == ["Harald Solberg-Vik", "Ingrid Solberg-Vik"]


def test_a_bare_surname_shared_by_two_known_people_joins_neither(tmp_path: Path, write: Write) -> None:
    ingest_seeds(tmp_path, write, SHARED_SURNAME)
    ingest_seeds(tmp_path, write, {"c.txt": " date 2024-05-16 OSLO (AP) — The Solberg-Vik family said it would "
                                            "appeal.\n"})
    article = next(a for a in pages(tmp_path, "articles").values() if a["seed"] == "c.txt")
    assert article["people"] == ["solberg-vik"]


def test_each_countrys_congress_has_its_own_page(tmp_path: Path, write: Write) -> None:
    ingest_seeds(tmp_path, write, {
        "a.txt": " date 2024-05-02 MEXICO CITY (Reuters) — Congress approved the water law on Thursday.\n",
        "b.txt": " date 2024-05-09 WASHINGTON (AP) — Congress passed the farm bill on Friday.\n",
    })
    institutions = pages(tmp_path, "institutions")
    assert sorted(institutions) == ["congress-of-mexico", "congress-of-the-united-states"]
    assert all(page["aliases"] == ["Congress"] for page in institutions.values())
    articles = pages(tmp_path, "articles")
    assert sorted(a["institutions"][0] for a in articles.values()) == sorted(institutions)


def test_an_institution_and_its_acronym_in_another_seed_share_a_page(tmp_path: Path, write: Write) -> None:
    ingest_seeds(tmp_path, write, {
        "a.txt": " date 2024-05-02 LIMA (Reuters) — The National Water Authority (NWA) closed two wells.\n",
        "b.txt": " date 2024-05-09 LIMA (AP) — The NWA said on Friday that the wells would reopen.\n",
    })
    institutions = pages(tmp_path, "institutions")
    assert list(institutions) == ["national-water-authority"]
    assert institutions["national-water-authority"]["aliases"] == ["NWA"]
