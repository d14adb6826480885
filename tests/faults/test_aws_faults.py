"""DynamoDB throttling and errors, SQS send failures, SNS failures and a function killed, at every call site.

At each site the 1st call fails with ProvisionedThroughputExceededException, the 2nd kills the function (nothing
after that point runs; SQS or the platform redelivers), the 3rd fails with ThrottlingException and the 4th with
InternalServerError (as boto3 raises them once its own retries are spent). The hard day then runs to its end and
every message must have exactly one reply or be in a case.
"""

import pytest

from tests.faults.catalogue import NEEDS_LATE_LINK, SITES
from tests.faults.injection import KILL
from tests.faults.scenarios import hard_day

FAULTS = {
    1: "ProvisionedThroughputExceededException",
    2: KILL,
    3: "ThrottlingException",
    4: "InternalServerError",
}


# Reached once a day whatever fails: demand is counted only when an interaction is first stored, so the platform's
# redelivery after a failed count does not write it again (the count is short, never doubled). Each fault there
# gets a day of its own.
ONCE_A_DAY = {"dynamodb.UpdateItem.DEMAND"}


def _prepare(rig, site):
    if site in NEEDS_LATE_LINK:
        # both copies of the ack (the hard day delivers each webhook twice) fail to link: the statuses come first
        rig.injector.fail("dynamodb.UpdateItem.REPLY.link", "ThrottlingException", [1, 2])


@pytest.mark.parametrize("site", [s for s in SITES if s not in ONCE_A_DAY])
def test_errors_and_a_kill_at_each_call_site(site, rig, record):
    _prepare(rig, site)
    rules = [rig.injector.fail(site, error, [call]) for call, error in FAULTS.items()]
    record(hard_day(rig, f"{site} x4 (3 errors, 1 kill)"))
    assert all(rule.fired for rule in rules), [(rule.error, rule.fired) for rule in rules]


@pytest.mark.parametrize("error", list(FAULTS.values()))
@pytest.mark.parametrize("site", sorted(ONCE_A_DAY))
def test_each_fault_at_a_site_reached_once_a_day(site, error, rig, record):
    rule = rig.injector.fail(site, error, [1])
    record(hard_day(rig, f"{site} ({error})"))
    assert rule.fired
