"""Values <-> the JSON files the builder keeps for itself: its caches, the record of the last build, what each
output folder holds.

orjson writes them several times faster than the standard library and reads them a little faster. What it
refuses goes through the standard library instead, which escapes it: a file name that is not valid UTF-8 (a
stray file in seeds/ or content/), an integer beyond 64 bits in some front matter.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import orjson


def dumps(value: Any, sort_keys: bool = False) -> bytes:
    """``value`` as JSON."""
    try:
        return orjson.dumps(value, option=orjson.OPT_SORT_KEYS if sort_keys else 0)
    except TypeError:
        return json.dumps(value, sort_keys=sort_keys).encode("ascii")


def loads(data: bytes) -> Any:
    """The value of JSON ``data``; ValueError when it is not JSON."""
    try:
        return orjson.loads(data)
    except ValueError:
        return json.loads(data)


def read(path: Path) -> Any:
    """The value a file holds; OSError when it cannot be read, ValueError when it is not JSON."""
    return loads(path.read_bytes())


def save(path: Path, value: Any, sort_keys: bool = False) -> None:
    """Write ``value`` into the file in one step (``write``)."""
    write(path, dumps(value, sort_keys))


def write(path: Path, data: bytes) -> None:
    """Write the file in one step (through a temporary file beside it): a build killed meanwhile leaves the file
    as it was."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_bytes(data)
    os.replace(temporary, path)
