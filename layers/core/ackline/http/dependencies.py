"""What the staff and crisis routes receive through Powertools' `Depends`: each port, the brand policy and the clock
from the composition root (`bootstrap`), one provider per thing, so a route builds only what it declares.

A test gives the function's app other providers through `app.dependency_overrides`, keyed by these same bootstrap
functions (tests/handlers/conftest.py runs every staff route in-process over the fakes).

Providers run before the route's body, in the order the route declares them. Every staff route declares `Staff`
(the verified identity) first, so a caller without one is refused (401) before the brand policy is read (SSM,
through Powertools' cache: an invalid policy there must not turn a 401 into a 5xx). API Gateway's JWT
authorizer refuses unsigned callers before the function runs; this check is the last line.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from aws_lambda_powertools.event_handler.depends import Depends
from aws_lambda_powertools.event_handler.request import Request

from ackline import bootstrap
from ackline.domain.errors import StaffUnauthenticated
from ackline.domain.policy import BrandPolicy
from ackline.ports import (
    Alerter,
    Blocklist,
    CaseStore,
    CrisisStore,
    DemandCounter,
    ErasureStore,
    HumanReplyQueue,
    InteractionStore,
)

Cases = Annotated[CaseStore, Depends(bootstrap.case_store)]
Interactions = Annotated[InteractionStore, Depends(bootstrap.interaction_store)]
Blocks = Annotated[Blocklist, Depends(bootstrap.blocklist)]
Demand = Annotated[DemandCounter, Depends(bootstrap.demand_counter)]
Erasure = Annotated[ErasureStore, Depends(bootstrap.erasure_store)]
HumanReplies = Annotated[HumanReplyQueue, Depends(bootstrap.human_reply_queue)]
Crisis = Annotated[CrisisStore, Depends(bootstrap.crisis_store)]
Alerts = Annotated[Alerter | None, Depends(bootstrap.alerter)]  # None: no alert topic configured
# read on every request through Powertools' parameter cache, as before: an SSM edit takes effect without a deploy
Policy = Annotated[BrandPolicy, Depends(bootstrap.brand_policy)]
Clock = Annotated[Callable[[], float], Depends(bootstrap.wall_clock)]


def staff_identity(request: Request) -> str:
    """Who is acting, from the claims API Gateway's JWT authorizer verified (locally: the emulated one). Declared
    first by every staff route, so a caller without an identity is refused (401) before any other provider runs
    (the brand policy is read from SSM: an invalid one must not turn a 401 into a 5xx)."""
    event = request.resolved_event
    claims = event.request_context.authorizer.jwt_claim or {}  # type: ignore[attr-defined]
    who = claims.get("email") or claims.get("cognito:username") or claims.get("sub")
    if not who:
        raise StaffUnauthenticated("no verified identity on a staff route")
    return str(who)


Staff = Annotated[str, Depends(staff_identity)]
