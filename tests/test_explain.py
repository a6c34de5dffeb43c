"""The explainer on the default site (the committed content/ of seeds/): who's who, evidence down to the sentence,
connections drawn as SVG, the timeline, preview-card data and review status; and the checks of the front matter's
roles and ties."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urldefrag

import pytest

from builder import build
from builder.content import load_content
from builder.errors import BuilderError
from builder.sentences import split_sentences

from .conftest import REPO, broken_links

Write = Callable[[str, str], Path]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The default site as committed (seeds, content, ingest record, settings), built into site/output."""
    root = tmp_path_factory.mktemp("default-site")
    for folder in ("seeds", "content"):
        shutil.copytree(REPO / folder, root / folder)
    (root / ".builder").mkdir()
    shutil.copy(REPO / ".builder" / "ingest.json", root / ".builder" / "ingest.json")
    shutil.copy(REPO / "site.yaml", root / "site.yaml")
    build(root)
    return root


def _read(site: Path, page: str) -> str:
    return (site / "output" / page / "index.html").read_text(encoding="utf-8")


class _Elements(HTMLParser):
    """Collects the text of every element with an id, and the links inside <svg>."""

    def __init__(self) -> None:
        super().__init__()
        self.open: list[tuple[str, str | None]] = []
        self.text: dict[str, str] = {}
        self.svg_links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "a" and any(t == "svg" for t, _ in self.open) and values.get("href"):
            self.svg_links.append(str(values["href"]))
        if tag not in ("br", "img", "meta", "link", "input", "hr", "wbr", "source"):
            self.open.append((tag, values.get("id")))
            if values.get("id"):
                self.text.setdefault(str(values["id"]), "")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """``<circle/>`` and the like open nothing."""

    def handle_endtag(self, tag: str) -> None:
        while self.open:
            if self.open.pop()[0] == tag:
                break

    def handle_data(self, data: str) -> None:
        for _, ident in self.open:
            if ident:
                self.text[ident] += data


def _elements(html: str) -> _Elements:
    parser = _Elements()
    parser.feed(html)
    return parser


def test_home_whos_who_shows_every_person_with_their_role(site: Path) -> None:
    home = _read(site, "")
    whos_who = home.split('id="whos-who"')[1].split("</section>")[0]
    people = [e for e in load_content(site / "content").entities if e.section == "people"]
    assert len(people) >= 5
    for person in people:
        role = person.role or "role not stated in the articles"
        assert f'<a href="people/{person.slug}/">{person.name}</a><span class="role"> — {role}</span>' in whos_who
    for slug, role in (("kamala-harris", "Vice President"), ("alejandro-giammattei", "President of Guatemala")):
        assert f'<a href="people/{slug}/">' in whos_who and f"— {role}</span>" in whos_who
    assert whos_who.count('<span class="summary">') == len(people), "each person has a one-line summary"


def test_home_tells_the_story_from_the_ledes(site: Path) -> None:
    story = _read(site, "").split('id="story"')[1].split("</section>")[0]
    assert "Vice President Kamala Harris offered an optimistic outlook" in story
    assert "Do not come." in story


@pytest.mark.parametrize("slug", ["kamala-harris", "alexandria-ocasio-cortez"])
def test_person_page_shows_each_quote_linking_to_its_sentence(site: Path, slug: str) -> None:
    [article] = load_content(site / "content").articles
    quotes = [q for q in article.quotes if q.speaker == f"people/{slug}"]
    assert len(quotes) >= 2
    page = _read(site, f"people/{slug}")
    target = _elements(_read(site, f"articles/{article.slug}")).text
    for quote in quotes:
        figure = page.split(f"<blockquote><p>{quote.text.replace('’', '’')}</p></blockquote>")[1].split("</figure>")[0]
        href = re.search(r'<a class="source" href="([^"]+)"', figure)
        assert href, f"quote {quote.text[:30]!r} has no source link"
        path, fragment = urldefrag(href.group(1))
        anchor, _, directive = fragment.partition(":~:")
        assert path == f"../../articles/{article.slug}/" and re.fullmatch(rf"p{quote.paragraph}-s\d+", anchor)
        assert directive.startswith("text=") and unquote(directive[5:].split(",")[0]) in quote.text
        assert quote.text.split(".")[0][:40] in target[anchor], "the anchor holds the quote's first words"


