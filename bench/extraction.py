"""Gold directory -> precision, recall and F1 per entity type, role and quote accuracy, and throughput.

Usage: ``python bench/extraction.py GOLD_DIR [--articles DIR] [--verbose] [--repeat N]``. Each gold file
``<stem>.yaml`` is scored against the extraction of ``<stem>.txt``, found beside it or in ``--articles``
(default: the gold folder, else ``GOLD_DIR/../articles``); the rules are in ``builder.extract.scoring``.

  python bench/extraction.py tests/fixtures/articles         # the project's own set
  python bench/extraction.py ../shared/devset/gold           # the shared development set
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from builder.extract import extract_entities
from builder.extract.scoring import Named, Score, from_entity, load_gold, score_article
from builder.seeds import Seed, parse_seed


def predict(seed: Seed) -> dict[str, list[Named]]:
    """Extract one article and reduce its entities to Named."""
    found = extract_entities(seed.paragraphs, seed.dateline)
    return {"people": [from_entity(e) for e in found.people],
            "institutions": [from_entity(e) for e in found.institutions]}


def load_seeds(gold_dir: Path, articles: Path | None = None) -> list[tuple[str, Seed]]:
    """The seed of every gold file, by stem, in name order."""
    golds = sorted(gold_dir.glob("*.yaml"))
    if articles is None:
        beside = any((gold_dir / f"{g.stem}.txt").exists() for g in golds)
        articles = gold_dir if beside else gold_dir.parent / "articles"
    seeds = []
    for gold in golds:
        path = articles / f"{gold.stem}.txt"
        seeds.append((gold.stem, parse_seed(path, path.read_text(encoding="utf-8"))))
    return seeds


def score_set(gold_dir: Path, seeds: list[tuple[str, Seed]]) -> Score:
    """Score the extraction of every seed against its gold file."""
    score = Score()
    for stem, seed in seeds:
        score_article(stem, predict(seed), load_gold(gold_dir / f"{stem}.yaml"), score)
    return score


def measure_throughput(seeds: list[tuple[str, Seed]], repeat: int) -> tuple[float, float]:
    """Articles extracted per second of CPU time and of wall time over ``repeat`` passes (the lexicon is loaded
    before timing). Extraction runs on one core, so CPU time is its one-core speed even on a busy machine."""
    predict(seeds[0][1])
    cpu, wall = time.process_time(), time.perf_counter()
    for _ in range(repeat):
        for _, seed in seeds:
            extract_entities(seed.paragraphs, seed.dateline)
    articles = repeat * len(seeds)
    return articles / (time.process_time() - cpu), articles / (time.perf_counter() - wall)


def main(argv: Sequence[str] | None = None) -> int:
    """Score the extractor on a gold directory and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("gold", type=Path, help="folder of <stem>.yaml gold files")
    parser.add_argument("--articles", type=Path, help="folder of <stem>.txt seeds (default: beside the gold)")
    parser.add_argument("--verbose", action="store_true", help="list every false positive and negative")
    parser.add_argument("--repeat", type=int, default=20, help="passes over the articles for throughput")
    args = parser.parse_args(argv)
    seeds = load_seeds(args.gold, args.articles)
    if not seeds:
        print(f"{args.gold}: no .yaml gold files", file=sys.stderr)
        return 1
    print_report(score_set(args.gold, seeds), args.verbose)
    if args.repeat:
        cpu, wall = measure_throughput(seeds, args.repeat)
        print(f"throughput: {cpu:.0f} articles/s of CPU time on one core ({wall:.0f} by the wall clock)")
    return 0


def print_report(score: Score, verbose: bool) -> None:
    """One line per type, then roles and quotes: counts, precision, recall, F1; then the errors when asked."""
    print(f"{'measure':<14}{'TP':>5}{'FP':>5}{'FN':>5}{'P':>8}{'R':>8}{'F1':>8}")
    for kind, tally in score.tallies.items():
        if not tally.tp + tally.fp + tally.fn:
            continue
        precision, recall, f1 = tally.scores()
        print(f"{kind:<14}{tally.tp:>5}{tally.fp:>5}{tally.fn:>5}{precision:>8.3f}{recall:>8.3f}{f1:>8.3f}")
    if verbose:
        for kind, tally in score.tallies.items():
            for line in tally.errors:
                print(f"  [{kind}] {line}")


if __name__ == "__main__":
    sys.exit(main())
