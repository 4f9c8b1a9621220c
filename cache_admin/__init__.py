"""Operator views of the data cache: statistics, invalidation and warming."""
