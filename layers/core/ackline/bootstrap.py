"""Composition root: builds each adapter on first use and caches it for the container's lifetime.

Nothing here runs at import, so importing a handler needs no environment and no AWS. Each adapter's module is
imported inside the function that builds it, so a function loads only the adapters it uses (the StaffApi never
loads `requests` or the platform clients, Ingest never the case table): imports are most of a cold start. boto3 finds
its endpoint the standard way (AWS_ENDPOINT_URL for the local stack), so there is no `if local`.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from functools import lru_cache
from typing import TYPE_CHECKING

import boto3
from botocore.config import Config

from ackline.adapters.fan_out import MAX_THREADS
from ackline.settings import get_settings

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_sqs import SQSClient

    from ackline.adapters.alert_gate import DynamoAlertGate
    from ackline.adapters.author_ledger import DynamoAuthorLedger
    from ackline.adapters.author_shield import DynamoAuthorShield
    from ackline.adapters.blocklist_table import DynamoBlocklist
    from ackline.adapters.case_table import DynamoCaseStore
    from ackline.adapters.channel_probes import MetaSubscriptionProbe, TelegramWebhookProbe
    from ackline.adapters.channel_registry import DynamoChannelRegistry
    from ackline.adapters.crisis_table import DynamoCrisisStore
    from ackline.adapters.demand_table import DynamoDemandCounter
    from ackline.adapters.erasure_table import DynamoErasureStore
    from ackline.adapters.interaction_table import DynamoInteractionStore
    from ackline.adapters.recent_activity import GraphPageActivity, InstagramCommentActivity, XMentionActivity
    from ackline.adapters.repliers import PlatformRouter
    from ackline.adapters.reply_memory import DynamoReplyMemory
    from ackline.adapters.secrets import SsmSecrets
    from ackline.adapters.sent_replies import DynamoSentReplies
    from ackline.adapters.sns_alerter import SnsAlerter
    from ackline.adapters.sqs_dispatcher import SqsDispatcher
    from ackline.adapters.sqs_human_replies import SqsHumanReplyQueue
    from ackline.adapters.sqs_visibility import SqsRetryScheduler
    from ackline.adapters.unsettled_index import DynamoUnsettledInteractions
    from ackline.domain.model import Platform
    from ackline.domain.policy import BrandPolicy

# Fail fast inside a webhook's few seconds rather than hang; the adaptive mode backs off on throttling. The pool
# holds a connection for every thread of the widest fan-out (botocore's default is 10: a 16-thread fan-out opened
# six new connections each time, TLS handshakes included), twice over for the local stack, which runs several
# invocations of a function at once on its clients.
_AWS_CONFIG = Config(
    connect_timeout=2,
    read_timeout=5,
    retries={"max_attempts": 3, "mode": "adaptive"},
    max_pool_connections=2 * MAX_THREADS,
)


def clock() -> float:
    return time.time()


def wall_clock() -> Callable[[], float]:
    """The clock itself, for what reads the time at its own moments (a use case stamping several steps); tests
    give a fixed one in its place."""
    return clock


@lru_cache(maxsize=1)
def dynamodb() -> DynamoDBClient:
    return boto3.client("dynamodb", config=_AWS_CONFIG)


@lru_cache(maxsize=1)
def sqs() -> SQSClient:
    return boto3.client("sqs", config=_AWS_CONFIG)


@lru_cache(maxsize=1)
def interaction_store() -> DynamoInteractionStore:
    from ackline.adapters.interaction_table import DynamoInteractionStore

    return DynamoInteractionStore(dynamodb(), get_settings().require("table_name"))


@lru_cache(maxsize=1)
def author_ledger() -> DynamoAuthorLedger:
    from ackline.adapters.author_ledger import DynamoAuthorLedger

    return DynamoAuthorLedger(dynamodb(), get_settings().require("table_name"))


@lru_cache(maxsize=1)
def demand_counter() -> DynamoDemandCounter:
    from ackline.adapters.demand_table import DynamoDemandCounter

    return DynamoDemandCounter(dynamodb(), get_settings().require("table_name"))


@lru_cache(maxsize=1)
def reply_memory() -> DynamoReplyMemory:
    from ackline.adapters.reply_memory import DynamoReplyMemory

    return DynamoReplyMemory(dynamodb(), get_settings().require("table_name"))


@lru_cache(maxsize=1)
def sent_replies() -> DynamoSentReplies:
    from ackline.adapters.sent_replies import DynamoSentReplies

    return DynamoSentReplies(dynamodb(), get_settings().require("table_name"))


@lru_cache(maxsize=1)
def blocklist() -> DynamoBlocklist:
    from ackline.adapters.blocklist_table import DynamoBlocklist

    return DynamoBlocklist(dynamodb(), get_settings().require("table_name"))


@lru_cache(maxsize=1)
def erasure_store() -> DynamoErasureStore:
    from ackline.adapters.erasure_table import DynamoErasureStore

    return DynamoErasureStore(dynamodb(), get_settings().require("table_name"))


@lru_cache(maxsize=1)
def alerter() -> SnsAlerter | None:
    """Alerts go to the stack's SNS topic; without one (ALERT_TOPIC_ARN unset) P1 cases still reach the queue."""
    from ackline.adapters.sns_alerter import SnsAlerter

    topic = get_settings().alert_topic_arn
    return SnsAlerter(boto3.client("sns", config=_AWS_CONFIG), topic) if topic else None


@lru_cache(maxsize=1)
def alert_gate() -> DynamoAlertGate:
    from ackline.adapters.alert_gate import DynamoAlertGate

    return DynamoAlertGate(dynamodb(), get_settings().require("table_name"))


