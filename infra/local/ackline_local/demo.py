"""`python -m ackline_local.demo` (make demo): send a few realistic, correctly signed webhooks to the running stack
and print what ackline did with each one — the reply it sent (as the platform sandbox received it), the case it
opened for a person (priority and reasons), or why it stayed silent — with a link to the queue page.

It finds the stack by itself: the ready file `python -m ackline_local` writes (`.local-ready.json`, or
ACKLINE_READY_FILE) when it describes a live stack on the port asked for, else the gateway on PORT (the
environment, else infra/local/dev.env). Without the ready file the sandbox and moto are unknown (they listen on
free ports), so only what the staff API shows is reported.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import requests

from ackline.contracts.meta import parse_meta_delivery
from ackline.domain.model import Action, Case, Interaction, ReplyStatus, StoredInteraction
from ackline_local.config import LocalConfig, load_config
from ackline_local.ready_file import ReadyInfo, read_ready_file, ready_file_path
from ackline_local.webhooks import (
    SignedRequest,
    facebook_feed_comment,
    instagram_comment,
    messenger_message,
    signed_meta_request,
    whatsapp_text_message,
)

PRAISE = "Just got mine and I love it! Best purchase this year."
COMPLAINT = "My order arrived broken and nobody answers my emails. Really disappointed."
QUESTION = "Hi, where is my order #4411? It was due yesterday."
TAG_ONLY = "@jamie.hikes look at this"
SAFETY = "The charger started smoking and burned my daughter's hand. This is dangerous."

# A message is settled once its reply is final and any case it needs is open; past this, report what is known.
SETTLE_TIMEOUT_SECONDS = 30.0
POLL_SECONDS = 0.25
UNSETTLED_REPLY = (ReplyStatus.PENDING, ReplyStatus.SENDING)


@dataclass(frozen=True)
class DemoMessage:
    description: str
    request: SignedRequest

    def interaction_keys(self) -> list[str]:
        """The keys ackline stores these under, read by ackline's own parser (so they cannot drift)."""
        return [interaction.key for interaction in parse_meta_delivery(self.request.body, time.time())]


def demo_requests(meta_app_secret: str) -> list[tuple[str, SignedRequest]]:
    """(description, request) pairs `make demo` sends, in order."""

    def meta(payload: Mapping[str, Any]) -> SignedRequest:
        return signed_meta_request(payload, meta_app_secret)

    return [
        ("Facebook comment (praise)", meta(facebook_feed_comment(PRAISE))),
        (
            "Facebook comment (complaint)",
            meta(facebook_feed_comment(COMPLAINT, author_id="7311002233445577", author_name="Jordan Blake")),
        ),
        ("Messenger message (a question about an order)", meta(messenger_message(QUESTION))),
        ("Instagram comment (only tags a friend)", meta(instagram_comment(TAG_ONLY))),
        ("WhatsApp message (a safety problem)", meta(whatsapp_text_message(SAFETY))),
    ]


# --- finding the stack ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """The stack to talk to: its gateway always; sandbox and moto only when its ready file described it."""

    gateway: str
    ready: ReadyInfo | None
    found_by: str


def find_stack(url: str | None, config: LocalConfig, environ: Mapping[str, str]) -> Target:
    """`--url` if given; else the ready file when it describes a live stack (on PORT, if PORT is set); else PORT."""
    path = ready_file_path(environ)
    ready = read_ready_file(path)
    if ready is not None and not ready.is_running():
        ready = None  # left behind by a stack that was killed
    if url:
        matches = ready is not None and ready.gateway.rstrip("/") == url.rstrip("/")
        return Target(url.rstrip("/"), ready if matches else None, "--url")
    wanted = environ.get("PORT", "")
    if ready is not None and (not wanted or wanted == str(ready.port)):
        return Target(ready.gateway, ready, f"ready file {path}")
    port = int(wanted) if wanted else config.port
    source = "PORT" if wanted else "PORT in infra/local/dev.env"
    return Target(f"http://127.0.0.1:{port}", None, f"{source} ({port})")


def is_listening(gateway: str) -> bool:
    """Any HTTP answer from a route of ours (the Meta handshake without a token is refused) means it is up."""
    try:
        requests.get(gateway + "/webhooks/meta", timeout=5)
    except requests.RequestException:
        return False
    return True


# --- what ackline did ---------------------------------------------------------------------------------------------


@dataclass
class Outcome:
    """What is known so far about one message."""

    key: str
    stored: StoredInteraction | None = None
    reply_call: Mapping[str, Any] | None = None
    case: Case | None = None
    suppressed_reasons: list[str] = field(default_factory=list)

    def settled(self, sees_records: bool) -> bool:
        if not sees_records:
            # only the staff API is visible: a case or a suppression is all that can be seen
            return self.case is not None or bool(self.suppressed_reasons)
        if self.stored is None or self.stored.reply_status in UNSETTLED_REPLY:
            return False
        needs_case = self.stored.decision.escalate or self.stored.reply_status in (
            ReplyStatus.FAILED,
            ReplyStatus.UNKNOWN,
        )
        replied = self.stored.reply_status is not ReplyStatus.SENT or self.reply_call is not None
        return replied and (self.case is not None or not needs_case)


