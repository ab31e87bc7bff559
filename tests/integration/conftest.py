"""Boot the real firmware in QEMU for the integration tests.

Each test session starts its own instance on free host ports through
tools/qemu-run (so it never talks to a `make start` instance or another
test run) and stops it at the end.
"""
import os
import socket
import subprocess
import tempfile
import time

import pytest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
RUNNER = os.path.join(ROOT, "tools", "qemu-run")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Device:
    def __init__(self, workdir, **ports):
        self.workdir = workdir
        self.elf = os.environ.get("FIRMWARE_ELF", os.path.join(ROOT, "build/mps2-an385/firmware.elf"))
        self.machine = os.environ.get("QEMU_MACHINE", "mps2-an385")
        self.seed_addr = os.environ.get("QEMU_SEED_ADDR", "0x20000000")
        self.http_port = ports.get("http_port") or free_port()
        self.https_port = ports.get("https_port") or free_port()
        self.echo_port = ports.get("echo_port") or free_port()
        # The provisioned device configuration (None: boot unprovisioned).
        self.config = ports.get("config", os.environ.get("DEVICE_CONFIG"))
        self.config_addr = os.environ.get("QEMU_CONFIG_ADDR", "0x003C0000")
        self.pidfile = os.path.join(workdir, "qemu.pid")
        self.log = os.path.join(workdir, "qemu.log")

    def runner(self, command, check=True):
        cmd = [RUNNER, "--machine", self.machine, "--elf", self.elf,
               "--seed-addr", self.seed_addr,
               "--http-port", str(self.http_port), "--https-port", str(self.https_port),
               "--echo-port", str(self.echo_port),
               "--pidfile", self.pidfile, "--log", self.log]
        if self.config:
            cmd += ["--config", self.config, "--config-addr", self.config_addr]
        cmd.append(command)
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=90)
        if check and r.returncode != 0:
            raise RuntimeError("qemu-run %s failed (%d):\n%s%s" % (command, r.returncode, r.stdout, r.stderr))
        return r

    def start(self):
        t0 = time.monotonic()
        self.runner("start")
        self.start_seconds = time.monotonic() - t0

    def stop(self):
        self.runner("stop", check=False)

    def uart(self):
        with open(self.log, "rb") as f:
            return f.read().decode("latin-1")

    def http(self, timeout=10):
        import http.client
        return http.client.HTTPConnection("127.0.0.1", self.http_port, timeout=timeout)

    def connect(self, port=None, timeout=10):
        return socket.create_connection(("127.0.0.1", port or self.echo_port), timeout=timeout)


@pytest.fixture(scope="session")
def device():
    with tempfile.TemporaryDirectory(prefix="fw-it-") as d:
        dev = Device(d)
        dev.start()
        try:
            yield dev
        finally:
            dev.stop()
            log = dev.uart()
            # A fault anywhere in the session is a failure of the session.
            assert "FAULT" not in log, log[-2000:]
            assert "ASSERT" not in log, log[-2000:]


@pytest.fixture(scope="session")
def token():
    path = os.environ.get("DEV_TOKEN_FILE", os.path.join(ROOT, "build/provision/dev-token"))
    with open(path) as f:
        return f.read().strip()
