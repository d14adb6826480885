"""Configuration from the environment, read on first use (never at import) and validated once.

Only names live here; secret values come from SSM Parameter Store through `ackline.adapters.secrets`.
"""

from __future__ import annotations

import os
from functools import lru_cache

from pydantic import BaseModel, ConfigDict


class ConfigurationError(RuntimeError):
    """A setting this function needs is missing: fail loudly rather than default quietly."""


class Settings(BaseModel):
    model_config = ConfigDict(frozen=True)

    table_name: str = ""
    ack_queue_url: str = ""
    followup_queue_url: str = ""
    secrets_path: str = "/ackline"
    meta_graph_url: str = "https://graph.facebook.com/v21.0"
    # Instagram replies use the Instagram API with Instagram Login (its own host and user token).
    instagram_graph_url: str = "https://graph.instagram.com/v21.0"
    x_api_url: str = "https://api.x.com"
    telegram_api_url: str = "https://api.telegram.org"
    secret_cache_seconds: int = 300
    # SSM parameter holding the brand policy as JSON; empty: the policy shipped in the layer.
    brand_policy_param: str = ""
    alert_topic_arn: str = ""
    # The example policy shipped in the layer answers as "Northwind": in AWS replies are refused while it is in
    # force unless the deployer opts in (template parameter AllowExamplePolicy; the local stack does).
    allow_example_policy: bool = False
    # the brand accounts the backfill reads ("facebook#<page id>,x#<user id>"); empty: no backfill
    backfill_accounts: str = ""
    # The /queue page's hosted sign-in: the authorization server's base URL and the public client's id.
    staff_auth_url: str = ""
    staff_auth_client_id: str = ""

    def require(self, name: str) -> str:
        value = getattr(self, name)
        if not value:
            raise ConfigurationError(f"environment variable {name.upper()} is not set")
        return str(value)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    env = {name: os.environ[name.upper()] for name in Settings.model_fields if name.upper() in os.environ}
    return Settings.model_validate(env)