class StackView:
    """Reads the stack the way a person would look: the staff API, the sandbox's recorded calls, and (through
    ackline's own DynamoDB adapter on moto) each interaction's decision and reply state."""

    def __init__(self, target: Target, staff_token: str) -> None:
        self._target = target
        self._staff = {"Authorization": f"Bearer {staff_token}"}
        self._store: Any = None
        if target.ready is not None:
            self._store = _interaction_store(target.ready.moto)

    @property
    def sees_records(self) -> bool:
        return self._store is not None

    def records(self, keys: Sequence[str]) -> dict[str, StoredInteraction]:
        if self._store is None:
            return {}
        found: dict[str, StoredInteraction] = self._store.get_many(list(keys))
        return found

    def sandbox_calls(self) -> list[Mapping[str, Any]]:
        if self._target.ready is None:
            return []
        calls: list[Mapping[str, Any]] = requests.get(self._target.ready.sandbox + "/_sandbox/calls", timeout=10).json()
        return calls

    def cases(self) -> list[Case]:
        cases: list[Case] = []
        for status in ("open", "claimed"):
            query = {"status": status, "limit": 200}
            answer = requests.get(f"{self._target.gateway}/api/cases", params=query, headers=self._staff, timeout=10)
            answer.raise_for_status()
            cases.extend(Case.model_validate(case) for case in answer.json()["cases"])
        return cases

    def suppressed(self) -> dict[str, list[str]]:
        answer = requests.get(
            f"{self._target.gateway}/api/suppressed", params={"limit": 200}, headers=self._staff, timeout=10
        )
        answer.raise_for_status()
        return {entry["key"]: list(entry["reasons"]) for entry in answer.json()["messages"]}


def _interaction_store(moto_url: str) -> Any:
    """ackline's own adapter over the stack's table, so the demo reads records exactly as the functions do."""
    import boto3

    from ackline.adapters.interaction_table import DynamoInteractionStore

    client = boto3.client(
        "dynamodb",
        endpoint_url=moto_url,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",  # noqa: S106 - moto's dummy credentials
    )
    tables = [name for name in client.list_tables()["TableNames"] if name.endswith("DataTable")]
    return DynamoInteractionStore(client, tables[0]) if tables else None


def reply_call_for(stored: StoredInteraction, calls: Sequence[Mapping[str, Any]]) -> Mapping[str, Any] | None:
    """The sandbox call that carried this reply: the platform's answer holds the id ackline stored for it."""
    if not stored.reply_id:
        return None
    for call in calls:
        if stored.reply_id in str(call.get("response", "")) and not call.get("fault"):
            return call
    return None


def observe(
    view: StackView,
    keys: Sequence[str],
    timeout: float = SETTLE_TIMEOUT_SECONDS,
    sleep: Callable[[float], None] = time.sleep,
) -> dict[str, Outcome]:
    """Poll until every message is settled (or the timeout passes); what was seen, per interaction key."""
    outcomes = {key: Outcome(key) for key in keys}
    deadline = time.monotonic() + timeout
    while True:
        records = view.records(keys)
        calls = view.sandbox_calls() if records else []
        cases = view.cases()
        suppressed = view.suppressed()
        for key, outcome in outcomes.items():
            outcome.stored = records.get(key, outcome.stored)
            if outcome.stored is not None:
                outcome.reply_call = reply_call_for(outcome.stored, calls) or outcome.reply_call
            outcome.case = next((case for case in cases if key in case.interaction_keys), outcome.case)
            outcome.suppressed_reasons = suppressed.get(key, outcome.suppressed_reasons)
        if all(o.settled(view.sees_records) for o in outcomes.values()) or time.monotonic() > deadline:
            return outcomes
        sleep(POLL_SECONDS)


# --- printing -------------------------------------------------------------------------------------------------------


def printable(text: str, limit: int = 240) -> str:
    """One line, no control or bidirectional characters (a terminal must not be steered by what it shows)."""
    cleaned = "".join(" " if unicodedata.category(ch)[0] in "CZ" and ch != " " else ch for ch in text)
    cleaned = " ".join(cleaned.split())
    return cleaned if len(cleaned) <= limit else cleaned[: limit - 1] + "…"


def reply_text_of(call: Mapping[str, Any]) -> str:
    """The reply's words as the platform received them (Graph, WhatsApp, X and Telegram shapes)."""
    body = call.get("body")
    if not isinstance(body, Mapping):
        return str(body or "")
    message = body.get("message")
    if isinstance(message, Mapping) and "text" in message:
        return str(message["text"])
    for name in ("message", "text"):
        if isinstance(body.get(name), str):
            return str(body[name])
    text = body.get("text")
    if isinstance(text, Mapping) and "body" in text:
        return str(text["body"])
    return str(body)


