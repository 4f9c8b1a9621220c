"""The Django admin for the HAWK tables and the agent's own, one module per models module."""

from hawk.admin import agent, instructions, positions, reference

__all__ = ["agent", "instructions", "positions", "reference"]
