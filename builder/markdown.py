"""Markdown body -> HTML and plain paragraphs, with entity links and stable paragraph anchors.

markdown-it-py in CommonMark mode with raw HTML off: whatever an article's text holds is shown, never run.
Paragraph anchors are ``p1``, ``p2``... in reading order; each sentence of a paragraph is a ``<span>`` with the
anchor ``p3-s2`` (the sentences ``sentences.split_sentences`` finds in the paragraph's plain text), so a page can link
to the exact sentence a fact came from. Links to entity pages are added to text tokens. A body of plain
paragraphs (no line or character that could be markup) is read and written out here, without markdown-it's
parser and renderer, to the same paragraphs and HTML: most articles are such bodies, a build reads them all, and
markdown-it then never loads (20 ms of a build after an edit).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from builder.sentences import split_sentences

if TYPE_CHECKING:  # markdown-it loads only for a body that is not plain paragraphs
    from markdown_it import MarkdownIt
    from markdown_it.rules_core import StateCore
    from markdown_it.token import Token


@dataclass(frozen=True, slots=True)
class Paragraph:
    """A top-level paragraph of a Markdown body, as plain text."""

    anchor: str
    """Its stable id in the page (``p3``)."""
    text: str
    """Its text without markup."""
    line: int
    """0-based line of the body where it starts."""


@functools.cache
def _markdown() -> MarkdownIt:
    """markdown-it, as the builder sets it up (made once a process, when first needed)."""
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.validateLink = _is_safe_link  # type: ignore[method-assign]  # markdown-it's documented hook
    md.core.ruler.push("paragraph_anchors", _paragraph_anchors)
    return md


def _is_safe_link(url: str) -> bool:
    """Only web, mail and relative links; ``javascript:``, ``data:`` and the like become plain text."""
    scheme = re.match(r"^\s*([a-zA-Z][\w+.-]*):", url)
    return scheme is None or scheme.group(1).lower() in ("http", "https", "mailto")


def _paragraph_anchors(state: StateCore) -> None:
    number = 0
    for token in state.tokens:
        if token.type == "paragraph_open" and token.level == 0:
            number += 1
            token.attrSet("id", f"p{number}")


def _sentence_anchors(tokens: list[Token]) -> None:
    """Wrap the sentences of each top-level paragraph (only when rendering: plain-text readers do not need it)."""
    for index, token in enumerate(tokens):
        if token.type == "paragraph_open" and token.level == 0 and tokens[index + 1].children:
            tokens[index + 1].children = _wrap_sentences(tokens[index + 1].children or [], str(token.attrGet("id")))


def sentence_anchor(paragraph: str, number: int) -> str:
    """``p3``, 2 -> ``p3-s2``: the anchor of a paragraph's second sentence."""
    return f"{paragraph}-s{number}"


def _wrap_sentences(children: list[Token], paragraph: str) -> list[Token]:
    """Put each sentence of a paragraph's inline tokens in ``<span class="sentence" id="p3-s2">``. Spans open and
    close only outside links and emphasis: a sentence boundary inside one moves to where it ends."""
    from markdown_it.token import Token

    marks = _sentence_marks(plain_text(children))
    result: list[Token] = []
    position, depth = 0, 0
    for child in children:
        _emit_marks(marks, position, depth, paragraph, result)
        end = position + len(plain_text([child]))
        if child.type == "text" and depth == 0:
            cut_from = position
            while marks and cut_from < marks[-1][0] < end:
                cut = marks[-1][0]
                result.append(Token("text", "", 0, content=child.content[cut_from - position : cut - position]))
                cut_from = cut
                _emit_marks(marks, cut, depth, paragraph, result)
            result.append(Token("text", "", 0, content=child.content[cut_from - position :]))
        else:
            result.append(child)
            depth += child.nesting
        position = end
    _emit_marks(marks, position, depth, paragraph, result)
    return result


def _emit_marks(marks: list[tuple[int, int, int]], upto: int, depth: int, paragraph: str,
                result: list[Token]) -> None:
    """Open or close the sentence spans due at or before ``upto`` (``marks`` holds them last first)."""
    from markdown_it.token import Token

    while marks and marks[-1][0] <= upto and depth == 0:
        _, is_open, number = marks.pop()
        result.append(Token("html_inline", "", 0, content=_span(is_open, paragraph, number)))


def _sentence_marks(text: str) -> list[tuple[int, int, int]]:
    """Where each sentence of a paragraph's plain text starts and ends: (offset, 1 for a start or 0 for an end,
    sentence number), last first."""
    spans = split_sentences(text)
    return sorted([(end, 0, n) for n, (_, end) in enumerate(spans, 1)] +
                  [(start, 1, n) for n, (start, _) in enumerate(spans, 1)], reverse=True)