def test_article_page_anchors_every_sentence(site: Path) -> None:
    [article] = load_content(site / "content").articles
    html = _read(site, f"articles/{article.slug}")
    ids = _elements(html).text
    third = ids["p3"].strip()
    sentences = [third[s:e] for s, e in split_sentences(third)]
    assert [ids[f"p3-s{n}"] for n in range(1, len(sentences) + 1)] == sentences
    assert ".sentence:target" in (site / "output/assets/style.css").read_text(), "highlighted on arrival"


def test_roles_and_ties_link_to_their_sentence(site: Path) -> None:
    page = _read(site, "people/kamala-harris")
    infobox = page.split('class="infobox"')[1].split("</aside>")[0]
    assert re.search(r'Vice President <a class="source" href="[^"]+#p1-s1:~:text=[^"]+">source</a>', infobox)
    ties = page.split('<ul class="ties">')[1].split("</ul>")[0]
    assert 'Kamala Harris <span class="tie-type">met with</span> <a href="../alejandro-giammattei/">' in ties
    assert re.search(r'href="[^"]+#p1-s1:~:text=[^"]+">“Vice President Kamala Harris offered', ties)
    other = _read(site, "people/alejandro-giammattei")
    assert '<a href="../kamala-harris/">Kamala Harris</a> <span class="tie-type">met with</span> Alejandro' in other


def test_infobox_gives_name_roles_affiliations_first_and_last_mention(site: Path) -> None:
    infobox = _read(site, "people/kamala-harris").split('class="infobox"')[1].split("</aside>")[0]
    for label in ("Name", "Role", "First mention", "Last mention", "Articles"):
        assert f"<dt>{label}</dt>" in infobox
    assert "June 8, 2021" in infobox


@pytest.mark.parametrize("page", ["connections", "people/kamala-harris", "institutions/justice-department"])
def test_connections_graph_is_inline_svg_whose_links_work(site: Path, page: str) -> None:
    html = _read(site, page)
    assert '<svg class="graph"' in html and "<script" not in html.split("<svg")[1].split("</svg>")[0]
    links = _elements(html).svg_links
    assert len(links) >= 5
    folder = site / "output" / page
    for link in links:
        assert not link.startswith(("/", "http")), link
        assert (folder / link / "index.html").resolve().is_file(), link
    section = html if page == "connections" else html.split('id="connections"')[1].split("</section>")[0]
    listed = re.sub(r"<svg.*?</svg>", "", section, flags=re.S)
    for link in set(links) - {"./"}:
        assert f'href="{link}"' in listed, f"{link} is drawn but not listed in HTML"


def test_entity_pages_show_a_timeline_and_the_site_has_one(site: Path) -> None:
    assert '<ol class="timeline">' in _read(site, "people/kamala-harris")
    timeline = _read(site, "timeline")
    assert "June 8, 2021" in timeline and 'href="../articles/vice-president-kamala-harris' in timeline
    assert '<span class="tie-type">met with</span>' in timeline


def test_article_embeds_a_preview_card_for_every_entity_it_lists(site: Path) -> None:
    [article] = load_content(site / "content").articles
    html = _read(site, f"articles/{article.slug}")
    cards = json.loads(html.split('<script type="application/json" id="entity-cards">')[1].split("</script>")[0])
    assert set(cards) == {f"people/{s}" for s in article.people} | {f"institutions/{s}" for s in article.institutions}
    assert cards["people/kamala-harris"]["role"] == "Vice President" and cards["people/kamala-harris"]["summary"]
    assert 'src="../../assets/cards.js" defer' in html


def test_every_link_of_the_default_site_resolves(site: Path) -> None:
    assert broken_links(site / "output") == []


def test_unreviewed_pages_say_detected_automatically_and_reviewed_ones_do_not(site: Path) -> None:
    assert "Detected automatically" in _read(site, "people/kamala-harris")
    assert "reviewed: false" in (site / "content/people/kamala-harris.md").read_text()


