"""The agent's HTTP API: thin views over the pipeline and the run service."""
