"""Gold directory -> precision, recall and F1 per entity type, and extraction throughput.

Usage: ``python bench/extraction.py GOLD_DIR [--articles DIR] [--verbose] [--repeat N]``. Each gold file
``<stem>.yaml`` (``people:`` / ``institutions:``, items ``{name, aliases, optional}``) is scored against
the extraction of ``<stem>.txt`` in the articles folder (default: ``GOLD_DIR/../articles``). A prediction
matches a gold entity of its type when its name or any alias equals the gold name or any gold alias, ignoring
case, punctuation, a leading "the" and a possessive "'s"; each side is matched at most once (maximum
bipartite matching); a prediction that only matches an ``optional`` gold entity counts neither way.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from builder.extract import Entity, extract_entities
from builder.seeds import Seed, parse_seed

TYPES = ("people", "institutions")
_DELETE = re.compile(r"[.'’‘`´]")
_POSSESSIVE = re.compile(r"['’]s\b")


@dataclass(frozen=True, slots=True)
class Named:
    """One entity of one article, gold or predicted, reduced to what matching reads."""

    name: str
    """The canonical name, for reports."""
    keys: frozenset[str]
    """The normalised name and aliases."""
    optional: bool = False
    """A borderline gold entity: matching it counts neither for nor against."""


@dataclass(slots=True)
class Tally:
    """True positives, false positives and false negatives of one entity type."""

    tp: int = 0
    """Predictions matched to a required gold entity."""
    fp: int = 0
    """Predictions matching no gold entity."""
    fn: int = 0
    """Required gold entities no prediction matched."""
    errors: list[str] = field(default_factory=list)
    """``article: FP/FN name`` lines, for ``--verbose``."""

    def scores(self) -> tuple[float, float, float]:
        """Precision, recall and F1."""
        precision = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        recall = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        total = precision + recall
        return precision, recall, (2 * precision * recall / total if total else 0.0)


def normalise(text: str) -> str:
    """Fold case, drop a possessive, dots and apostrophes, other punctuation and a leading "the"."""
    folded = _DELETE.sub("", _POSSESSIVE.sub("", unicodedata.normalize("NFKC", text).casefold()))
    spaced = "".join(" " if unicodedata.category(c)[0] in "PS" else c for c in folded)
    words = spaced.split()
    return " ".join(words[1:] if words[:1] == ["the"] else words)


def named(name: str, aliases: Iterable[str], optional: bool = False) -> Named:
    """A Named from a name and its aliases."""
    keys = frozenset(k for k in (normalise(s) for s in (name, *aliases)) if k)
    return Named(name, keys, optional)


def load_gold(path: Path) -> dict[str, list[Named]]:
    """Read one gold file into its two typed lists."""
    data: Any = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return {kind: [named(str(item["name"]), [str(a) for a in item.get("aliases") or []],
                         bool(item.get("optional", False))) for item in data.get(kind) or []]
            for kind in TYPES}


def predict(seed: Seed) -> dict[str, list[Named]]:
    """Extract one article and reduce its entities to Named."""
    found = extract_entities(seed.paragraphs, seed.dateline)
    return {"people": [_from_entity(e) for e in found.people],
            "institutions": [_from_entity(e) for e in found.institutions]}


def _from_entity(entity: Entity) -> Named:
    return named(entity.name, entity.aliases)


def max_matching(preds: Sequence[Named], golds: Sequence[Named]) -> dict[int, int]:
    """Maximum bipartite matching of predictions to gold entities sharing a key (pred index -> gold index)."""
    edges = [[j for j, g in enumerate(golds) if p.keys & g.keys] for p in preds]
    owner: dict[int, int] = {}

    def assign(i: int, seen: set[int]) -> bool:
        for j in edges[i]:
            if j not in seen:
                seen.add(j)
                if j not in owner or assign(owner[j], seen):
                    owner[j] = i
                    return True
        return False

    for i in range(len(preds)):
        assign(i, set())
    return {i: j for j, i in owner.items()}


def score_article(stem: str, preds: list[Named], golds: list[Named], tally: Tally) -> None:
    """Add one article's matches and errors of one type to ``tally``."""
    required = [g for g in golds if not g.optional]
    matched = max_matching(preds, required)
    tally.tp += len(matched)
    for i, pred in enumerate(preds):
        if i not in matched and not any(pred.keys & g.keys for g in golds if g.optional):
            tally.fp += 1
            tally.errors.append(f"{stem}: FP {pred.name}")
    hit = set(matched.values())
    for j, gold in enumerate(required):
        if j not in hit:
            tally.fn += 1
            tally.errors.append(f"{stem}: FN {gold.name}")


def load_seeds(gold_dir: Path, articles: Path) -> list[tuple[str, Seed]]:
    """The seed of every gold file, by stem, in name order."""
    seeds = []
    for gold in sorted(gold_dir.glob("*.yaml")):
        path = articles / f"{gold.stem}.txt"
        seeds.append((gold.stem, parse_seed(path, path.read_text(encoding="utf-8"))))
    return seeds


def measure_throughput(seeds: list[tuple[str, Seed]], repeat: int) -> float:
    """Articles extracted per second over ``repeat`` passes (the lexicon is loaded before timing)."""
    predict(seeds[0][1])
    started = time.perf_counter()
    for _ in range(repeat):
        for _, seed in seeds:
            extract_entities(seed.paragraphs, seed.dateline)
    return repeat * len(seeds) / (time.perf_counter() - started)


def main(argv: Sequence[str] | None = None) -> int:
    """Score the extractor on a gold directory and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("gold", type=Path, help="folder of <stem>.yaml gold files")
    parser.add_argument("--articles", type=Path, help="folder of <stem>.txt seeds (default: GOLD/../articles)")
    parser.add_argument("--verbose", action="store_true", help="list every false positive and negative")
    parser.add_argument("--repeat", type=int, default=20, help="passes over the articles for throughput")
    args = parser.parse_args(argv)
    seeds = load_seeds(args.gold, args.articles or args.gold.parent / "articles")
    if not seeds:
        print(f"{args.gold}: no .yaml gold files", file=sys.stderr)
        return 1
    tallies = {kind: Tally() for kind in TYPES}
    for stem, seed in seeds:
        gold, pred = load_gold(args.gold / f"{stem}.yaml"), predict(seed)
        for kind in TYPES:
            score_article(stem, pred[kind], gold[kind], tallies[kind])
    print_report(tallies, args.verbose)
    print(f"throughput: {measure_throughput(seeds, args.repeat):.0f} articles/s")
    return 0


def print_report(tallies: dict[str, Tally], verbose: bool) -> None:
    """One line per type: counts, precision, recall, F1; then the errors when asked."""
    print(f"{'type':<14}{'TP':>5}{'FP':>5}{'FN':>5}{'P':>8}{'R':>8}{'F1':>8}")
    for kind, tally in tallies.items():
        precision, recall, f1 = tally.scores()
        print(f"{kind:<14}{tally.tp:>5}{tally.fp:>5}{tally.fn:>5}{precision:>8.3f}{recall:>8.3f}{f1:>8.3f}")
    if verbose:
        for kind, tally in tallies.items():
            for line in tally.errors:
                print(f"  [{kind}] {line}")


if __name__ == "__main__":
    sys.exit(main())
