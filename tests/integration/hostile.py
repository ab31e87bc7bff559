"""Hostile load against the firmware in QEMU, with a well-behaved client
probing both ports (issue 10). Used by test_fairness.py (about a minute,
in make test) and tools/soak (make soak, 10 minutes or more).

Each attacker is a thread that reconnects whenever the device drops it:
  - pipeliner: small receive buffer, sends GETs as fast as the device takes
    them and never reads (on either port);
  - dribbler: a request head one byte per 100 ms;
  - slowloris: a partial head, then one more header line every 2 s;
  - slow reader: pipelines GETs and reads 64 bytes a second;
  - burst: 40 connections opened at once, every few seconds, each sending
    one GET and reading the answer (through a host port of its own when
    the device has one: QEMU's listen backlog of 1 per forwarded port
    would otherwise hold the prober's connections back in the host
    kernel, which is the emulator, not the device).
The prober opens a new connection for every GET (port 80 and 443 in
turn), with the real dev token, and records how long it took to get a
status line. A connection the device refuses (RST on the SYN, the prompt
answer to a full PCB pool) is retried at once; the time counts."""
import errno
import select
import socket
import ssl
import threading
import time

CAT = "73eb2497-3b88-4c0a-8bb3-68ba8162beff"
RES = "99ab2454-3b88-4c0a-8bb3-68ba8162beff"
SES = "23f27c15-72f9-45fe-9e9c-e3d8f75bdc44"
PATH = ("/beta/identityGovernance/entitlementManagement/accessPackageCatalogs/%s"
        "/accessPackageResources/%s/uploadSessions/%s" % (CAT, RES, SES))


def request(token, host="localhost"):
    return ("GET %s HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\n\r\n"
            % (PATH, host, token)).encode()


class Load:
    """Runs the attackers against dev (a conftest.Device) until stop()."""

    def __init__(self, dev, token, kinds=None):
        self.dev = dev
        self.token = token
        self.req = request(token)
        self.stop_ev = threading.Event()
        self.threads = []
        self.counts = {}
        self.lock = threading.Lock()
        # The eight. (A pipeliner on 443 is possible too, but each
        # of its reconnections is a full handshake, ~33 M instructions: a
        # CPU flood that no sharing rule undoes, README "Fairness".)
        self.kinds = kinds if kinds is not None else {
            "pipeliner-80": 2, "dribbler": 2, "slowloris": 2, "slow-reader": 1, "burst": 1}

    def count(self, what, n=1):
        with self.lock:
            self.counts[what] = self.counts.get(what, 0) + n

    # ---- connections ------------------------------------------------------
    def _sock(self, port, rcvbuf=None):
        s = socket.socket()
        if rcvbuf:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        s.settimeout(5)
        s.connect(("127.0.0.1", port))
        return s

    def _tls(self, rcvbuf=None):
        s = self._sock(self.dev.https_port, rcvbuf)
        ctx = self.dev.tls_context()
        return ctx.wrap_socket(s, server_hostname="localhost")

    def _loop(self, name, body):
        while not self.stop_ev.is_set():
            try:
                body()
                self.count(name + " rounds")
            except (OSError, ssl.SSLError, ValueError):
                self.count(name + " dropped")
                self.stop_ev.wait(0.05)

    # ---- attackers ----------------------------------------------------------
    def pipeliner(self, tls):
        s = self._tls(2048) if tls else self._sock(self.dev.http_port, 2048)
        s.settimeout(0.5)
        try:
            while not self.stop_ev.is_set():
                try:
                    s.sendall(self.req * 8)
                except socket.timeout:
                    pass  # the device stopped reading: keep trying, never read
                except ssl.SSLWantWriteError:
                    self.stop_ev.wait(0.1)
        finally:
            s.close()

    def dribbler(self):
        s = self._sock(self.dev.http_port)
        try:
            for b in self.req:
                if self.stop_ev.wait(0.1):
                    return
                s.send(bytes([b]))
            s.settimeout(3)
            s.recv(4096)
        finally:
            s.close()

    def slowloris(self):
        s = self._sock(self.dev.http_port)
        try:
            s.send(b"GET " + PATH.encode() + b" HTTP/1.1\r\nHost: localhost\r\n")
            i = 0
            while not self.stop_ev.wait(2.0):
                s.send(b"X-Slow-%d: %d\r\n" % (i, i))
                i += 1
        finally:
            s.close()

    def slow_reader(self):
        s = self._sock(self.dev.http_port, 2048)
        try:
            s.sendall(self.req * 6)
            while not self.stop_ev.wait(1.0):
                if not s.recv(64):
                    return
        finally:
            s.close()

    def burst(self, n=40, wait=12.0):
        socks = []
        for _ in range(n):
            s = socket.socket()
            s.setblocking(False)
            s.connect_ex(("127.0.0.1", self.dev.burst_port or self.dev.http_port))
            socks.append(s)
        t0 = time.monotonic()
        pending = {s: b"" for s in socks}
        sent = set()
        while pending and time.monotonic() - t0 < wait and not self.stop_ev.is_set():
            r, w, _ = select.select(list(pending), [s for s in pending if s not in sent], [], 0.2)
            for s in w:
                try:
                    s.send(self.req)
                    sent.add(s)
                except OSError:
                    self.count("burst refused")
                    pending.pop(s, None)
            for s in r:
                try:
                    data = s.recv(4096)
                except OSError:
                    data = b""
                    self.count("burst refused")
                if data.startswith(b"HTTP/1.1 "):
                    self.count("burst " + data[9:12].decode())
                    if b"\r\nRetry-After: " in data or not data.startswith(b"HTTP/1.1 503"):
                        self.count("burst answered")
                    pending.pop(s, None)
                elif not data:
                    self.count("burst refused")  # RST (slirp closes the host side)
                    pending.pop(s, None)
        # Sent and never answered: the device's doing. Never connected:
        # SYNs still held back by the host (QEMU's listen backlog of 1).
        self.count("burst silent", len([s for s in pending if s in sent]))
        self.count("burst not connected", len([s for s in pending if s not in sent]))
        for s in socks:
            s.close()
        self.stop_ev.wait(8.0)

    # ---- control --------------------------------------------------------
    def start(self):
        bodies = {
            "pipeliner-80": lambda: self.pipeliner(False),
            "pipeliner-443": lambda: self.pipeliner(True),
            "dribbler": self.dribbler,
            "slowloris": self.slowloris,
            "slow-reader": self.slow_reader,
            "burst": self.burst,
        }
        for kind, n in self.kinds.items():
            for i in range(n):
                t = threading.Thread(target=self._loop, args=(kind, bodies[kind]), daemon=True,
                                     name="%s-%d" % (kind, i))
                t.start()
                self.threads.append(t)

    def stop(self):
        self.stop_ev.set()
        for t in self.threads:
            t.join(15)


