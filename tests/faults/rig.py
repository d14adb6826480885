"""One ackline deployment, in-process: the real use cases and the real DynamoDB/SQS/SNS adapters against moto's
server over HTTP, and the real reply clients against the platform sandbox. The rig plays the parts that are not
ackline's: the platform that delivers (and redelivers) webhooks, the Lambda service that polls the queues and
honours visibility and redrive, and the staff member who claims and resolves cases.

Time is a shared fake clock: a retry that asks for 60 s, a lease that must run out, a visibility timeout all
move it forward instead of waiting, so a scenario with many retries runs in seconds.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import boto3
from botocore.config import Config
from moto.server import DomainDispatcherApplication, MotoRequestHandler, ThreadedMotoServer, create_backend_app
from werkzeug.serving import make_server

from ackline.adapters.author_ledger import DynamoAuthorLedger
from ackline.adapters.case_table import DynamoCaseStore
from ackline.adapters.demand_table import DynamoDemandCounter
from ackline.adapters.graph_api import GraphReplier
from ackline.adapters.interaction_table import DynamoInteractionStore
from ackline.adapters.repliers import PlatformRouter
from ackline.adapters.reply_memory import DynamoReplyMemory
from ackline.adapters.sent_replies import DynamoSentReplies
from ackline.adapters.sns_alerter import SnsAlerter
from ackline.adapters.sqs_dispatcher import SqsDispatcher
from ackline.adapters.whatsapp_api import WhatsAppReplier
from ackline.contracts.messages import AckRequest, FollowUpRequest
from ackline.contracts.meta import parse_meta_delivery
from ackline.domain.errors import CaseConflict
from ackline.domain.model import CaseStatus, Platform
from ackline.domain.policy import default_policy
from ackline.usecases.follow_up import follow_up
from ackline.usecases.ingest import ingest
from ackline.usecases.respond import InteractionMissing, RetryLater, respond
from ackline.usecases.staff_queue import claim_case, list_queue, resolve_case
from ackline_local.resources import create_resources
from ackline_local.sandbox import PlatformSandbox
from ackline_local.template import load_template
from ackline_local.webhooks import facebook_feed_comment, messenger_message, meta_json_bytes, whatsapp_text_message
from tests.faults.injection import FaultInjector, Killed

REGION = "us-east-1"
PAGE_ID = "104455667788990"
WHATSAPP_PHONE_ID = "300400500600700"
VISIBILITY_SECONDS = 120  # AckQueue and FollowUpQueue (template.yaml): how long a failed record stays hidden
# Generous: a serialised moto under a burst answers slowly, and a read timeout would make botocore resend a
# write that may have landed, which is a different test.
_CLIENT_CONFIG = Config(connect_timeout=5, read_timeout=120, retries={"max_attempts": 1, "mode": "standard"})
# Reply clients time out quickly so that a "slow answer" fault can outlast them.
REPLY_TIMEOUTS = (2.0, 2.5)


class _QuietHandler(MotoRequestHandler):
    def log_request(self, *args: Any, **kwargs: Any) -> None:
        """One line per request would drown the test output."""


class SerialMotoServer(ThreadedMotoServer):
    """moto's server with one request at a time. moto's transactions are neither atomic nor isolated under
    concurrent requests (a cancelled one restores a snapshot of the whole table); serialised, each call is atomic
    as DynamoDB's are, so what this suite finds is ackline's, not moto's."""

    def _server_entry(self) -> None:
        app = DomainDispatcherApplication(create_backend_app)
        lock = threading.Lock()

        def serial(environ: Any, start_response: Any) -> Any:
            with lock:
                return list(app(environ, start_response))

        self._server = make_server(self._ip_address, self._port, serial, True, request_handler=_QuietHandler)
        self._server_ready_event.set()
        self._server.serve_forever()


class Clock:
    """The deployment's time; moves forward when the rig lets a delay pass."""

    def __init__(self, start: float | None = None) -> None:
        self._now = time.time() if start is None else start
        self._lock = threading.Lock()

    def __call__(self) -> float:
        with self._lock:
            return self._now

    def advance(self, seconds: float) -> None:
        with self._lock:
            self._now += max(0.0, seconds)


@dataclass(frozen=True)
class Message:
    """A customer message as its webhook, the interaction key ackline gives it, and what a reply to it names."""

    payload: dict[str, Any]
    key: str
    target: str


