"""`make soak` / `python -m ackline_local.soak`: drive the local stack with signed webhooks at a steady rate and
print its memory (RSS) over time, to show it stays bounded over a long `make dev`.

By default it starts its own stack (`python -m ackline_local` on free ports, state in memory; `--state-dir` keeps
it there, from empty, as `make dev` does) and stops it at the end; `--gateway URL --pid PID --moto URL` drives a
stack that is already running (`make dev` prints its URLs; its process id is the `python -m ackline_local` one).
The load is Facebook comments, each under its own post: alternately
praise (a reply), complaints (a reply, a case opened with a transaction) and questions (a reply and a case), and
every tenth from an author seen before (the case grows). It stops by itself after `--minutes` or `--requests`,
whichever comes first, and only ever sends to the loopback gateway it was given.

Memory is reported as growth per 1,000 webhooks after a warm-up, next to what the stack legitimately keeps: the
items it stored (moto holds every item in memory, as DynamoDB keeps them on disk), so a leak shows as growth well
beyond what the stored data explains.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ackline_local.config import load_config
from ackline_local.webhooks import facebook_feed_comment, signed_meta_request

READY = "ACKLINE_READY "
TEXTS = (
    "Love the new colours, great work!",
    "My order arrived broken and nobody answers, really disappointed",
    "Do you ship to Canada? How long does it take?",
)


def rss_mb(pid: int) -> float:
    """The process's resident set size in MB (Linux /proc)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


@dataclass
class SoakReport:
    """What a soak measured; `growth_per_1000` is RSS growth per 1,000 webhooks after the warm-up."""

    sent: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    samples: list[tuple[float, int, float]] = field(default_factory=list)  # (seconds, webhooks sent, RSS MB)
    warm: tuple[int, float] | None = None  # (webhooks sent, RSS MB) when the warm-up ended

    @property
    def growth_per_1000(self) -> float | None:
        if self.warm is None or not self.samples:
            return None
        _, sent, rss = self.samples[-1]
        if sent <= self.warm[0]:
            return None
        return (rss - self.warm[1]) / (sent - self.warm[0]) * 1000


def soak(
    gateway: str,
    pid: int,
    *,
    app_secret: str,
    rate: float = 20.0,
    seconds: float = 60.0,
    max_requests: int | None = None,
    warmup: int = 300,
    report_every: float = 30.0,
    senders: int = 16,
    out: Callable[[str], None] = print,
) -> SoakReport:
    """Send webhooks at `rate` per second until `seconds` pass or `max_requests` are sent; sample RSS as it goes."""
    report = SoakReport()
    lock = threading.Lock()
    started = time.monotonic()
    stop = threading.Event()
    next_index = iter(range(max_requests if max_requests is not None else sys.maxsize))
    # one slot every 1/rate seconds, shared by the sender threads, so the rate holds whatever one request costs
    interval = 1.0 / rate

    def sender() -> None:
        while not stop.is_set():
            with lock:
                index = next(next_index, None)
            if index is None:
                return
            due = started + index * interval
            if due - started > seconds or time.monotonic() - started > seconds:
                return  # time is up, whether or not the stack kept up with the rate
            delay = due - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            status = _send_one(gateway, app_secret, index)
            with lock:
                report.sent += 1
                report.statuses[status] += 1

    threads = [threading.Thread(target=sender, daemon=True) for _ in range(senders)]
    for thread in threads:
        thread.start()
    last_report = started
    while any(thread.is_alive() for thread in threads):
        time.sleep(0.5)
        now = time.monotonic()
        with lock:
            sent = report.sent
        if report.warm is None and sent >= warmup:
            report.warm = (sent, rss_mb(pid))
            out(f"warm-up done after {sent} webhooks: RSS {report.warm[1]:.0f} MB")
        if now - last_report >= report_every:
            last_report = now
            _sample(report, pid, now - started, sent, out)
    stop.set()
    _sample(report, pid, time.monotonic() - started, report.sent, out)
    return report


def _sample(report: SoakReport, pid: int, elapsed: float, sent: int, out: Callable[[str], None]) -> None:
    rss = rss_mb(pid)
    report.samples.append((elapsed, sent, rss))
    growth = report.growth_per_1000
    ok = sum(n for status, n in report.statuses.items() if 200 <= status < 300)
    line = f"{elapsed:7.0f} s  {sent:7d} webhooks  {ok:7d} 2xx  RSS {rss:7.0f} MB"
    if growth is not None:
        line += f"  ({growth:+.1f} MB per 1,000 since warm-up)"
    out(line)


_AUTHORS: list[str] = []
PLATFORM_ATTEMPTS = 3  # a webhook and the platform's redeliveries of it (Meta retries for hours; three is enough here)
RETRIES_SEEN: list[int] = []  # which webhooks needed a redelivery (the stack answered 5xx or not at all)


