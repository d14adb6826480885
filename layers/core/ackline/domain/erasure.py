"""A person's request to erase their data (Meta's data-deletion callback), and who that person is to us.

Meta names the person by the id it gives our app; interactions name authors by the ids the webhooks carry.
The ids the Page feed and Instagram webhooks carry for an app are the ones the callback sends, so those
match directly; Messenger's page-scoped ids would need Meta's ID-matching API (not done yet).
"""

from __future__ import annotations

import hashlib
import secrets
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from ackline.domain.model import Interaction, Platform

META_FAMILY = frozenset({Platform.FACEBOOK, Platform.MESSENGER, Platform.INSTAGRAM})
SCRUBBED = "[erased at the person's request]"


class ErasureStatus(StrEnum):
    PENDING = "pending"
    COMPLETE = "complete"


class ErasureRequest(BaseModel):
    """What we keep about a request: never the person's id once the work is done, only its hash."""

    model_config = ConfigDict(frozen=True)

    confirmation_code: str
    status: ErasureStatus
    requested_at: float
    completed_at: float | None = None
    subject_hash: str
    interactions_erased: int = 0
    cases_scrubbed: int = 0


def person_key(platform: Platform, author_id: str) -> str:
    """One person across the platforms that share Meta's ids; other platforms keep their own id spaces."""
    family = "meta" if platform in META_FAMILY else platform.value
    return f"{family}#{author_id}" if author_id else ""


def person_of(interaction: Interaction) -> str:
    return "" if interaction.is_own else person_key(interaction.platform, interaction.author_id)


def new_confirmation_code() -> str:
    # random, never derived from the person's id: the code is shown publicly on the status page
    return secrets.token_hex(10)


def subject_hash(person: str) -> str:
    return hashlib.sha256(person.encode()).hexdigest()
