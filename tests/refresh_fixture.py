"""Rebuild tests/fixtures/site/expected/ from its content/ after a deliberate change to the output.

Run with ``make fixtures``; review the diff before committing it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from builder import build

SITE = Path(__file__).resolve().parent / "fixtures" / "site"


def main() -> None:
    """Build the fixture site into its expected/ folder."""
    shutil.rmtree(SITE / "expected", ignore_errors=True)
    report = build(SITE, SITE / "expected")
    print(f"refreshed {SITE / 'expected'}: {report.summary()}")


if __name__ == "__main__":
    main()
