from __future__ import annotations

from ackline_local.cfn_yaml import loads_cfn_yaml
from ackline_local.sam_transform import translate
from ackline_local.template import handler_ref, parse_template


def test_short_tags_become_long_form_intrinsics():
    # Given a template fragment written with short tags
    text = """
a: !Ref DataTable
b: !GetAtt AckQueue.Arn
c: !Sub "${AWS::StackName}-x"
d: !If [IsProd, !Ref A, !Ref AWS::NoValue]
e: !Select [0, !Split [",", "a,b"]]
f: !Join ["-", [x, !Ref Stage]]
"""
    # When it is parsed
    doc = loads_cfn_yaml(text)
    # Then each tag is the long form CloudFormation uses
    assert doc["a"] == {"Ref": "DataTable"}
    assert doc["b"] == {"Fn::GetAtt": ["AckQueue", "Arn"]}
    assert doc["c"] == {"Fn::Sub": "${AWS::StackName}-x"}
    assert doc["d"] == {"Fn::If": ["IsProd", {"Ref": "A"}, {"Ref": "AWS::NoValue"}]}
    assert doc["e"] == {"Fn::Select": [0, {"Fn::Split": [",", "a,b"]}]}
    assert doc["f"] == {"Fn::Join": ["-", ["x", {"Ref": "Stage"}]]}


def test_handler_maps_to_an_importable_reference():
    assert handler_ref("functions/ingest/", "app.lambda_handler") == "functions.ingest.app:lambda_handler"
    assert handler_ref("./functions/staff_api", "app.lambda_handler") == "functions.staff_api.app:lambda_handler"


def test_globals_merge_into_functions(fixture_template):
    # Given the fixture template (Globals: Timeout 10, MemorySize 256, shared env)
    ingest = fixture_template.function("IngestFunction")
    responder = fixture_template.function("ResponderFunction")
    # Then scalars from the function win and maps merge
    assert ingest.memory_mb == 512 and ingest.timeout_seconds == 10
    assert responder.timeout_seconds == 20 and responder.memory_mb == 256
    assert ingest.environment["TABLE_NAME"] == {"Ref": "DataTable"}
    assert ingest.environment["ACK_QUEUE_URL"] == {"Ref": "AckQueue"}
    assert "ACK_QUEUE_URL" not in responder.environment
    assert ingest.handler_ref == "functions.ingest.app:lambda_handler"


def test_routes_know_whether_the_authorizer_applies(fixture_template):
    # Given routes with Auth NONE and routes relying on the API's DefaultAuthorizer
    routes = {r.route_key: r.authorized for f in fixture_template.functions for r in f.http_routes}
    # Then only the explicit NONE routes are public
    assert routes == {
        "GET /webhooks/meta": False,
        "POST /webhooks/meta": False,
        "GET /api/cases": True,
        "GET /api/cases/{case_id}": True,
        "GET /queue": False,
    }


def test_sqs_events_and_queues_are_read(fixture_template):
    (source,) = fixture_template.function("ResponderFunction").sqs_sources
    assert source.queue_logical_id == "AckQueue"
    assert source.batch_size == 10
    assert source.reports_batch_item_failures
    ack = fixture_template.queue("AckQueue")
    assert (ack.visibility_timeout_seconds, ack.redrive_target, ack.max_receive_count) == (120, "AckDeadLetterQueue", 5)
    dlq = fixture_template.queue("AckDeadLetterQueue")
    assert dlq.message_retention_seconds == 1209600 and dlq.redrive_target is None
    assert fixture_template.tables[0].ttl_attribute == "expires_at"
    assert fixture_template.parameter_defaults()["SecretsPath"] == "/ackline"


def test_real_template_matches_the_contract(real_template):
    # Given the project's template.yaml
    functions = {f.logical_id: f for f in real_template.functions}
    # Then the functions, routes and event sources the contract names are all there
    assert {"IngestFunction", "ResponderFunction", "FollowUpFunction", "StaffApiFunction"} <= set(functions)
    staff = {r.route_key: r.authorized for r in functions["StaffApiFunction"].http_routes}
    assert staff["GET /api/cases/{case_id}"] is True and staff["GET /queue"] is False
    assert all(not r.authorized for r in functions["IngestFunction"].http_routes)
    for name, queue in (("ResponderFunction", "AckQueue"), ("FollowUpFunction", "FollowUpQueue")):
        (source,) = functions[name].sqs_sources
        assert source.queue_logical_id == queue and source.reports_batch_item_failures
    assert [s.expression for s in functions["ReconcilerFunction"].schedules] == ["rate(5 minutes)"]
    assert {q.logical_id for q in real_template.queues} == {
        "AckQueue",
        "AckDeadLetterQueue",
        "FollowUpQueue",
        "FollowUpDeadLetterQueue",
    }


def test_sam_decides_implicit_apis_disabled_schedules_and_globals():
    # Given a SAM template with an implicit HTTP API (no ApiId), one enabled and one disabled schedule, and a
    # Globals timeout
    sam = loads_cfn_yaml("""
Transform: AWS::Serverless-2016-10-31
Globals:
  Function: { Timeout: 7, Runtime: python3.13, Handler: app.lambda_handler }
Resources:
  JobFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: functions/job/
      Events:
        Hook: { Type: HttpApi, Properties: { Method: ANY, Path: "/hook/{rest+}" } }
        Often: { Type: ScheduleV2, Properties: { ScheduleExpression: rate(2 minutes) } }
        Never: { Type: Schedule, Properties: { Schedule: rate(1 day), Enabled: false } }
""")
    # When the local stack reads what SAM translates it into
    (job,) = parse_template(translate(sam)).functions
    # Then the implicit API's route, only the enabled schedule, and the merged Globals are what it runs
    assert [(r.method, r.path, r.authorized) for r in job.http_routes] == [("ANY", "/hook/{rest+}", False)]
    assert [(s.name, s.expression) for s in job.schedules] == [("JobFunctionOften", "rate(2 minutes)")]
    assert (job.timeout_seconds, job.handler_ref) == (7, "functions.job.app:lambda_handler")
