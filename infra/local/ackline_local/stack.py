"""The whole local stack in one object: moto, template resources, secrets, sandbox, gateway and pollers.

`python -m ackline_local` (make dev) and end-to-end tests both use `LocalStack`, so what a developer clicks
through is what the tests exercise. Handlers run in this process and find moto through the standard
`AWS_ENDPOINT_URL` variable, so no Lambda code carries an `if local:` branch; the variables this class sets
are restored by `stop()`.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable, Mapping, MutableMapping
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from ackline.domain.policy_checks import parse_policy
from ackline_local.aws_call_log import ENV_VAR as AWS_CALL_LOG_ENV_VAR
from ackline_local.aws_call_log import AwsCallRecorder, key_schemas_from_tables
from ackline_local.config import LocalConfig, load_config
from ackline_local.fake_cognito import LOCAL_STAFF_CLIENT_ID
from ackline_local.gateway import ApiGateway, routes_from_template
from ackline_local.intrinsics import LOCAL_ACCOUNT_ID, LOCAL_REGION, LOCAL_STACK_NAME
from ackline_local.invocation_stats import watch_aws_calls
from ackline_local.logs import tag_invocation_records
from ackline_local.ops_control import DEFAULT_LOCAL_PERIOD_SECONDS, OpsControl, scheduled_functions
from ackline_local.poller import QueuePoller, event_sources_from_resources
from ackline_local.resources import LocalResources, create_resources
from ackline_local.sandbox import PlatformSandbox
from ackline_local.state import DEFAULT_SAVE_INTERVAL, SANDBOX_CALLS_FILE, StateStore, reset_state
from ackline_local.template import Template, load_template

if TYPE_CHECKING:
    import boto3

    from ackline_local.moto_server import LocalMotoServer

logger = logging.getLogger(__name__)

DEFAULT_SECRETS_PATH = "/ackline"
# A deployment stores its own brand policy under ${SecretsPath}/brand/ and names it in this template parameter.
BRAND_POLICY_PARAMETER = "BrandPolicyParameterName"
ALLOW_EXAMPLE_POLICY_PARAMETER = "AllowExamplePolicy"
BRAND_POLICY_SUFFIX = "brand/policy"
SSM_ADVANCED_VALUE_BYTES = 8 * 1024  # an Advanced-tier String parameter holds at most 8 KB


class BrandPolicyFileError(ValueError):
    """The brand policy file cannot be used: unreadable, not a valid policy, or too big for an SSM parameter."""


def read_brand_policy(path: Path) -> str:
    """The policy file as the compact JSON the stack stores in SSM, after the domain's own validation."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise BrandPolicyFileError(f"brand policy {path} cannot be read: {error}") from error
    try:
        parse_policy(text)  # the same model and checks the functions apply when they load it
    except ValueError as error:
        raise BrandPolicyFileError(f"{path}: {error}") from error
    compact = json.dumps(json.loads(text), ensure_ascii=False, separators=(",", ":"))
    if len(compact.encode("utf-8")) > SSM_ADVANCED_VALUE_BYTES:
        raise BrandPolicyFileError(
            f"{path}: the policy is {len(compact.encode())} bytes as compact JSON; an SSM parameter holds at most"
            f" {SSM_ADVANCED_VALUE_BYTES} (Advanced tier)"
        )
    return compact


