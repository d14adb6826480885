"""DynamoBlocklist against moto: block, look up a whole delivery's authors in one batch read, unblock."""

from ackline.adapters.blocklist_table import DynamoBlocklist
from ackline.domain.blocks import BlockedAuthor
from ackline.domain.model import Platform


def test_block_lookup_and_unblock(aws, dynamodb):
    blocklist = DynamoBlocklist(dynamodb, aws["DataTable"].name)
    blocklist.block(BlockedAuthor(platform=Platform.X, author_id="42", by="ana@brand", at=1_000.0))
    assert blocklist.get(Platform.X, "42") == BlockedAuthor(
        platform=Platform.X, author_id="42", by="ana@brand", at=1_000.0
    )
    assert blocklist.get(Platform.TELEGRAM, "42") is None  # another platform is another id space
    calls: list[str] = []
    dynamodb.meta.events.register("before-call.dynamodb.*", lambda model, **_: calls.append(model.name))
    authors = [(Platform.X, str(n)) for n in range(150)] + [(Platform.TELEGRAM, "42")]
    assert blocklist.blocked(authors) == {(Platform.X, "42")}
    assert calls == ["BatchGetItem", "BatchGetItem"]  # 151 authors: two batch reads of at most 100 keys
    blocklist.unblock(Platform.X, "42")
    assert blocklist.blocked([(Platform.X, "42")]) == set()


def test_blocked_authors_are_listed_newest_first_with_one_query(aws, dynamodb):
    blocklist = DynamoBlocklist(dynamodb, aws["DataTable"].name)
    for n, at in enumerate((1_000.0, 3_000.0, 2_000.0)):
        blocklist.block(BlockedAuthor(platform=Platform.FACEBOOK, author_id=f"a{n}", by="ana@brand", at=at))
    # blocking again keeps the first block and does not list the author twice
    blocklist.block(BlockedAuthor(platform=Platform.FACEBOOK, author_id="a0", by="bo@brand", at=9_000.0))
    calls: list[str] = []
    dynamodb.meta.events.register("before-call.dynamodb.*", lambda model, **_: calls.append(model.name))
    assert [(b.author_id, b.at) for b in blocklist.blocked_authors(10)] == [
        ("a1", 3_000.0),
        ("a2", 2_000.0),
        ("a0", 1_000.0),
    ]
    assert [b.author_id for b in blocklist.blocked_authors(2)] == ["a1", "a2"]
    assert calls == ["Query", "Query"]
    assert blocklist.get(Platform.FACEBOOK, "a0") == BlockedAuthor(
        platform=Platform.FACEBOOK, author_id="a0", by="ana@brand", at=1_000.0
    )
    blocklist.unblock(Platform.FACEBOOK, "a1")
    blocklist.unblock(Platform.FACEBOOK, "a1")  # unblocking twice is harmless
    assert [b.author_id for b in blocklist.blocked_authors(10)] == ["a2", "a0"]
