"""Backfill: every 15 minutes (EventBridge Scheduler), ingests the recent comments and mentions webhooks missed."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from ackline import bootstrap
from ackline.observability import logger, metrics, traced_handler
from ackline.settings import get_settings
from ackline.usecases.backfill import backfill, parse_accounts

LOOKBACK_SECONDS = 2 * 3600  # every run re-reads two hours: a missed run or two loses nothing


@logger.inject_lambda_context
@traced_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    # the accounts to read: the BackfillAccounts parameter, or an operator's on-demand run's own list
    accounts = parse_accounts(str(event.get("accounts") or get_settings().backfill_accounts))
    report = backfill(
        accounts,
        bootstrap.activity_sources(),
        bootstrap.interaction_store(),
        bootstrap.ingest_dispatcher(),
        bootstrap.clock(),
        float(event.get("lookback_seconds") or LOOKBACK_SECONDS),
        policy=bootstrap.brand_policy(),
        ledger=bootstrap.author_ledger(),
        demand=bootstrap.demand_counter(),
        crisis=bootstrap.crisis_store(),
        alerter=bootstrap.alerter(),
        shield=bootstrap.author_shield(),
    )
    # anything stored here is a message the webhooks missed: a delivery problem worth a look
    metrics.add_metric(name="BackfilledInteractions", unit="Count", value=report.stored)
    if report.failed:
        metrics.add_metric(name="BackfillFailures", unit="Count", value=len(report.failed))
        logger.warning("backfill could not read some accounts", failed=list(report.failed))
    log = logger.warning if report.stored else logger.info
    log("backfill ran", accounts=len(accounts), read=report.read, stored=report.stored)
    return {"accounts": len(accounts), "read": report.read, "stored": report.stored, "failed": list(report.failed)}
