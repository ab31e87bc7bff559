"""Boot the real firmware in QEMU for the integration tests.

Each test session starts its own instance on free host ports through
tools/qemu-run (so it never talks to a `make start` instance or another
test run) and stops it at the end.

Every Device has its own flash image (the store area) in its workdir,
created erased on the first start (FLASH_SIZE bytes, default 1 MiB).
stop()/start(), restart() and kill() (SIGKILL: a power cut, no clean
shutdown) boot the same device again on the same flash file.
"""
import http.client
import json
import os
import re
import signal
import socket
import ssl
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


# The board under test and what its build holds (Makefile test-integration
# passes the board's own; the defaults are mps2-an385's).
BOARD = os.environ.get("QEMU_MACHINE", "mps2-an385")
TLS_CONNS = int(os.environ.get("TLS_CONNS", "2"))
HTTP_CONNS = int(os.environ.get("HTTP_CONNS", "4"))
ECHO = os.environ.get("ECHO_ENABLED", "1") == "1"  # the TCP echo service on port 7
# A test that needs two TLS connections at once (one stalled, one served).
two_tls_slots = pytest.mark.skipif(TLS_CONNS < 2, reason="the board has one TLS connection "
                                   "(a stalled handshake holds it: README \"Boards\")")


class Device:
    def __init__(self, workdir, **ports):
        self.workdir = workdir
        self.elf = ports.get("elf") or os.environ.get(
            "FIRMWARE_ELF", os.path.join(ROOT, "build/mps2-an385/firmware.elf"))
        self.machine = os.environ.get("QEMU_MACHINE", "mps2-an385")
        self.seed_addr = os.environ.get("QEMU_SEED_ADDR", "0x20000000")
        self.http_port = ports.get("http_port") or free_port()
        self.https_port = ports.get("https_port") or free_port()
        self.echo_port = ports.get("echo_port") or free_port()
        # A second host port to guest port 80 (burst_port=True): QEMU's user
        # network listens on each forwarded port with a backlog of 1, so a
        # burst on one host port holds back other clients of that same host
        # port before the device sees them (hostile.py).
        self.burst_port = free_port() if ports.get("burst_port") else None
        # The provisioned device configuration (None: boot unprovisioned).
        self.config = ports.get("config", os.environ.get("DEVICE_CONFIG"))
        # The CA that verifies the device (None: ca.pem next to the config).
        self.ca = ports.get("ca")
        self.config_addr = os.environ.get("QEMU_CONFIG_ADDR", "0x003C0000")
        self.pidfile = os.path.join(workdir, "qemu.pid")
        self.log = os.path.join(workdir, "qemu.log")
        # serial_pipe=True: the UART goes to a small FIFO that nobody reads
        # after boot (the guest's UART stalls) until resume_serial().
        self.serial_pipe = os.path.join(workdir, "serial") if ports.get("serial_pipe") else None
        self._serial_fd = None
        # The store area: kept in the workdir across stop/start and kill.
        # flash=None: no image at all (QEMU without semihosting).
        self.flash = ports["flash"] if "flash" in ports else os.path.join(workdir, "flash.img")
        self.flash_size = int(ports.get("flash_size") or os.environ.get("FLASH_SIZE", 1048576))
        # UART logs of the earlier boots of this device, oldest first
        # (start() begins a fresh log file).
        self.boots = []

    def runner(self, command, check=True):
        cmd = [RUNNER, "--machine", self.machine, "--elf", self.elf,
               "--seed-addr", self.seed_addr,
               "--http-port", str(self.http_port), "--https-port", str(self.https_port),
               "--echo-port", str(self.echo_port),
               "--pidfile", self.pidfile, "--log", self.log]
        if self.flash:
            cmd += ["--flash", self.flash, "--flash-size", str(self.flash_size)]
        if self.config:
            cmd += ["--config", self.config, "--config-addr", self.config_addr]
        if self.burst_port:
            cmd += ["--fwd", "%d:80" % self.burst_port]
        if self.serial_pipe:
            cmd += ["--serial-pipe", self.serial_pipe]
        cmd.append(command)
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=90)
        if check and r.returncode != 0:
            raise RuntimeError("qemu-run %s failed (%d):\n%s%s" % (command, r.returncode, r.stdout, r.stderr))
        return r

    def start(self):
        """Boot (again) on this device's flash image; the log of an earlier
        boot moves to self.boots."""
        if os.path.exists(self.log):
            self.boots.append(self.uart())
        t0 = time.monotonic()
        self.runner("start")
        self.start_seconds = time.monotonic() - t0

    def stop(self):
        if self._serial_fd is not None:
            self.uart()  # the last bytes, for the failure report
        self.runner("stop", check=False)
        self._close_serial()

    def restart(self):
        """A clean reboot on the same flash image."""
        self.stop()
        self.start()

    def kill(self):
        """Power cut: SIGKILL QEMU (no clean shutdown, whatever the guest
        was doing stops mid-way) and wait until it is gone. start() then
        boots the device again on the same flash image."""
        if self._serial_fd is not None:
            self.uart()
        try:
            with open(self.pidfile) as f:
                pid = int(f.read().strip())
        except (OSError, ValueError):
            pid = None
        if pid is not None:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline and _alive(pid):
                time.sleep(0.02)
            assert not _alive(pid), "QEMU pid %d survived SIGKILL" % pid
        if os.path.exists(self.pidfile):
            os.unlink(self.pidfile)
        self._close_serial()

    def _close_serial(self):
        if self._serial_fd is not None:
            os.close(self._serial_fd)
            self._serial_fd = None

    def resume_serial(self):
        """serial_pipe devices: start reading the UART again; from now on
        uart() moves what the FIFO holds into the log file first."""
        self._serial_fd = os.open(self.serial_pipe + ".out", os.O_RDONLY | os.O_NONBLOCK)

    def uart(self):
        if self._serial_fd is not None:
            with open(self.log, "ab") as f:
                while True:
                    try:
                        chunk = os.read(self._serial_fd, 65536)
                    except BlockingIOError:
                        break
                    if not chunk:
                        break
                    f.write(chunk)
        with open(self.log, "rb") as f:
            return f.read().decode("latin-1")

    def http(self, timeout=10):
        import http.client
        return http.client.HTTPConnection("127.0.0.1", self.http_port, timeout=timeout)

    def connect(self, port=None, timeout=10):
        return socket.create_connection(("127.0.0.1", port or self.echo_port), timeout=timeout)

    # ---- HTTPS (guest 443) -------------------------------------------------
    def ca_path(self):
        """The dev CA that issued the device certificate: provisioning keeps
        it next to the configuration (build/provision/ca.pem)."""
        return self.ca or os.path.join(os.path.dirname(os.path.abspath(self.config)), "ca.pem")

    def tls_context(self, version=None):
        """A verifying client context (dev CA, hostname check); version pins
        both ends to one ssl.TLSVersion."""
        ctx = ssl.create_default_context(cafile=self.ca_path())
        if version is not None:
            ctx.minimum_version = ctx.maximum_version = version
        return ctx

    def https(self, timeout=10, context=None):
        """http.client over TLS to "localhost" (a name in the certificate's
        SAN, sent as SNI and checked)."""
        import http.client
        return http.client.HTTPSConnection("localhost", self.https_port, timeout=timeout,
                                           context=context or self.tls_context())

    # ---- UART log ----------------------------------------------------------
    def mark(self):
        """Where the log ends now: pass it to since()/wait_log()."""
        return len(self.uart())

    def since(self, mark):
        return self.uart()[mark:]

    def wait_log(self, pattern, mark=0, count=1, timeout=5):
        """Poll the log after mark until regex pattern matched count times;
        returns the matches (fails the test after timeout seconds)."""
        rx = re.compile(pattern)
        deadline = time.monotonic() + timeout
        while True:
            found = list(rx.finditer(self.since(mark)))
            if len(found) >= count or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        assert len(found) >= count, "log: %d of %d x %r in %.0f s:\n%s" % (
            len(found), count, pattern, timeout, self.since(mark)[-3000:])
        return found


