"""DynamoAuthorLedger against moto: idempotent counts in a window that restarts, and flags that stick."""

from ackline.adapters.author_ledger import DynamoAuthorLedger
from tests.fakes import InMemoryAuthorLedger

HOUR = 3600


def _ledgers(aws, dynamodb):
    return DynamoAuthorLedger(dynamodb, aws["DataTable"].name), InMemoryAuthorLedger()


def test_counts_are_idempotent_per_interaction_and_restart_after_the_window(aws, dynamodb):
    for ledger in _ledgers(aws, dynamodb):
        assert ledger.record_abuse("facebook#p#u1", "facebook#c1", 1_000.0, 24 * HOUR) == 1
        assert ledger.record_abuse("facebook#p#u1", "facebook#c1", 1_010.0, 24 * HOUR) == 1  # redelivery
        assert ledger.record_abuse("facebook#p#u1", "facebook#c2", 1_020.0, 24 * HOUR) == 2
        assert ledger.record_abuse("facebook#p#u2", "facebook#c3", 1_030.0, 24 * HOUR) == 1
        later = 1_000.0 + 24 * HOUR + 1
        assert ledger.record_abuse("facebook#p#u1", "facebook#c4", later, 24 * HOUR) == 1
        assert ledger.record_abuse("facebook#p#u1", "facebook#c5", later + 5, 24 * HOUR) == 2


def test_flags_stick_with_their_first_reason(aws, dynamodb):
    for ledger in _ledgers(aws, dynamodb):
        assert not ledger.is_flagged("x#a#u")
        ledger.flag("x#a#u", "3 abusive messages in 24 h", 5.0)
        ledger.flag("x#a#u", "later reason", 6.0)
        assert ledger.is_flagged("x#a#u") and not ledger.is_flagged("x#a#other")


def test_flagging_does_not_disturb_the_count(aws, dynamodb):
    ledger = DynamoAuthorLedger(dynamodb, aws["DataTable"].name)
    ledger.record_abuse("t#b#u", "telegram#1", 10.0, HOUR)
    ledger.flag("t#b#u", "r", 11.0)
    assert ledger.record_abuse("t#b#u", "telegram#2", 12.0, HOUR) == 2
    item = dynamodb.get_item(TableName=aws["DataTable"].name, Key={"pk": {"S": "AUTHOR#t#b#u"}, "sk": {"S": "AUTHOR"}})
    assert item["Item"]["flagged_reason"]["S"] == "r"


def test_the_count_can_be_read_without_counting(aws, dynamodb):
    for ledger in _ledgers(aws, dynamodb):
        author = f"facebook#p#{type(ledger).__name__}-reader"
        assert ledger.standing(author, 1_000.0, HOUR)[0] == 0  # never seen
        ledger.record_abuse(author, "facebook#r1", 1_000.0, HOUR)
        ledger.record_abuse(author, "facebook#r2", 1_010.0, HOUR)
        assert ledger.standing(author, 1_020.0, HOUR)[0] == 2
        assert ledger.standing(author, 1_030.0, HOUR)[0] == 2  # reading counted nothing
        assert ledger.standing(author, 1_000.0 + HOUR + 1, HOUR)[0] == 0  # the window has passed
