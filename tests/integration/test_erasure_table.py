"""DynamoErasureStore against moto, with PersonIndex built from template.yaml."""

from ackline.adapters.author_ledger import DynamoAuthorLedger
from ackline.adapters.author_shield import DynamoAuthorShield
from ackline.adapters.case_table import DynamoCaseStore
from ackline.adapters.erasure_table import DynamoErasureStore
from ackline.adapters.interaction_table import DynamoInteractionStore
from ackline.domain.erasure import SCRUBBED, person_key
from ackline.domain.model import Platform, Priority
from ackline.domain.triage import triage
from ackline.usecases.erase_person import erase_person
from tests.unit.builders import comment


def test_erasure_deletes_the_persons_items_and_scrubs_their_case(aws, dynamodb):
    table = aws["DataTable"].name
    interactions = DynamoInteractionStore(dynamodb, table)
    cases, ledger = DynamoCaseStore(dynamodb, table), DynamoAuthorLedger(dynamodb, table)
    erasure = DynamoErasureStore(dynamodb, table)
    mine = [comment(f"broken {i}", external_id=f"c{i}", author_id="u1", author_name="Dana Rivers") for i in range(3)]
    other = comment("fine", external_id="o1", author_id="u2")
    interactions.add_many([(c, triage(c)) for c in [*mine, other]])
    case = cases.open_or_append(mine[0], Priority.P2, ["complaint"], 10.0)
    ledger.record_abuse(mine[0].conversation_key, mine[0].key, 10.0, 3600)
    shield = DynamoAuthorShield(dynamodb, table)
    for minute in range(3):  # the abuse shield's per-minute counters sit under the author's key too
        shield.hit({mine[0].conversation_key: 1}, 60.0 * minute)
    assert sorted(erasure.person_interactions(person_key(Platform.FACEBOOK, "u1"))) == sorted(c.key for c in mine)

    done = erase_person(person_key(Platform.FACEBOOK, "u1"), interactions, erasure, iter([20.0, 21.0]).__next__)

    assert (done.interactions_erased, done.cases_scrubbed) == (3, 1)
    assert interactions.get_many([c.key for c in mine]) == {}
    assert interactions.get(other.key) is not None
    scrubbed = cases.get_case(case.case_id)
    assert scrubbed is not None and (scrubbed.author_name, scrubbed.summary) == (SCRUBBED, SCRUBBED)
    leftovers = [i["pk"]["S"] for i in dynamodb.scan(TableName=table)["Items"] if "u1" in str(i)]
    assert leftovers == [], leftovers
    assert erasure.get_request(done.confirmation_code) == done
