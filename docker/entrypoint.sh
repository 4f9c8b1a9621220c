#!/bin/sh
# Start-up of the app container. With PROMETHEUS_MULTIPROC_DIR set (several workers), the
# directory is created and emptied first: metric files left by an earlier start (a restarted
# container keeps its /tmp) would otherwise be summed into this start's figures.
set -eu
if [ -n "${PROMETHEUS_MULTIPROC_DIR:-}" ]; then
    mkdir -p "$PROMETHEUS_MULTIPROC_DIR"
    find "$PROMETHEUS_MULTIPROC_DIR" -mindepth 1 -delete
fi
exec "$@"