def describe(outcome: Outcome, target: Target, sees_records: bool) -> list[str]:
    """The lines that say what ackline did with one message."""
    lines: list[str] = []
    stored = outcome.stored
    if stored is not None:
        decision = stored.decision
        reasons = ", ".join(decision.reasons) or "none"
        lines.append(f"triage:    {decision.intent.value}, {decision.priority.value} — {printable(reasons)}")
        if decision.action is Action.SUPPRESS:
            lines.append("replied:   no — suppressed on purpose")
        elif stored.reply_status is ReplyStatus.SENT:
            words = reply_text_of(outcome.reply_call) if outcome.reply_call else stored.reply_text
            where = f" ({outcome.reply_call['method']} {outcome.reply_call['platform']})" if outcome.reply_call else ""
            latency = f", {stored.ack_latency_ms} ms after the webhook" if stored.ack_latency_ms is not None else ""
            lines.append(f'replied:   "{printable(words)}"{where}{latency}')
        elif stored.reply_status in UNSETTLED_REPLY:
            lines.append("replied:   not yet (still queued; the stack may be busy)")
        elif stored.reply_status is ReplyStatus.NONE:
            lines.append("replied:   no automated reply (a person answers)")
        else:
            why = printable(stored.reply_error or "see the case")
            lines.append(f"replied:   no — {stored.reply_status.value}: {why}")
    elif sees_records:
        lines.append("stored:    not found (was the webhook refused?)")
    if outcome.case is not None:
        case = outcome.case
        alerted = ", people alerted (P1)" if case.alerted_at else ""
        lines.append(
            f"case:      {case.case_id} opened, {case.priority.value}{alerted} — {printable(', '.join(case.reasons))}"
        )
        lines.append(f"           {target.gateway}/queue  (GET /api/cases/{case.case_id})")
    elif outcome.suppressed_reasons:
        lines.append(f"suppressed: {printable(', '.join(outcome.suppressed_reasons))}  (GET /api/suppressed)")
    elif not sees_records:
        lines.append("case:      none seen, not suppressed (its reply, if any, is among the sandbox's calls)")
    elif stored is not None and not outcome.settled(sees_records):
        lines.append("case:      not (yet) seen")
    else:
        lines.append("case:      none (nothing for a person to do)")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ackline_local.demo", description=__doc__)
    parser.add_argument("--url", default=None, help="gateway URL of the running stack (default: found by itself)")
    parser.add_argument("--timeout", type=float, default=SETTLE_TIMEOUT_SECONDS, help="seconds to wait for outcomes")
    args = parser.parse_args(argv)
    config = load_config()
    target = find_stack(args.url, config, os.environ)
    if not is_listening(target.gateway):
        print(
            f"No ackline stack answers at {target.gateway} (found by {target.found_by}).\n"
            "Start one in another terminal with `make dev` (or `PORT=3100 make dev`), wait for "
            "'ackline local stack is running', then run `make demo` again.",
            file=sys.stderr,
        )
        return 2
    print(f"ackline stack at {target.gateway} (found by {target.found_by})\n")
    messages = [DemoMessage(description, request) for description, request in demo_requests(config.meta_app_secret)]
    refused = 0
    keys: dict[str, list[str]] = {}
    for message in messages:
        status, _ = message.request.send(target.gateway)
        refused += status >= 300
        keys[message.description] = message.interaction_keys() if status < 300 else []
        print(f"sent  {message.description}: POST {message.request.path} -> {status}")
    view = StackView(target, config.staff_api_token)
    print(f"\nwaiting for ackline (up to {args.timeout:.0f} s)…\n")
    outcomes = observe(view, [key for ks in keys.values() for key in ks], timeout=args.timeout)
    for number, message in enumerate(messages, start=1):
        text = printable(_customer_text(message), 80)
        print(f'{number}. {message.description}: "{text}"')
        if not keys[message.description]:
            print("   refused by the webhook: nothing stored")
        for key in keys[message.description]:
            for line in describe(outcomes[key], target, view.sees_records):
                print("   " + line)
        print()
    print(f"The queue page: {target.gateway}/queue  (staff token {config.staff_api_token!r}, from infra/local/dev.env)")
    if target.ready is not None:
        print(f"Every call to the platforms: {target.ready.sandbox}/_sandbox/calls")
    else:
        print("Replies are not shown: no ready file describes this stack (start it with `make dev` to see them).")
    unsettled = sum(not o.settled(view.sees_records) for o in outcomes.values())
    if unsettled and view.sees_records:
        print(f"{unsettled} message(s) had not settled after {args.timeout:.0f} s: see the stack's output.")
    return 1 if refused else 0


def _customer_text(message: DemoMessage) -> str:
    interactions: list[Interaction] = parse_meta_delivery(message.request.body, time.time())
    return interactions[0].text if interactions else ""


if __name__ == "__main__":
    sys.exit(main())
