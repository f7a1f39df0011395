"""A real ``redis-server`` for the tests: a free loopback port, a temporary folder.

No mock: the distributed tests need Redis's own semantics (Lua, RENAME,
expiring keys).  A machine without ``redis-server`` fails these tests; ``make
test`` installs it first.

The server keeps its data in memory only (``--save ""``, ``--appendonly no``):
quick, and ``restart()`` brings it back empty, as a Redis without persistence
comes back.  The workers are refused such a server, so the tests whose subject
is not persistence set ``NEWSSPIDER_REDIS_ALLOW_VOLATILE``.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from types import TracebackType

import redis


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RedisServer:
    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="newsspider-redis-"))
        self.port = 0
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def client(self) -> redis.Redis:
        return redis.Redis.from_url(self.url)

    def start(self) -> RedisServer:
        binary = shutil.which("redis-server")
        if binary is None:
            raise RuntimeError("redis-server is not installed: `make test` installs it")
        for _attempt in range(5):  # the port picked may be taken before redis binds it
            self.port = free_port()
            if self._launch(binary):
                return self
        raise RuntimeError("redis-server did not start")

    def restart(self) -> None:
        """Stop the server and start it again on the same port: empty, a new ``run_id``."""
        binary = shutil.which("redis-server")
        assert binary is not None and self.process is not None
        self.process.terminate()
        self.process.wait(timeout=10)
        if not self._launch(binary):
            raise RuntimeError("redis-server did not start again")

    def _launch(self, binary: str) -> bool:
        self.process = subprocess.Popen(
            [
                binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.folder),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        if self._answers():
            return True
        self.process.kill()
        self.process.wait()
        return False

    def _answers(self, timeout: float = 10.0) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                return False
            try:
                return bool(self.client().ping())
            except redis.ConnectionError:
                time.sleep(0.05)
        return False

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
        shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self) -> RedisServer:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()
