"""Erasing a person on request: their interactions go, their cases keep no name or words, nobody else is touched."""

from ackline.domain.erasure import SCRUBBED, ErasureStatus, person_key, person_of
from ackline.domain.model import Platform
from ackline.usecases.erase_person import erase_person, erasure_status
from ackline.usecases.follow_up import follow_up
from ackline.usecases.ingest import ingest
from tests.fakes import InMemoryCaseStore, InMemoryErasureStore, InMemoryInteractionStore, RecordingDispatcher
from tests.unit.builders import comment


def test_meta_platforms_share_one_person_and_others_keep_their_own():
    assert person_key(Platform.FACEBOOK, "1") == person_key(Platform.INSTAGRAM, "1") == "meta#1"
    assert person_key(Platform.X, "1") == "x#1"
    assert person_of(comment(author_id="1", is_own=True)) == ""


def test_a_person_is_erased_and_nobody_else():
    store, cases, dispatcher = InMemoryInteractionStore(), InMemoryCaseStore(), RecordingDispatcher()
    erasure = InMemoryErasureStore(store, cases)
    mine = [
        comment("My parcel is broken", external_id="c1", author_id="u1", author_name="Dana Rivers"),
        comment("Still broken!", external_id="c2", author_id="u1", created_at=1_100.0),
    ]
    other = comment("Broken here too", external_id="c3", author_id="u2", author_name="Sam Lee")
    ingest([*mine, other], store, dispatcher)
    for request in dispatcher.follow_ups:
        follow_up(request, store, cases, 1_200.0)
    clock = iter([2_000.0, 2_001.0]).__next__

    done = erase_person(person_key(Platform.FACEBOOK, "u1"), store, erasure, clock)

    assert done.status is ErasureStatus.COMPLETE and done.interactions_erased == 2 and done.cases_scrubbed == 1
    assert set(store.items) == {other.key}
    scrubbed = [c for c in cases.cases.values() if c.author_name == SCRUBBED]
    assert len(scrubbed) == 1 and scrubbed[0].summary == SCRUBBED and "Dana" not in scrubbed[0].model_dump_json()
    assert any(c.author_name == "Sam Lee" for c in cases.cases.values())
    assert erasure_status(done.confirmation_code, erasure) == done
    assert "u1" not in done.model_dump_json()  # only a hash of the person's id is kept


def test_a_person_we_never_heard_from_gets_a_complete_empty_erasure():
    store, cases = InMemoryInteractionStore(), InMemoryCaseStore()
    done = erase_person("meta#nobody", store, InMemoryErasureStore(store, cases), iter([1.0, 2.0]).__next__)
    assert done.status is ErasureStatus.COMPLETE and done.interactions_erased == 0
