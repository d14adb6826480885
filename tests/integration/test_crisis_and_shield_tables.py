"""The crisis counters and switches, and the abuse shield's per-author counter, against moto."""

from ackline.adapters.author_shield import DynamoAuthorShield
from ackline.adapters.crisis_table import DynamoCrisisStore
from ackline.domain.crisis import EVERY_ACCOUNT

T0 = 1_767_000_000.0  # a minute (and hour) boundary
ACCOUNT = "facebook#104455"


def test_counters_add_atomically_and_the_window_slides(aws, dynamodb):
    store = DynamoCrisisStore(dynamodb, aws["DataTable"].name, cache_seconds=0)
    store.count({ACCOUNT: 3, "x#1": 1}, T0)
    store.count({ACCOUNT: 2}, T0 + 30)
    store.count({ACCOUNT: 4}, T0 + 300)
    assert store.window_count(ACCOUNT, T0 + 300, 10) == 9
    assert store.window_count(ACCOUNT, T0 + 300, 1) == 4
    assert store.window_count(ACCOUNT, T0 + 900, 10) == 0  # the window has moved on
    # the hour's count is the next hour's baseline
    assert store.baseline_count(ACCOUNT, T0 + 3600, 24) == 9 and store.baseline_count(ACCOUNT, T0 + 300, 24) == 0
    items = dynamodb.query(
        TableName=aws["DataTable"].name,
        KeyConditionExpression="pk = :pk",
        ExpressionAttributeValues={":pk": {"S": f"CRISIS#{ACCOUNT}"}},
    )["Items"]
    assert items and all("expires_at" in item for item in items)  # TTL removes old buckets


def test_exactly_one_caller_switches_it_on_and_a_person_takes_it_over(aws, dynamodb):
    store = DynamoCrisisStore(dynamodb, aws["DataTable"].name, cache_seconds=0)
    first = store.switch_on(ACCOUNT, T0, manual=False, by="auto", reason="25 negative messages")
    assert first is not None and first.on and first.since == T0 and not first.manual
    assert store.switch_on(ACCOUNT, T0 + 1, manual=False, by="auto", reason="26") is None
    assert store.mark_alerted(ACCOUNT, T0, T0 + 1) and not store.mark_alerted(ACCOUNT, T0, T0 + 2)
    # a person takes it over with a statement: no new switch-on (no second alert), and the counters cannot undo it
    assert store.switch_on(ACCOUNT, T0 + 5, manual=True, by="ana", reason="by ana", statement="Hold on") is None
    state = store.states([ACCOUNT, EVERY_ACCOUNT])[ACCOUNT]
    assert state.manual and state.statement == "Hold on" and state.alerted_at == T0 + 1
    assert not store.switch_off(ACCOUNT, T0 + 6, by="auto", manual=False)
    assert store.switch_off(ACCOUNT, T0 + 7, by="ana", manual=True)
    [off] = store.all_states()
    assert not off.on and off.statement == "" and off.by == "ana"


def test_states_are_cached_for_a_few_seconds_but_a_containers_own_switch_shows_at_once(aws, dynamodb):
    store = DynamoCrisisStore(dynamodb, aws["DataTable"].name, cache_seconds=60)
    other = DynamoCrisisStore(dynamodb, aws["DataTable"].name, cache_seconds=60)
    assert store.states([ACCOUNT]) == {}
    store.switch_on(ACCOUNT, T0, manual=True, by="ana", reason="by ana")
    assert store.states([ACCOUNT])[ACCOUNT].on
    assert other.states([ACCOUNT])[ACCOUNT].on  # not cached there yet


def test_the_shield_counts_per_minute(aws, dynamodb):
    shield = DynamoAuthorShield(dynamodb, aws["DataTable"].name)
    author = "facebook#104455#7311"
    assert shield.hit({author: 3}, T0)[author].count == 3
    assert shield.hit({author: 2, "x#1#2": 1}, T0 + 10)[author].count == 5
    assert shield.hit({author: 1}, T0 + 60)[author].count == 1  # a new minute
    assert shield.hit({author: 1}, T0 + 62)[author].count == 2


def test_the_shield_writes_one_small_expiring_item_per_author_and_minute(aws, dynamodb):
    table = aws["DataTable"].name
    shield = DynamoAuthorShield(dynamodb, table)
    author = "facebook#104455#7312"
    calls: list[str] = []
    dynamodb.meta.events.register("before-call.dynamodb.*", lambda model, **_: calls.append(model.name))
    try:
        shield.hit({author: 1}, T0 + 5)  # a new author: one write, no refused condition first
        shield.hit({author: 1}, T0 + 65)  # a new minute: again one write
    finally:
        dynamodb.meta.events.unregister("before-call.dynamodb.*")
    assert calls == ["UpdateItem", "UpdateItem"]
    items = dynamodb.query(
        TableName=table,
        KeyConditionExpression="pk = :p",
        ExpressionAttributeValues={":p": {"S": f"AUTHOR#{author}"}},
    )["Items"]
    # under the author's partition (an erasure request takes them), each gone by TTL within the hour after it
    assert sorted(i["sk"]["S"] for i in items) == [f"RATE#{int(T0 // 60)}", f"RATE#{int(T0 // 60) + 1}"]
    assert all(int(i["expires_at"]["N"]) <= T0 + 120 + 3600 for i in items)
