"""Read-only analytics over hedge data and prompt history, and the agent's Prometheus metrics."""
