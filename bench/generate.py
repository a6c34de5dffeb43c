"""Write N synthetic seed articles into a site folder: deterministic, varied people and institutions, Zipf-like
popularity (a few names in many articles, most in few).

    python bench/generate.py SITE_DIR N [--seed 1]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
from pathlib import Path

_FIRST = ("Ana Bruno Carla Dario Elena Farid Greta Hugo Ines Jonas Kaia Luis Mara Nico Olga Pavel Quinn Rosa Sami "
          "Tomas Ursula Vera Wanda Xavier Yara Zoltan Amara Bilal Chiara Dmitri Esme Felipe Gaia Hamid Ilse Joaquin "
          "Katya Lorenzo Mirela Noor").split()
_SYLLABLES = "ba ro ve li mon tar gen sa lu dor pi fe ran ko mel vi sten ar no qui ze hal bor tis".split()
_TITLES = ("President", "Prime Minister", "Senator", "Minister", "Mayor", "Governor", "Judge", "Ambassador")
_KINDS = ("Ministry of {}", "{} Department", "{} Party", "{} Court", "{} Bank", "{} Agency", "{} Council")
_TOPICS = "Justice Finance Health Trade Energy Transport Labour Culture Defence Water".split()
_CITIES = ("LISBON", "PORTO", "MADRID", "VIENNA", "OSLO", "ATHENS", "DUBLIN", "PRAGUE")
_VERBS = ("met", "criticised", "praised", "called on", "spoke with", "wrote to")


def _surname(rng: random.Random) -> str:
    return "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()


def make_cast(rng: random.Random, people: int, institutions: int) -> tuple[list[str], list[str]]:
    """Distinct full names and institution names."""
    names: dict[str, None] = {}
    while len(names) < people:
        names[f"{rng.choice(_FIRST)} {_surname(rng)}"] = None
    orgs: dict[str, None] = {}
    while len(orgs) < institutions:
        orgs[rng.choice(_KINDS).format(rng.choice(_TOPICS) if rng.random() < 0.3 else _surname(rng))] = None
    return list(names), list(orgs)


def _zipf(rng: random.Random, items: list[str]) -> str:
    index = min(int(rng.paretovariate(1.1)) - 1, len(items) - 1)
    return items[index]


def make_seed(rng: random.Random, day: dt.date, people: list[str], orgs: list[str]) -> str:
    """One article: a lede with a titled person, a few paragraphs naming others, a quote."""
    cast = list(dict.fromkeys(_zipf(rng, people) for _ in range(rng.randint(2, 5))))
    groups = list(dict.fromkeys(_zipf(rng, orgs) for _ in range(rng.randint(1, 3))))
    lead = cast[0]
    lines = [f" date {day.isoformat()} {rng.choice(_CITIES)} (AP) — {rng.choice(_TITLES)} {lead} "
             f"{rng.choice(_VERBS)} officials of the {groups[0]} on Monday about a new plan for the region."]
    for person in cast[1:]:
        lines.append(f"{person}, who leads the {rng.choice(groups)}, {rng.choice(_VERBS)} {lead.split()[-1]} "
                     f"during a long meeting. The talks covered budgets, schools and roads.")
    lines.append(f"“We will keep working on this plan for as long as it takes,” {lead.split()[-1]} said.")
    lines.append(" ".join(rng.choice(("The", "A", "Its")) + " " + " ".join(rng.choice(_SYLLABLES) * 2
                                                                              for _ in range(8)) + "."
                          for _ in range(3)))
    return "\n\n".join(lines) + "\n"


def generate(site: Path, count: int, seed: int = 1, search: bool = False) -> None:
    """Write ``count`` seeds into ``site/seeds`` and a site.yaml (search off by default: Hugo, the site the
    benchmark compares with, builds no search index)."""
    rng = random.Random(seed)
    people, orgs = make_cast(rng, max(20, count // 4), max(10, count // 10))
    (site / "seeds").mkdir(parents=True, exist_ok=True)
    settings = f"title: Benchmark\nbase_url: https://bench.example/\nsearch: {str(search).lower()}\n"
    (site / "site.yaml").write_text(settings)
    start = dt.date(2020, 1, 1)
    for number in range(count):
        text = make_seed(rng, start + dt.timedelta(days=number // 5), people, orgs)
        (site / "seeds" / f"{number:06}.txt").write_text(text, encoding="utf-8")


def main() -> None:
    """Command line."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("site", type=Path)
    parser.add_argument("count", type=int)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--search", action="store_true", help="build the Pagefind search index too")
    args = parser.parse_args()
    generate(args.site, args.count, args.seed, args.search)


if __name__ == "__main__":
    main()
