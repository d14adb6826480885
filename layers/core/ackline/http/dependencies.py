"""What the staff and crisis routes receive through Powertools' `Depends`: each port, the brand policy and the clock
from the composition root (`bootstrap`), one provider per thing, so a route builds only what it declares.

A test gives the function's app other providers through `app.dependency_overrides`, keyed by these same bootstrap
functions (tests/handlers/conftest.py runs every staff route in-process over the fakes).

Providers run before the route's body. Building an adapter makes no call; the brand policy is the one read (SSM,
through Powertools' cache), so a route that declares it reads it even for a caller it then refuses, and an invalid
policy in SSM makes such a route 5xx before it can answer 401/404. API Gateway's JWT authorizer refuses unsigned
callers before the function runs; the routes' own identity check stays the last line.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from aws_lambda_powertools.event_handler.depends import Depends

from ackline import bootstrap
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
