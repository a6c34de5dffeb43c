"""The built site as a host and a crawler see it: valid HTML (W3C Nu validator), the Atom feed, sitemap.xml,
robots.txt, canonical and OpenGraph links from ``base_url`` only, JSON-LD with stable ids, byte-identical rebuilds.

The validator comes from the npm package ``vnu-jar`` (``make test`` runs ``npm ci``) and needs Java (Debian's
``default-jre-headless``, installed by ``.ci/run``): a missing tool fails these tests, it never skips them.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urljoin

import pytest

from builder import build

from .conftest import REPO, SEED_DIR
from .test_browser import SECOND_SEED

VNU_JAR = REPO / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
ATOM = "{http://www.w3.org/2005/Atom}"
BASE = "https://example.org/explainer/"


def _site(root: Path, base_url: str | None) -> Path:
    shutil.copytree(SEED_DIR, root / "seeds")
    config = "title: Harris in Guatemala\ndescription: Who is who.\n"
    (root / "site.yaml").write_text(config + (f"base_url: {base_url}\n" if base_url else ""), encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def relative_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, tuple[str, ...]]:
    """The real seed and a second article built without base_url: (output folder, build warnings)."""
    root = _site(tmp_path_factory.mktemp("no-base"), None)
    (root / "seeds/follow-up.txt").write_text(SECOND_SEED, encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("builder.render.MENTIONS_PER_PAGE", 1)  # pages of mentions are validated too
        patch.setattr("builder.render.TIMELINE_PER_PAGE", 1)  # and the timeline's pages of months
        patch.setattr("builder.render.HOME_ARTICLES", 1)  # and the home page's link to more articles
        report = build(root, root / "out")
    assert (root / "out/people/kamala-harris/mentions/2/index.html").is_file()
    assert (root / "out/timeline/2021-06/index.html").is_file()
    return root / "out", report.warnings


@pytest.fixture(scope="module")
def absolute_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real seed built with base_url."""
    root = _site(tmp_path_factory.mktemp("base"), BASE)
    build(root, root / "out")
    return root / "out"


def _validate(folder: Path) -> list[dict[str, object]]:
    java = shutil.which("java")
    assert java, "Java is missing: install Debian's default-jre-headless (.ci/run does)"
    assert VNU_JAR.is_file(), f"{VNU_JAR} is missing: run `npm ci --ignore-scripts` (make test does)"
    result = subprocess.run([java, "-jar", str(VNU_JAR), "--format", "json", "--skip-non-html", str(folder)],
                            capture_output=True, text=True, timeout=300, check=False)
    messages: list[dict[str, object]] = json.loads(result.stderr or '{"messages": []}')["messages"]
    return messages


@pytest.mark.parametrize("which", ["relative_site", "absolute_site"])
def test_every_page_passes_the_nu_html_validator(which: str, request: pytest.FixtureRequest) -> None:
    value = request.getfixturevalue(which)
    out = value[0] if isinstance(value, tuple) else value
    assert len(list(out.rglob("*.html"))) > 15
    problems = [f"{m.get('url')}:{m.get('lastLine')}: {m.get('message')}" for m in _validate(out)
                if m.get("type") == "error" or m.get("subType") == "warning"]
    assert problems == []


def test_without_base_url_the_build_says_so_once_and_leaves_absolute_urls_out(
        relative_site: tuple[Path, tuple[str, ...]]) -> None:
    out, warnings = relative_site
    assert [w for w in warnings if "base_url" in w] == [
        f"{out.parent / 'site.yaml'}: no base_url: sitemap.xml, canonical links and og:url are left out and the "
        "Atom feed and JSON-LD use relative links; set base_url to the address the site is published at"]
    assert not (out / "sitemap.xml").exists()
    assert (out / "robots.txt").read_text() == "User-agent: *\nAllow: /\n"
    for page in out.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert 'rel="canonical"' not in html and "og:url" not in html and "https://example" not in html, page