def _span(is_open: int, paragraph: str, number: int) -> str:
    """The tag that opens or closes a sentence's span."""
    return f'<span class="sentence" id="{sentence_anchor(paragraph, number)}">' if is_open else "</span>"


def _render_plain(paragraphs: list[_PlainParagraph], linker: Linker | None) -> str:
    """What ``render_tokens`` makes of plain paragraphs' tokens (``plain_tokens``), written out directly instead
    of through a token for every piece of text and markdown-it's renderer: the same HTML (``tests/test_markdown.py``
    compares them), in half the time (a build renders every article)."""
    html: list[str] = []

    def text(piece: str) -> None:
        position = 0
        for start, end, href in linker(piece) if linker is not None else ():
            html.append(f'{_escape(piece[position:start])}<a href="{_escape(href)}" class="entity">'
                        f"{_escape(piece[start:end])}</a>")
            position = end
        html.append(_escape(piece[position:]))

    def emit(upto: int) -> None:
        while marks and marks[-1][0] <= upto:
            _, is_open, number = marks.pop()
            html.append(_span(is_open, anchor, number))

    for number, paragraph in enumerate(paragraphs, 1):
        anchor = f"p{number}"
        marks = _sentence_marks(paragraph.text)
        html.append(f'<p id="{anchor}">')
        position = 0
        for index, line in enumerate(paragraph.lines):  # cut as _wrap_sentences cuts its tokens
            emit(position)
            if index:
                html.append("<br />\n" if paragraph.breaks[index - 1] == "hardbreak" else "\n")
                position += 1
                emit(position)
            end, cut_from = position + len(line), position
            while marks and cut_from < marks[-1][0] < end:
                cut = marks[-1][0]
                text(line[cut_from - position:cut - position])
                cut_from = cut
                emit(cut)
            text(line[cut_from - position:])
            position = end
        emit(position)
        html.append("</p>\n")
    return "".join(html)


