"""``builder serve``: a real server on 127.0.0.1 that rebuilds on change and survives a bad edit."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from .conftest import SEED

Write = Callable[[str, str], Path]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:
        return str(response.read().decode("utf-8"))


def wait_for(predicate: Callable[[], bool], seconds: float = 20.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if predicate():
                return True
        except OSError:
            pass
        time.sleep(0.2)
    return False


@pytest.fixture
def server(tmp_path: Path, write: Write) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    write("seeds/lisbon.txt", SEED)
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "builder", "serve", "--site", str(tmp_path),
                                "--port", str(port)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               start_new_session=True)
    base = f"http://127.0.0.1:{port}/"
    try:
        assert wait_for(lambda: "Ana Sousa" in fetch(base)), "server did not come up"
        yield base, process
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=10)


def test_serve_rebuilds_on_edit_and_survives_a_broken_page(server: tuple[str, subprocess.Popen[str]],
                                                           tmp_path: Path) -> None:
    base, process = server
    page = tmp_path / "content/people/ana-sousa.md"
    original = page.read_text()
    page.write_text(original + "\nLeads the minority government.\n")
    assert wait_for(lambda: "Leads the minority government." in fetch(base + "people/ana-sousa/"))
    page.write_text("---\nname: [broken\n---\n")
    time.sleep(3)
    assert process.poll() is None, "the server died on a bad edit"
    assert "Leads the minority government." in fetch(base + "people/ana-sousa/")
    page.write_text(original + "\nBack to normal.\n")
    assert wait_for(lambda: "Back to normal." in fetch(base + "people/ana-sousa/"))


def test_serve_injects_live_reload_and_serves_only_the_site(server: tuple[str, subprocess.Popen[str]]) -> None:
    base, _ = server
    assert "livereload" in fetch(base)
    with pytest.raises(urllib.error.HTTPError):
        fetch(base + "../site.yaml")


def test_port_in_use_gives_a_clear_message(tmp_path: Path, write: Write) -> None:
    write("seeds/lisbon.txt", SEED)
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = subprocess.run([sys.executable, "-m", "builder", "serve", "--site", str(tmp_path), "--port",
                                 str(port)], capture_output=True, text=True, timeout=30, check=False)
    assert result.returncode == 1
    assert result.stderr == (f"error: port {port} on 127.0.0.1 is already in use; stop the other server or pass "
                             f"--port {port + 1}\n")
