"""Duplicate and out-of-order deliveries (webhooks and queue messages), and the failures that follow a send."""

from ackline_local.sandbox import Fault
from tests.faults.rig import everyday_traffic
from tests.faults.scenarios import UNKNOWN_ERROR, everyday, hard_day, run_day


def test_each_webhook_delivered_three_times_at_once(rig, record):
    counts = record(everyday(rig, "each webhook 3x, from 8 threads at once", copies=3, threads=8))
    assert counts.replied_once == counts.messages


def test_out_of_order_newest_first_and_follow_ups_before_acks(rig, record):
    counts = record(
        hard_day(rig, "out of order: newest first, follow-ups before acks", newest_first=True, follow_ups_first=True)
    )
    assert counts.replied_once == counts.messages - 3


def test_every_queue_message_delivered_twice(rig, record):
    messages = everyday_traffic(rig.clock())
    rig.deliver_all(m.payload for m in messages)
    assert rig.duplicate_queued() > len(messages)  # every ack and every follow-up twice
    rig.drain()
    rig.staff_work()
    counts = record(rig.tally("SQS delivers every ack and follow-up twice", messages))
    assert counts.replied_once == counts.messages


def test_a_throttled_write_after_a_successful_send(rig, record):
    # the platform accepted the reply, then recording it fails 3 times in a row (one message's lease is kept and
    # a person checks), and once more later (retried in place)
    rig.injector.fail("dynamodb.UpdateItem.INT.finish:sent", "ProvisionedThroughputExceededException", [1, 2, 3, 5])
    counts = record(everyday(rig, "a throttled write after a successful send (finish_reply SENT)"))
    assert counts.replied_once == counts.messages and counts.in_case >= 7  # 6 escalations + the unrecorded one


def test_a_throttled_reply_memory_under_a_viral_post(rig, record):
    rig.injector.fail("dynamodb.UpdateItem.POST", "ThrottlingException", [1, 2, 3])
    counts = record(everyday(rig, "a throttled reply-memory write (one hot key under a post)"))
    assert counts.replied_once == counts.messages


def test_an_unknown_outcome_while_the_follow_up_queue_fails(rig, record):
    messages = everyday_traffic(rig.clock())
    rig.sandbox.add_fault(Fault(status=500, count=1, path_contains=messages[0].target, body=UNKNOWN_ERROR))
    rig.deliver_all(m.payload for m in messages)
    # from here on the hand-offs to people fail three times: the praise whose reply is unknown must still reach one
    rig.injector.fail("sqs.SendMessageBatch.FollowUpQueue", "InternalServerError", [1, 2, 3])
    run_day(rig, [])
    counts = record(rig.tally("unknown outcome, then the FollowUp queue fails 3x", messages))
    assert messages[0].key in rig.case_keys() and counts.replied_once == counts.messages - 1
