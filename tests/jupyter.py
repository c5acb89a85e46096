"""A real JupyterLab for the tests: the project's environment, a loopback port, its files in a temp folder."""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Lab", "running_lab"]


@dataclass
class Lab:
    """A running JupyterLab: its address, token, the folder it serves and its process."""

    base: str
    token: str
    root: Path
    process: subprocess.Popen[bytes]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _answers(base: str, token: str) -> bool:
    request = urllib.request.Request(f"{base}/api/status", headers={"Authorization": f"token {token}"})
    try:
        with urllib.request.urlopen(request, timeout=2):  # noqa: S310 - loopback only
            return True
    except OSError:
        return False


@contextmanager
def running_lab(root: Path, home: Path, settings: Path | None = None) -> Iterator[Lab]:
    """Start JupyterLab serving ``root`` (its state under ``home``), wait until it answers, stop it after.

    It is stopped by its own process id (SIGTERM stops its kernels too; SIGKILL after 20 s).
    """
    port, token = _free_port(), secrets.token_hex(16)
    command = [
        sys.executable,
        "-m",
        "jupyterlab",
        "--no-browser",
        "--ip=127.0.0.1",
        f"--port={port}",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root}",
        "--ServerApp.port_retries=0",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")  # CI and containers run as root
    env = {
        **os.environ,
        "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
        "JUPYTER_CONFIG_DIR": str(home / "config"),
        "JUPYTER_DATA_DIR": str(home / "data"),
        "JUPYTERLAB_WORKSPACES_DIR": str(home / "workspaces"),
    }
    if settings is not None:
        env["JUPYTERLAB_SETTINGS_DIR"] = str(settings)
    log_path = home / "lab.log"
    with open(log_path, "w") as log:
        server = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env)
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 90
            while not _answers(base, token):
                assert server.poll() is None, log_path.read_text()
                assert time.monotonic() < deadline, "JupyterLab did not answer within 90 s"
                time.sleep(0.3)
            yield Lab(base, token, root, server)
        finally:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
