"""HAWK Agent: the data and analysis backend of the hedge-operations app."""

__version__ = "0.1.0"
