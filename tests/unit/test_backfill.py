"""Backfill through the ports: what the webhooks missed is ingested once; a second run changes nothing; one
platform failing does not stop the others."""

from ackline.domain.model import Platform
from ackline.usecases.backfill import backfill, parse_accounts
from ackline.usecases.ingest import ingest
from tests.fakes import InMemoryInteractionStore, RecordingDispatcher
from tests.unit.builders import comment

NOW = 1_767_000_000.0


class Source:
    def __init__(self, *items, fail=False):
        self.items, self.fail, self.asked = list(items), fail, []

    def recent(self, account_id, since, now):
        self.asked.append((account_id, since))
        if self.fail:
            raise RuntimeError("Graph API 500")
        return [i for i in self.items if i.account_id == account_id]


def test_accounts_parse():
    assert parse_accounts("facebook#1044, x#1500;facebook#") == [(Platform.FACEBOOK, "1044"), (Platform.X, "1500")]
    assert parse_accounts("") == []


def test_missed_messages_are_ingested_once_and_a_second_run_changes_nothing():
    store, dispatcher = InMemoryInteractionStore(), RecordingDispatcher()
    delivered = comment("Love it", external_id="c1", account_id="1044")
    missed = comment("Where is my order? It never arrived", external_id="c2", author_id="u2", account_id="1044")
    ingest([delivered], store, dispatcher)  # this one did arrive as a webhook
    source = Source(delivered, missed)
    report = backfill([(Platform.FACEBOOK, "1044")], {Platform.FACEBOOK: source}, store, dispatcher, NOW, 7200)
    assert (report.read, report.stored, report.failed) == (2, 1, ())
    assert source.asked == [("1044", NOW - 7200)]
    assert [a.interaction_key for a in dispatcher.acks] == ["facebook#c1", "facebook#c2", "facebook#c1"]
    again = RecordingDispatcher()
    second = backfill([(Platform.FACEBOOK, "1044")], {Platform.FACEBOOK: source}, store, again, NOW + 900, 7200)
    assert second.stored == 0 and len(store.items) == 2


def test_one_failing_platform_is_reported_and_the_others_still_run():
    store, dispatcher = InMemoryInteractionStore(), RecordingDispatcher()
    mention = comment("@brand help", platform=Platform.X, external_id="t1", account_id="1500")
    report = backfill(
        [(Platform.FACEBOOK, "1044"), (Platform.X, "1500"), (Platform.TELEGRAM, "9")],
        {Platform.FACEBOOK: Source(fail=True), Platform.X: Source(mention)},
        store,
        dispatcher,
        NOW,
        3600,
    )
    assert report.stored == 1 and len(report.failed) == 2
    assert "Graph API 500" in report.failed[0] and "no backfill for telegram" in report.failed[1]
