"""Composition root: builds each adapter on first use and caches it for the container's lifetime.

Nothing here runs at import, so importing a handler needs no environment and no AWS. boto3 finds
its endpoint the standard way (AWS_ENDPOINT_URL for the local stack), so there is no `if local`.
"""

from __future__ import annotations

import time
from functools import lru_cache
from typing import TYPE_CHECKING

import boto3
from botocore.config import Config

from ackline.adapters.case_table import DynamoCaseStore
from ackline.adapters.graph_api import GraphReplier
from ackline.adapters.interaction_table import DynamoInteractionStore
from ackline.adapters.secrets import SsmSecrets
from ackline.adapters.sqs_dispatcher import SqsDispatcher
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
def secrets() -> SsmSecrets:
    settings = get_settings()
    return SsmSecrets(settings.secrets_path, settings.secret_cache_seconds)


@lru_cache(maxsize=1)
def replier() -> GraphReplier:
    return GraphReplier(get_settings().meta_graph_url, secrets().meta_page_token)
