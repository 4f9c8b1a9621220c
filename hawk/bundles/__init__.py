"""Data bundles: load and export the HAWK tables as one JSON file or a folder of CSVs."""
