"""Retake the README's screenshots (docs/*.png): the real seed built into a temporary folder, served on
127.0.0.1, photographed in Debian's headless Chromium at desktop (1280 px) and phone (390 px) width.

Run with ``make screenshots`` after a visible change to the theme.
"""

from __future__ import annotations

import functools
import http.server
import shutil
import tempfile
import threading
from pathlib import Path

from playwright import sync_api as playwright_api

from builder import build

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SHOTS = [  # (file, page, viewport width, height, phone, link to hover or "")
    ("home-desktop.png", "", 1280, 1000, False, ""),
    ("person-desktop.png", "people/kamala-harris/", 1280, 1700, False, ""),
    ("person-mobile.png", "people/kamala-harris/", 390, 844, True, ""),
    ("connections-desktop.png", "connections/", 1280, 1000, False, ""),
    ("card-desktop.png", "articles/vice-president-kamala-harris-offered-an-optimistic-outlook/", 1280, 600, False,
     'a.entity[href$="people/alejandro-giammattei/"]'),
]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        """No request log: the script prints the files it wrote."""


def main() -> None:
    """Build, serve, photograph, stop."""
    with tempfile.TemporaryDirectory() as temp:
        root = Path(temp)
        shutil.copytree(REPO / "seeds", root / "seeds")
        shutil.copy(REPO / "site.yaml", root / "site.yaml")
        build(root, root / "www")
        handler = functools.partial(_QuietHandler, directory=str(root / "www"))
        httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        try:
            take(f"http://127.0.0.1:{httpd.server_address[1]}/")
        finally:
            httpd.shutdown()
            httpd.server_close()


def take(base: str) -> None:
    """Photograph every page of SHOTS into docs/."""
    with playwright_api.sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for name, path, width, height, phone, hover in SHOTS:
            page = browser.new_page(viewport={"width": width, "height": height}, is_mobile=phone,
                                    has_touch=phone, device_scale_factor=1)
            page.goto(base + path)
            if hover:
                page.locator(hover).first.hover()
                page.locator("#entity-card").wait_for(state="visible")
            page.screenshot(path=str(REPO / "docs" / name))
            page.close()
            print(f"docs/{name}")
        browser.close()


if __name__ == "__main__":
    main()
