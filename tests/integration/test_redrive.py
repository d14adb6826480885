"""The DLQ redrive command against moto: messages go back to their queue, none is lost, a dry run moves nothing."""

from ackline import redrive
from ackline.contracts.messages import AckRequest


def _depth(sqs, url):
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"])
    return int(attributes["Attributes"]["ApproximateNumberOfMessages"])


def _bodies(sqs, url):
    bodies = []
    while got := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=0).get("Messages", []):
        bodies.extend(m["Body"] for m in got)
        sqs.delete_message_batch(
            QueueUrl=url, Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(got)]
        )
    return bodies


def test_the_command_moves_every_dead_letter_back_to_its_queue(aws, sqs, moto_url, monkeypatch, capsys):
    dlq, queue = aws["AckDeadLetterQueue"].ref, aws["AckQueue"].ref
    # Given 23 acks that the responder gave up on (parked by the redrive policy in the DLQ)
    sent = [AckRequest(interaction_key=f"facebook#{n}").model_dump_json() for n in range(23)]
    for start in range(0, 23, 10):
        sqs.send_message_batch(
            QueueUrl=dlq, Entries=[{"Id": str(i), "MessageBody": b} for i, b in enumerate(sent[start : start + 10])]
        )
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_url)
    # A dry run counts a batch and moves nothing
    assert redrive.main(["--from-url", dlq, "--to-url", queue, "--dry-run"]) == 0
    assert "would move" in capsys.readouterr().out
    assert _depth(sqs, queue) == 0
    # When the operator redrives at most 5, then the rest
    assert redrive.main(["--from-url", dlq, "--to-url", queue, "--max", "5"]) == 0
    assert "moved 5 message(s)" in capsys.readouterr().out
    assert redrive.main(["--from-url", dlq, "--to-url", queue]) == 0
    assert "moved 18 message(s)" in capsys.readouterr().out
    # Then every message is back on AckQueue exactly once, and the DLQ is empty
    assert sorted(_bodies(sqs, queue)) == sorted(sent)
    assert _depth(sqs, dlq) == 0
