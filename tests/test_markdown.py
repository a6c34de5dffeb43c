"""Bodies of plain paragraphs are read without markdown-it's parser (``markdown._plain_paragraphs``) and rendered
without its renderer (``markdown._render_plain``): their tokens (``plain_tokens``) must be markdown-it's, token for
token, and the HTML what the token pipeline makes of them, or the body must go to markdown-it. markdown-it then
loads only when a body needs it."""

from __future__ import annotations

import random
import subprocess
import sys

import pytest

from builder import markdown
from builder.content import escape_markdown
from builder.markdown import _markdown, _plain_paragraphs, analyse_tokens, plain_tokens, render_tokens
from builder.names import find_names, leftmost_longest

PLAIN = ["word", "Name", " ", "  ", "   ", "\n", "\n\n", "\n  \n", ".", "é", '"', "'", ":", "!", "(", ")", "$", "%",
         "{", "}", "@", "/", "?", "1", "9.", "A-B", "a#b", "a=b", "x>y", "x|y", "x~y", "\u00a0", "\u2003", "\u2028",
         "\x85", "\x1c", "\u200b", "\ufeff", "\u3000"]
"""Pieces of text that paragraphs hold, and whitespace that markdown-it and Python trim differently."""
MARKUP = ["\t", "\r", "\0", "\\", "*", "_", "`", "[", "]", "<", "&", "&amp;", "#", "-", "+", "=", ">", "~", "|",
          "1.", "2)", "---", "===", "    code", "\x0c", "\x0b"]
"""Pieces that may make markup, and that the plain path must leave to markdown-it where they do."""


def _bodies(pieces: list[str], count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 14))) for _ in range(count)]


@pytest.mark.parametrize(("pieces", "seed"), [(PLAIN, 1), (PLAIN + MARKUP, 2)], ids=["plain", "with markup"])
def test_plain_paragraphs_are_tokenised_as_markdown_it_does(pieces: list[str], seed: int) -> None:
    bodies = _bodies(pieces, 20000, seed)
    plain = 0
    for body in bodies:
        tokens = plain_tokens(body)
        if tokens is not None:
            plain += 1
            assert tokens == _markdown().parse(body), repr(body)
    assert plain > len(bodies) // 10  # the plain path is taken, and so checked, often


def test_an_article_made_from_a_seed_takes_the_plain_path() -> None:
    paragraphs = ["WASHINGTON (AP) — Senator Ana Sousa met the Treasury Department on Monday.",
                  "\u201cWe will see,\u201d she said: 3.5% of $2 billion, or 70 million.",
                  "1999 was the year; -5 degrees; #1 in polls; a > b; *starred* and [bracketed] text."]
    body = "\n\n".join(escape_markdown(p) for p in paragraphs)
    assert _plain_paragraphs("\n\n".join(escape_markdown(p) for p in paragraphs[:2])) is not None
    assert _plain_paragraphs(body) is None  # escapes are markup: markdown-it reads them
    assert [p.text for p in markdown.paragraphs(body)] == paragraphs


@pytest.mark.parametrize("body", [
    "One line.  \nA hard break, then a soft one \nand the end.   ",
    "Trailing no-break space\u00a0 \nthen more\u00a0 ",
    "First.\n\n\n   \nSecond paragraph, after blank lines.\n",
    "",
    "   \n  \n",
])
def test_line_breaks_and_blank_lines(body: str) -> None:
    tokens = plain_tokens(body)
    assert tokens is not None
    assert tokens == _markdown().parse(body)


@pytest.mark.parametrize("body", [
    "- a list item", "# A heading", "> quoted", "1. first", "2) second", "    indented code", "Text\n===",
    "Text\n---", "a *b*", "a `b`", "[a](b)", "a &amp; b", "a\tb", "\u00a0leading", "trailing\u00a0", "x\r\ny",
])
def test_anything_else_goes_to_markdown_it(body: str) -> None:
    assert _plain_paragraphs(body) is None


SENTENCES = ["Ana Sousa", "Sousa", "the Treasury", " ", "  ", "\n", "\n\n", "   \n", ". ", "? ", "! ", "Mr. ", "Dr. ",
             "U.S. ", '"', "\u201c", "\u201d", "'", "said", "B", "1", "\u00e9", "\u00a0", "(A)", "... ", "Ana Sousa's"]
"""Pieces of sentences that name someone, end sentences, break lines, and need escaping in HTML."""


def _linker(text: str) -> list[tuple[int, int, str]]:
    """Links the names an article would list, to an address that needs escaping."""
    hrefs = {"Ana Sousa": "../../people/ana-sousa/?a=1&b=\"2\"", "Sousa": "../../people/ana-sousa/",
             "Treasury": "../../institutions/treasury/"}
    return [(start, end, hrefs[name]) for start, end, name in leftmost_longest(find_names(text, hrefs))]


def test_plain_paragraphs_render_and_read_as_the_token_pipeline_does() -> None:
    plain = 0
    for body in _bodies(SENTENCES, 20000, 3):
        if _plain_paragraphs(body) is None:
            continue
        plain += 1
        for linker in (_linker, None):
            assert markdown.render(body, linker) == render_tokens(_markdown().parse(body), linker, None), repr(body)
        assert markdown.analyse(body) == analyse_tokens(_markdown().parse(body)), repr(body)
    assert plain > 10000
    html = markdown.render("Ana Sousa met the Treasury.  \nMr. Sousa said \"no\".\n\nAgain.", _linker)
    assert html == ('<p id="p1"><span class="sentence" id="p1-s1"><a href="../../people/ana-sousa/?a=1&amp;b=&quot;'
                    '2&quot;" class="entity">Ana Sousa</a> met the <a href="../../institutions/treasury/" '
                    'class="entity">Treasury</a>.</span><br />\n<span class="sentence" id="p1-s2">Mr. <a '
                    'href="../../people/ana-sousa/" class="entity">Sousa</a> said &quot;no&quot;.</span></p>\n'
                    '<p id="p2"><span class="sentence" id="p2-s1">Again.</span></p>\n')


def test_plain_text_is_escaped_and_trimmed_as_markdown_it_does() -> None:
    from markdown_it.common.utils import MD_TRIM_CHARS, escapeHtml

    assert markdown._TRIMMED == MD_TRIM_CHARS
    text = 'a & b < c > d "e" \'f\''
    assert markdown._escape(text) == escapeHtml(text)


def test_markdown_it_loads_only_for_a_body_that_needs_it() -> None:
    code = ("import sys; from builder import markdown; "
            "markdown.render('Ana Sousa met the Treasury.\\n\\nAgain.'); markdown.analyse('Plain.'); "
            "print('markdown_it' in sys.modules); markdown.render('*Emphasis*'); print('markdown_it' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.split() == ["False", "True"]