@dataclass
class Counts:
    scenario: str
    messages: int = 0
    replied_once: int = 0
    in_case: int = 0
    lost: int = 0
    doubled: int = 0
    dead_letters: int = 0
    notes: list[str] = field(default_factory=list)  # what the rig saw (retries, kills), shown when a check fails


def _key_of(payload: dict[str, Any], now: float) -> str:
    [interaction] = parse_meta_delivery(meta_json_bytes(payload), now)
    return interaction.key


def comment(text: str, now: float, *, post: str, author: str) -> Message:
    comment_id = f"{post.split('_')[-1]}_{uuid.uuid4().int % 10**15}"
    payload = facebook_feed_comment(
        text, page_id=PAGE_ID, author_id=author, comment_id=comment_id, post_id=post, created_time=int(now)
    )
    return Message(payload, _key_of(payload, now), comment_id)


def direct_message(text: str, now: float, *, sender: str) -> Message:
    payload = messenger_message(text, page_id=PAGE_ID, sender_id=sender, timestamp_ms=int(now * 1000))
    return Message(payload, _key_of(payload, now), sender)


def whatsapp(text: str, now: float, *, wa_id: str) -> Message:
    wamid = f"wamid.{uuid.uuid4().hex}"
    payload = whatsapp_text_message(text, wa_id=wa_id, phone_number_id=WHATSAPP_PHONE_ID, wamid=wamid)
    payload["entry"][0]["changes"][0]["value"]["messages"][0]["timestamp"] = str(int(now))
    return Message(payload, _key_of(payload, now), wamid)


def everyday_traffic(now: float) -> list[Message]:
    """A small mixed day: praise under a busy post (its reply memory is one hot key), a complaint and the same
    customer's second one (joining its case), a question, a feature request (demand), a crisis (P1 alert), abuse
    (the author ledger), a Messenger complaint and a WhatsApp message (its reply gets a delivery link and statuses).
    """
    run = uuid.uuid4().int % 10**9
    busy, quiet = f"{PAGE_ID}_{run}1", f"{PAGE_ID}_{run}2"
    return [
        comment("Love this! Can't wait to get it!", now, post=busy, author=f"{run}01"),
        comment("One of my favourite products, love it.", now, post=busy, author=f"{run}02"),
        comment("My order arrived broken and nobody answers my emails", now, post=busy, author=f"{run}03"),
        comment("Still no refund after two weeks!!", now, post=quiet, author=f"{run}03"),  # joins that case
        comment("When will my order 4471 ship?", now, post=quiet, author=f"{run}04"),  # own-case: a person answers
        comment("Please add a dark mode to the app", now, post=quiet, author=f"{run}05"),
        comment("The charger caught fire and burned my hand", now, post=quiet, author=f"{run}06"),
        comment("You are useless idiots", now, post=quiet, author=f"{run}07"),
        direct_message("I was charged twice, please help", now, sender=f"{run}08"),
        whatsapp("Thank you, that was quick!", now, wa_id=f"4477{run:09d}"),
    ]


def whatsapp_statuses(wamid: str, customer: str, states: Sequence[str], now: float) -> dict[str, Any]:
    statuses = [{"id": wamid, "status": s, "timestamp": str(int(now)), "recipient_id": customer} for s in states]
    value = {"messaging_product": "whatsapp", "metadata": {"phone_number_id": WHATSAPP_PHONE_ID}, "statuses": statuses}
    return {
        "object": "whatsapp_business_account",
        "entry": [{"id": "2003", "changes": [{"field": "messages", "value": value}]}],
    }


def reply_target(call: Any) -> str:
    """What a reply the sandbox accepted answers: the comment, the Messenger sender, or the WhatsApp message."""
    path = call.path.rstrip("/")
    body = call.body if isinstance(call.body, dict) else {}
    if path.endswith("/comments"):
        return str(path.split("/")[-2])
    if body.get("messaging_product") == "whatsapp":
        return str(body.get("context", {}).get("message_id", ""))
    recipient = body.get("recipient", {})
    return str(recipient.get("comment_id") or recipient.get("id") or "")


