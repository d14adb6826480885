"""The local stack's settings: infra/local/dev.env, each key overridable by the process environment.

dev.env holds development-only secrets and URLs (the contract's keys), so `make dev` works on a fresh clone
while CI or a developer can still override any value with an environment variable. An empty platform URL
means "use the local platform sandbox". STAFF_AUTH_URL and STAFF_AUTH_CLIENT_ID are optional (dev.env only
documents them): empty means the sandbox's fake Cognito hosted UI and its local client. So is BRAND_POLICY_FILE:
a brand policy JSON file the stack stores in SSM for the functions (empty: the policy shipped in the layer).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path

DEFAULT_ENV_FILE = Path(__file__).resolve().parent.parent / "dev.env"
DEFAULT_PORT = 3000

# SSM parameter name (below SECRETS_PATH) for each secret in the config; the handlers read these names.
SECRET_PARAMETERS: dict[str, str] = {
    "meta_app_secret": "meta/app-secret",
    "meta_verify_token": "meta/verify-token",
    "meta_page_access_token": "meta/page-access-token",
    "x_consumer_secret": "x/consumer-secret",
    "telegram_secret_token": "telegram/secret-token",
    "telegram_bot_token": "telegram/bot-token",
    "generic_webhook_secret": "generic/webhook-secret",
}


# Reply credentials the local sandbox accepts whatever their value: fixed here so dev.env's contract stays small.
# X uses OAuth 1.0a user context (consumer key/secret + the brand account's access token/secret).
LOCAL_REPLY_SECRETS: dict[str, str] = {
    "meta/instagram-access-token": "local-instagram-access-token",
    "meta/whatsapp-access-token": "local-whatsapp-access-token",
    "x/consumer-key": "local-x-consumer-key",
    "x/access-token": "1500000000000000001-local-x-access-token",
    "x/access-token-secret": "local-x-access-token-secret",
}


# Keys that may stay empty (besides the *_url ones, which default to the sandbox).
OPTIONAL_SETTINGS = frozenset({"staff_auth_client_id", "brand_policy_file", "allow_example_policy"})


@dataclass(frozen=True)
class LocalConfig:
    """One field per dev.env key (field name = key lower-cased)."""

    meta_app_secret: str
    meta_verify_token: str
    meta_page_access_token: str
    meta_graph_url: str
    x_consumer_secret: str
    x_api_url: str
    telegram_secret_token: str
    telegram_bot_token: str
    telegram_api_url: str
    generic_webhook_secret: str
    staff_api_token: str
    port: int
    staff_auth_url: str = ""
    staff_auth_client_id: str = ""
    brand_policy_file: str = ""  # a path, relative to the working directory; `--brand-policy` wins
    allow_example_policy: str = ""  # the template's AllowExamplePolicy ("true" in dev.env: the demo brand answers)

    def secrets(self) -> dict[str, str]:
        """SSM name suffix (e.g. `meta/app-secret`) -> secret value."""
        return LOCAL_REPLY_SECRETS | {suffix: str(getattr(self, name)) for name, suffix in SECRET_PARAMETERS.items()}

    def platform_url_overrides(self) -> dict[str, str]:
        """Platform base URLs set explicitly (non-empty); the others default to the sandbox."""
        urls = {"META_GRAPH_URL": self.meta_graph_url, "X_API_URL": self.x_api_url}
        urls["TELEGRAM_API_URL"] = self.telegram_api_url
        return {key: value for key, value in urls.items() if value}


def read_env_file(path: Path) -> dict[str, str]:
    """Parse KEY=VALUE lines; `#` comments, blank lines, `export ` prefixes and matching quotes are allowed."""
    values: dict[str, str] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        stripped = stripped.removeprefix("export ").strip()
        key, separator, value = stripped.partition("=")
        if not separator or not key.strip():
            raise ValueError(f"{path}:{number}: expected KEY=VALUE")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        values[key.strip()] = value
    return values


def load_config(env_file: Path | None = None, environ: Mapping[str, str] | None = None) -> LocalConfig:
    """dev.env values, each replaced by a non-empty process environment variable of the same name."""
    environ = os.environ if environ is None else environ
    path = env_file or DEFAULT_ENV_FILE
    file_values = read_env_file(path) if path.is_file() else {}
    merged: dict[str, str] = {}
    for field in fields(LocalConfig):
        key = field.name.upper()
        merged[field.name] = environ.get(key) or file_values.get(key, "")
    missing = [
        name.upper()
        for name, value in merged.items()
        if not value and not name.endswith("_url") and name not in OPTIONAL_SETTINGS
    ]
    if missing:
        raise ValueError(f"missing local settings (set them in {path} or the environment): {', '.join(missing)}")
    if not merged["generic_webhook_secret"].startswith("whsec_"):
        raise ValueError("GENERIC_WEBHOOK_SECRET must be a Standard Webhooks key (whsec_<base64>)")
    port = merged.pop("port")
    return LocalConfig(**merged, port=int(port) if port else DEFAULT_PORT)
