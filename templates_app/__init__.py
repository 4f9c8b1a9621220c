"""Prompt templates: families, categories, placeholders, data requirements and versions."""
