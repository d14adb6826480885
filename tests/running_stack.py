"""The local stack as a user runs it (`python -m ackline_local`), started once per session, driven over HTTP.

Registered as a pytest plugin by tests/conftest.py so the e2e and browser suites share one running stack.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest
import requests

from ackline_local.config import load_config

READY = "ACKLINE_READY "
# Retries come back after VisibilityTimeout x this; 120 s x 0.02 = 2.4 s keeps retry tests short.
VISIBILITY_SCALE = "0.02"


@dataclass(frozen=True)
class RunningStack:
    gateway: str
    sandbox: str
    moto: str
    staff_token: str
    meta_app_secret: str
    meta_verify_token: str
    control: str = ""  # scheduled functions on demand and injected AWS failures (ackline_local.ops_control)

    def run_schedule(self, function: str, **event: Any) -> Any:
        answer = requests.post(f"{self.control}/_schedules/{function}", json=event, timeout=60)
        answer.raise_for_status()
        return answer.json()["result"]

    def add_aws_fault(self, **fault: Any) -> None:
        requests.post(self.control + "/_aws/faults", json=fault, timeout=5).raise_for_status()

    def staff_get(self, path: str) -> requests.Response:
        return requests.get(self.gateway + path, headers={"Authorization": f"Bearer {self.staff_token}"}, timeout=10)

    def staff_post(self, path: str) -> requests.Response:
        return requests.post(self.gateway + path, headers={"Authorization": f"Bearer {self.staff_token}"}, timeout=10)

    def sandbox_calls(self) -> list[dict[str, Any]]:
        calls: list[dict[str, Any]] = requests.get(self.sandbox + "/_sandbox/calls", timeout=5).json()
        for call in calls:
            # reads (the backfill's, the channel watch's GETs) have no body: let `c["body"].get(...)` match nothing
            if call["body"] is None:
                call["body"] = {}
        return calls

    def add_fault(self, **fault: Any) -> None:
        requests.post(self.sandbox + "/_sandbox/faults", json=fault, timeout=5).raise_for_status()

    def table_items(self) -> list[dict[str, Any]]:
        dynamodb = boto3.client("dynamodb", endpoint_url=self.moto, region_name="us-east-1")
        [table] = [t for t in dynamodb.list_tables()["TableNames"] if t.endswith("DataTable")]
        items: list[dict[str, Any]] = dynamodb.scan(TableName=table)["Items"]
        return items


def wait_for(check: Callable[[], Any], timeout: float = 10.0, interval: float = 0.05) -> Any:
    """Poll until `check()` is truthy; returns its value (or the last falsy one after the timeout)."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(interval)


def _start(
    extra_env: Mapping[str, str] | None, extra_args: Sequence[str], brand_policy: Path | None
) -> tuple[subprocess.Popen[str], list[str], dict[str, str]]:
    """Start `python -m ackline_local`; returns the process, its output so far, and its ready line (or {})."""
    # a developer's BRAND_POLICY_FILE must not change what the suites run against: only `brand_policy` does
    # nor may its ACKLINE_READY_FILE: a suite's stack must never stand in for the developer's own `make dev`
    env = {**os.environ, "BRAND_POLICY_FILE": "", "ACKLINE_READY_FILE": ""}
    env.update(extra_env or {})
    command = [
        sys.executable,
        "-m",
        "ackline_local",
        "--port",
        "0",
        "--sandbox-port",
        "0",
        "--visibility-scale",
        VISIBILITY_SCALE,
        *(["--brand-policy", str(brand_policy)] if brand_policy is not None else []),
        *extra_args,
    ]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    assert process.stdout is not None
    output: list[str] = []
    ready: dict[str, str] = {}
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        output.append(line)
        if line.startswith(READY):
            ready = json.loads(line[len(READY) :])
            break
    return process, output, ready


@dataclass(frozen=True)
class RefusedStart:
    returncode: int
    output: str


def refused_start(brand_policy: Path | None = None, extra_args: Sequence[str] = ()) -> RefusedStart:
    """Run `python -m ackline_local` expecting it NOT to come up; its exit code and everything it printed."""
    process, output, ready = _start(None, extra_args, brand_policy)
    if ready:
        process.terminate()
        process.wait(timeout=15)
        pytest.fail("the local stack came up, but it should have refused to start:\n" + "".join(output[-40:]))
    try:
        returncode = process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        pytest.fail("the local stack neither came up nor exited:\n" + "".join(output[-40:]))
    return RefusedStart(returncode, "".join(output))


@contextmanager
def launch_stack(
    extra_env: Mapping[str, str] | None = None, extra_args: Sequence[str] = (), *, brand_policy: Path | None = None
) -> Iterator[RunningStack]:
    """Run `python -m ackline_local` as a subprocess until the block ends (`extra_env`: e.g. ACKLINE_AWS_CALL_LOG;
    `brand_policy`: a policy file the stack stores in SSM for the functions, as `--brand-policy` does)."""
    process, output, ready = _start(extra_env, extra_args, brand_policy)
    if not ready:
        process.kill()
        pytest.fail("local stack did not start:\n" + "".join(output[-40:]))
    # keep draining its output so the pipe never fills and blocks the stack
    threading.Thread(target=lambda: [output.append(x) for x in process.stdout or []], daemon=True).start()
    config = load_config()
    try:
        yield RunningStack(
            gateway=ready["gateway"],
            sandbox=ready["sandbox"],
            moto=ready["moto"],
            staff_token=config.staff_api_token,
            meta_app_secret=config.meta_app_secret,
            meta_verify_token=config.meta_verify_token,
            control=ready.get("control", ""),
        )
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()


def shared_stack_policy(folder: Path) -> Path:
    """The shipped policy, but for the stack every e2e file shares: dozens of test files write complaints to the
    demo Page within minutes, often as the same demo author. Under the shipped thresholds that is a crisis-mode wave
    and a one-author flood, and later tests would meet the holding statement or the shield instead of what they
    test. Crisis mode and the shield are tested on stacks of their own with the shipped thresholds
    (tests/e2e/test_crisis_mode.py, test_abuse_shield.py)."""
    from importlib import resources

    # the shipped file with two values changed (a full dump of every default would pass SSM's 8 KB limit)
    policy = json.loads(resources.files("ackline").joinpath("policy/default_policy.json").read_text(encoding="utf-8"))
    policy["crisis_mode"] = {**policy.get("crisis_mode", {}), "min_negative": 100_000}
    policy["thresholds"] = {**policy.get("thresholds", {}), "author_messages_per_minute": 1000}
    path = folder / "shared-stack-policy.json"
    path.write_text(json.dumps(policy), encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStack]:
    with launch_stack(brand_policy=shared_stack_policy(tmp_path_factory.mktemp("shared-stack"))) as running:
        yield running
