"""What staff decide about a customer as a person: block them (stored, never answered, never queued), unblock them,
or erase everything ackline holds about them on their request (the same path as Meta's data-deletion callback)."""

from __future__ import annotations

from collections.abc import Callable

from ackline.domain.blocks import BlockedAuthor
from ackline.domain.erasure import ErasureRequest, person_key
from ackline.domain.model import Platform
from ackline.ports import Blocklist, ErasureStore, InteractionStore
from ackline.usecases.erase_person import erase_person


def block_author(platform: Platform, author_id: str, staff: str, blocklist: Blocklist, now: float) -> BlockedAuthor:
    existing = blocklist.get(platform, author_id)
    if existing is not None:
        return existing  # blocking twice keeps who blocked first, and when
    blocked = BlockedAuthor(platform=platform, author_id=author_id, by=staff, at=now)
    blocklist.block(blocked)
    return blocked


def blocked_authors(blocklist: Blocklist, limit: int) -> list[BlockedAuthor]:
    return blocklist.blocked_authors(limit)


def unblock_author(platform: Platform, author_id: str, blocklist: Blocklist) -> None:
    blocklist.unblock(platform, author_id)


def forget_author(
    platform: Platform,
    author_id: str,
    interactions: InteractionStore,
    erasure: ErasureStore,
    clock: Callable[[], float],
) -> ErasureRequest:
    return erase_person(person_key(platform, author_id), interactions, erasure, clock)
