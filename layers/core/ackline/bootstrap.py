"""Composition root: builds each adapter on first use and caches it for the container's lifetime.

Nothing here runs at import, so importing a handler needs no environment and no AWS. boto3 finds
its endpoint the standard way (AWS_ENDPOINT_URL for the local stack), so there is no `if local`.
"""

from __future__ import annotations

import json
import time
from functools import lru_cache
from typing import TYPE_CHECKING

import boto3
from aws_lambda_powertools.utilities import parameters
from botocore.config import Config

from ackline.adapters.alert_gate import DynamoAlertGate
from ackline.adapters.author_ledger import DynamoAuthorLedger
from ackline.adapters.blocklist_table import DynamoBlocklist
from ackline.adapters.case_table import DynamoCaseStore
from ackline.adapters.demand_table import DynamoDemandCounter
from ackline.adapters.erasure_table import DynamoErasureStore
from ackline.adapters.graph_api import GraphReplier
from ackline.adapters.instagram_api import InstagramReplier
from ackline.adapters.interaction_table import DynamoInteractionStore
from ackline.adapters.repliers import PlatformRouter
from ackline.adapters.reply_memory import DynamoReplyMemory
from ackline.adapters.secrets import SsmSecrets
from ackline.adapters.sent_replies import DynamoSentReplies
from ackline.adapters.sns_alerter import SnsAlerter
from ackline.adapters.sqs_dispatcher import SqsDispatcher
from ackline.adapters.sqs_human_replies import SqsHumanReplyQueue
from ackline.adapters.sqs_visibility import SqsRetryScheduler
from ackline.adapters.telegram_api import TelegramReplier
from ackline.adapters.whatsapp_api import WhatsAppReplier
from ackline.adapters.x_api import XReplier
from ackline.domain.model import Platform
from ackline.domain.policy import BrandPolicy, default_policy
from ackline.domain.policy_checks import parse_policy
from ackline.settings import get_settings

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_sqs import SQSClient

# Fail fast inside a webhook's few seconds rather than hang; the adaptive mode backs off on throttling.
_AWS_CONFIG = Config(connect_timeout=2, read_timeout=5, retries={"max_attempts": 3, "mode": "adaptive"})


def clock() -> float:
    return time.time()


@lru_cache(maxsize=1)
def dynamodb() -> DynamoDBClient:
    return boto3.client("dynamodb", config=_AWS_CONFIG)


@lru_cache(maxsize=1)
def sqs() -> SQSClient:
    return boto3.client("sqs", config=_AWS_CONFIG)


@lru_cache(maxsize=1)
def interaction_store() -> DynamoInteractionStore:
    return DynamoInteractionStore(dynamodb(), get_settings().require("table_name"))


@lru_cache(maxsize=1)
def author_ledger() -> DynamoAuthorLedger:
    return DynamoAuthorLedger(dynamodb(), get_settings().require("table_name"))


@lru_cache(maxsize=1)
def demand_counter() -> DynamoDemandCounter:
    return DynamoDemandCounter(dynamodb(), get_settings().require("table_name"))


@lru_cache(maxsize=1)
def reply_memory() -> DynamoReplyMemory:
    return DynamoReplyMemory(dynamodb(), get_settings().require("table_name"))


@lru_cache(maxsize=1)
def sent_replies() -> DynamoSentReplies:
    return DynamoSentReplies(dynamodb(), get_settings().require("table_name"))


@lru_cache(maxsize=1)
def blocklist() -> DynamoBlocklist:
    return DynamoBlocklist(dynamodb(), get_settings().require("table_name"))


@lru_cache(maxsize=1)
def erasure_store() -> DynamoErasureStore:
    return DynamoErasureStore(dynamodb(), get_settings().require("table_name"))


@lru_cache(maxsize=1)
def alerter() -> SnsAlerter | None:
    """Alerts go to the stack's SNS topic; without one (ALERT_TOPIC_ARN unset) P1 cases still reach the queue."""
    topic = get_settings().alert_topic_arn
    return SnsAlerter(boto3.client("sns", config=_AWS_CONFIG), topic) if topic else None


@lru_cache(maxsize=1)
def alert_gate() -> DynamoAlertGate:
    return DynamoAlertGate(dynamodb(), get_settings().require("table_name"))


@lru_cache(maxsize=1)
def case_store() -> DynamoCaseStore:
    return DynamoCaseStore(dynamodb(), get_settings().require("table_name"))


@lru_cache(maxsize=1)
def ingest_dispatcher() -> SqsDispatcher:
    settings = get_settings()
    return SqsDispatcher(sqs(), settings.require("ack_queue_url"), settings.require("followup_queue_url"))


@lru_cache(maxsize=1)
def responder_dispatcher() -> SqsDispatcher:
    # the responder only ever hands work to people; it never requests acknowledgements
    return SqsDispatcher(sqs(), "", get_settings().require("followup_queue_url"))


@lru_cache(maxsize=1)
def follow_up_dispatcher() -> SqsDispatcher:
    # the privacy callback hands an unreadable signed request to a person; it never requests replies
    return SqsDispatcher(sqs(), "", get_settings().require("followup_queue_url"))


@lru_cache(maxsize=1)
def human_reply_queue() -> SqsHumanReplyQueue:
    return SqsHumanReplyQueue(sqs(), get_settings().require("ack_queue_url"))


@lru_cache(maxsize=1)
def ack_retries() -> SqsRetryScheduler:
    return SqsRetryScheduler(sqs(), get_settings().require("ack_queue_url"))


@lru_cache(maxsize=1)
def secrets() -> SsmSecrets:
    settings = get_settings()
    return SsmSecrets(settings.secrets_path, settings.secret_cache_seconds)


@lru_cache(maxsize=1)
def replier() -> PlatformRouter:
    settings, store = get_settings(), secrets()
    graph = GraphReplier(settings.meta_graph_url, store.meta_page_token)
    return PlatformRouter(
        {
            Platform.FACEBOOK: graph,
            Platform.MESSENGER: graph,
            Platform.INSTAGRAM: InstagramReplier(settings.instagram_graph_url, store.instagram_token),
            Platform.WHATSAPP: WhatsAppReplier(settings.meta_graph_url, store.whatsapp_token),
            Platform.X: XReplier(settings.x_api_url, store.x_oauth1_credentials),
            Platform.TELEGRAM: TelegramReplier(settings.telegram_api_url, store.telegram_bot_token),
        }
    )


def brand_policy() -> BrandPolicy:
    """The brand policy: the SSM parameter BRAND_POLICY_PARAM names (JSON, re-read every few minutes through
    Powertools' cache, so an edit takes effect without a deploy), or the policy shipped in the layer.

    An invalid policy in SSM raises PolicyError: the webhook answers 5xx and the platform retries, which is
    better than answering customers with wording nobody approved.
    """
    settings = get_settings()
    if not settings.brand_policy_param:
        return default_policy()
    raw = parameters.get_parameter(settings.brand_policy_param, transform="json", max_age=settings.secret_cache_seconds)
    return _parsed_policy(json.dumps(raw, sort_keys=True))


@lru_cache(maxsize=4)
def _parsed_policy(text: str) -> BrandPolicy:
    # validated once per distinct value, not on every message
    return parse_policy(text)
