"""`python -m ackline_local` as a child process whose output a test can read, stop (SIGTERM) or kill (SIGKILL)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path

import boto3

from ackline_local.config import load_config

READY = "ACKLINE_READY "
REPO = Path(__file__).resolve().parents[2]


class StackProcess:
    """Start with `StackProcess.start([...args])`; `urls` come from its ready line; `output()` is all it printed."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.process = process
        self._lines: list[str] = []
        self._lock = threading.Lock()
        self.urls: dict[str, str] = {}
        config = load_config()
        self.meta_app_secret = config.meta_app_secret
        self.staff_token = config.staff_api_token

    @classmethod
    def start(cls, args: Sequence[str] = (), *, timeout: float = 90, env: dict[str, str] | None = None) -> StackProcess:
        command = [sys.executable, "-m", "ackline_local", "--port", "0", "--visibility-scale", "0.02", *args]
        environment = {**os.environ, "BRAND_POLICY_FILE": "", **(env or {})}
        process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=environment, cwd=REPO
        )
        stack = cls(process)
        threading.Thread(target=stack._drain, daemon=True).start()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and not stack.urls and process.poll() is None:
            time.sleep(0.05)
        if not stack.urls:
            stack.kill()
            raise AssertionError("the local stack did not start:\n" + stack.output()[-4000:])
        return stack

    def _drain(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            with self._lock:
                self._lines.append(line)
            if line.startswith(READY):
                self.urls = json.loads(line[len(READY) :])

    def output(self) -> str:
        with self._lock:
            return "".join(self._lines)

    @property
    def gateway(self) -> str:
        return self.urls["gateway"]

    @property
    def sandbox(self) -> str:
        return self.urls["sandbox"]

    @property
    def moto(self) -> str:
        return self.urls["moto"]

    def client(self, service: str):  # type: ignore[no-untyped-def]
        return boto3.client(service, endpoint_url=self.moto, region_name="us-east-1")

    def terminate(self, timeout: float = 180) -> int:
        """SIGTERM (Ctrl-C's sibling) and wait for a clean exit. A clean stop lets each queue consumer finish the
        batch in hand for up to its function's timeout, as Lambda would: after the soak's backlog, on a loaded machine,
        that took over a minute here (the test failed at 60 s while the stack was still finishing its batches)."""
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise

    def kill(self) -> None:
        """SIGKILL: no shutdown code runs, as in a crash."""
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(timeout=30)