@lru_cache(maxsize=1)
def case_store() -> DynamoCaseStore:
    from ackline.adapters.case_table import DynamoCaseStore

    return DynamoCaseStore(dynamodb(), get_settings().require("table_name"))


@lru_cache(maxsize=1)
def ingest_dispatcher() -> SqsDispatcher:
    from ackline.adapters.sqs_dispatcher import SqsDispatcher

    settings = get_settings()
    return SqsDispatcher(sqs(), settings.require("ack_queue_url"), settings.require("followup_queue_url"))


@lru_cache(maxsize=1)
def responder_dispatcher() -> SqsDispatcher:
    from ackline.adapters.sqs_dispatcher import SqsDispatcher

    # the responder only ever hands work to people; it never requests acknowledgements
    return SqsDispatcher(sqs(), "", get_settings().require("followup_queue_url"))


@lru_cache(maxsize=1)
def follow_up_dispatcher() -> SqsDispatcher:
    from ackline.adapters.sqs_dispatcher import SqsDispatcher

    # the privacy callback hands an unreadable signed request to a person; it never requests replies
    return SqsDispatcher(sqs(), "", get_settings().require("followup_queue_url"))


@lru_cache(maxsize=1)
def human_reply_queue() -> SqsHumanReplyQueue:
    from ackline.adapters.sqs_human_replies import SqsHumanReplyQueue

    return SqsHumanReplyQueue(sqs(), get_settings().require("ack_queue_url"))


def author_shield() -> DynamoAuthorShield:
    from ackline.adapters.author_shield import DynamoAuthorShield

    return DynamoAuthorShield(dynamodb(), get_settings().require("table_name"))


@lru_cache(maxsize=1)
def crisis_store() -> DynamoCrisisStore:
    from ackline.adapters.crisis_table import DynamoCrisisStore

    return DynamoCrisisStore(dynamodb(), get_settings().require("table_name"))


@lru_cache(maxsize=1)
def unsettled_interactions() -> DynamoUnsettledInteractions:
    from ackline.adapters.unsettled_index import DynamoUnsettledInteractions

    return DynamoUnsettledInteractions(dynamodb(), get_settings().require("table_name"))


@lru_cache(maxsize=1)
def ack_retries() -> SqsRetryScheduler:
    from ackline.adapters.sqs_visibility import SqsRetryScheduler

    return SqsRetryScheduler(sqs(), get_settings().require("ack_queue_url"))


@lru_cache(maxsize=1)
def secrets() -> SsmSecrets:
    from ackline.adapters.secrets import SsmSecrets

    settings = get_settings()
    return SsmSecrets(settings.secrets_path, settings.secret_cache_seconds)


@lru_cache(maxsize=1)
def replier() -> PlatformRouter:
    from ackline.adapters.graph_api import GraphReplier
    from ackline.adapters.instagram_api import InstagramReplier
    from ackline.adapters.repliers import PlatformRouter
    from ackline.adapters.telegram_api import TelegramReplier
    from ackline.adapters.whatsapp_api import WhatsAppReplier
    from ackline.adapters.x_api import XReplier
    from ackline.domain.model import Platform

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


@lru_cache(maxsize=1)
def channel_registry() -> DynamoChannelRegistry:
    from ackline.adapters.channel_registry import DynamoChannelRegistry

    return DynamoChannelRegistry(dynamodb(), get_settings().require("table_name"))


@lru_cache(maxsize=1)
def meta_subscriptions() -> MetaSubscriptionProbe:
    from ackline.adapters.channel_probes import MetaSubscriptionProbe

    return MetaSubscriptionProbe(get_settings().meta_graph_url, secrets().meta_page_token)


@lru_cache(maxsize=1)
def telegram_webhook() -> TelegramWebhookProbe:
    from ackline.adapters.channel_probes import TelegramWebhookProbe

    return TelegramWebhookProbe(get_settings().telegram_api_url, secrets().telegram_bot_token)


@lru_cache(maxsize=1)
def activity_sources() -> dict[Platform, GraphPageActivity | InstagramCommentActivity | XMentionActivity]:
    from ackline.adapters.recent_activity import GraphPageActivity, InstagramCommentActivity, XMentionActivity
    from ackline.domain.model import Platform

    settings, store = get_settings(), secrets()
    return {
        Platform.FACEBOOK: GraphPageActivity(settings.meta_graph_url, store.meta_page_token),
        Platform.INSTAGRAM: InstagramCommentActivity(settings.instagram_graph_url, store.instagram_token),
        Platform.X: XMentionActivity(settings.x_api_url, store.x_oauth1_credentials),
    }


def brand_policy() -> BrandPolicy:
    """The brand policy: the SSM parameter BRAND_POLICY_PARAM names (JSON, re-read every few minutes through
    Powertools' cache, so an edit takes effect without a deploy), or the policy shipped in the layer.

    An invalid policy in SSM raises PolicyError: the webhook answers 5xx and the platform retries, which is
    better than answering customers with wording nobody approved.
    """
    from aws_lambda_powertools.utilities import parameters

    from ackline.domain.policy import default_policy

    settings = get_settings()
    if not settings.brand_policy_param:
        return default_policy()
    raw = parameters.get_parameter(settings.brand_policy_param, transform="json", max_age=settings.secret_cache_seconds)
    return _parsed_policy(json.dumps(raw, sort_keys=True))


@lru_cache(maxsize=4)
def _parsed_policy(text: str) -> BrandPolicy:
    from ackline.domain.policy_checks import parse_policy

    # validated once per distinct value, not on every message
    return parse_policy(text)
