"""Each HTTP function's `lambda_handler` (webhooks, privacy, staff API) called in-process with API Gateway payload-2.0
events, over the fakes.

The routes receive their dependencies through Powertools' `Depends`; these tests give the function's app other
providers through `app.dependency_overrides` (the fakes of tests/fakes.py, and the real SsmSecrets reading from an
in-memory parameter store). The queue consumers and scheduled functions are built by their handler factories
(`build_handler`) over the same fakes. Nothing here may touch the network: a guard refuses every socket connection, so a
route that still reached for a real adapter fails loudly instead of waiting on a timeout.
"""

from __future__ import annotations

import json
import socket
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

import pytest
from aws_lambda_powertools.event_handler import APIGatewayHttpResolver
from aws_lambda_powertools.utilities.parameters.exceptions import GetParameterError

from ackline import bootstrap
from ackline.adapters.secrets import SsmSecrets
from ackline.domain.policy import BrandPolicy, default_policy
from ackline.http.privacy_routes import PrivacyPorts, privacy_ports
from ackline.http.webhook_routes import IngestPorts, ingest_ports
from ackline_local.http_payload import HttpRequest, build_event, build_response
from ackline_local.lambda_runtime import LocalLambdaContext
from tests.fakes import (
    InMemoryAlertGate,
    InMemoryAuthorLedger,
    InMemoryAuthorShield,
    InMemoryBlocklist,
    InMemoryCaseStore,
    InMemoryChannelRegistry,
    InMemoryCrisisStore,
    InMemoryDemandCounter,
    InMemoryErasureStore,
    InMemoryInteractionStore,
    InMemoryReplyMemory,
    InMemorySentReplies,
    InMemoryUnsettled,
    RecordingAlerter,
    RecordingDispatcher,
    RecordingHumanReplyQueue,
    RecordingRetryScheduler,
    ScriptedReplier,
)

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.typing import LambdaContext


SECRETS = {
    "/ackline/meta/app-secret": "handler-meta-secret",
    "/ackline/meta/verify-token": "handler-verify-token",
    "/ackline/x/consumer-secret": "handler-x-secret",
    "/ackline/telegram/secret-token": "handler-telegram-token",
    "/ackline/generic/webhook-secret": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
}


class NetworkUsed(AssertionError):
    pass


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any connection attempt fails the test: these handlers must run on the fakes alone."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise NetworkUsed(f"a handler test tried to open a connection: {args[1:] or kwargs}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


class InMemoryParameters:
    """Stands in for Powertools' SSMProvider under the real SsmSecrets: SSM's names, SSM's 'not found'."""

    def __init__(self, values: Mapping[str, str]) -> None:
        self.values = dict(values)

    def get(self, name: str, **options: object) -> str:
        if name not in self.values:
            raise GetParameterError(f"An error occurred (ParameterNotFound) when calling GetParameter: {name}")
        return self.values[name]


@dataclass
class Rig:
    """The fakes behind one function, and a way to call its lambda_handler as API Gateway would."""

    app: APIGatewayHttpResolver
    handler: Callable[[dict[str, Any], Any], dict[str, Any]]
    function_name: str
    interactions: InMemoryInteractionStore = field(default_factory=InMemoryInteractionStore)
    cases: InMemoryCaseStore = field(default_factory=InMemoryCaseStore)
    dispatcher: RecordingDispatcher = field(default_factory=RecordingDispatcher)
    parameters: InMemoryParameters = field(default_factory=lambda: InMemoryParameters(SECRETS))

    def call(
        self,
        method: str,
        path: str,
        *,
        body: bytes = b"",
        headers: Mapping[str, str] | None = None,
        query: str = "",
        route_key: str | None = None,
        jwt_claims: Mapping[str, Any] | None = None,
    ) -> tuple[int, dict[str, str], bytes]:
        request = HttpRequest(
            method=method,
            raw_path=path,
            raw_query=query,
            headers=tuple((k.lower(), v) for k, v in (headers or {}).items()),
            body=body,
            source_ip="203.0.113.9",
        )
        event = build_event(request, route_key or f"{method} {path}", jwt_claims=jwt_claims)
        response = build_response(self.handler(event, LocalLambdaContext(self.function_name, 256, 10)))
        return response.status, dict(response.headers), response.body


def _secrets(rig: Rig) -> SsmSecrets:
    return SsmSecrets("/ackline", 300, provider=rig.parameters)  # type: ignore[arg-type]


@pytest.fixture
def ingest_rig() -> Iterator[Rig]:
    from functions.ingest.app import app, lambda_handler

    rig = Rig(app, lambda_handler, "ackline-IngestFunction")
    ports = IngestPorts(
        store=rig.interactions,
        dispatcher=rig.dispatcher,
        policy=default_policy(),
        ledger=InMemoryAuthorLedger(),
        demand=InMemoryDemandCounter(),
        sent_replies=InMemorySentReplies(),
        blocklist=InMemoryBlocklist(),
        responses=rig.dispatcher,
        crisis=InMemoryCrisisStore(),
        alerter=RecordingAlerter(),
        shield=InMemoryAuthorShield(),
        channels=InMemoryChannelRegistry(),
    )
    app.dependency_overrides[ingest_ports] = lambda: ports
    app.dependency_overrides[bootstrap.secrets] = lambda: _secrets(rig)
    yield rig
    app.dependency_overrides.clear()


