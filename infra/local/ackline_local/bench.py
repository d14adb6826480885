"""`make bench`: the speed, request and memory figures of the walking skeleton, printed, never asserted.

Three kinds of figure, each labelled with what it really measures:
- pure domain cost (normalising a 1,000-update Meta delivery, triage per message) — what Lambda pays;
- webhook-to-reply latency through the local stack (moto, the HTTP gateway emulator, the SQS poller,
  the platform sandbox) — an upper bound on ackline's own overhead, since moto is far slower than AWS;
- DynamoDB and SQS requests per interaction, counted at the boto3 client — the basis of the cost model
  (moto's milliseconds say nothing about DynamoDB's, so requests, not time, are the cost unit).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import logging
import resource
import statistics
import time
from collections import Counter
from typing import Any

from ackline.contracts.meta import parse_meta_delivery
from ackline.domain.language import detect_language, ngram_model
from ackline.domain.triage import rule_cues, triage
from ackline_local.stack import LocalStack
from ackline_local.webhooks import facebook_feed_comment, meta_json_bytes, signed_meta_request


def _percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def big_delivery(updates: int, text: str = "My parcel arrived broken, really disappointed") -> dict[str, Any]:
    """One Page delivery carrying `updates` comments (Meta batches up to 1,000), each with its own id."""
    first = facebook_feed_comment(text)
    entry = first["entry"][0]
    change = entry["changes"][0]
    changes = []
    for i in range(updates):
        value = dict(change["value"], comment_id=f"{change['value']['post_id'].split('_')[-1]}_{i}")
        value["from"] = {"id": f"8{i:08d}", "name": "Dana Rivers"}
        changes.append({"field": "feed", "value": value})
    return {"object": "page", "entry": [dict(entry, changes=changes)]}


def bench_domain(updates: int = 1000, rounds: int = 5) -> dict[str, Any]:
    body = meta_json_bytes(big_delivery(updates))
    parse_times, triage_times = [], []
    for _ in range(rounds):
        started = time.perf_counter()
        interactions = parse_meta_delivery(body, time.time())
        parse_times.append(time.perf_counter() - started)
        started = time.perf_counter()
        for interaction in interactions:
            triage(interaction)
        triage_times.append(time.perf_counter() - started)
    return {
        "delivery_updates": updates,
        "delivery_bytes": len(body),
        "parse_ms_per_delivery_median": round(statistics.median(parse_times) * 1000, 2),
        "parse_us_per_update": round(statistics.median(parse_times) / updates * 1e6, 1),
        "triage_us_per_message": round(statistics.median(triage_times) / updates * 1e6, 1),
    }


def bench_triage(rounds: int = 3) -> dict[str, Any]:
    """Triage over the labelled corpus (real message lengths and mixes), warm; and the model's cold load."""
    from importlib import resources

    from ackline.domain.policy import default_policy
    from ackline.domain.triage_model import MODEL_RESOURCE, triage_model
    from ackline_triage.corpus import load
    from ackline_triage.evaluate import _interaction

    blob = resources.files("ackline").joinpath(MODEL_RESOURCE).read_bytes()
    loads = []
    for _ in range(5):
        started = time.perf_counter()
        model = triage_model.__wrapped__()  # the uncached loader: read, gunzip, decode, build the weight table
        loads.append(time.perf_counter() - started)
    policy = default_policy()
    interactions = [_interaction(e, i) for i, e in enumerate(load())]
    for interaction in interactions[:20]:
        triage(interaction, policy)
    per_message: list[float] = []
    predict: list[float] = []
    # CPU time as well as wall time: on a shared machine the wall clock also counts other processes' turns
    cpu_started = time.process_time()
    for _ in range(rounds):
        for interaction in interactions:
            started = time.perf_counter()
            triage(interaction, policy)
            per_message.append(time.perf_counter() - started)
    cpu = (time.process_time() - cpu_started) / (rounds * len(interactions))
    for interaction in interactions:
        cues = rule_cues(interaction.text)  # the rules' reading, which triage has already made when it asks the model
        started = time.perf_counter()
        model.predict(interaction.text, interaction.kind.value, cues)
        predict.append(time.perf_counter() - started)
    return {
        "corpus_messages": len(interactions),
        "triage_cpu_us_per_message_mean": round(cpu * 1e6, 1),
        "triage_us_per_message_warm_median": round(statistics.median(per_message) * 1e6, 1),
        "triage_us_per_message_warm_p95": round(_percentile(per_message, 95) * 1e6, 1),
        "model_predict_us_median": round(statistics.median(predict) * 1e6, 1),
        "model_file_kb": round(len(blob) / 1024, 1),
        "model_weights_kept": len(model.rows),
        "model_cold_load_ms_median": round(statistics.median(loads) * 1000, 1),
    }


class _RequestCounter:
    """Counts AWS API calls by operation at the boto3 clients the handlers use."""

    def __init__(self) -> None:
        self.calls: Counter[str] = Counter()

    def __call__(self, event_name: str, **_: Any) -> None:
        # event_name is "before-call.<service>.<Operation>"
        _hook, service, operation = event_name.split(".", 2)
        self.calls[f"{service}.{operation}"] += 1

    def attach(self) -> None:
        # imported only once the stack has set the functions' environment, as Lambda would before an import
        from ackline import bootstrap

        for client in (bootstrap.dynamodb(), bootstrap.sqs()):
            client.meta.events.register("before-call.*.*", self)


def _wait(check: Any, timeout: float) -> Any:
    deadline = time.monotonic() + timeout
    while (value := check()) is None and time.monotonic() < deadline:
        time.sleep(0.005)
    return value


