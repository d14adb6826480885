from __future__ import annotations

import base64

import pytest

from ackline_local.config import DEFAULT_ENV_FILE, load_config, read_env_file

CONTRACT_KEYS = {
    "ALLOW_EXAMPLE_POLICY",
    "META_APP_SECRET",
    "META_VERIFY_TOKEN",
    "META_PAGE_ACCESS_TOKEN",
    "META_GRAPH_URL",
    "X_CONSUMER_SECRET",
    "X_API_URL",
    "TELEGRAM_SECRET_TOKEN",
    "TELEGRAM_BOT_TOKEN",
    "TELEGRAM_API_URL",
    "GENERIC_WEBHOOK_SECRET",
    "STAFF_API_TOKEN",
    "PORT",
}


def test_dev_env_has_the_contract_keys_and_a_valid_whsec_key():
    values = read_env_file(DEFAULT_ENV_FILE)
    assert set(values) == CONTRACT_KEYS
    assert len(base64.b64decode(values["GENERIC_WEBHOOK_SECRET"].removeprefix("whsec_"))) >= 16
    config = load_config(environ={})
    assert config.port == 3000 and config.platform_url_overrides() == {}
    assert config.secrets()["meta/app-secret"] == values["META_APP_SECRET"]


def test_the_process_environment_overrides_dev_env():
    config = load_config(environ={"PORT": "3100", "META_APP_SECRET": "from-env", "X_API_URL": "http://127.0.0.1:9/x"})
    assert config.port == 3100 and config.meta_app_secret == "from-env"
    assert config.platform_url_overrides() == {"X_API_URL": "http://127.0.0.1:9/x"}


def test_env_file_syntax_and_validation(tmp_path):
    env_file = tmp_path / "dev.env"
    env_file.write_text('# comment\nexport STAFF_API_TOKEN="quoted"\n\nPORT=0\n')
    assert read_env_file(env_file) == {"STAFF_API_TOKEN": "quoted", "PORT": "0"}
    with pytest.raises(ValueError, match="META_APP_SECRET"):
        load_config(env_file, environ={})
    env_file.write_text("not a pair\n")
    with pytest.raises(ValueError, match="KEY=VALUE"):
        read_env_file(env_file)