PERSON = """\
---
name: Ana Sousa
role: Prime Minister
reviewed: true
summary: Portugal's prime minister.
roles:
- {role: Prime Minister, article: sousa-meets, paragraph: 1, sentence: 1}
ties:
- {type: met with, target: institutions/european-commission, article: sousa-meets, paragraph: 1, sentence: 2}
---
"""
ARTICLE = """\
---
title: Sousa meets
date: 2024-03-05
people: [ana-sousa]
institutions: [european-commission]
---

Prime Minister Ana Sousa spoke. Sousa met the European Commission on Tuesday.
"""
COMMISSION = "---\nname: European Commission\n---\n"


def test_hand_written_roles_ties_summary_and_review_are_shown(tmp_path: Path, write: Write) -> None:
    write("content/people/ana-sousa.md", PERSON)
    write("content/articles/sousa-meets.md", ARTICLE)
    write("content/institutions/european-commission.md", COMMISSION)
    build(tmp_path)
    page = (tmp_path / "output/people/ana-sousa/index.html").read_text()
    assert "Detected automatically" not in page
    assert "Portugal&#39;s prime minister." in page
    assert 'href="../../articles/sousa-meets/#p1-s2:~:text=Sousa%20met%20the%20European%20Commission%20on%20' \
           'Tuesday.">“Sousa met the European Commission on Tuesday.”</a>' in page
    assert "Detected automatically" in (tmp_path / "output/institutions/european-commission/index.html").read_text()


@pytest.mark.parametrize(("old", "new", "message"), [
    ("sentence: 2}", "sentence: 9}", "people/ana-sousa.md:9: ties item 1 cites paragraph 1, sentence 9 of "
                                     "'sousa-meets', which has no such sentence"),
    ("{role: Prime Minister, article: sousa-meets", "{role: Prime Minister, article: sousa-meet",
     "people/ana-sousa.md:7: roles item 1 cites article 'sousa-meet', but content/articles/sousa-meet.md does not "
     "exist; did you mean 'sousa-meets'?"),
    ("institutions/european-commission", "institutions/european-comission",
     "people/ana-sousa.md:9: ties item 1: its target is 'european-comission', but "
     "content/institutions/european-comission.md does not exist; did you mean 'european-commission'?"),
    ("type: met with", "type: met", "people/ana-sousa.md:8: ties item 1: each tie needs 'type' (one of 'member of', "
                                    "'leads', 'criticised', 'met with')"),
    ("{role: Prime Minister,", "{", "people/ana-sousa.md:6: roles item 1: each role needs 'role' (text)"),
    ("reviewed: true", "reviewed: yes please", "people/ana-sousa.md:4: 'reviewed' must be true or false"),
])
def test_bad_roles_and_ties_are_reported_with_their_file(tmp_path: Path, write: Write, old: str, new: str,
                                                         message: str) -> None:
    write("content/people/ana-sousa.md", PERSON.replace(old, new))
    write("content/articles/sousa-meets.md", ARTICLE)
    write("content/institutions/european-commission.md", COMMISSION)
    with pytest.raises(BuilderError) as caught:
        build(tmp_path)
    problems = [str(p) for p in getattr(caught.value, "problems", [caught.value])]
    assert any(message in p for p in problems), problems


def test_an_editor_marks_a_page_reviewed_and_re_ingest_keeps_it(tmp_path: Path, write: Write) -> None:
    write("seeds/a.txt", " date 2024-03-05 LISBON (Reuters) — Prime Minister Ana Sousa met Carlos Mendes of the "
                         "Port Authority on Tuesday.\n")
    build(tmp_path)
    page = tmp_path / "content/people/ana-sousa.md"
    assert "reviewed: false" in page.read_text()
    assert "Detected automatically" in (tmp_path / "output/people/ana-sousa/index.html").read_text()
    page.write_text(page.read_text().replace("reviewed: false", "reviewed: true"))
    write("seeds/b.txt", " date 2024-04-01 PORTO (AP) — Ana Sousa opened a bridge.\n")
    build(tmp_path)
    assert "reviewed: true" in page.read_text()
    assert "Detected automatically" not in (tmp_path / "output/people/ana-sousa/index.html").read_text()
    assert "type: met with" in page.read_text(), "the tie ingest found is kept too"
