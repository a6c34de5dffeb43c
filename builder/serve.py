"""Preview: build, serve the output folder on 127.0.0.1, rebuild on every change and reload the browser.

Watches ``seeds/``, ``content/``, ``templates/`` and ``site.yaml`` (never the output folder) with the
``livereload`` package. A bad edit prints its error and the server keeps serving the last good site.
"""

from __future__ import annotations

import errno
import socket
import sys
from collections.abc import Callable
from pathlib import Path

from livereload import Server

from builder.build import build
from builder.config import CONFIG_NAME
from builder.errors import BuilderError, BuildFailed, OutputError


def port_is_free(host: str, port: int) -> bool:
    """True when nothing listens on ``host:port`` yet."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind((host, port))
        except OSError as exc:
            if exc.errno in (errno.EADDRINUSE, errno.EACCES):
                return False
            raise
    return True


def rebuild(site_dir: Path, out_dir: Path, say: Callable[[str], None]) -> bool:
    """Build once; on bad input print every problem and return False instead of raising."""
    try:
        report = build(site_dir, out_dir)
    except BuildFailed as failed:
        for problem in failed.problems:
            say(f"error: {problem}")
        return False
    except BuilderError as exc:
        say(f"error: {exc}")
        return False
    for warning in report.warnings:
        say(f"warning: {warning}")
    say(report.summary())
    return True


def serve(site_dir: Path, out_dir: Path, host: str, port: int, say: Callable[[str], None] = print) -> None:
    """Build, then serve and rebuild until interrupted."""
    if not port_is_free(host, port):
        raise OutputError(None, None, f"port {port} on {host} is already in use; stop the other server or "
                                      f"pass --port {port + 1}")
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    if not rebuild(site_dir, out_dir, say) and not out_dir.exists():
        out_dir.mkdir(parents=True)
    server = Server()
    for name in ("seeds", "content", "templates", CONFIG_NAME):
        server.watch(str(site_dir / name), lambda: rebuild(site_dir, out_dir, say))
    say(f"serving {out_dir} at http://{host}:{port}/ (Ctrl-C to stop)")
    sys.stdout.flush()
    server.serve(host=host, port=port, root=str(out_dir), open_url_delay=None, restart_delay=0)