def _send_one(gateway: str, app_secret: str, index: int) -> int:
    if index % 10 == 9 and _AUTHORS:
        author = _AUTHORS[index % len(_AUTHORS)]  # someone seen before: their open case grows
    else:
        author = f"9{index:011d}"
        if len(_AUTHORS) < 200:
            _AUTHORS.append(author)
    payload = facebook_feed_comment(TEXTS[index % len(TEXTS)], author_id=author, author_name="Sam Lee")
    request = signed_meta_request(payload, app_secret)
    # As the platform does: a webhook answered 5xx (or not at all) is delivered again, so a stack that is behind
    # answers 503 and stores it on the retry. The final answer is what counts; RETRIES_SEEN says how often.
    status = 0
    for attempt in range(PLATFORM_ATTEMPTS):
        if attempt:
            RETRIES_SEEN.append(index)
            time.sleep(attempt)
        try:
            status = request.send(gateway, timeout=30)[0]
        except OSError:
            status = 0
        if 200 <= status < 500:
            return status
    return status


def stored_items(moto_url: str) -> int | None:
    """How many items the stack's table holds (what moto legitimately keeps in memory)."""
    try:
        import boto3

        dynamodb = boto3.client(
            "dynamodb",
            endpoint_url=moto_url,
            region_name="us-east-1",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",  # noqa: S106 - moto's dummy credentials
        )
        [table] = [t for t in dynamodb.list_tables()["TableNames"] if t.endswith("DataTable")]
        total = 0
        for page in dynamodb.get_paginator("scan").paginate(TableName=table, Select="COUNT"):
            total += page["Count"]
        return total
    except Exception:
        return None


def start_stack(extra_args: list[str] | None = None) -> tuple[subprocess.Popen[str], dict[str, Any]]:
    """`python -m ackline_local` on free ports; returns the process and its ready line."""
    command = [sys.executable, "-m", "ackline_local", "--port", "0", "--visibility-scale", "0.05", *(extra_args or [])]
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "BRAND_POLICY_FILE": ""},
    )
    assert process.stdout is not None
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        if line.startswith(READY):
            # keep draining its output (a full pipe would block the stack)
            threading.Thread(target=lambda: [None for _ in process.stdout or []], daemon=True).start()
            return process, json.loads(line[len(READY) :])
    process.kill()
    raise RuntimeError("the local stack did not start")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ackline_local.soak", description=__doc__)
    parser.add_argument("--minutes", type=float, default=30.0, help="how long to run (default 30)")
    parser.add_argument("--rate", type=float, default=20.0, help="webhooks per second (default 20)")
    parser.add_argument("--requests", type=int, default=None, help="stop after this many webhooks")
    parser.add_argument("--warmup", type=int, default=500, help="webhooks before growth is measured (default 500)")
    parser.add_argument("--report-every", type=float, default=60.0, help="seconds between lines (default 60)")
    parser.add_argument("--gateway", default=None, help="drive this running stack instead of starting one")
    parser.add_argument("--pid", type=int, default=None, help="with --gateway: the stack's process id (for RSS)")
    parser.add_argument("--moto", default=None, help="with --gateway: its moto URL (to count stored items)")
    parser.add_argument(
        "--state-dir", type=Path, default=None, help="start the stack with this state dir, as `make dev` does"
    )
    args = parser.parse_args(argv)
    if (args.gateway is None) != (args.pid is None):
        parser.error("--gateway and --pid go together")
    if args.gateway is not None and not args.gateway.startswith(("http://127.", "http://localhost")):
        parser.error("the soak only drives a stack on the loopback interface")
    config = load_config()
    process = None
    if args.gateway is None:
        process, ready = start_stack(["--state-dir", str(args.state_dir), "--reset"] if args.state_dir else None)
        gateway, pid, moto = ready["gateway"], process.pid, ready["moto"]
    else:
        gateway, pid, moto = args.gateway, args.pid, args.moto
    print(f"soak: {args.rate:g} webhooks/s for up to {args.minutes:g} min against {gateway} (pid {pid})", flush=True)
    try:
        report = soak(
            gateway,
            pid,
            app_secret=config.meta_app_secret,
            rate=args.rate,
            seconds=args.minutes * 60,
            max_requests=args.requests,
            warmup=args.warmup,
            report_every=args.report_every,
            out=lambda line: print(line, flush=True),
        )
        items = stored_items(moto) if moto else None
    finally:
        if process is not None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
    growth = report.growth_per_1000
    statuses = ", ".join(f"{status or 'no answer'}: {n}" for status, n in sorted(report.statuses.items()))
    elapsed = report.samples[-1][0] if report.samples else 0.0
    achieved = report.sent / elapsed if elapsed else 0.0
    print(f"\nwebhooks sent: {report.sent} in {elapsed:.0f} s = {achieved:.1f}/s ({statuses})")
    print(f"redeliveries after a 5xx or no answer: {len(RETRIES_SEEN)}")
    if report.warm and report.samples:
        print(
            f"RSS: {report.warm[1]:.0f} MB after {report.warm[0]} webhooks -> {report.samples[-1][2]:.0f} MB at the end"
        )
    if growth is not None:
        print(f"growth: {growth:.1f} MB per 1,000 webhooks after the warm-up")
    if items is not None:
        print(f"items stored in DynamoDB (held in moto's memory): {items}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
