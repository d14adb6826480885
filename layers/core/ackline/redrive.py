"""Move messages from a dead-letter queue back to the queue they came from, after the cause is fixed.

    python -m ackline.redrive --stack <stack name> --queue ack        # AckDeadLetterQueue -> AckQueue
    python -m ackline.redrive --stack <stack name> --queue followup   # FollowUpDeadLetterQueue -> FollowUpQueue
    python -m ackline.redrive --from-url <dlq url> --to-url <queue url> [--max 100] [--dry-run]

Safe to run at any time, and again after an interruption: each message is sent to the source queue first and
deleted from the DLQ only once the send is accepted, so a crash in between leaves a duplicate — which the
responder's lease (one reply per interaction) and idempotent cases absorb — and never a loss. An ack that has
already been answered or handed to a person sends nothing when it comes back.

AWS's own `aws sqs start-message-move-task --source-arn <DLQ ARN>` (the console's "Start DLQ redrive") does the
same for standard queues; this command also works where that API is not available (the local stack) and says
what it moved.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING

import boto3

if TYPE_CHECKING:
    from mypy_boto3_sqs import SQSClient

# stack output names: the DLQ and the queue it redrives to
QUEUES = {
    "ack": ("AckDeadLetterQueueName", "AckQueueName"),
    "followup": ("FollowUpDeadLetterQueueName", "FollowUpQueueName"),
}
_BATCH = 10  # SQS's ReceiveMessage / SendMessageBatch maximum


@dataclass(frozen=True)
class RedriveResult:
    moved: int
    left: int  # still in the DLQ (the --max limit, or messages another reader holds)


def redrive(
    sqs: SQSClient, from_url: str, to_url: str, *, limit: int | None = None, dry_run: bool = False
) -> RedriveResult:
    moved = 0
    while limit is None or moved < limit:
        wanted = _BATCH if limit is None else min(_BATCH, limit - moved)
        # a visibility timeout long enough to send and delete; the DLQ keeps the message if this process dies
        messages = sqs.receive_message(
            QueueUrl=from_url, MaxNumberOfMessages=wanted, VisibilityTimeout=60, WaitTimeSeconds=1
        ).get("Messages", [])
        if not messages:
            break
        if dry_run:
            sqs.change_message_visibility_batch(
                QueueUrl=from_url,
                Entries=[
                    {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"], "VisibilityTimeout": 0}
                    for i, m in enumerate(messages)
                ],
            )
            moved += len(messages)
            break
        sent = sqs.send_message_batch(
            QueueUrl=to_url, Entries=[{"Id": str(i), "MessageBody": m["Body"]} for i, m in enumerate(messages)]
        )
        accepted = {entry["Id"] for entry in sent.get("Successful", [])}
        done = [m for i, m in enumerate(messages) if str(i) in accepted]
        if done:
            sqs.delete_message_batch(
                QueueUrl=from_url,
                Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(done)],
            )
        moved += len(done)
        if len(done) < len(messages):
            break  # the source queue refused some: stop rather than spin; they stay in the DLQ
    attributes = sqs.get_queue_attributes(QueueUrl=from_url, AttributeNames=["ApproximateNumberOfMessages"])
    return RedriveResult(moved=moved, left=int(attributes["Attributes"].get("ApproximateNumberOfMessages", "0")))


def _urls_from_stack(stack: str, queue: str) -> tuple[str, str]:
    outputs = boto3.client("cloudformation").describe_stacks(StackName=stack)["Stacks"][0].get("Outputs", [])
    by_key = {o["OutputKey"]: o["OutputValue"] for o in outputs}
    dlq_output, queue_output = QUEUES[queue]
    sqs = boto3.client("sqs")
    return (
        sqs.get_queue_url(QueueName=by_key[dlq_output])["QueueUrl"],
        sqs.get_queue_url(QueueName=by_key[queue_output])["QueueUrl"],
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ackline.redrive", description=__doc__.split("\n", 1)[0])
    parser.add_argument("--stack", help="the deployed stack's name (its outputs name the queues)")
    parser.add_argument("--queue", choices=sorted(QUEUES), default="ack")
    parser.add_argument("--from-url", help="the dead-letter queue's URL (instead of --stack)")
    parser.add_argument("--to-url", help="the queue to send the messages back to (instead of --stack)")
    parser.add_argument("--max", type=int, default=None, help="move at most this many messages")
    parser.add_argument("--dry-run", action="store_true", help="count a batch without moving anything")
    args = parser.parse_args(argv)
    if args.from_url and args.to_url:
        from_url, to_url = args.from_url, args.to_url
    elif args.stack:
        from_url, to_url = _urls_from_stack(args.stack, args.queue)
    else:
        parser.error("give --stack, or both --from-url and --to-url")
    result = redrive(boto3.client("sqs"), from_url, to_url, limit=args.max, dry_run=args.dry_run)
    verb = "would move (at least)" if args.dry_run else "moved"
    sys.stdout.write(
        f"{verb} {result.moved} message(s) from {from_url} to {to_url}; {result.left} left in the dead-letter queue\n"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
