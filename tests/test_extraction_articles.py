"""The project's evaluation set, ``tests/fixtures/articles``: invented articles (and the project's seed), each with
a gold file of its people, institutions, roles and quotes. A quality floor on a fixed set, not a timing test:
``python bench/extraction.py tests/fixtures/articles --verbose`` lists every miss.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from builder.extract import extract_entities
from builder.extract.scoring import TYPES, Score, from_entity, load_gold, score_article
from builder.seeds import parse_seed

ARTICLES = Path(__file__).parent / "fixtures" / "articles"
FLOOR = 0.97


@pytest.fixture(scope="module")
def score() -> Score:
    result = Score()
    for gold in sorted(ARTICLES.glob("*.yaml")):
        path = gold.with_suffix(".txt")
        seed = parse_seed(path, path.read_text(encoding="utf-8"))
        found = extract_entities(seed.paragraphs, seed.dateline)
        predicted = {"people": [from_entity(e) for e in found.people],
                     "institutions": [from_entity(e) for e in found.institutions]}
        score_article(gold.stem, predicted, load_gold(gold), result)
    return result


def test_every_article_has_a_gold_file() -> None:
    articles = sorted(p.stem for p in ARTICLES.glob("*.txt"))
    assert len(articles) >= 13
    assert articles == sorted(p.stem for p in ARTICLES.glob("*.yaml"))


@pytest.mark.parametrize("kind", TYPES)
def test_extraction_f1_meets_the_floor(score: Score, kind: str) -> None:
    tally = score.tallies[kind]
    assert score.f1(kind) >= FLOOR, "\n".join(tally.errors)
