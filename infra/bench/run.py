"""`make bench`: ackline's speed and cost figures, printed as a table and written to bench/results.json.

One run, on this machine, through the local stack (moto's server, the HTTP gateway emulator, the SQS pollers and
the platform sandbox, all in this process). Every figure says what it measures:

- ingest vs the floor: the webhook's answer time over HTTP against the least any design must do on the same moto
  (one conditional PutItem and one SQS SendMessage, from this process), for praise and for complaints;
- webhook -> reply at the platform sandbox, single messages one after another;
- a burst of 500 comments from 50 authors (sent from 8 threads), until every one is answered, and how many got no
  reply or more than one;
- one maximal Meta delivery (1,000 updates) answered over HTTP;
- each handler's import time beyond boto3's, in fresh interpreters, with and without .pyc;
- per praise and per complaint: AWS requests, DynamoDB capacity units (computed as DynamoDB bills them, see
  meter.py), Lambda invocations and milliseconds, CloudWatch log bytes, and the dollars per million at the list
  prices in prices.py.

moto is far slower than DynamoDB, so latencies here are upper bounds; requests and units are what AWS bills.
Nothing here asserts: figures only.
"""

from __future__ import annotations

import argparse
import functools
import io
import json
import logging
import math
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, redirect_stdout
from importlib import resources
from pathlib import Path
from typing import Any

import imports
from meter import AwsMeter, Tally
from prices import LAMBDA_PLATFORM_LOG_BYTES_PER_INVOCATION, PRICES_USD, cost_per_interaction

from ackline_local.bench import bench_domain, bench_language, big_delivery
from ackline_local.lambda_runtime import LambdaTarget
from ackline_local.poller import RECEIVE_WAIT_SECONDS
from ackline_local.stack import LocalStack
from ackline_local.webhooks import facebook_feed_comment, signed_meta_request

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "bench" / "results.json"
PRAISE = "Love this, thank you so much!"
COMPLAINT = "My order arrived broken, really disappointed"
FLOOD_TEXT = "hello? hello? anyone there"
FLOOD_CUSTOMER = "Thank you, the new one works perfectly"
BURST_AUTHOR_LIMIT = 60  # comments a minute per author (see bench_policy)
# Lambda's active tracing samples the first request each second and 5% of the rest; at volume, 5%.
LAMBDA_TRACE_SAMPLING = 0.05


def _local_only_keys() -> re.Pattern[str]:
    """The local stack stamps every function's lines with its Lambda keys so its one shared output can be told
    apart (ackline_local.logs); in Lambda the functions drop these (lambda_entry.REDUNDANT_LOG_KEYS), so they are
    not counted. Imported once the stack runs: importing ackline builds Powertools' logger and metrics from the
    environment, which the stack sets as Lambda would."""
    from ackline.lambda_entry import REDUNDANT_LOG_KEYS

    return re.compile(',"(?:' + "|".join(REDUNDANT_LOG_KEYS) + r')":(?:"[^"]*"|\d+)')


