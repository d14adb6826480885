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
