"""Evaluation of the agent: labelled prompts and the golden set of `manage.py hawk_eval`."""
