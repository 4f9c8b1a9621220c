"""The product's settings with the pool's connection check off: the "before" of issue 17 item
8 for bench/faults.py (a pooled connection that died with Postgres fails the request that
takes it). Never used by the product."""

from hawk.settings import *  # noqa: F403
from hawk.settings import DATABASES

DATABASES["default"]["CONN_HEALTH_CHECKS"] = False