def _alive(pid):
    """pid exists and is not a zombie (QEMU is not our child: qemu-run
    started it in a session of its own, so its reaper is not us)."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


def write_config(workdir, base, **changes):
    """A copy of the configuration JSON base with top-level keys replaced
    (plainHttp="redirect", ...), written to workdir; returns its path."""
    with open(base, "rb") as f:
        doc = json.loads(f.read().decode("utf-8"))
    doc.update(changes)
    path = os.path.join(workdir, "device-config.json")
    with open(path, "w") as f:
        json.dump(doc, f, indent=1)
    return path


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


def own_device(workdir, **kw):
    """For a fixture: a Device of its own (Device's keywords), started;
    yield from this, and it is stopped and checked for faults after."""
    dev = Device(workdir, **kw)
    dev.start()
    try:
        yield dev
    finally:
        dev.stop()
        check_no_fault(dev)


def check_no_fault(dev):
    log = dev.uart()
    assert "FAULT" not in log, log[-2000:]
    assert "ASSERT" not in log, log[-2000:]


def provisioned_config():
    """The provisioned configuration with a "tls" section, or skip (outside
    make test-integration, DEVICE_CONFIG is not set)."""
    path = os.environ.get("DEVICE_CONFIG")
    if not path:
        pytest.skip("DEVICE_CONFIG not set (run through make test-integration)")
    with open(path, "rb") as f:
        doc = json.loads(f.read().decode("utf-8"))
    assert isinstance(doc.get("tls"), dict), "%s has no tls section (make provision)" % path
    return path


@pytest.fixture(scope="session")
def https_device(device):
    """The session's device, for HTTPS tests: needs the provisioned TLS
    identity and the dev CA next to the configuration."""
    provisioned_config()
    assert os.path.exists(device.ca_path()), device.ca_path()
    return device


@pytest.fixture(scope="module")
def device_with_config(tmp_path_factory):
    """Starts extra devices whose configuration is the provisioned one with
    some top-level keys changed: device_with_config(plainHttp="off").
    Every device started is stopped (and checked for faults) at teardown."""
    started = []

    def start(**changes):
        base = provisioned_config()
        d = str(tmp_path_factory.mktemp("fw-cfg-"))
        dev = Device(d, config=write_config(d, base, **changes),
                     ca=os.path.join(os.path.dirname(os.path.abspath(base)), "ca.pem"))
        started.append(dev)
        dev.start()
        return dev

    yield start
    import threading
    stops = [threading.Thread(target=dev.stop) for dev in started]  # in parallel
    for t in stops:
        t.start()
    for t in stops:
        t.join(120)
    for dev in started:
        check_no_fault(dev)


@pytest.fixture(scope="session")
def token():
    path = os.environ.get("DEV_TOKEN_FILE", os.path.join(ROOT, "build/provision/dev-token"))
    with open(path) as f:
        return f.read().strip()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """A failing test shows the tail of the UART log of every device it
    used: what the firmware said is usually the explanation."""
    outcome = yield
    report = outcome.get_result()
    if report.when != "call" or not report.failed:
        return
    for name in item.fixturenames:
        dev = item.funcargs.get(name)
        if isinstance(dev, Device) and os.path.exists(dev.log):
            report.sections.append(("device log (%s), last 3000 bytes" % name,
                                    dev.uart()[-3000:]))
            report.sections.append(("device /metrics (%s) after the failure" % name, _metrics_text(dev)))


def _metrics_text(dev):
    """The device's counters (pools, drops, connections) when a test
    failed, or why they could not be read: a stall says more with them."""
    try:
        token = open(os.environ.get("DEV_TOKEN_FILE", "")).read().strip()
        c = http.client.HTTPConnection("127.0.0.1", dev.http_port, timeout=3)
        c.request("GET", "/metrics", headers={"Authorization": "Bearer " + token})
        r = c.getresponse()
        text = r.read().decode("latin-1")
        c.close()
        return "\n".join(l for l in text.splitlines() if not l.endswith(" 0"))
    except (OSError, http.client.HTTPException) as e:
        return "not readable: %r" % (e,)
