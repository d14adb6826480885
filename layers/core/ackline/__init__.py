"""ackline: every customer who speaks to the brand on a social platform hears back within seconds.

Layout: `domain` is pure (no boto3, no HTTP); `usecases` orchestrate the domain through `ports`;
`adapters` hold boto3 and `requests`; `http` holds the Powertools routers; `bootstrap` wires them.
"""