class _LogSink(io.TextIOBase):
    """Stands in for the functions' stdout (CloudWatch Logs in Lambda): counts the bytes Lambda would ingest, keeps
    none."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.bytes = 0
        self.lines = 0
        self.local_only: re.Pattern[str] | None = None  # set once the stack runs (see _local_only_keys)

    def write(self, text: str) -> int:
        with self._lock:
            counted = self.local_only.sub("", text) if self.local_only else text
            self.bytes += len(counted.encode("utf-8"))
            self.lines += text.count("\n")
        return len(text)

    def take(self) -> tuple[int, int]:
        with self._lock:
            taken, self.bytes, self.lines = (self.bytes, self.lines), 0, 0
        return taken


def _pct(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return round(ordered[min(len(ordered) - 1, math.ceil(pct / 100 * len(ordered)) - 1)], 1)


def _percentiles(name: str, values: list[float], pcts: tuple[int, ...]) -> dict[str, float]:
    return {f"{name}_p{p}_ms": _pct(values, p) for p in pcts}


def _ratios(top: list[float], bottom: list[float], pcts: tuple[int, ...]) -> dict[str, float]:
    return {f"ratio_p{p}": round(_pct(top, p) / _pct(bottom, p), 2) for p in pcts}


def _wait(check: Callable[[], Any], timeout: float) -> Any:
    deadline = time.monotonic() + timeout
    while (value := check()) is None and time.monotonic() < deadline:
        time.sleep(0.005)
    return value


def _comment_id(payload: dict[str, Any]) -> str:
    return str(payload["entry"][0]["changes"][0]["value"]["comment_id"])


@contextmanager
def ingest_handler_ms() -> Iterator[list[float]]:
    """Milliseconds each Ingest invocation takes in-process (what Lambda bills), gathered while inside."""
    original = LambdaTarget.invoke
    times: list[float] = []

    def invoke(target: LambdaTarget, event: Any) -> Any:
        started = time.perf_counter()
        try:
            return original(target, event)
        finally:
            if target.logical_id == "IngestFunction":
                times.append((time.perf_counter() - started) * 1000)

    setattr(LambdaTarget, "invoke", invoke)  # noqa: B010
    try:
        yield times
    finally:
        setattr(LambdaTarget, "invoke", original)  # noqa: B010


class Bench:
    def __init__(self, stack: LocalStack, sink: _LogSink) -> None:
        self.stack = stack
        self.sink = sink
        self.sink.local_only = _local_only_keys()
        self.secret = stack.config.meta_app_secret

    def replies(self) -> Counter[str]:
        """Replies the platform sandbox accepted, per comment id."""
        counted: Counter[str] = Counter()
        for call in self.stack.sandbox.calls():
            if call.path.endswith("/comments") and not call.fault:
                counted[call.path.rsplit("/", 2)[-2]] += 1
        return counted

    def reply_time(self, comment_id: str) -> float | None:
        suffix = f"/{comment_id}/comments"
        return next((c.time for c in self.stack.sandbox.calls() if c.path.endswith(suffix) and not c.fault), None)

    def send(self, text: str, author: str, post: str | None = None) -> tuple[str, float, float]:
        """(comment id, seconds since epoch when sent, ms to the webhook's answer)."""
        payload = facebook_feed_comment(text, author_id=author, post_id=post)
        request = signed_meta_request(payload, self.secret)
        started = time.time()
        status, _ = request.send(self.stack.gateway_url, timeout=30)
        if status != 200:
            raise RuntimeError(f"webhook answered {status}")
        return _comment_id(payload), started, (time.time() - started) * 1000

    # --- figures ---------------------------------------------------------------------------------------------

    def floor(self, samples: int) -> list[float]:
        """One conditional PutItem of a small item and one SendMessage, sequential, from this process."""
        session = self.stack.boto3_session()
        ddb = session.client("dynamodb", endpoint_url=self.stack.moto_url)
        sqs = session.client("sqs", endpoint_url=self.stack.moto_url)
        table = self.stack.resources["DataTable"].name
        queue = self.stack.resources["AckQueue"].ref
        times = []
        for i in range(samples):
            started = time.perf_counter()
            ddb.put_item(
                TableName=table,
                Item={"pk": {"S": f"FLOOR#{i}#{time.time_ns()}"}, "sk": {"S": "X"}, "text": {"S": PRAISE}},
                ConditionExpression="attribute_not_exists(pk)",
            )
            sqs.send_message(QueueUrl=queue, MessageBody='{"floor": true}', DelaySeconds=900)
            times.append((time.perf_counter() - started) * 1000)
        return times

    def singles(self, text: str, samples: int) -> tuple[list[float], list[float]]:
        """Webhook answer ms and webhook -> reply ms, one message at a time, each from its own author."""
        answers, e2e = [], []
        for i in range(samples):
            comment, started, answer_ms = self.send(text, author=f"9{i:08d}")
            answers.append(answer_ms)
            replied = _wait(functools.partial(self.reply_time, comment), 15)
            if replied is not None:
                e2e.append((replied - started) * 1000)
        return answers, e2e

    def metered(self, meter: AwsMeter, text: str, samples: int) -> tuple[Tally, int, int]:
        """What `samples` messages cost, once everything they caused (replies, follow-ups) has settled."""
        meter.reset()
        self.sink.take()
        for i in range(samples):
            comment, _, _ = self.send(text, author=f"6{i:08d}")
            _wait(functools.partial(self.reply_time, comment), 15)
        # settled: no invocation for two seconds (the follow-ups of complaints run after the reply)
        seen, quiet_since = -1, time.monotonic()
        while time.monotonic() - quiet_since < 2.0:
            now = sum(meter.tally.invocations.values())
            if now != seen:
                seen, quiet_since = now, time.monotonic()
            time.sleep(0.1)
        log_bytes, log_lines = self.sink.take()
        return meter.reset(), log_bytes, log_lines

    def burst(self, comments: int = 500, authors: int = 50, timeout: float = 300) -> dict[str, Any]:
        self.stack.sandbox.reset_calls()
        posts = {a: f"{100000 + a}_{time.time_ns() % 10**12}" for a in range(authors)}
        texts = (PRAISE, COMPLAINT, "Is the store open on Sunday?", "Great service today 👍")
        jobs = [(texts[i % len(texts)], f"5{i % authors:08d}", posts[i % authors]) for i in range(comments)]
        started = time.time()
        with ThreadPoolExecutor(max_workers=8) as pool:
            sent = [comment for comment, _, _ in pool.map(lambda job: self.send(*job), jobs)]
        accepted_s = time.time() - started
        wanted = set(sent)
        last_progress, answered = time.monotonic(), 0
        while time.monotonic() - started < timeout and time.monotonic() - last_progress < 30:
            now = len(wanted & set(self.replies()))
            if now != answered:
                answered, last_progress = now, time.monotonic()
            if answered == len(wanted):
                break
            time.sleep(0.1)
        times = [c.time for c in self.stack.sandbox.calls() if c.path.rsplit("/", 2)[-2] in wanted]
        done_s = (max(times) - started) if times and answered == len(wanted) else None
        time.sleep(2.0)  # a late second reply would show here
        per_comment = self.replies()
        return {
            "comments": comments,
            "authors": authors,
            "all_webhooks_answered_s": round(accepted_s, 2),
            "all_replied_s": round(done_s, 2) if done_s is not None else None,
            "replied": len(wanted & set(per_comment)),
            "zero_replies": sum(1 for c in wanted if per_comment[c] == 0),
            "two_or_more_replies": sum(1 for c in wanted if per_comment[c] >= 2),
        }

    def customers(self, count: int, until: Callable[[], bool] | None = None) -> list[float]:
        """webhook -> reply ms of customers writing one at a time (each after the last one's reply): `count` of them,
        or, given `until`, as many as start before `until()` turns true (at least one)."""
        times: list[float] = []
        while (len(times) < count) if until is None else not (times and until()):
            comment, started, _ = self.send(FLOOD_CUSTOMER, author=f"4{time.time_ns() % 10**12:012d}")
            replied = _wait(functools.partial(self.reply_time, comment), 60)
            if replied is None:
                raise RuntimeError(f"customer comment {comment} got no reply in 60 s")
            times.append((replied - started) * 1000)
        return times

    def flood(self, customers: int = 20, messages: int = 1000) -> dict[str, Any]:
        """Issue 10's flood: one author's `messages` arrive as Meta delivers them (batches of 50, back to back, from
        another thread) while customers write one at a time; their webhook -> reply times against the same
        customers' without the flood."""
        self.customers(2)  # the functions' cold starts belong to neither side
        quiet = self.customers(customers)
        flooder, batch = f"3{time.time_ns() % 10**10:010d}", 50
        done, finished = threading.Event(), list[float]()  # when the flood's last delivery was answered

        def flood() -> None:
            try:
                for _ in range(max(1, messages // batch)):
                    payload = facebook_feed_comment(FLOOD_TEXT, author_id=flooder)
                    for _ in range(batch - 1):
                        payload["entry"].extend(facebook_feed_comment(FLOOD_TEXT, author_id=flooder)["entry"])
                    status, _ = signed_meta_request(payload, self.secret).send(self.stack.gateway_url, timeout=120)
                    if status != 200:
                        raise RuntimeError(f"flood delivery answered {status}")
            finally:
                finished.append(time.monotonic())
                done.set()

        flooding, began = threading.Thread(target=flood, daemon=True), time.monotonic()
        flooding.start()
        # only customers who wrote while the flood was arriving count (the last may finish just after it)
        flooded = self.customers(customers, until=done.is_set)
        flooding.join()
        return {
            "flood_s": round(finished[0] - began, 2),
            "flood_messages": batch * max(1, messages // batch),
            "quiet_customers": len(quiet),
            "flood_customers": len(flooded),
            **_percentiles("quiet", quiet, (50, 95)),
            **_percentiles("flood", flooded, (50, 95)),
            **_ratios(flooded, quiet, (50, 95)),
        }

    def delivery(self, updates: int = 1000) -> float | int:
        request = signed_meta_request(big_delivery(updates, PRAISE), self.secret)
        started = time.time()
        status, _ = request.send(self.stack.gateway_url, timeout=300)
        return round(time.time() - started, 2) if status == 200 else status


def bench_policy(folder: Path) -> Path:
    """The shipped policy with two thresholds moved out of the way, nothing else changed:
    - the abuse shield's per-author limit at BURST_AUTHOR_LIMIT: the burst sends each of its authors 10 comments
      within seconds, over the shipped 6 a minute, and the figure is about answering them all (a brand running a
      giveaway raises the limit the same way);
    - crisis mode off: the single messages are a hundred complaints to one Page within minutes, which is a crisis
      wave under the shipped thresholds, and the complaint figures would then be crisis mode's holding statement.
    The flood figure runs on a stack of its own with the shipped policy."""
    policy = json.loads(resources.files("ackline").joinpath("policy/default_policy.json").read_text(encoding="utf-8"))
    policy["thresholds"] = {**policy.get("thresholds", {}), "author_messages_per_minute": BURST_AUTHOR_LIMIT}
    policy["crisis_mode"] = {**policy.get("crisis_mode", {}), "min_negative": 100_000}
    path = folder / "bench-policy.json"
    path.write_text(json.dumps(policy), encoding="utf-8")
    return path


def trace_sampling_rate(stack: LocalStack) -> float:
    """Traces per invocation: Lambda's own sampling (its rate cannot be configured) under `Tracing: Active`; none
    under PassThrough, since an HTTP API sends no trace header. Read from the template, parameter defaults
    resolved (every function's TracingConfig, as SAM merged Globals into it)."""
    defaults = stack.template.parameter_defaults()
    modes = set()
    for function in stack.template.functions:
        mode = (function.properties.get("TracingConfig") or {}).get("Mode", "PassThrough")
        if isinstance(mode, dict) and "Ref" in mode:
            mode = defaults.get(mode["Ref"], "PassThrough")
        modes.add(mode)
    return LAMBDA_TRACE_SAMPLING if "Active" in modes else 0.0


def per_interaction(tally: Tally, samples: int, log_bytes: int, sampling: float) -> dict[str, Any]:
    ddb = {op.split(".", 1)[1]: n / samples for op, n in tally.requests.items() if op.startswith("dynamodb.")}
    sqs = {op.split(".", 1)[1]: n / samples for op, n in tally.requests.items() if op.startswith("sqs.")}
    invocations = sum(tally.invocations.values())
    gb_s = sum(
        sum(math.ceil(ms) for ms in times) / 1000 * tally.memory_mb[name] / 1024
        for name, times in tally.invocation_ms.items()
    )
    logs = log_bytes + invocations * LAMBDA_PLATFORM_LOG_BYTES_PER_INVOCATION
    counts = {
        "dynamodb_write_request_unit": (tally.write_units + tally.index_write_units) / samples,
        "dynamodb_read_request_unit": tally.read_units / samples,
        "sqs_request": sum(sqs.values()),
        "lambda_request": invocations / samples,
        "lambda_arm64_gb_second": gb_s / samples,
        "http_api_request": 1.0,
        "cloudwatch_logs_ingested_gb": logs / samples / 1e9,
        "xray_trace_recorded": invocations / samples * sampling,
    }
    dollars = cost_per_interaction(counts)
    return {
        "dynamodb_requests": {k: round(v, 2) for k, v in sorted(ddb.items())},
        "sqs_requests": {k: round(v, 2) for k, v in sorted(sqs.items())},
        "ddb_write_units": round(counts["dynamodb_write_request_unit"], 2),
        "ddb_write_units_table": round(tally.write_units / samples, 2),
        "ddb_write_units_indexes": round(tally.index_write_units / samples, 2),
        "ddb_write_units_by_item": {k: round(v / samples, 2) for k, v in sorted(tally.write_units_by.items())},
        "ddb_index_write_units_by_index": {
            k: round(v / samples, 2) for k, v in sorted(tally.index_write_units_by.items())
        },
        "ddb_read_units": round(counts["dynamodb_read_request_unit"], 2),
        "largest_item_written_bytes": max(tally.written_item_bytes, default=0),
        "lambda_invocations": {k: round(v / samples, 2) for k, v in sorted(tally.invocations.items())},
        "lambda_ms_mean": {k: round(statistics.mean(v), 1) for k, v in sorted(tally.invocation_ms.items())},
        "log_bytes": round(logs / samples),
        "log_bytes_functions": round(log_bytes / samples),
        "counts": {k: round(v, 9) for k, v in counts.items()},
        "usd_per_million_by_line": {k: round(v * 1e6, 3) for k, v in dollars.items()},
        "usd_per_million": round(sum(dollars.values()) * 1e6, 2),
    }


def run(args: argparse.Namespace) -> dict[str, Any]:
    samples, metered_samples = args.samples, args.metered
    figures: dict[str, Any] = {"machine": {"cpus": _cpus(), "python": sys.version.split()[0]}}
    print("imports: fresh interpreters per handler …", file=sys.stderr)
    figures["imports"] = {} if args.skip_imports else imports.measure(rounds=args.import_rounds)
    figures["domain"] = bench_domain()
    figures["language"] = bench_language()
    sink = _LogSink()
    with (
        tempfile.TemporaryDirectory() as folder,
        redirect_stdout(sink),
        LocalStack(
            port=0, sandbox_port=0, name_prefix="ackline-bench", brand_policy=bench_policy(Path(folder))
        ) as stack,
    ):
        bench = Bench(stack, sink)
        sampling = trace_sampling_rate(stack)
        print("warming up, floor, single messages …", file=sys.stderr)
        bench.singles(PRAISE, 2)
        bench.singles(COMPLAINT, 2)
        floor = bench.floor(samples)
        with ingest_handler_ms() as praise_handler:
            praise_answer, praise_e2e = bench.singles(PRAISE, samples)
        with ingest_handler_ms() as complaint_handler:
            complaint_answer, complaint_e2e = bench.singles(COMPLAINT, samples)
        for kind, answers, handler in (
            ("praise", praise_answer, praise_handler),
            ("complaint", complaint_answer, complaint_handler),
        ):
            # the ratio compares like with like: the Ingest handler's own time against the floor's two calls, both
            # in this process against the same moto; the HTTP answer adds the emulated gateway's hop
            figures[f"ingest_{kind}"] = {
                **_percentiles("handler", handler, (50, 99)),
                **_percentiles("floor", floor, (50, 99)),
                **_ratios(handler, floor, (50, 99)),
                **_percentiles("http_answer", answers, (50, 99)),
            }
        e2e = praise_e2e + complaint_e2e
        figures["e2e"] = {
            "samples": len(e2e),
            "of_sent": 2 * samples,
            "p50_ms": _pct(e2e, 50),
            "p99_ms": _pct(e2e, 99),
            "praise_p50_ms": _pct(praise_e2e, 50),
            "praise_p99_ms": _pct(praise_e2e, 99),
            "complaint_p50_ms": _pct(complaint_e2e, 50),
            "complaint_p99_ms": _pct(complaint_e2e, 99),
        }
        print("metering AWS requests and units …", file=sys.stderr)
        meter = AwsMeter(stack.boto3_session(), stack.moto_url, [stack.resources["DataTable"].name])
        with meter.running():
            time.sleep(RECEIVE_WAIT_SECONDS + 0.5)  # long polls begun before the meter came in have returned
            for kind, text in (("praise", PRAISE), ("complaint", COMPLAINT)):
                tally, log_bytes, _lines = bench.metered(meter, text, metered_samples)
                figures[f"per_{kind}"] = per_interaction(tally, metered_samples, log_bytes, sampling)
        print("burst of 500 …", file=sys.stderr)
        figures["burst500"] = bench.burst(args.burst, max(1, args.burst // 10))
        print("1,000-update delivery …", file=sys.stderr)
        figures["delivery1000_answered_s"] = bench.delivery(args.delivery)
        figures["delivery_updates"] = args.delivery
    if args.flood:
        print("a flood from one author while others write (its own stack, the shipped shield) …", file=sys.stderr)
        figures["flood"] = flood_in_fresh_process(args.flood)
    figures["xray_sampling_rate"] = sampling
    figures["prices_usd"] = dict(PRICES_USD)
    return figures


def flood_in_fresh_process(messages: int) -> dict[str, Any]:
    """The flood on a stack of its own, with the shipped policy, in a fresh interpreter: the functions keep their
    AWS clients for the life of their container (the process here), bound to the first stack's endpoints."""
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "flood.json"
        subprocess.run([sys.executable, __file__, "--flood-only", str(messages), "--out", str(out)], check=True)
        return dict(json.loads(out.read_text(encoding="utf-8")))


def flood_only(messages: int, out: Path) -> None:
    with redirect_stdout(_LogSink()) as sink, LocalStack(port=0, sandbox_port=0, name_prefix="ackline-flood") as stack:
        figures = Bench(stack, sink).flood(messages=messages)
    out.write_text(json.dumps(figures), encoding="utf-8")


def _cpus() -> int:
    import os

    return os.cpu_count() or 0


def headline(figures: dict[str, Any]) -> dict[str, Any]:
    praise, complaint = figures["per_praise"]["usd_per_million"], figures["per_complaint"]["usd_per_million"]
    return {
        "cost_per_million_praise": praise,
        "cost_per_million_complaint": complaint,
        "cost_per_million_mix": round((praise + complaint) / 2, 2),
        "ddb_write_units_praise": figures["per_praise"]["ddb_write_units"],
        "ddb_write_units_complaint": figures["per_complaint"]["ddb_write_units"],
        "import_ms_beyond_boto3": {k: v["beyond_boto3_ms_with_pyc"] for k, v in figures["imports"].items()},
        "import_ms_beyond_boto3_without_pyc": {
            k: v["beyond_boto3_ms_without_pyc"] for k, v in figures["imports"].items()
        },
        "ingest_vs_floor_praise": figures["ingest_praise"]["ratio_p50"],
        "ingest_vs_floor_complaint": figures["ingest_complaint"]["ratio_p50"],
        "e2e_p50_ms": figures["e2e"]["p50_ms"],
        "e2e_p99_ms": figures["e2e"]["p99_ms"],
        "burst500_s": figures["burst500"]["all_replied_s"],
        "burst500_zero_or_double": figures["burst500"]["zero_replies"] + figures["burst500"]["two_or_more_replies"],
        "delivery1000_s": figures["delivery1000_answered_s"],
        "flood_vs_quiet_p50": figures["flood"]["ratio_p50"] if "flood" in figures else None,
        "log_bytes_per_interaction": round(
            (figures["per_praise"]["log_bytes"] + figures["per_complaint"]["log_bytes"]) / 2
        ),
    }


def table(results: dict[str, Any]) -> str:
    h, f = results["headline"], results["figures"]
    rows = [
        (
            "$ per 1M interactions: praise / complaint / 50-50 mix",
            "{} / {} / {}".format(
                h["cost_per_million_praise"], h["cost_per_million_complaint"], h["cost_per_million_mix"]
            ),
        ),
        (
            "DynamoDB write units: praise / complaint (table + indexes)",
            "{} ({} + {}) / {} ({} + {})".format(
                h["ddb_write_units_praise"],
                f["per_praise"]["ddb_write_units_table"],
                f["per_praise"]["ddb_write_units_indexes"],
                h["ddb_write_units_complaint"],
                f["per_complaint"]["ddb_write_units_table"],
                f["per_complaint"]["ddb_write_units_indexes"],
            ),
        ),
        (
            "DynamoDB read units: praise / complaint",
            "{} / {}".format(f["per_praise"]["ddb_read_units"], f["per_complaint"]["ddb_read_units"]),
        ),
        (
            "largest item written, bytes: praise / complaint",
            "{} / {}".format(
                f["per_praise"]["largest_item_written_bytes"], f["per_complaint"]["largest_item_written_bytes"]
            ),
        ),
        ("DynamoDB requests per praise", json.dumps(f["per_praise"]["dynamodb_requests"])),
        ("DynamoDB requests per complaint", json.dumps(f["per_complaint"]["dynamodb_requests"])),
        (
            "SQS requests per praise / complaint",
            "{} / {}".format(
                json.dumps(f["per_praise"]["sqs_requests"]), json.dumps(f["per_complaint"]["sqs_requests"])
            ),
        ),
        (
            "Lambda invocations per praise / complaint",
            "{} / {}".format(
                json.dumps(f["per_praise"]["lambda_invocations"]), json.dumps(f["per_complaint"]["lambda_invocations"])
            ),
        ),
        (
            "log bytes per interaction (functions + Lambda's own lines)",
            "praise {} / complaint {}".format(f["per_praise"]["log_bytes"], f["per_complaint"]["log_bytes"]),
        ),
    ]
    for kind in ("praise", "complaint"):
        i = f[f"ingest_{kind}"]
        rows.append(
            (
                f"ingest {kind}: handler p50/p99 vs floor p50/p99 (ratio)",
                f"{i['handler_p50_ms']}/{i['handler_p99_ms']} ms vs {i['floor_p50_ms']}/{i['floor_p99_ms']} ms"
                f" ({i['ratio_p50']}x / {i['ratio_p99']}x); over HTTP {i['http_answer_p50_ms']}/"
                f"{i['http_answer_p99_ms']} ms",
            )
        )
    e = f["e2e"]
    rows += [
        (
            "webhook -> reply, single messages p50 / p99",
            f"{e['p50_ms']} / {e['p99_ms']} ms ({e['samples']} of {e['of_sent']} replied)",
        ),
        (
            f"burst: {f['burst500']['comments']} comments from {f['burst500']['authors']} authors, all replied"
            f" (shield {BURST_AUTHOR_LIMIT}/min/author)",
            f"{h['burst500_s']} s (webhooks answered in"
            f" {f['burst500']['all_webhooks_answered_s']} s); 0 or 2+ replies: {h['burst500_zero_or_double']}",
        ),
        (f"{f['delivery_updates']:,}-update Meta delivery answered", f"{h['delivery1000_s']} s"),
    ]
    if "flood" in f:
        flood = f["flood"]
        rows.append(
            (
                f"customers' webhook -> reply p50 / p95: quiet vs during a {flood['flood_messages']:,}-message flood",
                f"{flood['quiet_p50_ms']} / {flood['quiet_p95_ms']} ms vs {flood['flood_p50_ms']} /"
                f" {flood['flood_p95_ms']} ms ({flood['ratio_p50']}x / {flood['ratio_p95']}x;"
                f" {flood['quiet_customers']} and {flood['flood_customers']} customers, all replied; the flood took"
                f" {flood['flood_s']} s)",
            )
        )
    for name, row in f["imports"].items():
        rows.append(
            (
                f"import {name}: beyond boto3, with / without .pyc",
                f"{row['beyond_boto3_ms_with_pyc']} / {row['beyond_boto3_ms_without_pyc']} ms (boto3 itself"
                f" {row['boto3_ms_with_pyc']} ms)",
            )
        )
    width = max(len(r[0]) for r in rows)
    return "\n".join(f"{label.ljust(width)}  {value}" for label, value in rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make bench", description=__doc__)
    parser.add_argument("--samples", type=int, default=50, help="single messages of each kind (and floor pairs)")
    parser.add_argument("--metered", type=int, default=10, help="messages of each kind metered for cost")
    parser.add_argument("--import-rounds", type=int, default=3, help="fresh interpreters per handler and mode")
    parser.add_argument("--burst", type=int, default=500, help="comments in the burst (from a tenth as many authors)")
    parser.add_argument("--delivery", type=int, default=1000, help="updates in the one big Meta delivery")
    parser.add_argument("--flood", type=int, default=1000, help="messages from one author in the flood (0: none)")
    parser.add_argument("--flood-only", type=int, default=0, help=argparse.SUPPRESS)  # see flood_in_fresh_process
    parser.add_argument("--skip-imports", action="store_true", help="leave out the import-time figures")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    if args.flood_only:
        flood_only(args.flood_only, args.out)
        return 0
    figures = run(args)
    results: dict[str, Any] = {
        "headline": headline(figures),
        "figures": figures,
        "measured_at": time.strftime("%Y-%m-%dT%H:%MZ"),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({**results["headline"], **results}, indent=2) + "\n", encoding="utf-8")
    print(table(results))
    print(f"\nwritten: {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
