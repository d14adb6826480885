"""Secrets from SSM Parameter Store (SecureString), through Powertools Parameters' cache.

Each value may hold several secrets (one per line or comma-separated) while one is being rolled;
the cache (`max_age`) keeps the webhook hot path to one SSM call per secret per five minutes.
"""

from __future__ import annotations

import time

from aws_lambda_powertools.utilities import parameters
from aws_lambda_powertools.utilities.parameters.exceptions import GetParameterError
from botocore.config import Config

from ackline.adapters.oauth1 import OAuth1Credentials
from ackline.domain.errors import PermanentPlatformError
from ackline.domain.signatures import split_secrets
from ackline.observability import logger

# SSM answers in milliseconds; a webhook has seconds. Fail fast rather than wait out botocore's 60 s default.
_SSM_CONFIG = Config(connect_timeout=2, read_timeout=3, retries={"max_attempts": 3, "mode": "adaptive"})


class SsmSecrets:
    def __init__(self, path: str, max_age: int, provider: parameters.SSMProvider | None = None) -> None:
        self._path = path.rstrip("/")
        self._max_age = max_age
        self._provider = provider
        # Misses are remembered as long as hits: forged traffic to a platform the brand never connected must not
        # turn into one SSM call per request (SSM's default throughput is 40 calls a second per account).
        self._missing_until: dict[str, float] = {}

    def _ssm(self) -> parameters.SSMProvider:
        if self._provider is None:
            self._provider = parameters.SSMProvider(boto_config=_SSM_CONFIG)
        return self._provider

    def _values(self, name: str) -> list[str]:
        parameter = f"{self._path}/{name}"
        if self._missing_until.get(parameter, 0.0) > time.monotonic():
            return []
        try:
            value = self._ssm().get(parameter, decrypt=True, max_age=self._max_age)
        except GetParameterError as exc:
            # A platform the brand has not connected has no secrets: its webhooks then fail verification
            # (401) and nothing is sent there. Any other failure (throttling, permissions) is raised.
            if "ParameterNotFound" not in str(exc):
                raise
            logger.warning("secret not configured", parameter=parameter)
            self._missing_until[parameter] = time.monotonic() + self._max_age
            return []
        return split_secrets(str(value))

    def _first(self, name: str) -> str:
        values = self._values(name)
        if not values:
            # a reply with no credential would only be refused by the platform: say plainly why instead
            raise PermanentPlatformError(f"{name} is not configured in SSM under {self._path}")
        return values[0]

    def meta_app_secrets(self) -> list[str]:
        return self._values("meta/app-secret")

    def meta_verify_tokens(self) -> list[str]:
        return self._values("meta/verify-token")

    def meta_page_token(self) -> str:
        return self._first("meta/page-access-token")

    def instagram_token(self) -> str:
        return self._first("meta/instagram-access-token")

    def whatsapp_token(self) -> str:
        return self._first("meta/whatsapp-access-token")

    def x_oauth1_credentials(self) -> OAuth1Credentials:
        """The app's consumer key and secret and the brand account's user access token and secret."""
        return OAuth1Credentials(
            consumer_key=self._first("x/consumer-key"),
            consumer_secret=self._first("x/consumer-secret"),
            token=self._first("x/access-token"),
            token_secret=self._first("x/access-token-secret"),
        )

    def telegram_bot_token(self) -> str:
        return self._first("telegram/bot-token")

    def x_consumer_secrets(self) -> list[str]:
        return self._values("x/consumer-secret")

    def telegram_secret_tokens(self) -> list[str]:
        return self._values("telegram/secret-token")

    def generic_webhook_secrets(self) -> list[str]:
        return self._values("generic/webhook-secret")
