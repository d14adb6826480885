from __future__ import annotations

import json

from ackline_local.intrinsics import Resolver
from ackline_local.resources import create_resources


def _describe(aws_session, moto_endpoint, resources):
    ddb = aws_session.client("dynamodb", endpoint_url=moto_endpoint)
    sqs = aws_session.client("sqs", endpoint_url=moto_endpoint)
    tables = {name for name in ddb.list_tables()["TableNames"] if name.startswith(resources.name_prefix + "-")}
    queues = {
        url.rsplit("/", 1)[1]
        for url in sqs.list_queues(QueueNamePrefix=resources.name_prefix + "-").get("QueueUrls", [])
    }
    return ddb, sqs, tables, queues


def _assert_matches_template(template, resources, ddb, sqs, tables, queues):
    assert tables == {resources[t.logical_id].name for t in template.tables}
    assert queues == {resources[q.logical_id].name for q in template.queues}
    for table in template.tables:
        described = ddb.describe_table(TableName=resources[table.logical_id].name)["Table"]
        assert described["KeySchema"] == table.key_schema
        assert sorted(described["AttributeDefinitions"], key=str) == sorted(table.attribute_definitions, key=str)
        want = {i["IndexName"]: (i["KeySchema"], i["Projection"]) for i in table.global_secondary_indexes}
        got = {i["IndexName"]: (i["KeySchema"], i["Projection"]) for i in described.get("GlobalSecondaryIndexes", [])}
        assert got == want
        assert described["BillingModeSummary"]["BillingMode"] == table.billing_mode
        ttl = ddb.describe_time_to_live(TableName=resources[table.logical_id].name)["TimeToLiveDescription"]
        assert ttl.get("AttributeName") == table.ttl_attribute
    for queue in template.queues:
        attributes = sqs.get_queue_attributes(QueueUrl=resources[queue.logical_id].url, AttributeNames=["All"])[
            "Attributes"
        ]
        assert int(attributes["VisibilityTimeout"]) == queue.visibility_timeout_seconds
        if queue.message_retention_seconds is not None:
            assert int(attributes["MessageRetentionPeriod"]) == queue.message_retention_seconds
        if queue.redrive_target is None:
            assert "RedrivePolicy" not in attributes
        else:
            policy = json.loads(attributes["RedrivePolicy"])
            assert policy["deadLetterTargetArn"] == resources[queue.redrive_target].arn
            assert int(policy["maxReceiveCount"]) == queue.max_receive_count


def test_creates_exactly_the_fixture_templates_tables_and_queues(
    fixture_template, aws_session, moto_endpoint, name_prefix
):
    # Given the fixture template
    # When the loader creates its resources in moto
    resources = create_resources(
        fixture_template, session=aws_session, endpoint_url=moto_endpoint, name_prefix=name_prefix
    )
    # Then moto holds exactly those tables (keys, GSIs, TTL) and queues (redrive to the DLQ's ARN)
    _assert_matches_template(fixture_template, resources, *_describe(aws_session, moto_endpoint, resources))
    assert resources["DataTable"].name == f"{name_prefix}-DataTable"


def test_creates_exactly_the_real_templates_tables_and_queues(real_template, aws_session, moto_endpoint, name_prefix):
    resources = create_resources(
        real_template, session=aws_session, endpoint_url=moto_endpoint, name_prefix=name_prefix
    )
    _assert_matches_template(real_template, resources, *_describe(aws_session, moto_endpoint, resources))


def test_environment_resolves_to_local_physical_resources(fixture_template, aws_session, moto_endpoint, name_prefix):
    # Given created resources and a parameter override
    resources = create_resources(
        fixture_template,
        session=aws_session,
        endpoint_url=moto_endpoint,
        name_prefix=name_prefix,
        parameter_overrides={"LogLevel": "DEBUG"},
    )
    # When the Ingest function's environment is resolved
    env = resources.function_environment(fixture_template.function("IngestFunction"))
    # Then every intrinsic became a real local value
    assert env["TABLE_NAME"] == f"{name_prefix}-DataTable"
    assert env["ACK_QUEUE_URL"] == resources["AckQueue"].url and env["ACK_QUEUE_URL"].startswith(moto_endpoint)
    assert env["ACK_QUEUE_ARN"] == resources["AckQueue"].arn
    assert env["POWERTOOLS_LOG_LEVEL"] == "DEBUG"
    assert env["SECRETS_PATH"] == "/ackline"
    assert env["STAGE_LABEL"] == f"{name_prefix}-dev"
    assert env["MODE"] == "sandbox"
    assert resources.environment()["TABLE_NAME"] == env["TABLE_NAME"]


def test_visibility_scale_shrinks_queue_timeouts(fixture_template, aws_session, moto_endpoint, name_prefix):
    resources = create_resources(
        fixture_template,
        session=aws_session,
        endpoint_url=moto_endpoint,
        name_prefix=name_prefix,
        visibility_scale=0.01,
    )
    sqs = aws_session.client("sqs", endpoint_url=moto_endpoint)
    attributes = sqs.get_queue_attributes(QueueUrl=resources["AckQueue"].url, AttributeNames=["VisibilityTimeout"])
    assert attributes["Attributes"]["VisibilityTimeout"] == "2"  # ceil(120 * 0.01)


def test_resolver_handles_sub_escapes_select_and_join():
    resolver = Resolver(parameters={"Stage": "dev"}, refs={"Q": "http://q"}, attributes={("Q", "Arn"): "arn:q"})
    assert (
        resolver.resolve({"Fn::Sub": "${!Literal}-${Stage}-${Q.Arn}-${AWS::Region}"})
        == "${Literal}-dev-arn:q-us-east-1"
    )
    assert resolver.resolve({"Fn::Sub": ["${A}/${Q}", {"A": {"Ref": "Stage"}}]}) == "dev/http://q"
    assert resolver.resolve({"Fn::Select": [1, {"Fn::Split": [",", "a,b,c"]}]}) == "b"
    assert resolver.resolve({"Fn::Join": [":", ["x", {"Ref": "Stage"}]]}) == "x:dev"
    assert resolver.resolve({"k": {"Ref": "AWS::NoValue"}, "v": 1}) == {"v": 1}
