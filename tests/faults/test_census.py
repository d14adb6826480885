"""The fault-free day, the hard day, and the census of every AWS call site ackline makes."""

from tests.faults.catalogue import NEEDS_LATE_LINK, SITES
from tests.faults.scenarios import everyday, hard_day


def test_a_fault_free_day(rig, record):
    counts = record(everyday(rig, "no faults"))
    assert counts.replied_once == counts.messages


def test_the_hard_day_reaches_every_call_site_in_the_catalogue(rig, record):
    counts = record(hard_day(rig, "hard day: duplicates, 429, 503, 500, 400 (no AWS faults)"))
    # the 500 and the two refusals sent nothing: those three are with a person, the rest replied once
    assert counts.replied_once == counts.messages - 3
    # a site the catalogue lacks would get no fault scenario; a site it names but the day misses would test nothing
    census = set(rig.injector.census)
    assert census - set(SITES) == set(), sorted(census)
    assert set(SITES) - census == NEEDS_LATE_LINK, sorted(census)
