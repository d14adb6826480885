"""template.yaml: it parses, cfn-lint is clean, and the contract's data, queue, runtime and logging settings hold."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from cfnlint.api import lint_file

FUNCTIONS = {
    # logical id: (CodeUri, Timeout seconds) from the contract
    "IngestFunction": ("functions/ingest/", 10),
    "ResponderFunction": ("functions/responder/", 20),
    "FollowUpFunction": ("functions/followup/", 20),
    "StaffApiFunction": ("functions/staff_api/", 10),
    "PrivacyFunction": ("functions/privacy/", 30),
    "ReconcilerFunction": ("functions/reconciler/", 60),
    "CrisisWatchFunction": ("functions/crisis_watch/", 30),
    "BackfillFunction": ("functions/backfill/", 120),
    "ChannelWatchFunction": ("functions/channel_watch/", 60),
}
QUEUES = {"AckQueue": "AckDeadLetterQueue", "FollowUpQueue": "FollowUpDeadLetterQueue"}
CONSUMERS = {("AckQueue", "ResponderFunction"), ("FollowUpQueue", "FollowUpFunction")}
FOURTEEN_DAYS = 14 * 24 * 3600
SQS_DEFAULT_RETENTION = 4 * 24 * 3600
OUTPUTS = {
    "AlertTopicArn",
    "AlarmTopicArn",
    "DataDeletionCallbackUrl",
    "WebhookMetaUrl",
    "WebhookXUrl",
    "WebhookTelegramUrl",
    "WebhookGenericUrl",
    "QueuePageUrl",
    "StaffApiUrl",
    "DataTableName",
    "AckQueueName",
    "FollowUpQueueName",
    "AckDeadLetterQueueName",
    "FollowUpDeadLetterQueueName",
    "StaffUserPoolId",
    "StaffUserPoolClientId",
}
COMMON_ENV = {"POWERTOOLS_SERVICE_NAME", "POWERTOOLS_LOG_LEVEL", "POWERTOOLS_METRICS_NAMESPACE", "TABLE_NAME"}
FUNCTION_ENV = {
    "IngestFunction": {"ACK_QUEUE_URL", "FOLLOWUP_QUEUE_URL", "SECRETS_PATH", "ALERT_TOPIC_ARN"},
    # ACK_QUEUE_URL: the responder delays a rate-limited message's retry (ChangeMessageVisibility), never sends to it
    "ResponderFunction": {
        "ACK_QUEUE_URL",
        "FOLLOWUP_QUEUE_URL",
        "META_GRAPH_URL",
        "INSTAGRAM_GRAPH_URL",
        "X_API_URL",
        "TELEGRAM_API_URL",
        "SECRETS_PATH",
    },
    # BRAND_POLICY_PARAM: the reopen window (FollowUp) and saved replies (StaffApi)
    "FollowUpFunction": {"ALERT_TOPIC_ARN", "BRAND_POLICY_PARAM"},
    # a person's reply is queued on AckQueue for the Responder; the panic button alerts people
    "StaffApiFunction": {"ACK_QUEUE_URL", "BRAND_POLICY_PARAM", "ALERT_TOPIC_ARN", "SECRETS_PATH"},
    # Privacy verifies Meta's signed_request with the app secret, and hands one it cannot read to a person
    "PrivacyFunction": {"SECRETS_PATH", "FOLLOWUP_QUEUE_URL"},
    "ReconcilerFunction": {"ACK_QUEUE_URL", "FOLLOWUP_QUEUE_URL"},
    "CrisisWatchFunction": {"ALERT_TOPIC_ARN", "SECRETS_PATH"},
    "BackfillFunction": {
        "BACKFILL_ACCOUNTS",
        "ACK_QUEUE_URL",
        "FOLLOWUP_QUEUE_URL",
        "META_GRAPH_URL",
        "X_API_URL",
        "SECRETS_PATH",
        "ALERT_TOPIC_ARN",
    },
    "ChannelWatchFunction": {"META_GRAPH_URL", "TELEGRAM_API_URL", "SECRETS_PATH"},
}
# Names that would mean a secret's value (not its SSM name) reached the template.
SECRET_HINTS = ("SECRET", "TOKEN", "PASSWORD", "API_KEY")


def of_type(resources: dict[str, Any], type_name: str) -> dict[str, Any]:
    return {logical_id: body for logical_id, body in resources.items() if body["Type"] == type_name}


def getatt_target(value: Any, attribute: str) -> str:
    """`{"Fn::GetAtt": ["X", attribute]}` -> "X"; anything else fails the calling test."""
    assert isinstance(value, dict) and "Fn::GetAtt" in value, f"expected !GetAtt <resource>.{attribute}, got {value!r}"
    target, attr = value["Fn::GetAtt"]
    assert attr == attribute, value
    return str(target)


# -- parsing and lint ------------------------------------------------------------------------------------------------


def test_template_parses_as_sam_with_contract_resources(sam_template: dict[str, Any]) -> None:
    assert sam_template["Transform"] == "AWS::Serverless-2016-10-31"
    expected = {
        "CoreLayer",
        "DataTable",
        "HttpApi",
        "StaffUserPool",
        "StaffUserPoolClient",
        *FUNCTIONS,
        *QUEUES,
        *QUEUES.values(),
    }
    missing = expected - set(sam_template["Resources"])
    assert not missing, f"contract resources missing from template.yaml: {sorted(missing)}"
    assert set(sam_template["Parameters"]) >= {
        "Stage",
        "LogLevel",
        "LogRetentionDays",
        "SecretsPath",
        "MetaGraphUrl",
        "XApiUrl",
        "TelegramApiUrl",
    }
    assert sam_template["Parameters"]["SecretsPath"]["Default"].startswith("/")


def test_cfn_lint_reports_nothing(template_path: Path) -> None:
    matches = lint_file(template_path)
    assert not matches, "\n".join(str(match) for match in matches)


def test_our_yaml_loader_reads_the_template_as_cfn_lint_does(template_path: Path, sam_template: dict[str, Any]) -> None:
    # The stack keeps its own small loader (cfn-lint's costs ~0.5 s of imports, sympy and networkx, at every start);
    # both must read the same document, so cfn-lint checks exactly what the stack and the translator get.
    from cfnlint.decode.cfn_yaml import load

    assert json.loads(json.dumps(load(str(template_path)))) == sam_template


def test_outputs_are_the_contract_outputs(sam_template: dict[str, Any]) -> None:
    assert set(sam_template["Outputs"]) == OUTPUTS


# -- functions: runtime, build, logging, environment ------------------------------------------------------------------


def test_tracing_is_active_by_default_and_can_be_passed_through(sam_template: dict[str, Any]) -> None:
    parameter = sam_template["Parameters"]["TracingMode"]
    assert parameter["Default"] == "Active" and parameter["AllowedValues"] == ["Active", "PassThrough"]


def test_every_function_is_python313_arm64_traced_with_the_core_layer(cfn_resources: dict[str, Any]) -> None:
    functions = of_type(cfn_resources, "AWS::Lambda::Function")
    assert set(functions) == set(FUNCTIONS)
    layer_ids = {lid for lid, body in cfn_resources.items() if body["Type"] == "AWS::Lambda::LayerVersion"}
    for logical_id, body in functions.items():
        props = body["Properties"]
        assert props["Runtime"] == "python3.13", logical_id
        assert props["Architectures"] == ["arm64"], logical_id
        assert props["Handler"] == "app.lambda_handler", logical_id
        # the TracingMode parameter (Active by default, PassThrough to record no webhook traces)
        assert props["TracingConfig"] == {"Mode": {"Ref": "TracingMode"}}, logical_id
        assert props["Timeout"] == FUNCTIONS[logical_id][1], logical_id
        assert [layer["Ref"] for layer in props["Layers"]] == sorted(layer_ids), logical_id
    for layer in of_type(cfn_resources, "AWS::Lambda::LayerVersion").values():
        assert layer["Properties"]["CompatibleRuntimes"] == ["python3.13"]
        assert layer["Properties"]["CompatibleArchitectures"] == ["arm64"]


def test_functions_and_layer_build_with_makefiles(sam_template: dict[str, Any]) -> None:
    resources = sam_template["Resources"]
    assert resources["CoreLayer"]["Metadata"]["BuildMethod"] == "makefile"
    assert resources["CoreLayer"]["Properties"]["ContentUri"] == "layers/core/"
    for logical_id, (code_uri, _timeout) in FUNCTIONS.items():
        assert resources[logical_id]["Metadata"]["BuildMethod"] == "makefile", logical_id
        assert resources[logical_id]["Properties"]["CodeUri"] == code_uri, logical_id


def test_every_function_logs_to_its_own_log_group_with_retention(cfn_resources: dict[str, Any]) -> None:
    log_groups = of_type(cfn_resources, "AWS::Logs::LogGroup")
    used: list[str] = []
    for logical_id, body in of_type(cfn_resources, "AWS::Lambda::Function").items():
        target = body["Properties"].get("LoggingConfig", {}).get("LogGroup")
        assert isinstance(target, dict) and "Ref" in target, f"{logical_id} must log to a LogGroup of this template"
        assert target["Ref"] in log_groups, logical_id
        used.append(target["Ref"])
    assert len(used) == len(set(used)), "functions must not share a log group"
    for logical_id, body in log_groups.items():
        assert body["Properties"]["RetentionInDays"] == {"Ref": "LogRetentionDays"}, logical_id


def test_environment_follows_the_contract_and_holds_no_secret_values(cfn_resources: dict[str, Any]) -> None:
    for logical_id, body in of_type(cfn_resources, "AWS::Lambda::Function").items():
        variables = set(body["Properties"]["Environment"]["Variables"])
        expected = COMMON_ENV | FUNCTION_ENV[logical_id]
        assert variables >= expected, f"{logical_id} lacks {sorted(expected - variables)}"
        # Queue URLs and the secrets path only where the contract puts them (least knowledge).
        for scoped in ("ACK_QUEUE_URL", "FOLLOWUP_QUEUE_URL", "SECRETS_PATH"):
            assert (scoped in variables) == (scoped in FUNCTION_ENV[logical_id]), (logical_id, scoped)
        leaked = [name for name in variables if name != "SECRETS_PATH" and any(h in name for h in SECRET_HINTS)]
        assert not leaked, f"{logical_id}: secrets are read from SSM by name, never passed as values: {leaked}"


def test_no_parameter_carries_a_secret_value(sam_template: dict[str, Any]) -> None:
    for name, body in sam_template["Parameters"].items():
        assert "NoEcho" not in body, f"{name}: a NoEcho parameter means a secret value is passed to the template"
        assert name == "SecretsPath" or not any(hint in name.upper() for hint in SECRET_HINTS), name


# -- data --------------------------------------------------------------------------------------------------------------


def test_table_is_on_demand_recoverable_encrypted_with_ttl_and_retained(cfn_resources: dict[str, Any]) -> None:
    table = cfn_resources["DataTable"]
    assert table["DeletionPolicy"] == "Retain"
    assert table["UpdateReplacePolicy"] == "Retain"
    props = table["Properties"]
    assert props["BillingMode"] == "PAY_PER_REQUEST"
    assert props["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
    assert props["SSESpecification"]["SSEEnabled"] is True
    assert props["TimeToLiveSpecification"] == {"AttributeName": "expires_at", "Enabled": True}
    assert props["KeySchema"] == [
        {"AttributeName": "pk", "KeyType": "HASH"},
        {"AttributeName": "sk", "KeyType": "RANGE"},
    ]
    indexes = {index["IndexName"]: index for index in props["GlobalSecondaryIndexes"]}
    assert set(indexes) == {"ConversationIndex", "QueueIndex", "PersonIndex", "UnsettledIndex"}
    # Only the queue reads whole items from its index; the others find keys (a conversation, a person's messages for
    # erasure, the reconciler's stuck work), so a write to an interaction is copied to them at most on its put
    projections = {
        "ConversationIndex": "KEYS_ONLY",
        "QueueIndex": "ALL",
        "PersonIndex": "KEYS_ONLY",
        "UnsettledIndex": "KEYS_ONLY",
    }
    named = (("ConversationIndex", "gsi1"), ("QueueIndex", "gsi2"), ("PersonIndex", "gsi3"), ("UnsettledIndex", "gsi4"))
    for name, prefix in named:
        assert indexes[name]["KeySchema"] == [
            {"AttributeName": f"{prefix}pk", "KeyType": "HASH"},
            {"AttributeName": f"{prefix}sk", "KeyType": "RANGE"},
        ]
        assert indexes[name]["Projection"] == {"ProjectionType": projections[name]}
    assert all(attr["AttributeType"] == "S" for attr in props["AttributeDefinitions"])


# -- queues and event sources -----------------------------------------------------------------------------------------


def test_every_queue_redrives_to_a_14_day_dead_letter_queue(cfn_resources: dict[str, Any]) -> None:
    queues = of_type(cfn_resources, "AWS::SQS::Queue")
    assert set(queues) == set(QUEUES) | set(QUEUES.values())
    for logical_id, body in queues.items():
        assert body["Properties"].get("SqsManagedSseEnabled") is True, logical_id
    for source, dlq in QUEUES.items():
        props = queues[source]["Properties"]
        redrive = props.get("RedrivePolicy")
        assert redrive, f"{source} has no redrive policy"
        assert getatt_target(redrive["deadLetterTargetArn"], "Arn") == dlq
        # the ack queue outlasts the responder's own 5 attempts, so the responder (not the DLQ) hands a reply over
        assert redrive["maxReceiveCount"] == {"AckQueue": 10, "FollowUpQueue": 5}[source]
        dlq_props = queues[dlq]["Properties"]
        assert "RedrivePolicy" not in dlq_props, f"{dlq} is a dead-letter queue and must not redrive further"
        assert dlq_props["MessageRetentionPeriod"] == FOURTEEN_DAYS
        # A message keeps its original enqueue time in the DLQ, so the DLQ must outlive the source queue.
        assert dlq_props["MessageRetentionPeriod"] > props.get("MessageRetentionPeriod", SQS_DEFAULT_RETENTION)


def test_sqs_event_sources_report_batch_item_failures(cfn_resources: dict[str, Any]) -> None:
    mappings = of_type(cfn_resources, "AWS::Lambda::EventSourceMapping")
    seen = set()
    for logical_id, body in mappings.items():
        props = body["Properties"]
        queue = getatt_target(props["EventSourceArn"], "Arn")
        function = props["FunctionName"]["Ref"]
        seen.add((queue, function))
        # the responder takes one message at a time (a slow platform call must not strand a batch)
        assert props["BatchSize"] == {"AckQueue": 1, "FollowUpQueue": 10}[queue], logical_id
        assert "ReportBatchItemFailures" in props["FunctionResponseTypes"], logical_id
    assert seen == CONSUMERS


@pytest.mark.parametrize(("queue", "function"), sorted(CONSUMERS))
def test_visibility_timeout_is_at_least_six_times_the_consumer_timeout(
    cfn_resources: dict[str, Any], queue: str, function: str
) -> None:
    visibility = cfn_resources[queue]["Properties"]["VisibilityTimeout"]
    timeout = cfn_resources[function]["Properties"]["Timeout"]
    assert visibility >= 6 * timeout, f"{queue}: VisibilityTimeout {visibility} < 6 x {function} Timeout {timeout}"


# -- staff sign-in -----------------------------------------------------------------------------------------------------


def test_staff_user_pool_is_admin_only_with_a_strong_password_policy(cfn_resources: dict[str, Any]) -> None:
    pool = cfn_resources["StaffUserPool"]["Properties"]
    assert pool["AdminCreateUserConfig"]["AllowAdminCreateUserOnly"] is True
    policy = pool["Policies"]["PasswordPolicy"]
    assert policy["MinimumLength"] >= 12
    for requirement in ("RequireLowercase", "RequireUppercase", "RequireNumbers", "RequireSymbols"):
        assert policy[requirement] is True, requirement
    client = cfn_resources["StaffUserPoolClient"]["Properties"]
    assert client["UserPoolId"] == {"Ref": "StaffUserPool"}
    assert client["GenerateSecret"] is False
    assert client["PreventUserExistenceErrors"] == "ENABLED"
