"""Analysis backends: Dify (the LLM) and the built-in analyst, behind one small interface."""
