"""State survives a restart of the local stack: interactions, cases, queued messages and the sandbox's record.

Each test runs `python -m ackline_local --state-dir <tmp>` as a child process, so a stop is a real SIGTERM and a
crash a real SIGKILL.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import uuid
import zlib
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from ackline.usecases.respond import LEASE_SECONDS
from ackline_local.state import STATE_FILE
from ackline_local.webhooks import facebook_feed_comment, signed_meta_request
from tests.local_stack.stack_process import REPO, StackProcess
from tests.running_stack import wait_for

# each test starts and stops stacks as child processes: on a loaded machine that takes its time
pytestmark = pytest.mark.timeout(600)


def _comment_id(payload: dict) -> str:
    return str(payload["entry"][0]["changes"][0]["value"]["comment_id"])


def _replies(stack: StackProcess) -> dict[str, int]:
    """comment id -> replies the sandbox accepted for it."""
    calls = requests.get(stack.sandbox + "/_sandbox/calls", timeout=10).json()
    counts: dict[str, int] = {}
    for call in calls:
        if call["path"].endswith("/comments") and 200 <= call["status"] < 300 and not call["fault"]:
            comment = call["path"].rsplit("/", 2)[-2]
            counts[comment] = counts.get(comment, 0) + 1
    return counts


def _open_case_keys(stack: StackProcess) -> set[str]:
    headers = {"Authorization": f"Bearer {stack.staff_token}"}
    keys: set[str] = set()
    for status in ("open", "claimed"):
        cases = requests.get(f"{stack.gateway}/api/cases?status={status}&limit=200", headers=headers, timeout=10)
        for case in cases.json()["cases"]:
            keys.update(case["interaction_keys"])
    return keys


def _table_keys(stack: StackProcess) -> set[tuple[str, str]]:
    dynamodb = stack.client("dynamodb")
    [table] = [t for t in dynamodb.list_tables()["TableNames"] if t.endswith("DataTable")]
    keys = set()
    for page in dynamodb.get_paginator("scan").paginate(TableName=table):
        keys.update((item["pk"]["S"], item["sk"]["S"]) for item in page["Items"])
    return keys


def _dlq_url(stack: StackProcess) -> str:
    sqs = stack.client("sqs")
    [url] = [u for u in sqs.list_queues()["QueueUrls"] if u.endswith("AckDeadLetterQueue")]
    return url


def _store_some(stack: StackProcess) -> dict:
    """A praise (replied), a complaint (replied and a case) and a message parked on the ack DLQ."""
    praise = facebook_feed_comment("Love the new colours, great work!")
    complaint = facebook_feed_comment(
        "My order arrived broken and nobody answers", author_id="55" + str(uuid.uuid4().int)[:10]
    )
    for payload in (praise, complaint):
        assert signed_meta_request(payload, stack.meta_app_secret).send(stack.gateway)[0] == 200
    ids = [_comment_id(praise), _comment_id(complaint)]
    assert wait_for(lambda: all(_replies(stack).get(i) == 1 for i in ids), timeout=30)
    assert wait_for(lambda: f"facebook#{ids[1]}" in _open_case_keys(stack), timeout=30)
    parked = json.dumps({"note": "parked", "id": uuid.uuid4().hex})
    stack.client("sqs").send_message(
        QueueUrl=_dlq_url(stack),
        MessageBody=parked,
        MessageAttributes={"kind": {"DataType": "String", "StringValue": "test"}},
    )
    return {"ids": ids, "parked": parked, "keys": _table_keys(stack)}


def _assert_kept(stack: StackProcess, stored: dict) -> None:
    praise, complaint = stored["ids"]
    assert stored["keys"] <= _table_keys(stack)  # every item (interactions, cases, indexes) is back
    assert f"facebook#{complaint}" in _open_case_keys(stack)
    assert _replies(stack).get(praise) == 1 and _replies(stack).get(complaint) == 1  # the sandbox's record too
    got = (
        stack.client("sqs")
        .receive_message(
            QueueUrl=_dlq_url(stack), MaxNumberOfMessages=10, MessageAttributeNames=["All"], WaitTimeSeconds=1
        )
        .get("Messages", [])
    )
    assert [m["Body"] for m in got] == [stored["parked"]]
    assert got[0]["MessageAttributes"]["kind"]["StringValue"] == "test"


def test_a_stopped_stack_comes_back_with_what_it_stored(tmp_path):
    first = StackProcess.start(["--state-dir", str(tmp_path)])
    try:
        stored = _store_some(first)
        # a second stack on the same directory is refused (it would overwrite the first one's state)
        second = subprocess.run(
            [sys.executable, "-m", "ackline_local", "--port", "0", "--state-dir", str(tmp_path)],
            capture_output=True,
            text=True,
            timeout=120,
            cwd=REPO,
        )
        assert second.returncode == 2 and "in use by another running local stack" in second.stderr
    finally:
        assert first.terminate() == 0  # SIGTERM: the last save happens on the way out
    assert (tmp_path / STATE_FILE).is_file()
    second = StackProcess.start(["--state-dir", str(tmp_path)])
    try:
        assert "state restored from" in second.output()
        _assert_kept(second, stored)
    finally:
        second.terminate()
    # And --reset starts from nothing
    third = StackProcess.start(["--state-dir", str(tmp_path), "--reset"])
    try:
        assert not any(pk.startswith("INT#") for pk, _ in _table_keys(third))
        assert _replies(third) == {}
    finally:
        third.terminate()


def test_a_crashed_stack_keeps_everything_it_acknowledged(tmp_path):
    # Given a stack whose periodic snapshot is far away (only its journal can keep what happens now)
    first = StackProcess.start(["--state-dir", str(tmp_path), "--save-interval", "600"])
    try:
        stored = _store_some(first)
    finally:
        first.kill()  # SIGKILL right after: no shutdown code runs, no snapshot was taken since the start
    second = StackProcess.start(["--state-dir", str(tmp_path)])
    try:
        assert "journalled changes replayed" in second.output()
        _assert_kept(second, stored)
    finally:
        second.terminate()


def test_a_crash_after_the_periodic_save_keeps_it(tmp_path):
    first = StackProcess.start(["--state-dir", str(tmp_path), "--save-interval", "0.5"])
    try:
        stored = _store_some(first)

        def saved() -> bool:
            document = json.loads((tmp_path / STATE_FILE).read_text())
            keys = {(i["pk"]["S"], i["sk"]["S"]) for i in document["tables"]["DataTable"]}
            parked = any(m["body"] == stored["parked"] for m in document["queues"]["AckDeadLetterQueue"])
            return stored["keys"] <= keys and parked

        assert wait_for(saved, timeout=20)
    finally:
        first.kill()
    second = StackProcess.start(["--state-dir", str(tmp_path)])
    try:
        _assert_kept(second, stored)
    finally:
        second.terminate()


def test_binary_values_come_back_as_they_were_stored(tmp_path):
    """Every way of reading an item answers the same bytes after a restart (the stored webhook is compressed
    binary: once restored as text, UpdateItem's ALL_NEW answered base64 and the responder could not read it)."""
    packed = zlib.compress(b'{"entry":[{"changes":[]}]}')
    item = {
        "pk": {"S": "TEST#binary"},
        "sk": {"S": "TEST"},
        "b": {"B": packed},
        "bs": {"BS": [b"\x00\x01", b"\xff"]},
        "m": {"M": {"b": {"B": b"\x02"}, "l": {"L": [{"B": b"\x03"}]}}},
    }
    key = {"pk": item["pk"], "sk": item["sk"]}
    first = StackProcess.start(["--state-dir", str(tmp_path)])
    try:
        [table] = [t for t in first.client("dynamodb").list_tables()["TableNames"] if t.endswith("DataTable")]
        first.client("dynamodb").put_item(TableName=table, Item=item)
    finally:
        assert first.terminate() == 0  # the snapshot taken on the way out holds it; its journal is gone
    second = StackProcess.start(["--state-dir", str(tmp_path)])
    try:
        dynamodb = second.client("dynamodb")
        assert dynamodb.get_item(TableName=table, Key=key)["Item"] == item
        updated = dynamodb.update_item(
            TableName=table,
            Key=key,
            UpdateExpression="SET touched = :t",
            ExpressionAttributeValues={":t": {"BOOL": True}},
            ReturnValues="ALL_NEW",
        )["Attributes"]
        assert updated == {**item, "touched": {"BOOL": True}}
    finally:
        second.terminate()


def _outcome(stack: StackProcess, comment_ids: list[str]) -> dict[str, int]:
    """Per message: one reply, a case and no reply, nothing at all (lost) or more than one reply (doubled)."""
    replies, cases = _replies(stack), _open_case_keys(stack)
    counts = {"replied once": 0, "case only": 0, "lost": 0, "doubled": 0}
    for comment in comment_ids:
        sent = replies.get(comment, 0)
        if sent > 1:
            counts["doubled"] += 1
        elif sent == 1:
            counts["replied once"] += 1
        elif f"facebook#{comment}" in cases:
            counts["case only"] += 1
        else:
            counts["lost"] += 1
    return counts


class _Platform:
    """Delivers signed webhooks as a platform does: a delivery without a 2xx answer is delivered again later."""

    def __init__(self, deliveries: list, halfway_at: int) -> None:
        self.deliveries = deliveries
        self.answered: dict[int, int] = {}
        self.halfway = threading.Event()
        self._halfway_at = halfway_at
        self._lock = threading.Lock()

    def deliver(self, index: int, gateway: str) -> None:
        try:
            status = self.deliveries[index].send(gateway, timeout=10)[0]
        except Exception:
            status = 0  # no answer
        with self._lock:
            self.answered[index] = status
            if sum(1 for s in self.answered.values() if 200 <= s < 300) >= self._halfway_at:
                self.halfway.set()

    def unanswered(self) -> list[int]:
        return [i for i in range(len(self.deliveries)) if not 200 <= self.answered.get(i, 0) < 300]


# Issue 8: this lost about 11 of 60 messages once the local poller ran several consumers per queue, from two faults
# of the local stack: concurrent webhooks were resolved with each other's event (Powertools keeps the request in
# process-wide state, so one webhook was stored twice and the other answered 200 and never stored), and binary
# attributes came back from the snapshot as base64 text (every message pending at the restart then failed in the
# responder until the DLQ). A stop also gives each consumer its function's timeout to finish its batch, not 6 s.
@pytest.mark.parametrize("stop", ["SIGTERM", "SIGKILL"])
def test_a_restart_mid_burst_ends_with_one_reply_or_a_case_per_message(tmp_path, stop):
    """The fault scenario "a stack restart mid-burst": the platform retries what got no 2xx, as Meta does."""
    burst = 60
    payloads = []
    for i in range(burst):
        text = "My order arrived broken, really disappointed" if i % 2 else "Love it, thank you!"
        payloads.append(facebook_feed_comment(text, author_id=f"77{i:04d}{uuid.uuid4().int % 10**6:06d}"))
    stack = StackProcess.start(["--state-dir", str(tmp_path), "--save-interval", "0.5"])
    platform = _Platform([signed_meta_request(p, stack.meta_app_secret) for p in payloads], halfway_at=burst // 2)

    # When a burst is delivered from 6 threads and the stack goes down halfway through
    with ThreadPoolExecutor(max_workers=6) as pool:
        futures = [pool.submit(platform.deliver, i, stack.gateway) for i in range(burst)]
        assert platform.halfway.wait(timeout=120)
        if stop == "SIGTERM":
            stack.terminate()
        else:
            stack.kill()
        for future in futures:
            future.result()
    # And comes back on the same state, and the platform redelivers everything it got no 2xx for
    stack = StackProcess.start(["--state-dir", str(tmp_path)])
    try:
        redelivered = len(platform.unanswered())
        for _attempt in range(5):
            for i in platform.unanswered():
                platform.deliver(i, stack.gateway)
        assert platform.unanswered() == []
        ids = [_comment_id(p) for p in payloads]
        # a SIGKILL between a reply's claim and its send leaves a live lease: the redelivered message waits for it
        # to run out, then a person gets the case (respond.py), so "eventually" is up to a lease and a minute
        wait = 60 if stop == "SIGTERM" else LEASE_SECONDS + 60
        counts = wait_for(lambda: (c := _outcome(stack, ids))["lost"] == 0 and c, timeout=wait)
        counts = counts or _outcome(stack, ids)
        # the scenario's report, as the fault-injection suite prints its own
        print(f"\nrestart mid-burst ({stop}): {burst} messages, {redelivered} redelivered after the restart: {counts}")  # noqa: T201
        # Then every message has exactly one reply or an open case, and none has two replies
        assert counts["lost"] == 0 and counts["doubled"] == 0, counts
    finally:
        stack.terminate()
