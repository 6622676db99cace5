"""Real server processes for the hardening tests and the soak (`python -m app serve`, uvicorn)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field

import httpx
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from app.settings import ROOT


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def shared_secrets() -> dict[str, str]:
    """What every instance of one deployment shares (README "At scale")."""
    key = ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return {"SECRET_KEY": os.urandom(32).hex(), "VAPID_PRIVATE_KEY": key.decode()}


@dataclass
class Server:
    """One app instance on its own port and data dir; `kill()` is SIGKILL, `start()` starts it again."""

    env: dict[str, str]
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 90) -> Server:
        # NOTE: the log goes to a file, not a pipe: a pipe nobody reads fills up and stalls the server.
        log = open(os.path.join(self.env["APP_DATA_DIR"], f"server-{self.port}.log"), "ab")  # noqa: SIM115
        self.process = subprocess.Popen(
            [sys.executable, "-m", "app", "serve", "--host", "127.0.0.1", "--port", str(self.port)],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited: {self.log_tail()}")
            try:
                if httpx.get(self.url + "/healthz", timeout=1).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"server did not start in time: {self.log_tail()}")

    def log_tail(self) -> str:
        path = os.path.join(self.env["APP_DATA_DIR"], f"server-{self.port}.log")
        with open(path, "rb") as f:
            return f.read()[-2000:].decode(errors="replace")

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()


def server_env(database_url: str, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "APP_DATA_DIR": tempfile.mkdtemp(prefix="kfzx-instance-"),
        "DATABASE_URL": database_url,
        "APP_ALERTS_WORKER": "0",
        **extra,
    }
