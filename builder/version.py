"""The builder's own identity: its version number, and a digest of its code and data that every cache is
keyed by, so that a new builder never trusts what an older one left."""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

__version__ = "0.1.0"

_BUILDER_DIR = Path(__file__).resolve().parent


@functools.cache
def builder_digest() -> str:
    """A digest of the builder's own code and data: a new version of the builder starts every cache afresh."""
    digest = hashlib.sha1()
    for path in sorted(p for p in _BUILDER_DIR.rglob("*") if p.is_file() and p.suffix in (".py", ".txt")):
        digest.update(str(path.relative_to(_BUILDER_DIR)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()