@pytest.fixture
def privacy_rig() -> Iterator[Rig]:
    from functions.privacy.app import app, lambda_handler

    rig = Rig(app, lambda_handler, "ackline-PrivacyFunction")
    erasure = InMemoryErasureStore(rig.interactions, rig.cases)
    ports = PrivacyPorts(
        interactions=rig.interactions, erasure=erasure, follow_ups=rig.dispatcher, clock=lambda: 5_000.0
    )
    app.dependency_overrides[privacy_ports] = lambda: ports
    app.dependency_overrides[bootstrap.secrets] = lambda: _secrets(rig)
    yield rig
    app.dependency_overrides.clear()


class FixedClock:
    """The time the routes read: set by the test, never the wall clock."""

    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@dataclass
class StaffRig(Rig):
    """The staff API's fakes; `call` signs the caller in as API Gateway's JWT authorizer would (`staff=None`: no
    verified identity, as if the authorizer had been bypassed)."""

    blocklist: InMemoryBlocklist = field(default_factory=InMemoryBlocklist)
    demand: InMemoryDemandCounter = field(default_factory=InMemoryDemandCounter)
    human_replies: RecordingHumanReplyQueue = field(default_factory=RecordingHumanReplyQueue)
    crisis: InMemoryCrisisStore = field(default_factory=InMemoryCrisisStore)
    alerter: RecordingAlerter = field(default_factory=RecordingAlerter)
    clock: FixedClock = field(default_factory=lambda: FixedClock(1_100.0))
    policy: BrandPolicy = field(default_factory=default_policy)

    def staff_call(
        self, method: str, path: str, *, staff: str | None = "ana@brand", json_body: object = None, **kwargs: Any
    ) -> tuple[int, dict[str, str], bytes]:
        if json_body is not None:
            kwargs["body"] = json.dumps(json_body).encode()
            kwargs["headers"] = {"content-type": "application/json", **kwargs.get("headers", {})}
        claims = {"email": staff} if staff else {}
        return self.call(method, path, jwt_claims=claims, **kwargs)


@pytest.fixture
def staff_rig() -> Iterator[StaffRig]:
    from functions.staff_api.app import app, lambda_handler

    rig = StaffRig(app, lambda_handler, "ackline-StaffApiFunction")
    erasure = InMemoryErasureStore(rig.interactions, rig.cases)
    # keyed by the composition root's providers, as ackline/http/dependencies.py declares them
    app.dependency_overrides.update(
        {
            bootstrap.case_store: lambda: rig.cases,
            bootstrap.interaction_store: lambda: rig.interactions,
            bootstrap.blocklist: lambda: rig.blocklist,
            bootstrap.demand_counter: lambda: rig.demand,
            bootstrap.erasure_store: lambda: erasure,
            bootstrap.human_reply_queue: lambda: rig.human_replies,
            bootstrap.crisis_store: lambda: rig.crisis,
            bootstrap.alerter: lambda: rig.alerter,
            bootstrap.brand_policy: lambda: rig.policy,
            bootstrap.wall_clock: lambda: rig.clock,
        }
    )
    yield rig
    app.dependency_overrides.clear()


def context(function_name: str) -> LambdaContext:
    # the local stack's context carries what Lambda's does (name, memory, deadline, request id)
    return cast("LambdaContext", LocalLambdaContext(function_name, 256, 20))


@dataclass
class World:
    """One set of fakes the consumers and scheduled functions share, as their AWS resources are shared: what the
    webhook stored is what the responder answers and the reconciler finds."""

    interactions: InMemoryInteractionStore = field(default_factory=InMemoryInteractionStore)
    cases: InMemoryCaseStore = field(default_factory=InMemoryCaseStore)
    dispatcher: RecordingDispatcher = field(default_factory=RecordingDispatcher)
    replier: ScriptedReplier = field(default_factory=ScriptedReplier)
    retries: RecordingRetryScheduler = field(default_factory=RecordingRetryScheduler)
    memory: InMemoryReplyMemory = field(default_factory=InMemoryReplyMemory)
    sent_replies: InMemorySentReplies = field(default_factory=InMemorySentReplies)
    crisis: InMemoryCrisisStore = field(default_factory=InMemoryCrisisStore)
    alerter: RecordingAlerter = field(default_factory=RecordingAlerter)
    alert_gate: InMemoryAlertGate = field(default_factory=InMemoryAlertGate)
    ledger: InMemoryAuthorLedger = field(default_factory=InMemoryAuthorLedger)
    demand: InMemoryDemandCounter = field(default_factory=InMemoryDemandCounter)
    shield: InMemoryAuthorShield = field(default_factory=InMemoryAuthorShield)
    channels: InMemoryChannelRegistry = field(default_factory=InMemoryChannelRegistry)
    clock: FixedClock = field(default_factory=lambda: FixedClock(1_100.0))
    policy: BrandPolicy = field(default_factory=default_policy)
    unsettled: InMemoryUnsettled = field(init=False)

    def __post_init__(self) -> None:
        self.unsettled = InMemoryUnsettled(self.interactions)


@pytest.fixture
def world() -> World:
    return World()
