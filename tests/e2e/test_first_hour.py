"""The first hour: `make dev` in one terminal, `make demo` in another, and each message's outcome on screen.

The stack runs as `python -m ackline_local` on a port of its own with its ready file (as `make dev` writes it),
and the demo runs as a person runs it, as a separate process that has to find the stack by itself.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

from ackline_local.demo import printable
from ackline_local.ready_file import read_ready_file
from tests.running_stack import launch_stack


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _demo(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    environ = {key: value for key, value in os.environ.items() if key != "PORT"} | env
    return subprocess.run(
        [sys.executable, "-m", "ackline_local.demo", *args],
        env=environ,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


def _shown(words: object) -> str:
    """How the demo quotes a reply (on one line)."""
    return f'"{printable(str(words))}"'


def _section(output: str, number: int) -> str:
    """The lines the demo printed about its `number`-th message."""
    start = output.index(f"\n{number}. ")
    end = output.find(f"\n{number + 1}. ", start + 1)
    return output[start : end if end > 0 else None]


def test_demo_finds_the_stack_by_its_ready_file_and_says_what_happened(tmp_path: Path):
    ready_file = tmp_path / "ready.json"
    with launch_stack(extra_args=["--ready-file", str(ready_file)]) as stack:
        # Given the stack said where it listens (sandbox and moto are on free ports nobody could guess)
        info = read_ready_file(ready_file)
        assert info is not None and info.gateway == stack.gateway and info.sandbox == stack.sandbox
        # When a person runs the demo with no URL at all
        result = _demo({"ACKLINE_READY_FILE": str(ready_file)}, "--timeout", "90")
        output = result.stdout
        assert result.returncode == 0, output + result.stderr
        assert f"found by ready file {ready_file}" in output
        calls = stack.sandbox_calls()
    # Then each message says what ackline did: the praise was answered with the words the platform received
    praise = _section(output, 1)
    assert 'replied:   "' in praise
    [praise_reply] = [c for c in calls if isinstance(c["body"], dict) and _shown(c["body"].get("message")) in praise]
    assert "Dana" in praise_reply["body"]["message"] and praise_reply["path"].endswith("/comments")
    assert "case:      none" in praise
    # the complaint was answered and became a P2 case with its reasons, linked to the queue page
    complaint = _section(output, 2)
    assert "triage:    complaint, P2" in complaint and 'replied:   "' in complaint
    assert "opened, P2 — complaint:" in complaint and f"{stack.gateway}/queue" in complaint
    # the comment that only tags a friend was suppressed, with the reason
    tag_only = _section(output, 4)
    assert "suppressed:" in tag_only and "only tags other people" in tag_only and "replied:   no" in tag_only
    # the safety report got the holding statement and a P1 case with people alerted
    safety = _section(output, 5)
    assert "crisis, P1" in safety and "opened, P1, people alerted (P1)" in safety
    assert "had not settled" not in output
    assert f"The queue page: {stack.gateway}/queue" in output
    # and the stack removed its ready file when it stopped
    assert not ready_file.exists()


def test_demo_without_a_running_stack_says_how_to_start_one(tmp_path: Path):
    port = _free_port()
    result = _demo({"ACKLINE_READY_FILE": str(tmp_path / "none.json"), "PORT": str(port)})
    assert result.returncode == 2
    assert f"No ackline stack answers at http://127.0.0.1:{port}" in result.stderr
    assert "make dev" in result.stderr and "PORT=3100 make dev" in result.stderr
