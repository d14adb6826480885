"""SqsDispatcher against moto: batches of ten, bodies the consumers can read back."""

from ackline.adapters.sqs_dispatcher import SqsDispatcher
from ackline.contracts.messages import AckRequest, FollowUpRequest


def _drain(sqs, url):
    bodies = []
    while True:
        got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=0).get("Messages", [])
        if not got:
            return bodies
        bodies.extend(m["Body"] for m in got)
        sqs.delete_message_batch(
            QueueUrl=url, Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(got)]
        )


def test_requests_reach_their_queues_in_batches(aws, sqs):
    dispatcher = SqsDispatcher(sqs, aws["AckQueue"].ref, aws["FollowUpQueue"].ref)
    dispatcher.request_acks([AckRequest(interaction_key=f"facebook#{i}") for i in range(23)])
    dispatcher.request_follow_ups([FollowUpRequest(interaction_key="facebook#1", reasons=("complaint",))])
    acks = sorted(AckRequest.model_validate_json(b).interaction_key for b in _drain(sqs, aws["AckQueue"].ref))
    assert acks == sorted(f"facebook#{i}" for i in range(23))
    [follow] = [FollowUpRequest.model_validate_json(b) for b in _drain(sqs, aws["FollowUpQueue"].ref)]
    assert follow.reasons == ("complaint",)