def _moto_put_latency_ms(stack: LocalStack, puts: int = 100) -> float:
    """What one conditional PutItem costs in moto, sequentially: divides the big delivery's time fairly."""
    client = stack.boto3_session().client("dynamodb", endpoint_url=stack.moto_url)
    table = stack.resources["DataTable"].name
    started = time.perf_counter()
    for i in range(puts):
        client.put_item(
            TableName=table,
            Item={"pk": {"S": f"BENCH#{i}"}, "sk": {"S": "X"}},
            ConditionExpression="attribute_not_exists(pk)",
        )
    return (time.perf_counter() - started) / puts * 1000


def bench_stack(samples: int) -> dict[str, Any]:
    with LocalStack(port=0, sandbox_port=0, name_prefix="ackline-bench") as stack:
        secret = stack.config.meta_app_secret
        counter = _RequestCounter()

        def reply_time(comment_id: str) -> float | None:
            calls = stack.sandbox.calls()
            return next((c.time for c in calls if c.path.endswith(f"/{comment_id}/comments") and not c.fault), None)

        # warm up: imports, SSM parameter cache, boto3 clients (a warm Lambda container has these)
        warm = facebook_feed_comment("Love it!")
        signed_meta_request(warm, secret).send(stack.gateway_url)
        _wait(lambda: reply_time(warm["entry"][0]["changes"][0]["value"]["comment_id"]), 10)
        counter.attach()

        latencies, answer_ms = [], []
        for i in range(samples):
            text = "Love this, thank you!" if i % 2 else "My order arrived broken, really disappointed"
            payload = facebook_feed_comment(text, author_id=f"9{i:08d}")
            request = signed_meta_request(payload, secret)
            started = time.time()
            status, _ = request.send(stack.gateway_url)
            answer_ms.append((time.time() - started) * 1000)
            assert status == 200, status
            replied = _wait(lambda p=payload: reply_time(p["entry"][0]["changes"][0]["value"]["comment_id"]), 10)
            if replied is not None:
                latencies.append((replied - started) * 1000)
        time.sleep(1.0)  # let the follow-ups of the last complaints settle before reading the counters
        calls = dict(sorted(counter.calls.items()))
        # one maximal Meta delivery: the webhook must still be answered within Meta's few seconds
        big = signed_meta_request(big_delivery(1000, "Love it, thank you!"), secret)
        started = time.time()
        big_status, _ = big.send(stack.gateway_url, timeout=60)
        big_answer_ms = (time.time() - started) * 1000
        moto_put_ms = _moto_put_latency_ms(stack)
    per_interaction = {op: round(n / samples, 2) for op, n in calls.items()}
    return {
        "samples": samples,
        "webhook_answer_ms_p50": round(_percentile(answer_ms, 50), 1),
        "webhook_answer_ms_p95": round(_percentile(answer_ms, 95), 1),
        "webhook_to_reply_ms_p50": round(_percentile(latencies, 50), 1),
        "webhook_to_reply_ms_p95": round(_percentile(latencies, 95), 1),
        "webhook_to_reply_ms_max": round(max(latencies), 1),
        "replies_seen": len(latencies),
        "webhook_answer_ms_for_a_1000_update_delivery": round(big_answer_ms, 1) if big_status == 200 else big_status,
        "moto_conditional_put_ms_mean (moto's own speed, for scale)": round(moto_put_ms, 2),
        "aws_requests_per_interaction (half praise, half complaint)": per_interaction,
    }


_LANGUAGE_SAMPLES = {
    "short English": ("still no refund", "@acme_support my wifi keeps dropping", "the app logged me out again"),
    "other languages": (
        "mijn pakket is nog steeds niet binnen",
        "paczka przyszła uszkodzona",
        "çok teşekkürler, harika",
        "il pacco non è ancora arrivato",
        "la aplicación no funciona",
    ),
}


def bench_language(rounds: int = 5, repeats: int = 200) -> dict[str, Any]:
    """The language model's cold-start cost (loading ackline/models/language_ngrams.bin), and detection per
    message."""
    loads = []
    for _ in range(rounds):
        ngram_model.cache_clear()
        started = time.perf_counter()
        ngram_model()
        loads.append((time.perf_counter() - started) * 1000)
    figures: dict[str, Any] = {"model_load_ms (once per container)": round(statistics.median(loads), 1)}
    for label, texts in _LANGUAGE_SAMPLES.items():
        started = time.perf_counter()
        for _ in range(repeats):
            for text in texts:
                detect_language(text)
        figures[f"detect_us_per_message ({label})"] = round(
            (time.perf_counter() - started) / repeats / len(texts) * 1e6
        )
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ackline_local.bench", description=__doc__)
    parser.add_argument("--samples", type=int, default=40, help="webhooks sent through the local stack")
    parser.add_argument("--domain-only", action="store_true", help="skip the local stack (no moto, no emulators)")
    args = parser.parse_args(argv)
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    figures: dict[str, Any] = {"domain (pure Python, this machine)": bench_domain()}
    figures["language detection (pure Python, this machine)"] = bench_language()
    figures["triage on the labelled corpus (rules + model, warm) and the model's cold load"] = bench_triage()
    if args.domain_only:
        print(json.dumps(figures, indent=2))
        return 0
    # the handlers' structured logs and metrics go to stdout, as in Lambda; keep them out of the figures
    with contextlib.redirect_stdout(io.StringIO()):
        figures["local stack (moto + emulators; an upper bound)"] = bench_stack(args.samples)
    figures["peak_rss_mb (this process: moto, emulators and handlers together)"] = round(
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1
    )
    print(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