def test_with_base_url_canonical_og_sitemap_and_robots_are_absolute(absolute_site: Path) -> None:
    person = (absolute_site / "people/kamala-harris/index.html").read_text(encoding="utf-8")
    assert f'<link rel="canonical" href="{BASE}people/kamala-harris/">' in person
    assert f'<meta property="og:url" content="{BASE}people/kamala-harris/">' in person
    assert 'href="../../assets/style.css"' in person, "page links stay relative"
    locs = [e.text for e in ET.parse(absolute_site / "sitemap.xml").getroot().iter(
        "{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert f"{BASE}people/kamala-harris/" in locs and BASE in locs
    assert not [loc for loc in locs if "404" in (loc or "")]
    assert (absolute_site / "robots.txt").read_text().endswith(f"Sitemap: {BASE}sitemap.xml\n")


def test_every_page_has_title_description_and_social_tags(relative_site: tuple[Path, tuple[str, ...]]) -> None:
    for page in relative_site[0].rglob("*.html"):
        if "pagefind" in page.parts:
            continue
        html = page.read_text(encoding="utf-8")
        assert re.search(r"<title>[^<]+</title>", html), page
        assert re.search(r'<meta name="description" content="[^"]+">', html), page
        if page.name != "404.html":
            for tag in ("og:title", "og:description", "og:type", "twitter:card"):
                assert f'"{tag}"' in html, (page, tag)


def _json_ld(page: Path) -> list[dict[str, object]]:
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', page.read_text(encoding="utf-8"), re.S)
    assert match, page
    graph: list[dict[str, object]] = json.loads(match.group(1))["@graph"]
    return graph


def test_json_ld_news_article_points_at_the_entities_own_ids(absolute_site: Path) -> None:
    article_page = next((absolute_site / "articles").glob("*/index.html"))
    article = next(n for n in _json_ld(article_page) if n["@type"] == "NewsArticle")
    assert article["headline"] and re.fullmatch(r"\d{4}-\d\d-\d\d", str(article["datePublished"]))
    refs = [str(r["@id"]) for r in [*article.get("about", []), *article.get("mentions", [])]]  # type: ignore[misc]
    assert refs and f"{BASE}people/kamala-harris/#person" in refs
    person = next(n for n in _json_ld(absolute_site / "people/kamala-harris/index.html") if n["@type"] == "Person")
    assert person["@id"] == f"{BASE}people/kamala-harris/#person" and person["jobTitle"] == "Vice President"
    institution = next((absolute_site / "institutions").glob("*/index.html"))
    assert any(n["@type"] == "Organization" for n in _json_ld(institution))


def test_relative_json_ld_ids_name_the_same_node_from_every_page(
        relative_site: tuple[Path, tuple[str, ...]]) -> None:
    out = relative_site[0]
    page = "http://host/sub/"
    article_page = next((out / "articles").glob("*/index.html"))
    article_url = urljoin(page, str(article_page.parent.relative_to(out)) + "/")
    article = next(n for n in _json_ld(article_page) if n["@type"] == "NewsArticle")
    nodes = [*article.get("about", []), *article.get("mentions", [])]  # type: ignore[misc]
    refs = {urljoin(article_url, str(r["@id"])) for r in nodes}
    person_url = urljoin(page, "people/kamala-harris/")
    person = next(n for n in _json_ld(out / "people/kamala-harris/index.html") if n["@type"] == "Person")
    assert urljoin(person_url, str(person["@id"])) in refs


def test_atom_feed_lists_the_articles_with_stable_ids(relative_site: tuple[Path, tuple[str, ...]],
                                                       absolute_site: Path) -> None:
    feed = ET.parse(relative_site[0] / "feed.xml").getroot()
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == len(list((relative_site[0] / "articles").glob("*/index.html")))
    for entry in entries:
        assert str(entry.findtext(f"{ATOM}id")).startswith("urn:uuid:")
        href = entry.find(f"{ATOM}link").get("href")  # type: ignore[union-attr]
        assert (relative_site[0] / str(href) / "index.html").is_file()
    absolute = ET.parse(absolute_site / "feed.xml").getroot()
    assert absolute.find(f"{ATOM}link[@rel='self']").get("href") == f"{BASE}feed.xml"  # type: ignore[union-attr]
    assert str(absolute.findtext(f"{ATOM}entry/{ATOM}id")).startswith(f"{BASE}articles/")


def test_404_page_stands_alone(relative_site: tuple[Path, tuple[str, ...]], absolute_site: Path) -> None:
    html = (relative_site[0] / "404.html").read_text(encoding="utf-8")
    assert "<style>" in html and 'rel="stylesheet"' not in html and "<script src" not in html
    assert 'href="data:image/svg+xml,' in html
    absolute = (absolute_site / "404.html").read_text(encoding="utf-8")
    assert f'href="{BASE}people/"' in absolute and "<script>" not in absolute


def test_search_index_is_built_and_rebuilds_are_byte_identical(tmp_path: Path) -> None:
    root = _site(tmp_path, None)
    build(root, tmp_path / "one")
    build(root, tmp_path / "two")
    one = {p.relative_to(tmp_path / "one"): p.read_bytes() for p in sorted((tmp_path / "one").rglob("*"))
           if p.is_file()}
    two = {p.relative_to(tmp_path / "two"): p.read_bytes() for p in sorted((tmp_path / "two").rglob("*"))
           if p.is_file()}
    assert one == two
    assert Path("pagefind/pagefind.js") in one and Path("pagefind/pagefind-entry.json") in one
