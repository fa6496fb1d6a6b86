"""A real Ray cluster on this machine for the tests: a head node and a second worker node, each with
one CPU, started by `ray start --block` in sessions of their own and stopped by killing exactly those
sessions (never `ray stop`, which would stop every Ray on the machine)."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

pytest.importorskip("ray", reason="the Ray extra is not installed (pip install -e '.[ray]')")

RAY = str(Path(sys.executable).with_name("ray"))
# A cluster of this test's own on loopback, without token authentication (Ray enables it once
# ~/.ray/auth_token exists; nodes and the driver must then agree, so both are told here).
ENV = {**os.environ, "RAY_USAGE_STATS_ENABLED": "0", "RAY_AUTH_MODE": "disabled"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Cluster:
    address: str
    temp: Path
    nodes: list[subprocess.Popen[bytes]] = field(default_factory=list)
    log: Path | None = None

    def start_node(self, *args: str) -> subprocess.Popen[bytes]:
        assert self.log is not None
        node = subprocess.Popen([RAY, "start", "--block", "--num-cpus", "1", "--disable-usage-stats", *args],
                                env=ENV, stdout=self.log.open("ab"), stderr=subprocess.STDOUT,
                                start_new_session=True)
        self.nodes.append(node)
        return node

    def kill(self, node: subprocess.Popen[bytes], sig: int = signal.SIGKILL, wait: float = 30) -> None:
        """Kill one node: its `ray start` session (raylet, its workers; the GCS on the head)."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(node.pid, sig)
        with contextlib.suppress(subprocess.TimeoutExpired):
            node.wait(timeout=wait)

    def cpus(self) -> int:
        out = subprocess.run([sys.executable, "-c", (
            "import ray, sys; ray.init(address=sys.argv[1], log_to_driver=False, configure_logging=False);"
            "print(int(ray.cluster_resources().get('CPU', 0)))"), self.address],
            env=ENV, capture_output=True, text=True, timeout=120)
        return int(out.stdout.strip().splitlines()[-1]) if out.returncode == 0 and out.stdout.strip() else 0


def _wait_cpus(cluster: Cluster, want: int, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if cluster.cpus() >= want:
            return
        time.sleep(1)
    raise RuntimeError(f"the Ray cluster did not reach {want} CPUs; log:\n{cluster.log.read_text()[-3000:]}")  # type: ignore[union-attr]


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    """A head node and a second node (one CPU each) on this machine, for this module's tests."""
    saved = os.environ.get("RAY_AUTH_MODE")
    os.environ["RAY_AUTH_MODE"] = "disabled"  # this process is the cluster's driver (kb --ray)
    temp = Path(tempfile.mkdtemp(prefix="rk", dir="/tmp"))  # short: Ray's socket paths must stay < 108 chars
    port = free_port()
    c = Cluster(f"127.0.0.1:{port}", temp, log=temp / "ray.log")
    try:
        c.start_node("--head", "--port", str(port), "--node-ip-address", "127.0.0.1", "--include-dashboard=false",
                     "--temp-dir", str(temp / "t"), "--min-worker-port", "0", "--max-worker-port", "0")
        _wait_cpus(c, 1)
        c.start_node("--address", c.address, "--node-ip-address", "127.0.0.1")
        _wait_cpus(c, 2)
        yield c
    finally:
        for node in reversed(c.nodes):
            # a few seconds to stop cleanly, then killed: a head node given SIGTERM waited out the whole
            # 30 s (the suite's slowest teardown) for nothing this test needs
            c.kill(node, signal.SIGTERM, wait=5)
            c.kill(node)
        shutil.rmtree(temp, ignore_errors=True)
        if saved is None:
            os.environ.pop("RAY_AUTH_MODE", None)
        else:
            os.environ["RAY_AUTH_MODE"] = saved
