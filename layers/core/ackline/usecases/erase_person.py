"""Erase one person's data on request (Meta's data-deletion callback), and say how it went.

The work is done while Meta waits (a person's history is small: one index query, one batch read, a few
deletes), so the status page can say "complete" at once; the request record keeps only a hash of the id.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from ackline.domain.erasure import ErasureRequest, ErasureStatus, new_confirmation_code, subject_hash
from ackline.domain.model import Interaction, Kind, Platform, case_id_for
from ackline.ports import Dispatcher, ErasureStore, InteractionStore
from ackline.usecases.ingest import IngestResult, ingest


def erase_person(
    person: str, interactions: InteractionStore, erasure: ErasureStore, clock: Callable[[], float]
) -> ErasureRequest:
    request = ErasureRequest(
        confirmation_code=new_confirmation_code(),
        status=ErasureStatus.PENDING,
        requested_at=clock(),
        subject_hash=subject_hash(person),
    )
    erasure.save_request(request)
    keys = erasure.person_interactions(person)
    stored = interactions.get_many(keys) if keys else {}
    conversations = {s.interaction.conversation_key for s in stored.values()}
    # a case is named after the interaction that opened it, so the person's keys find their cases
    scrubbed = erasure.scrub_cases({case_id_for(k) for k in keys})
    erasure.erase(keys, conversations)
    done = request.model_copy(
        update={
            "status": ErasureStatus.COMPLETE,
            "completed_at": clock(),
            "interactions_erased": len(keys),
            "cases_scrubbed": scrubbed,
        }
    )
    erasure.save_request(done)
    return done


def erasure_status(confirmation_code: str, erasure: ErasureStore) -> ErasureRequest | None:
    return erasure.get_request(confirmation_code)


def refer_unreadable_request(
    encoded_payload: str,
    why: str,
    interactions: InteractionStore,
    dispatcher: Dispatcher,
    erasure: ErasureStore,
    clock: Callable[[], float],
) -> tuple[ErasureRequest, IngestResult]:
    """A request Meta signed that names no one ackline can erase: kept raw in front of a person, who erases by
    hand, and recorded as pending so its status page says the work is not done. The request record keeps a hash
    of the payload (the only name it has); the raw record keeps the payload for the person."""
    now = clock()
    digest = hashlib.sha256(encoded_payload.encode("utf-8", "surrogatepass")).hexdigest()
    request = ErasureRequest(
        confirmation_code=new_confirmation_code(),
        status=ErasureStatus.PENDING,
        requested_at=now,
        subject_hash=digest,
    )
    problem = Interaction(
        platform=Platform.FACEBOOK,
        kind=Kind.RAW,
        # named by the payload, so Meta retrying the same request stores (and refers) nothing new
        external_id=f"deletion-{digest[:40]}",
        created_at=now,
        received_at=now,
        activity=(
            f"Meta data-deletion request (confirmation code {request.confirmation_code}) signed by Meta but "
            f"unreadable ({why}): a person erases the data by hand"
        ),
        raw=encoded_payload,
    )
    result = ingest([problem], interactions, dispatcher)
    if result.complete:
        erasure.save_request(request)
    return request, result
