"""Errors a user can cause, each carrying the file and line it came from.

The whole hierarchy::

    BuilderError            any problem in the user's input; the CLI prints it as one line and exits 1
    ├── ConfigError         site.yaml is unreadable or invalid
    ├── SeedError           a seed article cannot be parsed
    ├── ContentError        a page in content/ has bad front matter or points at a missing page
    ├── TemplateError       a Jinja template fails to load or render
    └── OutputError         the output folder cannot be written or would overwrite the sources
    BuildFailed             several problems found together; printed one per line
    Interrupted             not a problem: work given up because newer input arrived (the preview's search index)

An ``OSError`` that escapes (a file moved or deleted while the build ran, one it may not read) is printed as one
line too (``file_problem``); anything else that escapes is a bug in the builder and keeps its traceback.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Iterable, Sequence
from pathlib import Path


class Interrupted(Exception):
    """Work given up on request, leaving everything as consistent as before it started."""


class BuilderError(Exception):
    """A problem in the user's input, located at ``path:line``."""

    def __init__(self, path: Path | str | None, line: int | None, message: str) -> None:
        self.path = Path(path) if path is not None else None
        self.line = line
        self.message = message
        super().__init__(self.location() + message)

    def __reduce__(self) -> tuple[type[BuilderError], tuple[Path | None, int | None, str]]:
        """Rebuilt from its parts when it crosses a process boundary (parallel rendering)."""
        return (type(self), (self.path, self.line, self.message))

    def location(self) -> str:
        """``path:line: `` (or ``path: `` or nothing) for the start of the printed message."""
        if self.path is None:
            return ""
        if self.line is None:
            return f"{self.path}: "
        return f"{self.path}:{self.line}: "

    def __str__(self) -> str:
        return self.location() + self.message


class ConfigError(BuilderError):
    """Raised when site.yaml cannot be read or holds a bad value."""


class SeedError(BuilderError):
    """Raised when a seed article is empty, undated or not text."""


class ContentError(BuilderError):
    """Raised when a content page's front matter is missing, malformed or refers to an unknown page."""


class TemplateError(BuilderError):
    """Raised when a template has a syntax error or uses an undefined variable."""


class OutputError(BuilderError):
    """Raised when the output folder cannot be written, or overlaps the site's sources."""


class BuildFailed(Exception):
    """Raised with every problem found in one pass, so the user sees them all at once."""

    def __init__(self, problems: Sequence[BuilderError]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def file_problem(exc: OSError) -> BuilderError:
    """A file the build could not read or write, as a one-line problem naming it: most often one moved or
    deleted after the build listed it."""
    reason = exc.strerror or str(exc)
    if exc.filename is None:
        return BuilderError(None, None, f"{reason}; build again")
    path = os.fsdecode(exc.filename)
    if isinstance(exc, FileNotFoundError):
        return BuilderError(path, None, "is gone: it was moved or deleted while the build ran, or it is a link to "
                                        "a file that is not there; build again")
    if isinstance(exc, PermissionError):
        return BuilderError(path, None, f"cannot be read or written ({reason}); check its permissions")
    return BuilderError(path, None, f"cannot be read or written ({reason}); check the free space and its "
                                    "permissions")


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` with the choice closest to a mistyped word, or nothing when none is close."""
    close = difflib.get_close_matches(word, list(choices), n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""


def raise_all(problems: Sequence[BuilderError]) -> None:
    """Raise the single problem, or all of them together; do nothing when there are none."""
    if len(problems) == 1:
        raise problems[0]
    if problems:
        raise BuildFailed(problems)


_YAML_HINTS = (
    ("mapping values are not allowed", "write each field on its own line as 'key: value', and put a value that "
                                       "holds ': ' in quotes"),
    ("tab character", "indent with spaces, not tabs"),
    ("found character '\\t'", "indent with spaces, not tabs"),
    ("expected ',' or ']'", "close the list with ']', and put an item that holds a comma or bracket in quotes"),
    ("expected ',' or '}'", "close the mapping with '}'"),
    ("end of stream", "close the quotation mark the value opens"),
    ("expected <document start>", "start each field at the beginning of its line"),
    ("could not find expected ':'", "write each field as 'key: value', and put a value that goes on to the next "
                                    "line in quotes"),
)


def yaml_problem(problem: str | None) -> str:
    """What PyYAML found wrong, and how to mend the common mistakes behind it."""
    text = problem or "cannot be read"
    return text + next((f"; {hint}" for marker, hint in _YAML_HINTS if marker in text), "")