def _escape(text: str) -> str:
    """Text as markdown-it's renderer writes it (``escapeHtml``): ``&``, ``<``, ``>`` and ``"`` escaped."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


_MARKUP = re.compile(r"[\\`*_\[\]<&\t\r\0]")
"""Characters that may start inline markup (code, emphasis, links, HTML, entities, escapes) or that markdown-it
reads as other than text (tabs, carriage returns, NUL)."""
_BLOCK_START = re.compile(r"\s|[#>+*=_~|-]|\d{1,9}[.)]")
"""What a line may start with that could make it other than a paragraph's (a heading, quotation, list item, rule,
fence, code block, underline)."""
_TRIMMED = "".join(map(chr, sorted({0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x20, 0xA0, 0x1680, 0x202F, 0x205F, 0x3000,
                                    0x2028, 0x2029, *range(0x2000, 0x200B)})))
"""What markdown-it trims from the ends of a paragraph (``mdTrim``: JavaScript's ``trim``, less U+FEFF)."""


@dataclass(frozen=True, slots=True)
class _PlainParagraph:
    """A paragraph of plain lines, as markdown-it's paragraph, newline and text rules read it."""

    first: int
    """0-based line of the body where it starts."""
    end: int
    """The line after its last."""
    content: str
    """Its lines, trimmed at both ends as markdown-it trims a paragraph."""
    lines: tuple[str, ...]
    """The text of each line: trailing spaces end a line, and are left out."""
    breaks: tuple[str, ...]
    """What ends each line but the last: ``hardbreak`` after two spaces or more, else ``softbreak``."""

    @property
    def text(self) -> str:
        """Its plain text: a line break reads as a space."""
        return " ".join(self.lines)


def _plain_paragraphs(body: str) -> list[_PlainParagraph] | None:
    """The paragraphs of a body whose lines are all text or blank. None when a line or character could mean more
    (``_MARKUP``, ``_BLOCK_START``, whitespace other than spaces at a line's end): markdown-it reads such a body;
    ``tests/test_markdown.py`` compares the tokens of the two (``plain_tokens``) on thousands of bodies."""
    if _MARKUP.search(body):
        return None
    found: list[_PlainParagraph] = []
    lines = body.split("\n")
    first: int | None = None
    for number, line in enumerate([*lines, ""]):
        if line.strip(" "):
            if _BLOCK_START.match(line) or (line[-1].isspace() and line[-1] != " "):
                return None
            if first is None:
                first = number
        elif first is not None:
            content = "\n".join(lines[first:number]).strip(_TRIMMED)
            written = content.split("\n")
            texts = [raw.rstrip(" ") for raw in written[:-1]]
            breaks = tuple("hardbreak" if len(raw) - len(text) >= 2 else "softbreak"
                           for raw, text in zip(written[:-1], texts, strict=True))
            found.append(_PlainParagraph(first, number, content, (*texts, written[-1]), breaks))
            first = None
    return found


def plain_tokens(body: str) -> list[Token] | None:
    """The tokens markdown-it would make of a body of plain paragraphs (``_plain_paragraphs``), else None."""
    from markdown_it.token import Token

    paragraphs = _plain_paragraphs(body)
    if paragraphs is None:
        return None
    tokens: list[Token] = []
    for number, paragraph in enumerate(paragraphs, 1):
        children = [Token("text", "", 0, content=paragraph.lines[0])]
        for line, kind in zip(paragraph.lines[1:], paragraph.breaks, strict=True):
            children += [Token(kind, "br", 0), Token("text", "", 0, content=line)]
        where = (paragraph.first, paragraph.end)
        tokens += [Token("paragraph_open", "p", 1, attrs={"id": f"p{number}"}, map=[*where], block=True),
                   Token("inline", "", 0, map=[*where], level=1, content=paragraph.content, children=children,
                         block=True),
                   Token("paragraph_close", "p", -1, block=True)]
    return tokens


def analyse(body: str) -> tuple[list[Paragraph], list[tuple[int, str]]]:
    """One parse of the body: its top-level paragraphs as plain text with their anchors, and the (0-based
    line, href) of every link in it."""
    plain = _plain_paragraphs(body)
    if plain is not None:
        return [Paragraph(f"p{number}", p.text, p.first) for number, p in enumerate(plain, 1)], []
    return analyse_tokens(_markdown().parse(body))


def analyse_tokens(tokens: list[Token]) -> tuple[list[Paragraph], list[tuple[int, str]]]:
    """``analyse`` of markdown-it's tokens of a body."""
    found: list[Paragraph] = []
    hrefs: list[tuple[int, str]] = []
    for index, token in enumerate(tokens):
        if token.type == "paragraph_open" and token.level == 0:
            inline = tokens[index + 1]
            line = token.map[0] if token.map else 0
            found.append(Paragraph(str(token.attrGet("id")), plain_text(inline.children or []), line))
        if token.type == "inline" and token.children:
            line = token.map[0] if token.map else 0
            hrefs += [(line, str(c.attrGet("href"))) for c in token.children if c.type == "link_open"]
    return found, hrefs


def paragraphs(body: str) -> list[Paragraph]:
    """The body's top-level paragraphs as plain text, with their anchors."""
    return analyse(body)[0]


def links(body: str) -> list[tuple[int, str]]:
    """(0-based line, href) of every link in the body."""
    return analyse(body)[1]


def plain_text(children: list[Token]) -> str:
    """The text of inline tokens, markup removed."""
    parts = []
    for child in children:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
    return "".join(parts)


Linker = Callable[[str], list[tuple[int, int, str]]]
"""Finds names in a text: (start, end, href) of each, left to right, never overlapping."""


def render(body: str, linker: Linker | None = None, rewrite: Callable[[str], str] | None = None) -> str:
    """Render a body to HTML; each name the linker finds in the text becomes a link to its href, and each
    link's href goes through ``rewrite`` (content paths to page URLs)."""
    plain = _plain_paragraphs(body)
    if plain is not None:
        return _render_plain(plain, linker)
    return render_tokens(_markdown().parse(body), linker, rewrite)


def render_tokens(tokens: list[Token], linker: Linker | None, rewrite: Callable[[str], str] | None) -> str:
    """``render`` of markdown-it's tokens of a body: sentences wrapped, links rewritten, names linked, then
    markdown-it's renderer."""
    _sentence_anchors(tokens)
    if rewrite is not None:
        for token in tokens:
            for child in token.children or []:
                if child.type == "link_open":
                    child.attrSet("href", rewrite(str(child.attrGet("href"))))
    if linker is not None:
        for token in tokens:
            if token.type == "inline" and token.children:
                token.children = _link_children(token.children, linker)
    md = _markdown()
    return str(md.renderer.render(tokens, md.options, {}))


def _link_children(children: list[Token], linker: Linker) -> list[Token]:
    result: list[Token] = []
    inside_link = 0
    for child in children:
        inside_link += child.type == "link_open"
        inside_link -= child.type == "link_close"
        if child.type != "text" or inside_link:
            result.append(child)
            continue
        result.extend(_split_text(child.content, linker))
    return result


def _split_text(text: str, linker: Linker) -> list[Token]:
    from markdown_it.token import Token

    tokens: list[Token] = []
    position = 0
    for start, end, href in linker(text):
        if start > position:
            tokens.append(Token("text", "", 0, content=text[position:start]))
        tokens.append(Token("link_open", "a", 1, attrs={"href": href, "class": "entity"}))
        tokens.append(Token("text", "", 0, content=text[start:end]))
        tokens.append(Token("link_close", "a", -1))
        position = end
    if position < len(text):
        tokens.append(Token("text", "", 0, content=text[position:]))
    return tokens
