"""ackline's local stack: template.yaml run on moto, an API Gateway emulator, SQS pollers and a platform sandbox.

It exists because the development and CI machines have no Docker, so `sam local` is out; every part here reads
template.yaml itself so the local stack and the cloud cannot drift. Start it with `python -m ackline_local`
(`make dev`) or in-process with `ackline_local.stack.LocalStack`.
"""
