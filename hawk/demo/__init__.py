"""The demo dataset: a deterministic generator and the hawk-bundle/1 file it writes."""
