"""The checked-in fixture site renders exactly its expected output tree (refresh with ``make fixtures``)."""

from __future__ import annotations

import difflib
import shutil
from pathlib import Path

from builder import build

from .conftest import broken_links

SITE = Path(__file__).resolve().parent / "fixtures" / "site"


def _tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_fixture_site_matches_expected_output(tmp_path: Path) -> None:
    shutil.copytree(SITE, tmp_path / "site", ignore=shutil.ignore_patterns("expected"))
    build(tmp_path / "site", tmp_path / "out")
    actual, expected = _tree(tmp_path / "out"), _tree(SITE / "expected")
    assert sorted(actual) == sorted(expected), "run `make fixtures` after a deliberate change"
    for name, data in expected.items():
        if actual[name] != data:
            diff = difflib.unified_diff(data.decode().splitlines(), actual[name].decode().splitlines(),
                                        f"expected/{name}", f"built/{name}", lineterm="")
            raise AssertionError("\n".join(diff) + "\n(run `make fixtures` after a deliberate change)")


def test_fixture_site_has_no_broken_links() -> None:
    assert broken_links(SITE / "expected") == []
