"""Pure domain: models, triage, replies and signature checks. Nothing here touches the network."""
