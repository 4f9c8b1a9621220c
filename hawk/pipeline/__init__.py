"""The agent pipeline, one module per stage, read top to bottom:

understand -> plan -> extract -> facts -> context -> analysis -> run.
"""
