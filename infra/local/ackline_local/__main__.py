"""`python -m ackline_local` (make dev): run the local stack until SIGINT/SIGTERM.

Prints where everything listens for people, then one `ACKLINE_READY {...}` line for scripts and tests that
start the stack as a subprocess and wait for it.
"""

from __future__ import annotations

import argparse
import faulthandler
import logging
import os
import signal
import sys
import threading
from pathlib import Path
from types import FrameType

from ackline_local.logs import configure_logging
from ackline_local.ready_file import ENV_VAR as READY_FILE_ENV_VAR
from ackline_local.ready_file import ReadyInfo, ready_file_path, remove_ready_file, write_ready_file
from ackline_local.stack import LocalStack
from ackline_local.state import DEFAULT_SAVE_INTERVAL


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m ackline_local", description=__doc__)
    parser.add_argument(
        "--port", type=int, default=None, help="gateway port (default: PORT from dev.env, 3000; 0 = any)"
    )
    parser.add_argument("--sandbox-port", type=int, default=0, help="platform sandbox port (default: any free port)")
    parser.add_argument(
        "--visibility-scale", type=float, default=1.0, help="multiply queue visibility timeouts (e.g. 0.05 for demos)"
    )
    parser.add_argument("--template", type=Path, default=None, help="template.yaml to run (default: the repo's)")
    parser.add_argument(
        "--brand-policy",
        type=Path,
        default=None,
        metavar="PATH",
        help="brand policy JSON to validate and store in SSM as ${SecretsPath}/brand/policy, named in "
        "BrandPolicyParameterName as a deployment would (default: BRAND_POLICY_FILE, else the shipped policy)",
    )
    parser.add_argument(
        "--ready-file",
        type=Path,
        default=None,
        metavar="PATH",
        help="write where the stack listens to PATH (JSON) for `make demo`; default: ACKLINE_READY_FILE, else "
        ".local-ready.json in the checkout, except on a free port (--port 0), as the test suites start their stacks",
    )
    parser.add_argument(
        "--state-dir",
        type=Path,
        default=None,
        metavar="DIR",
        help="keep moto's tables and queues (and the sandbox's recorded calls) in DIR across restarts; `make dev`"
        " uses .local-state (default: nothing kept)",
    )
    parser.add_argument("--reset", action="store_true", help="start from empty state (forget what --state-dir holds)")
    parser.add_argument(
        "--save-interval",
        type=float,
        default=DEFAULT_SAVE_INTERVAL,
        metavar="SECONDS",
        help="with --state-dir, save this often while something changed (a crash loses at most this much)",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    # the stack's own records stay visible once Powertools is imported (see ackline_local.logs)
    configure_logging(logging.INFO)
    stopping = threading.Event()

    def request_stop(signum: int, frame: FrameType | None) -> None:
        stopping.set()

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
    # `kill -USR1 <pid>` prints every thread's stack: what a stack that stopped answering is waiting for
    faulthandler.register(signal.SIGUSR1, all_threads=True)
    try:
        stack = LocalStack(
            template_path=args.template,
            port=args.port,
            sandbox_port=args.sandbox_port,
            visibility_scale=args.visibility_scale,
            brand_policy=args.brand_policy,
            state_dir=args.state_dir,
            reset_state=args.reset,
            save_interval=args.save_interval,
        ).start()
    except (FileNotFoundError, ValueError, OSError) as error:
        print(f"ackline local stack could not start: {error}", file=sys.stderr)
        return 2
    ready_file = _ready_file(args, stack)
    try:
        if ready_file is not None:
            info = ReadyInfo(stack.gateway_url, stack.sandbox_url, stack.moto_url, os.getpid())
            write_ready_file(ready_file, info)
        print_summary(stack)
        stopping.wait()
    finally:
        print("stopping the local stack", flush=True)
        if ready_file is not None:
            remove_ready_file(ready_file, os.getpid())
        stack.stop()
    return 0


def _ready_file(args: argparse.Namespace, stack: LocalStack) -> Path | None:
    """Where to say that this stack is ready: asked for, or the default for a stack on a chosen port."""
    if args.ready_file is not None:
        return Path(args.ready_file)
    if os.environ.get(READY_FILE_ENV_VAR):
        return ready_file_path()
    free_port = args.port == 0 or (args.port is None and stack.config.port == 0)
    return None if free_port else ready_file_path()


def print_summary(stack: LocalStack) -> None:
    print("\nackline local stack is running (Ctrl-C to stop)")
    print("  webhooks:")
    for route_key, url in sorted(stack.webhook_urls().items()):
        print(f"    {route_key.split(' ', 1)[0]:<5} {url}")
    print(f"  queue page:       {stack.queue_page_url}")
    print(f"  staff API:        {stack.gateway_url}/api/...")
    print("                    (send `Authorization: Bearer <STAFF_API_TOKEN>`, the value in infra/local/dev.env)")
    auth_url, client_id = stack.environment["STAFF_AUTH_URL"], stack.environment["STAFF_AUTH_CLIENT_ID"]
    print(f"  staff sign-in:    {auth_url}  (client {client_id}; the queue page's Sign in button)")
    print(f"  platform sandbox: {stack.sandbox_url}  (recorded calls: {stack.sandbox_url}/_sandbox/calls)")
    print(f"  moto (AWS):       {stack.moto_url}")
    if stack.state_dir is not None:
        print(f"  state:            {stack.state_dir}  (kept across restarts; `make dev-reset` starts afresh)")
    else:
        print("  state:            in memory only (--state-dir DIR keeps it)")
    if stack.brand_policy_parameter:
        print(f"  brand policy:     {stack.brand_policy_path} -> SSM {stack.brand_policy_parameter}")
    else:
        print("  brand policy:     the example shipped in the layer (--brand-policy PATH to use your own)")
    print("  send a sample:    make demo   (or: .venv/bin/python -m ackline_local.demo)\n")
    print(stack.ready_line(), flush=True)


if __name__ == "__main__":
    sys.exit(main())
