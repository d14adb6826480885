"""The panic button: GET /api/crisis (is any account in crisis mode, and why) and POST /api/crisis."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Body
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter
from pydantic import BaseModel, Field

from ackline.domain.crisis import EVERY_ACCOUNT, CrisisState
from ackline.domain.policy import BrandPolicy
from ackline.http.dependencies import Alerts, Clock, Crisis, Policy, Staff
from ackline.observability import logger, metrics
from ackline.ports import CrisisStore
from ackline.usecases.crisis import set_crisis

router = APIGatewayHttpRouter()  # type: ignore[no-untyped-call]  # Powertools leaves __init__ unannotated


class CrisisSwitch(BaseModel):
    on: bool
    # what every negative or related message is answered with for now; checked like any reply (400 if not)
    statement: Annotated[str | None, Field(max_length=2000)] = None
    # "<platform>#<account id>" as GET shows it; absent: every account
    account: Annotated[str | None, Field(max_length=300, pattern=r"^[a-z]+#[^\s]{0,256}$|^\*$")] = None


class CrisisView(BaseModel):
    """Whether any account is in crisis mode (the queue page's banner), and every switch there is."""

    on: bool
    accounts: list[CrisisState]
    window_minutes: int
    min_negative: int
    calm_below: int


def _view(store: CrisisStore, policy: BrandPolicy) -> CrisisView:
    mode = policy.crisis_mode
    states = sorted(store.all_states(), key=lambda s: (not s.on, s.account))
    return CrisisView(
        on=any(s.on for s in states),
        accounts=states,
        window_minutes=mode.window_minutes,
        min_negative=mode.min_negative,
        calm_below=mode.calm_below,
    )


@router.get("/api/crisis", summary="Crisis mode: which accounts are in it, and why")
def get_crisis(_staff: Staff, store: Crisis, policy: Policy) -> CrisisView:
    return _view(store, policy)


@router.post("/api/crisis", summary="The panic button: switch crisis mode on or off")
def post_crisis(
    staff: Staff, switch: Annotated[CrisisSwitch, Body()], store: Crisis, policy: Policy, clock: Clock, alerter: Alerts
) -> CrisisView:
    account = switch.account or EVERY_ACCOUNT
    state = set_crisis(
        store,
        policy,
        clock(),
        on=switch.on,
        by=staff,
        account=account,
        statement=switch.statement or "",
        alerter=alerter,
    )
    logger.warning("crisis mode switched", account=account, on=state.on, staff=staff, statement=bool(switch.statement))
    metrics.add_metric(name="CrisisModeOn" if switch.on else "CrisisModeOff", unit="Count", value=1)
    return _view(store, policy)
