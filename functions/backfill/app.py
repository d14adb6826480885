"""Backfill: every 15 minutes (EventBridge Scheduler), ingests the recent comments and mentions webhooks missed."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ackline import bootstrap
from ackline.lambda_entry import scheduled_handler
from ackline.observability import logger, metrics
from ackline.settings import get_settings
from ackline.usecases.backfill import backfill, parse_accounts

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.typing import LambdaContext

    from ackline.domain.model import Platform
    from ackline.domain.policy import BrandPolicy
    from ackline.ports import (
        ActivitySource,
        Alerter,
        AuthorLedger,
        AuthorShield,
        CrisisStore,
        DemandCounter,
        Dispatcher,
        InteractionStore,
    )

LOOKBACK_SECONDS = 2 * 3600  # every run re-reads two hours: a missed run or two loses nothing


@dataclass(frozen=True)
class BackfillPorts:
    """What a run touches: the platforms' recent activity and everything ingesting it does. `build_handler` takes a
    provider of it, called once per run: in Lambda `backfill_ports` (the composition root's, and the accounts from
    the BackfillAccounts setting); a test passes one over the fakes."""

    accounts: str  # "facebook#<page id>,x#<user id>"; an operator's run may name its own
    sources: Mapping[Platform, ActivitySource]
    store: InteractionStore
    dispatcher: Dispatcher
    policy: BrandPolicy
    ledger: AuthorLedger
    demand: DemandCounter
    crisis: CrisisStore
    alerter: Alerter | None  # no alert topic configured
    shield: AuthorShield
    clock: Callable[[], float]


def backfill_ports() -> BackfillPorts:
    return BackfillPorts(
        accounts=get_settings().backfill_accounts,
        sources=bootstrap.activity_sources(),
        store=bootstrap.interaction_store(),
        dispatcher=bootstrap.ingest_dispatcher(),
        policy=bootstrap.brand_policy(),
        ledger=bootstrap.author_ledger(),
        demand=bootstrap.demand_counter(),
        crisis=bootstrap.crisis_store(),
        alerter=bootstrap.alerter(),
        shield=bootstrap.author_shield(),
        clock=bootstrap.clock,
    )


def build_handler(
    ports: Callable[[], BackfillPorts] = backfill_ports,
) -> Callable[[dict[str, Any], LambdaContext], dict[str, Any]]:
    @scheduled_handler
    def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
        run = ports()
        # the accounts to read: the BackfillAccounts parameter, or an operator's on-demand run's own list
        accounts = parse_accounts(str(event.get("accounts") or run.accounts))
        report = backfill(
            accounts,
            run.sources,
            run.store,
            run.dispatcher,
            run.clock(),
            float(event.get("lookback_seconds") or LOOKBACK_SECONDS),
            policy=run.policy,
            ledger=run.ledger,
            demand=run.demand,
            crisis=run.crisis,
            alerter=run.alerter,
            shield=run.shield,
        )
        # anything stored here is a message the webhooks missed: a delivery problem worth a look
        metrics.add_metric(name="BackfilledInteractions", unit="Count", value=report.stored)
        if report.failed:
            metrics.add_metric(name="BackfillFailures", unit="Count", value=len(report.failed))
            logger.warning("backfill could not read some accounts", failed=list(report.failed))
        log = logger.warning if report.stored else logger.info
        log("backfill ran", accounts=len(accounts), read=report.read, stored=report.stored)
        return {"accounts": len(accounts), "read": report.read, "stored": report.stored, "failed": list(report.failed)}

    return lambda_handler


lambda_handler = build_handler()
