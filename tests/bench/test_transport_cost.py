"""bench/transport_cost.py: the CPU of a server's whole process tree, its children's too."""

import os
import signal
import subprocess
import sys
import time

from bench.transport_cost import tree_cpu_seconds

# A parent that starts a child burning CPU, then waits for it: the parent itself spends none.
PARENT = (
    "import subprocess, sys; "
    "subprocess.run([sys.executable, '-c', "
    "'import time\\nend = time.process_time() + 0.6\\nwhile time.process_time() < end: pass\\n"
    "time.sleep(30)'])"
)


def test_a_childs_cpu_counts_toward_its_parents_tree():
    parent = subprocess.Popen([sys.executable, "-c", PARENT], start_new_session=True)
    try:
        deadline = time.monotonic() + 20
        spent = 0.0
        while time.monotonic() < deadline and spent < 0.6:
            time.sleep(0.1)
            spent = tree_cpu_seconds(parent.pid)
        assert spent >= 0.6
    finally:
        os.killpg(parent.pid, signal.SIGKILL)  # the child too
        parent.wait()


def test_a_process_that_is_gone_counts_nothing():
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    assert tree_cpu_seconds(gone.pid) == 0.0