def probe(dev, token, tls, timeout=10.0):
    """One well-behaved GET on a new connection. Returns (seconds, status,
    retry_after, refusals, connect_seconds): seconds from the TCP connection
    being up on the host side to the status line (status None if nothing
    came within timeout); connect_seconds what connect() took before that.
    QEMU's user network listens for the forwarded port with a backlog of 1
    (`ss -ltn`), so during a burst the host kernel drops SYNs and the
    client retries them after 1, 3, 7 s before the device ever sees them:
    that wait is the emulator's, and is reported apart."""
    refusals = 0
    t_start = time.monotonic()
    while True:
        t0 = time.monotonic()
        try:
            raw = socket.create_connection(("127.0.0.1", dev.https_port if tls else dev.http_port),
                                           timeout=15)
        except socket.timeout:
            return None, None, None, refusals, time.monotonic() - t0
        t_conn = time.monotonic()
        raw.settimeout(timeout)
        try:
            if tls:
                s = dev.tls_context().wrap_socket(raw, server_hostname="localhost")
            else:
                s = raw
            s.sendall(request(token))
            data = b""
            while b"\r\n\r\n" not in data:
                chunk = s.recv(4096)
                if not chunk:
                    break
                data += chunk
            secs = time.monotonic() - t_conn
            if not data:
                raise ConnectionResetError("closed without an answer")
            head = data.split(b"\r\n\r\n", 1)[0].decode("latin-1")
            status = int(head[9:12])
            ra = None
            for line in head.split("\r\n")[1:]:
                k, _, v = line.partition(":")
                if k.strip().lower() == "retry-after":
                    ra = v.strip()
            return secs, status, ra, refusals, t_conn - t_start
        except socket.timeout:
            return time.monotonic() - t_conn, None, None, refusals, t_conn - t_start
        except (ConnectionError, ssl.SSLError, OSError):
            # Refused or reset before any answer: a prompt "no" (a SYN the
            # device could not take, or a handshake evicted); ask again.
            refusals += 1
            if time.monotonic() - t_start > timeout:
                return time.monotonic() - t_conn, None, None, refusals, t_conn - t_start
            time.sleep(0.05)
        finally:
            raw.close()


class Prober:
    """Probes both ports in turn until stop(); results in .results as
    (t, port_name, seconds, status, retry_after, refusals, connect_seconds)."""

    def __init__(self, dev, token, pause=0.3):
        self.dev = dev
        self.token = token
        self.pause = pause
        self.results = []
        self.stop_ev = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        tls = False
        while not self.stop_ev.is_set():
            t = time.monotonic()
            secs, status, ra, refusals, conn_s = probe(self.dev, self.token, tls)
            self.results.append((t, "https" if tls else "http", secs, status, ra, refusals, conn_s))
            tls = not tls
            self.stop_ev.wait(self.pause)

    def start(self):
        self.thread.start()

    def stop(self):
        self.stop_ev.set()
        self.thread.join(30)
