"""The data cache: generation-keyed cache-aside entries per source, and their statistics."""