class LocalStack:
    """Start with `with LocalStack() as stack:` (or `start()`/`stop()`); see the properties for its URLs.

    `port=None` takes PORT from the config (dev.env, 3000); `0` picks a free port, as do `sandbox_port=0` and
    `moto_port=0`. `visibility_scale` shrinks queue visibility timeouts for retry tests (1.0 = the template's).
    `start_pollers=False` leaves queues unconsumed so tests can inspect or drive them (`pollers` still lists them).
    `aws_call_log` (default: the ACKLINE_AWS_CALL_LOG variable) records every AWS call, and which function made it,
    as JSON lines for the IAM coverage test (see `aws_call_log`); recording stops with `stop()`.
    `brand_policy` (default: BRAND_POLICY_FILE from the config; none = the policy shipped in the layer) is a brand
    policy JSON file: validated here, stored in moto's SSM as `${SecretsPath}/brand/policy` (String, Advanced tier)
    and named in the template parameter BrandPolicyParameterName, so the functions read it as a deployment would.
    `state_dir` (default none: nothing kept) saves moto's tables and queues there and restores them at start
    (see `state`); `reset_state` empties it first.
    """

    def __init__(
        self,
        *,
        config: LocalConfig | None = None,
        template_path: Path | None = None,
        port: int | None = None,
        sandbox_port: int = 0,
        moto_port: int = 0,
        visibility_scale: float = 1.0,
        name_prefix: str = LOCAL_STACK_NAME,
        start_pollers: bool = True,
        environ: MutableMapping[str, str] | None = None,
        aws_call_log: Path | None = None,
        brand_policy: Path | None = None,
        state_dir: Path | None = None,
        reset_state: bool = False,
        save_interval: float = DEFAULT_SAVE_INTERVAL,
    ) -> None:
        self.config = config or load_config()
        self.template: Template = load_template(template_path)
        configured = Path(self.config.brand_policy_file) if self.config.brand_policy_file else None
        self.brand_policy_path = brand_policy or configured
        # validated before anything starts: a bad policy stops the stack with the reason, as it would a deployment
        self._brand_policy = read_brand_policy(self.brand_policy_path) if self.brand_policy_path else None
        self._parameter_overrides: dict[str, str] = {}
        if self._brand_policy is not None:
            if BRAND_POLICY_PARAMETER not in {p.name for p in self.template.parameters}:
                raise ValueError(f"the template has no {BRAND_POLICY_PARAMETER} parameter to name a brand policy in")
            defaults = self.template.parameter_defaults()
            name = f"{_secrets_path(defaults)}/{BRAND_POLICY_SUFFIX}"
            self._parameter_overrides[BRAND_POLICY_PARAMETER] = name
        if self.config.allow_example_policy:
            self._parameter_overrides[ALLOW_EXAMPLE_POLICY_PARAMETER] = self.config.allow_example_policy
        self._port = self.config.port if port is None else port
        self._sandbox_port = sandbox_port
        self._moto_port = moto_port
        self._visibility_scale = visibility_scale
        self._name_prefix = name_prefix
        self._start_pollers = start_pollers
        self._environ = os.environ if environ is None else environ
        self._saved_environ: dict[str, str | None] = {}
        log_path = aws_call_log or (Path(p) if (p := self._environ.get(AWS_CALL_LOG_ENV_VAR)) else None)
        self._recorder: AwsCallRecorder | None = AwsCallRecorder(log_path) if log_path else None
        self._moto: LocalMotoServer | None = None
        self._resources: LocalResources | None = None
        self._sandbox: PlatformSandbox | None = None
        self._gateway: ApiGateway | None = None
        self.pollers: list[QueuePoller] = []
        self.environment: dict[str, str] = {}
        self._ops_control: OpsControl | None = None
        self.state_dir = state_dir
        self._reset_state = reset_state
        self._save_interval = save_interval
        self._state: StateStore | None = None
        self._undo_log_tagging: Callable[[], None] | None = None
        self._alert_topics: set[str] = set()

    # --- lifecycle -------------------------------------------------------------------------------------------

    def start(self) -> LocalStack:
        from ackline_local import moto_server

        try:
            self._undo_log_tagging = tag_invocation_records()
            # before the AWS call recorder and the fault injection wrap botocore (each restores what it found)
            watch_aws_calls()
            # moto patched and its DynamoDB requests serialised, so it keeps DynamoDB's guarantees (see moto_server)
            self._moto = moto_server.LocalMotoServer(ip_address="127.0.0.1", port=self._moto_port, verbose=False)
            self._moto.start()
            self._set_environ(_aws_environment(self.moto_url))
            if self._recorder is not None:
                self._recorder.start()
            session = self.boto3_session()
            self._resources = create_resources(
                self.template,
                session=session,
                endpoint_url=self.moto_url,
                name_prefix=self._name_prefix,
                parameter_overrides=self._parameter_overrides,
                visibility_scale=self._visibility_scale,
            )
            self._describe_for_recorder(self._resources)
            self._alert_topics = {r.ref for r in self._resources.physical.values() if r.type == "AWS::SNS::Topic"}
            moto_server.publish_listeners.append(self._print_alert)
            self._write_secrets(session)
            self._write_brand_policy(session)
            record_file = None
            if self.state_dir is not None:
                if self._reset_state:
                    reset_state(self.state_dir)
                # restored before anything can serve or poll, and saved from here on
                state = StateStore(self.state_dir, self._moto, self._resources, interval=self._save_interval)
                # kept only once started: a store that failed to start (the directory in use) must never save
                self._state = state.start()
                record_file = self.state_dir / SANDBOX_CALLS_FILE
            self._sandbox = PlatformSandbox(port=self._sandbox_port, record_file=record_file).start()
            self.environment = self._function_environment()
            self._set_environ(self.environment)
            routes = routes_from_template(self.template, self._name_prefix)
            self._gateway = ApiGateway(routes, port=self._port, staff_token=self.config.staff_api_token).start()
            # The fake hosted UI signs staff in as the one local staff member: its id token is the gateway's token.
            self._sandbox.cognito.configure(
                client_id=self.environment["STAFF_AUTH_CLIENT_ID"],
                redirect_uris=self.queue_page_urls(),
                id_token=self.config.staff_api_token,
            )
            sqs = session.client("sqs", endpoint_url=self.moto_url)
            self.pollers = [QueuePoller(s, sqs) for s in event_sources_from_resources(self._resources)]
            if self._start_pollers:
                for poller in self.pollers:
                    poller.start()
            # scheduled functions (the reconciler) and injected AWS failures: see ops_control
            period = float(self._environ.get("ACKLINE_SCHEDULE_SECONDS", DEFAULT_LOCAL_PERIOD_SECONDS))
            self._ops_control = OpsControl(scheduled_functions(self._resources), period_seconds=period).start()
        except BaseException:
            self.stop()
            raise
        logger.info("local stack ready", extra={"gateway": self.gateway_url, "sandbox": self.sandbox_url})
        return self

    def stop(self) -> None:
        """Stop everything that started (pollers first, so no handler runs against a stopped moto)."""
        from ackline_local import moto_server

        # every consumer stops receiving at once, then all finish the batches in hand side by side
        for poller in self.pollers:
            poller.request_stop()
        deadline = max((poller.finish_deadline() for poller in self.pollers), default=0.0)
        for poller in self.pollers:
            poller.join(deadline)
        if self._ops_control is not None:  # before the recorder: each restores the botocore method it wrapped
            self._ops_control.stop()
            self._ops_control = None
        if self._gateway is not None:
            self._gateway.stop()
            self._gateway = None
        if self._sandbox is not None:
            self._sandbox.stop()
            self._sandbox = None
        if self._state is not None:
            self._state.stop()  # the last save, once nothing serves or polls any more
            self._state = None
        if self._moto is not None:
            self._moto.stop()
            self._moto = None
        if self._recorder is not None:
            self._recorder.stop()
        if self._print_alert in moto_server.publish_listeners:
            moto_server.publish_listeners.remove(self._print_alert)
        if self._undo_log_tagging is not None:
            self._undo_log_tagging()
            self._undo_log_tagging = None
        self._restore_environ()

    def __enter__(self) -> LocalStack:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.stop()

    # --- what tests and the CLI read -------------------------------------------------------------------------

    @property
    def moto_url(self) -> str:
        if self._moto is None:
            raise RuntimeError("the stack is not started")
        host, port = self._moto.get_host_and_port()
        return f"http://{host}:{port}"

    @property
    def gateway(self) -> ApiGateway:
        if self._gateway is None:
            raise RuntimeError("the stack is not started")
        return self._gateway

    @property
    def sandbox(self) -> PlatformSandbox:
        if self._sandbox is None:
            raise RuntimeError("the stack is not started")
        return self._sandbox

    @property
    def resources(self) -> LocalResources:
        if self._resources is None:
            raise RuntimeError("the stack is not started")
        return self._resources

    @property
    def ops_control(self) -> OpsControl:
        if self._ops_control is None:
            raise RuntimeError("the stack is not started")
        return self._ops_control

    @property
    def gateway_url(self) -> str:
        return self.gateway.url

    @property
    def sandbox_url(self) -> str:
        return self.sandbox.url

    @property
    def queue_page_url(self) -> str:
        return f"{self.gateway_url}/queue"

    def queue_page_urls(self) -> list[str]:
        """The /queue page's URLs (127.0.0.1 and localhost): the fake hosted UI's registered callback URLs."""
        port = self.gateway_url.rsplit(":", 1)[1]
        return [f"http://{host}:{port}/queue" for host in ("127.0.0.1", "localhost")]

    @property
    def secrets_path(self) -> str:
        return _secrets_path(self._resources.parameters if self._resources else {})

    @property
    def brand_policy_parameter(self) -> str:
        """The SSM parameter holding the brand policy this stack was given; empty = the shipped policy."""
        return self._parameter_overrides.get(BRAND_POLICY_PARAMETER, "")

    def webhook_urls(self) -> dict[str, str]:
        """Route key -> URL for every `/webhooks/...` route in the template."""
        return {
            route.route_key: f"{self.gateway_url}{route.path}"
            for route in self.gateway.routes
            if route.path.startswith("/webhooks/")
        }

    def ready_line(self) -> str:
        """The one machine-readable line `python -m ackline_local` prints once everything listens."""
        payload = {"gateway": self.gateway_url, "sandbox": self.sandbox_url, "moto": self.moto_url}
        if self._ops_control is not None:
            payload["control"] = self._ops_control.url
        return "ACKLINE_READY " + json.dumps(payload)

    def boto3_session(self) -> boto3.session.Session:
        """A session with the dummy credentials moto accepts (pass `endpoint_url=stack.moto_url` to clients)."""
        import boto3

        return boto3.session.Session(
            aws_access_key_id="testing",
            aws_secret_access_key="testing",  # noqa: S106 - moto's dummy credentials
            region_name=LOCAL_REGION,
        )

    # --- internals -------------------------------------------------------------------------------------------

    def _print_alert(self, topic_arn: str, subject: str | None, message: str) -> None:
        """In AWS a P1 alert reaches people through the topic's subscriptions; locally it is printed for them.

        The alert names the case and the cues, never the customer's words; it is still printed JSON-quoted, one
        line, so nothing in it can forge log lines or drive the terminal.
        """
        if topic_arn not in self._alert_topics:
            return
        logger.warning(
            "ALERT published to %s: %s %s",
            topic_arn.rsplit(":", 1)[-1],
            json.dumps(subject or ""),
            json.dumps(message),
            extra={"topic": topic_arn},
        )

    def _describe_for_recorder(self, resources: LocalResources) -> None:
        """Tell the AWS call recorder the physical resources (for the evaluator) and the tables' key schemas."""
        if self._recorder is None:
            return
        resolver = resources.resolver()
        tables = {resources[t.logical_id].name: resolver.resolve(dict(t.properties)) for t in self.template.tables}
        self._recorder.describe_stack(
            resources={
                lid: {"type": r.type, "name": r.name, "arn": r.arn, "ref": r.ref}
                for lid, r in resources.physical.items()
            },
            parameters=resources.parameters,
            stack_name=resources.name_prefix,
            region=LOCAL_REGION,
            account_id=LOCAL_ACCOUNT_ID,
            functions={f"{resources.name_prefix}-{f.logical_id}": f.logical_id for f in self.template.functions},
            key_schemas=key_schemas_from_tables(tables),
        )

    def _write_secrets(self, session: boto3.session.Session) -> None:
        ssm = session.client("ssm", endpoint_url=self.moto_url)
        for suffix, value in self.config.secrets().items():
            ssm.put_parameter(Name=f"{self.secrets_path}/{suffix}", Value=value, Type="SecureString", Overwrite=True)

    def _write_brand_policy(self, session: boto3.session.Session) -> None:
        if self._brand_policy is None:
            return
        ssm = session.client("ssm", endpoint_url=self.moto_url)
        ssm.put_parameter(
            Name=self.brand_policy_parameter,
            Value=self._brand_policy,
            Type="String",
            Tier="Advanced",
            Description=f"brand policy from {self.brand_policy_path}",
            Overwrite=True,
        )

    def _function_environment(self) -> dict[str, str]:
        environment = self.resources.environment()
        environment.update(self.sandbox.base_urls)
        environment.update(self.config.platform_url_overrides())
        environment["SECRETS_PATH"] = environment.get("SECRETS_PATH", self.secrets_path)
        environment["POWERTOOLS_TRACE_DISABLED"] = "true"
        # The /queue page signs in against the sandbox's fake Cognito hosted UI unless the config names another.
        environment["STAFF_AUTH_URL"] = self.config.staff_auth_url or self.sandbox.auth_url
        environment["STAFF_AUTH_CLIENT_ID"] = self.config.staff_auth_client_id or LOCAL_STAFF_CLIENT_ID
        return environment

    def _set_environ(self, values: dict[str, str]) -> None:
        for key, value in values.items():
            if key not in self._saved_environ:
                self._saved_environ[key] = self._environ.get(key)
            self._environ[key] = value

    def _restore_environ(self) -> None:
        for key, previous in self._saved_environ.items():
            if previous is None:
                self._environ.pop(key, None)
            else:
                self._environ[key] = previous
        self._saved_environ.clear()


def _secrets_path(parameters: Mapping[str, str]) -> str:
    return parameters.get("SecretsPath", DEFAULT_SECRETS_PATH).rstrip("/") or DEFAULT_SECRETS_PATH


def _aws_environment(moto_url: str) -> dict[str, str]:
    """What makes every boto3 client in this process (the handlers') talk to moto with dummy credentials."""
    return {
        "AWS_ENDPOINT_URL": moto_url,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": LOCAL_REGION,
        "AWS_REGION": LOCAL_REGION,
    }