class Rig:
    def __init__(self, moto_url: str, sandbox: PlatformSandbox, injector: FaultInjector, clock: Clock) -> None:
        self.sandbox, self.injector, self.clock = sandbox, injector, clock
        session = boto3.session.Session(region_name=REGION)
        resources = create_resources(
            load_template(), session=session, endpoint_url=moto_url, name_prefix=f"f{uuid.uuid4().hex[:10]}"
        )
        self.table = resources["DataTable"].name
        self.ack_url, self.follow_up_url = resources["AckQueue"].ref, resources["FollowUpQueue"].ref
        self.dead_letter_urls = [resources["AckDeadLetterQueue"].ref, resources["FollowUpDeadLetterQueue"].ref]

        def client(service: str) -> Any:
            return session.client(service, endpoint_url=moto_url, config=_CLIENT_CONFIG)

        # ackline's clients carry the fault hooks; the rig's own (the Lambda service, the checks) do not
        dynamodb, sqs, sns = (injector.attach(client(s)) for s in ("dynamodb", "sqs", "sns"))
        self.service_sqs, self.service_dynamodb = client("sqs"), client("dynamodb")
        self.store = DynamoInteractionStore(dynamodb, self.table)
        self.cases = DynamoCaseStore(dynamodb, self.table)
        self.memory = DynamoReplyMemory(dynamodb, self.table)
        self.links = DynamoSentReplies(dynamodb, self.table)
        self.ledger = DynamoAuthorLedger(dynamodb, self.table)
        self.demand = DynamoDemandCounter(dynamodb, self.table)
        self.ingest_dispatcher = SqsDispatcher(sqs, self.ack_url, self.follow_up_url)
        self.responder_dispatcher = SqsDispatcher(sqs, "", self.follow_up_url)
        self.alerter = SnsAlerter(sns, resources["AlertTopic"].ref)
        graph = sandbox.base_urls["META_GRAPH_URL"]
        facebook = GraphReplier(graph, lambda: "page-token", timeouts=REPLY_TIMEOUTS, clock=clock)
        self.replier = PlatformRouter(
            {
                Platform.FACEBOOK: facebook,
                Platform.MESSENGER: facebook,
                Platform.WHATSAPP: WhatsAppReplier(graph, lambda: "wa-token", timeouts=REPLY_TIMEOUTS, clock=clock),
            }
        )
        self.policy = default_policy()
        self.log: Counter[str] = Counter()  # what the rig saw: retries, kills, errors
        self._reported: set[str] = set()  # our WhatsApp replies the platform has reported on

    # --- the platform's side: deliver a webhook until it is answered 2xx ------------------------------------------

    def webhook(self, payload: dict[str, Any]) -> int:
        """POST one delivery; the status the platform sees (200, a 5xx, or 0 when the function died)."""
        interactions = parse_meta_delivery(meta_json_bytes(payload), self.clock())
        try:
            result = ingest(
                interactions,
                self.store,
                self.ingest_dispatcher,
                policy=self.policy,
                ledger=self.ledger,
                demand=self.demand,
                sent_replies=self.links,
            )
        except Killed:
            self.log["ingest killed"] += 1
            return 0
        except Exception:
            self.log["ingest 5xx"] += 1
            return 503
        if not result.complete:
            # per-entry storage: entries left for the retry are reported, not raised; the webhook route answers
            # 503 for them (ackline/http/webhook_routes.py), so the platform sends the delivery again
            self.log["ingest 5xx"] += 1
            return 503
        return 200

    def deliver(self, payload: dict[str, Any], attempts: int = 20) -> None:
        """Meta retries a delivery it did not get a 2xx for (for up to a day); here a few seconds apart."""
        for _ in range(attempts):
            if self.webhook(payload) == 200:
                return
            self.clock.advance(5)
        raise AssertionError("the platform gave up on a delivery")

    def deliver_all(self, payloads: Iterable[dict[str, Any]], threads: int = 1) -> None:
        items = list(payloads)
        if threads <= 1:
            for payload in items:
                self.deliver(payload)
            return
        _run_threads(items, self.deliver, threads)

    # --- the Lambda service's side: poll the queues, honour visibility, redrive --------------------------------------

    def _receive(self, url: str) -> list[dict[str, Any]]:
        found = self.service_sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=0)
        return list(found.get("Messages", []))

    def _settle(self, url: str, message: dict[str, Any], delay: float | None) -> None:
        """Delete a processed message; or let `delay` seconds pass and make it visible again (its retry)."""
        if delay is None:
            self.service_sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
            return
        self.clock.advance(delay)
        self.service_sqs.change_message_visibility(
            QueueUrl=url, ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=0
        )

    def responder(self, message: dict[str, Any]) -> float | None:
        """The Responder for one record (BatchSize 1). Returns None when the record is done (deleted), else when
        it comes back: a retry after its delay, a crash after the queue's visibility timeout."""
        request = AckRequest.model_validate_json(message["Body"])
        delay: float | None = None
        try:
            respond(
                request,
                self.store,
                self.replier,
                self.responder_dispatcher,
                self.clock,
                policy=self.policy,
                memory=self.memory,
                sent_replies=self.links,
            )
        except RetryLater as retry:
            self.log["ack retried"] += 1
            delay = max(1.0, retry.delay)
        except InteractionMissing:
            pass
        except Killed:
            self.log["responder killed"] += 1
            delay = VISIBILITY_SECONDS
        except Exception:
            self.log["responder error"] += 1
            delay = VISIBILITY_SECONDS
        return delay

    def follower(self, batch: list[dict[str, Any]]) -> None:
        """One FollowUp invocation (BatchSize 10, ReportBatchItemFailures): failed records come back after the
        visibility timeout; if the function dies mid-batch nothing is deleted and the whole batch comes back,
        the records it had finished too (adding to a case is idempotent)."""
        failed: list[dict[str, Any]] = []
        for message in batch:
            request = FollowUpRequest.model_validate_json(message["Body"])
            try:
                follow_up(request, self.store, self.cases, self.clock(), self.alerter)
            except InteractionMissing:
                pass
            except Killed:
                self.log["follow-up killed mid-batch"] += 1
                self._redeliver(self.follow_up_url, batch, VISIBILITY_SECONDS)
                return
            except Exception:
                self.log["follow-up error"] += 1
                failed.append(message)
        for message in batch:
            if message not in failed:
                self._settle(self.follow_up_url, message, None)
        self._redeliver(self.follow_up_url, failed, VISIBILITY_SECONDS)

    def _redeliver(self, url: str, messages: list[dict[str, Any]], after: float) -> None:
        if messages:
            self.clock.advance(after)
        for message in messages:
            self._settle(url, message, 0)

    def drain(
        self, *, follow_ups_first: bool = False, newest_first: bool = False, threads: int = 1, passes: int = 10_000
    ) -> None:
        """Run both consumers until both queues stay empty (or for `passes` rounds). The Responder takes one
        record per invocation (BatchSize 1), FollowUp up to ten; `threads` invocations run at once."""
        idle = 0
        for _ in range(passes):
            received = 0
            steps = [self._drain_acks, self._drain_follow_ups]
            for step in reversed(steps) if follow_ups_first else steps:
                received += step(newest_first, threads)
            idle = 0 if received else idle + 1
            if idle >= 2:
                return
        if passes == 10_000:
            raise AssertionError("the queues never emptied")

    def _drain_acks(self, newest_first: bool, threads: int) -> int:
        records = [m for _ in range(max(1, threads // 4)) for m in self._receive(self.ack_url)]
        if newest_first:
            records.reverse()
        delays = _run_threads(records, self.responder, threads)
        done = [m for m, delay in zip(records, delays, strict=True) if delay is None]
        for start in range(0, len(done), 10):
            entries = [
                {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(done[start : start + 10])
            ]
            self.service_sqs.delete_message_batch(QueueUrl=self.ack_url, Entries=entries)
        retried = [(m, delay) for m, delay in zip(records, delays, strict=True) if delay is not None]
        if retried:
            # these invocations ran side by side: their delays pass together, not one after the other
            self.clock.advance(max(delay for _, delay in retried))
            for message, _ in retried:
                self._settle(self.ack_url, message, 0)
        # WhatsApp reports on a reply within moments: before a link that failed just now is retried
        self.report_deliveries(new_only=True)
        return len(records)

    def _drain_follow_ups(self, newest_first: bool, threads: int) -> int:
        batches: list[list[dict[str, Any]]] = []
        while len(batches) < threads and (batch := self._receive(self.follow_up_url)):
            batches.append(batch)
        if newest_first:
            batches = [list(reversed(b)) for b in reversed(batches)]
        _run_threads(batches, self.follower, threads)
        return sum(len(b) for b in batches)

    def duplicate_queued(self) -> int:
        """SQS delivers at least once: put a second copy of every queued message on its queue."""
        copies = 0
        for url in (self.ack_url, self.follow_up_url):
            seen: list[dict[str, Any]] = []
            while batch := self._receive(url):
                seen.extend(batch)
            for message in seen:
                self.service_sqs.send_message(QueueUrl=url, MessageBody=message["Body"])
                self._settle(url, message, 0)
            copies += len(seen)
        return copies

    # --- delivery reports from the platform ---------------------------------------------------------------------------

    def whatsapp_reply_ids(self) -> dict[str, str]:
        """wamid of our reply -> the customer's wa_id, for every WhatsApp reply the sandbox accepted."""
        found = {}
        for call in self.sandbox.calls():
            if call.platform != "meta":
                continue
            body = call.body if isinstance(call.body, dict) else {}
            if 200 <= call.status < 300 and body.get("messaging_product") == "whatsapp":
                found[str(call.response["messages"][0]["id"])] = str(body.get("to", ""))
        return found

    def report_deliveries(
        self, states: Sequence[str] = ("read", "delivered", "sent"), *, new_only: bool = False
    ) -> None:
        """WhatsApp's statuses about our replies, out of order (read before delivered), each in its own delivery.
        WhatsApp reports within moments of accepting a reply, so `new_only` runs right after each responder
        record: a status can arrive before the responder wrote the reply's link (then it is parked)."""
        for wamid, customer in self.whatsapp_reply_ids().items():
            if new_only and wamid in self._reported:
                continue
            self._reported.add(wamid)
            for state in states:
                self.deliver(whatsapp_statuses(wamid, customer, [state], self.clock()))

    # --- a staff member works the queue ----------------------------------------------------------------------------

    def _staff(self, action: Callable[..., Any], case_id: str, goal: CaseStatus) -> None:
        for _ in range(10):  # an error page: they click again
            try:
                action(case_id, "ana@brand.example", self.cases, self.clock())
                return
            except CaseConflict:
                current = DynamoCaseStore(self.service_dynamodb, self.table).get_case(case_id)
                if current is not None and current.status is goal:
                    return  # the earlier click landed; only its answer was lost
            except (Killed, Exception):
                self.log["staff retried"] += 1
        raise AssertionError(f"staff could not move case {case_id} to {goal.value}")

    def staff_work(self, cases: int = 2) -> None:
        """List the open queue, claim the most urgent cases and resolve them."""
        for _ in range(10):
            try:
                queue = list_queue(self.cases, CaseStatus.OPEN, 50)
                break
            except (Killed, Exception):
                self.log["staff retried"] += 1
        else:
            raise AssertionError("the queue never loaded")
        for case in queue[:cases]:
            self._staff(claim_case, case.case_id, CaseStatus.CLAIMED)
            self._staff(resolve_case, case.case_id, CaseStatus.RESOLVED)

    # --- what the customers and the team ended up with ---------------------------------------------------------------

    def case_keys(self) -> set[str]:
        """Interaction keys held by any case a person has (open, claimed or resolved)."""
        keys: set[str] = set()
        for page in self.service_dynamodb.get_paginator("scan").paginate(
            TableName=self.table,
            FilterExpression="begins_with(pk, :case)",
            ExpressionAttributeValues={":case": {"S": "CASE#"}},
            ProjectionExpression="interaction_keys",
        ):
            for item in page.get("Items", []):
                keys.update(v["S"] for v in item.get("interaction_keys", {}).get("L", []))
        return keys

    def tally(self, scenario: str, messages: Sequence[Message]) -> Counts:
        # a reply the platform holds past our read timeout is recorded when the platform answers: count it too
        assert self.sandbox.wait_answered(timeout=30), "a platform call was still unanswered after 30 s"
        replies = Counter(reply_target(c) for c in self.sandbox.calls() if 200 <= c.status < 300)
        in_case = self.case_keys()
        counts = Counts(scenario, messages=len(messages))
        for message in messages:
            sent = replies[message.target]
            counts.replied_once += sent == 1
            counts.in_case += message.key in in_case
            counts.lost += sent == 0 and message.key not in in_case
            counts.doubled += sent >= 2
        for url in self.dead_letter_urls:
            attributes = self.service_sqs.get_queue_attributes(
                QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"]
            )
            counts.dead_letters += int(attributes["Attributes"]["ApproximateNumberOfMessages"])
        counts.notes = [f"{k}: {v}" for k, v in sorted(self.log.items())]
        return counts


def _run_threads(items: Sequence[Any], call: Callable[[Any], Any], threads: int) -> list[Any]:
    if threads <= 1 or len(items) <= 1:
        return [call(item) for item in items]
    with ThreadPoolExecutor(max_workers=threads) as pool:
        return list(pool.map(call, items))
