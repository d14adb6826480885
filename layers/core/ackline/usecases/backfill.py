"""Backfill: ask the platforms for recent activity and ingest what the webhooks missed, through the same path.

Meta drops an app's subscription after an hour of failed deliveries and X stops a webhook that fails its CRC,
so webhooks can silently stop. The backfill reads each configured account's recent comments and mentions and
hands them to `ingest` exactly as a webhook would: what was delivered already is a duplicate (the platform's
id is the primary key) and changes nothing; what was missed is stored, triaged and answered once. A second run
changes nothing. An account whose platform refuses or fails is reported and the others still run.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ackline.domain.model import Platform
from ackline.ports import ActivitySource, Dispatcher, InteractionStore
from ackline.usecases.ingest import ingest


@dataclass(frozen=True)
class BackfillReport:
    read: int = 0  # items the platforms returned
    stored: int = 0  # missed by the webhooks: stored (and answered or escalated) now
    failed: tuple[str, ...] = field(default_factory=tuple)  # "<platform>#<account>: why"


def parse_accounts(text: str) -> list[tuple[Platform, str]]:
    """`facebook#1044...,x#1500...` -> [(Platform.FACEBOOK, "1044..."), (Platform.X, "1500...")]."""
    accounts: list[tuple[Platform, str]] = []
    for entry in (part.strip() for part in text.replace(";", ",").split(",")):
        platform, _, account = entry.partition("#")
        if platform and account:
            accounts.append((Platform(platform), account))
    return accounts


def backfill(
    accounts: Sequence[tuple[Platform, str]],
    sources: Mapping[Platform, ActivitySource],
    store: InteractionStore,
    dispatcher: Dispatcher,
    now: float,
    lookback_seconds: float,
    **ingest_options: Any,
) -> BackfillReport:
    read = stored = 0
    failed: list[str] = []
    for platform, account in accounts:
        source = sources.get(platform)
        if source is None:
            failed.append(f"{platform.value}#{account}: no backfill for {platform.value}")
            continue
        try:
            recent = source.recent(account, now - lookback_seconds, now)
        except Exception as error:  # one platform's failure must not stop the others
            failed.append(f"{platform.value}#{account}: {type(error).__name__}: {str(error)[:200]}")
            continue
        read += len(recent)
        if recent:
            stored += ingest(recent, store, dispatcher, **ingest_options).stored
    return BackfillReport(read=read, stored=stored, failed=tuple(failed))
