"""SqsRetryScheduler against moto: a delayed message stays hidden for the delay, then comes back."""

import time

from ackline.adapters.sqs_visibility import SqsRetryScheduler


def _receive(sqs, url):
    return sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=1, WaitTimeSeconds=0).get("Messages", [])


def test_a_delayed_message_reappears_after_the_delay_not_the_queue_timeout(aws, sqs):
    url = aws["AckQueue"].ref
    sqs.send_message(QueueUrl=url, MessageBody='{"v":1,"interaction_key":"x#1"}')
    [message] = _receive(sqs, url)
    assert SqsRetryScheduler(sqs, url).delay(message["ReceiptHandle"], 1.2)
    assert _receive(sqs, url) == []
    time.sleep(2.2)
    [again] = _receive(sqs, url)
    assert again["MessageId"] == message["MessageId"]


def test_a_stale_receipt_leaves_the_queue_in_charge(aws, sqs):
    url = aws["AckQueue"].ref
    assert SqsRetryScheduler(sqs, url).delay("not-a-receipt-handle", 5) is False
