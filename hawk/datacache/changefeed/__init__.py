"""The change feed: how every write to the HAWK tables, whoever makes it, reaches the caches
(LIVE_DATA.md). `triggers` keeps a generation per table in the writer's own transaction;
`logical` reads a logical replication slot; `off` sees only writes made through Django."""
