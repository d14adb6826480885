"""The fault-injection suite: one serialised moto server for the session, a fresh deployment (table, queues,
topic) and platform sandbox per scenario, and a summary of every scenario's counts at the end of the run."""

from __future__ import annotations

import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from ackline_local.sandbox import PlatformSandbox
from tests.faults.injection import FaultInjector
from tests.faults.rig import Clock, Counts, Rig

RESULTS: list[Counts] = []


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def fault_moto_url() -> Iterator[str]:
    """moto's server, serialised (see SerialMotoServer), in a process of its own (a second core for moto)."""
    port = _free_port()
    root = Path(__file__).resolve().parents[2]
    server = subprocess.Popen(
        [sys.executable, "-m", "tests.faults.moto_process", str(port)],
        cwd=root,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None and server.stdout.readline().strip() == "ready"
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.fixture
def sandbox() -> Iterator[PlatformSandbox]:
    box = PlatformSandbox().start()
    yield box
    box.stop()


@pytest.fixture
def injector() -> FaultInjector:
    return FaultInjector()


@pytest.fixture
def rig(fault_moto_url: str, sandbox: PlatformSandbox, injector: FaultInjector) -> Rig:
    return Rig(fault_moto_url, sandbox, injector, Clock())


@pytest.fixture
def record() -> object:
    """Keep a scenario's counts for the summary, and hold it to the promise: 0 lost, 0 doubled."""

    def keep(counts: Counts) -> Counts:
        RESULTS.append(counts)
        assert counts.messages > 0, counts
        assert (counts.lost, counts.doubled, counts.dead_letters) == (0, 0, 0), counts
        assert counts.replied_once + counts.in_case >= counts.messages, counts
        return counts

    return keep


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not RESULTS:
        return
    width = max(len(c.scenario) for c in RESULTS)
    write = terminalreporter.write_line
    terminalreporter.section("fault injection: every valid message replied once or in a case")
    write(f"{'scenario':<{width}}  messages  replied once  in a case  lost  doubled")
    for c in RESULTS:
        write(
            f"{c.scenario:<{width}}  {c.messages:>8}  {c.replied_once:>12}  {c.in_case:>9}  {c.lost:>4}  {c.doubled:>7}"
        )
    total = sum(c.messages for c in RESULTS)
    lost, doubled = sum(c.lost for c in RESULTS), sum(c.doubled for c in RESULTS)
    write(f"{len(RESULTS)} scenarios, {total} messages: {lost} lost, {doubled} doubled")
