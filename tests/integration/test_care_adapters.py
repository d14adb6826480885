"""The suppressed listing and the once-a-day alert gate against moto, each beside its in-memory fake."""

from ackline.adapters.alert_gate import DynamoAlertGate
from ackline.adapters.interaction_table import DynamoInteractionStore
from ackline.domain.triage import triage
from tests.fakes import InMemoryAlertGate, InMemoryInteractionStore
from tests.unit.builders import comment

DAY = 24 * 3600


def test_the_alert_gate_lets_one_alert_through_per_period(aws, dynamodb):
    for gate in (DynamoAlertGate(dynamodb, aws["DataTable"].name), InMemoryAlertGate()):
        assert gate.take_turn("example-policy", 1_000.0, DAY)
        assert not gate.take_turn("example-policy", 1_001.0, DAY)  # another container, moments later
        assert gate.take_turn("other-kind", 1_001.0, DAY)
        assert gate.take_turn("example-policy", 1_000.0 + DAY + 1, DAY)  # the next day


def test_suppressed_customer_messages_are_listed_newest_first_and_nothing_else_is(aws, dynamodb):
    for store in (DynamoInteractionStore(dynamodb, aws["DataTable"].name), InMemoryInteractionStore()):
        tags = [comment("@sam look at this", external_id=f"tag-{n}", received_at=2_000.0 + n) for n in range(3)]
        spam = comment("Buy followers cheap at http://spam.example/deal now", external_id="spam-1", received_at=2_010.0)
        answered = comment("My order arrived broken, really disappointed", external_id="complaint-1")
        own = comment("Thanks for your patience", external_id="own-1", is_own=True)
        for interaction in (*tags, spam, answered, own):
            store.add(interaction, triage(interaction))
        listed = store.suppressed(10)
        assert [s.interaction.key for s in listed] == [spam.key] + [t.key for t in reversed(tags)]
        assert all(s.decision.reasons for s in listed)
        assert [s.interaction.key for s in store.suppressed(2)] == [spam.key, tags[2].key]
