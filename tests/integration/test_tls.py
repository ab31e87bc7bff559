"""HTTPS on guest port 443 (mbedTLS 3.6) in QEMU, spoken to by clients
nobody here wrote: curl, openssl s_client and Python's ssl/http.client.

Covers the issue's list: the seed call over HTTPS (same body as plain
HTTP, plus HSTS), protocol/suite/group negotiation with certificate
verification, refusals, session resumption (TLS 1.2 tickets, TLS 1.3
NewSessionTicket), keep-alive, garbage on the port, the 10 s handshake
deadline, the eviction of handshakes when both TLS slots are taken, and
the fatal alerts for a record over the 4 KiB input buffer and for a TLS
1.3 KeyUpdate.
"""
import os
import re
import select
import socket
import ssl
import struct
import subprocess
import time

import pytest

from conftest import two_tls_slots
from test_http import PATH, SEED, strict_json

TLS13_SUITES = ["TLS_AES_128_GCM_SHA256", "TLS_CHACHA20_POLY1305_SHA256", "TLS_AES_256_GCM_SHA384"]
TLS12_SUITES = ["ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-ECDSA-CHACHA20-POLY1305",
                "ECDHE-ECDSA-AES256-GCM-SHA384"]
HSTS = "max-age=31536000"
# One line per completed handshake (cycles/heap figures are not checked).
HANDSHAKE = r"tls (TLSv1\.[23]) (\S+) ticket=([01]) cycles=\d+ heap=\d+ peak=\d+"
# Headers that differ between any two responses.
PER_RESPONSE = {"request-id", "client-request-id", "date"}


def s_client(dev, *args, stdin=b"", timeout=15):
    """openssl s_client to the device as "localhost", verifying the chain
    against the dev CA and the name (a verification error aborts)."""
    cmd = ["openssl", "s_client", "-connect", "127.0.0.1:%d" % dev.https_port,
           "-servername", "localhost", "-verify_hostname", "localhost",
           "-CAfile", dev.ca_path(), "-verify_return_error"] + list(args)
    r = subprocess.run(cmd, input=stdin, capture_output=True, timeout=timeout)
    return r.returncode, (r.stdout + r.stderr).decode("latin-1")


def negotiated(out):
    """("TLSv1.3", "TLS_AES_128_GCM_SHA256") from s_client's summary line,
    (None, None) when no session was established."""
    m = re.search(r"^(?:New|Reused), (TLSv1\.[0-3]|\(NONE\)), Cipher is (\S+)", out, re.M)
    assert m, out
    return (None, None) if m.group(1) == "(NONE)" else (m.group(1), m.group(2))


def curl(*args, timeout=15):
    r = subprocess.run(["curl", "-sS", "--max-time", "10"] + list(args),
                       capture_output=True, timeout=timeout)
    assert r.returncode == 0, r.stderr
    return r.stdout


def split_response(raw):
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers.setdefault(name.strip().lower(), []).append(value.strip())
    return lines[0], headers, body


def https_get(dev, path=PATH, token=None, conn=None, headers=None):
    c = conn or dev.https()
    h = dict(headers or {})
    if token is not None:
        h["Authorization"] = "Bearer " + token
    c.request("GET", path, headers=h)
    r = c.getresponse()
    body = r.read()
    if conn is None:
        c.close()
    return r, body


def check_serves(dev, token):
    """The device still answers both HTTPS and plain HTTP with the seed."""
    r, body = https_get(dev, token=token)
    assert r.status == 200, body
    assert strict_json(body)["id"] == SEED["id"]
    c = dev.http()
    c.request("GET", PATH, headers={"Authorization": "Bearer " + token})
    r = c.getresponse()
    assert r.status == 200 and strict_json(r.read())["id"] == SEED["id"]
    c.close()


def check_not_rebooted(dev):
    log = dev.uart()
    assert log.count("ready ip=") == 1, log[-3000:]
    assert "FAULT" not in log and "ASSERT" not in log, log[-3000:]


def closed_within(sock, seconds):
    """Seconds until the peer closed or reset sock (any bytes it sends
    first, e.g. a TLS alert, are collected); None if still open after
    `seconds`. Returns (elapsed, data)."""
    t0 = time.monotonic()
    data = b""
    while True:
        left = seconds - (time.monotonic() - t0)
        if left <= 0:
            return None, data
        sock.settimeout(left)
        try:
            chunk = sock.recv(4096)
        except (ConnectionResetError, ConnectionAbortedError):
            return time.monotonic() - t0, data
        except socket.timeout:
            return None, data
        if not chunk:
            return time.monotonic() - t0, data
        data += chunk


def client_hello():
    """A real TLS 1.3 ClientHello for localhost, as Python's ssl writes it."""
    ctx = ssl.create_default_context()
    incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
    obj = ctx.wrap_bio(incoming, outgoing, server_hostname="localhost")
    with pytest.raises(ssl.SSLWantReadError):
        obj.do_handshake()
    hello = outgoing.read()
    assert hello[0] == 0x16 and hello[5] == 0x01, hello[:8]  # handshake record, ClientHello
    return hello


def tls_alert_only(data):
    """True if data is empty or one TLS alert record (what mbedTLS may send
    before closing)."""
    return data == b"" or (len(data) == 7 and data[0] == 0x15 and data[3:5] == b"\x00\x02")


# ---- 1. the seed call over HTTPS -----------------------------------------

def test_curl_https_gets_the_same_body_as_plain_http_plus_hsts(https_device, token):
    dev = https_device
    auth = ["-H", "Authorization: Bearer " + token]
    plain = curl("-D", "-", *auth, "http://127.0.0.1:%d%s" % (dev.http_port, PATH))
    secure = curl("-D", "-", "--cacert", dev.ca_path(), *auth,
                  "https://localhost:%d%s" % (dev.https_port, PATH))
    pstatus, pheaders, pbody = split_response(plain)
    sstatus, sheaders, sbody = split_response(secure)
    assert sstatus == "HTTP/1.1 200 OK", secure[:500]
    assert pstatus == "HTTP/1.1 200 OK", plain[:500]
    assert sbody == pbody                                  # byte for byte
    doc = strict_json(sbody)
    del doc["@odata.context"]
    assert doc == SEED
    assert sheaders.get("strict-transport-security") == [HSTS]
    assert "strict-transport-security" not in pheaders
    # Apart from HSTS and the per-response ids/date, the heads are the same.
    drop = PER_RESPONSE | {"strict-transport-security"}
    assert {k: v for k, v in sheaders.items() if k not in drop} == \
        {k: v for k, v in pheaders.items() if k not in drop}


def test_hsts_on_https_errors_too_and_never_on_plain_http(https_device, token):
    r, body = https_get(https_device, token=None)             # 401 over TLS
    assert r.status == 401, body
    assert r.getheader("Strict-Transport-Security") == HSTS
    c = https_device.http()
    for headers in ({}, {"Authorization": "Bearer " + token}):
        c.request("GET", PATH, headers=headers)
        r = c.getresponse()
        r.read()
        assert r.status in (200, 401)
        assert r.getheader("Strict-Transport-Security") is None
    c.close()


# ---- 2. protocols, suites, groups ------------------------------------------

@pytest.mark.parametrize("flag,proto", [("-tls1_3", "TLSv1.3"), ("-tls1_2", "TLSv1.2")])
def test_openssl_verified_handshake(https_device, flag, proto):
    rc, out = s_client(https_device, flag)
    assert rc == 0, out
    assert negotiated(out)[0] == proto, out
    assert "Verify return code: 0 (ok)" in out, out
    assert "Verification: OK" in out and "Verified peername: localhost" in out, out
    assert "Peer signature type: ECDSA" in out, out


@pytest.mark.parametrize("suite", TLS13_SUITES)
def test_tls13_suite(https_device, suite):
    rc, out = s_client(https_device, "-tls1_3", "-ciphersuites", suite)
    assert rc == 0, out
    assert negotiated(out) == ("TLSv1.3", suite), out


@pytest.mark.parametrize("suite", TLS12_SUITES)
def test_tls12_suite(https_device, suite):
    rc, out = s_client(https_device, "-tls1_2", "-cipher", suite)
    assert rc == 0, out
    assert negotiated(out) == ("TLSv1.2", suite), out


@pytest.mark.parametrize("flag,groups,temp_key", [
    ("-tls1_3", "X25519", "X25519, 253 bits"),
    ("-tls1_3", "P-256", "ECDH, prime256v1, 256 bits"),
    # TLS 1.2: the client's group list also says which curves it takes for
    # ECDSA signatures (RFC 8422 5.1), so a 1.2 client must list P-256 for
    # the device's P-256 certificate; X25519 first makes it the key share.
    ("-tls1_2", "X25519:P-256", "X25519, 253 bits"),
    ("-tls1_2", "P-256", "ECDH, prime256v1, 256 bits"),
])
def test_groups(https_device, flag, groups, temp_key):
    rc, out = s_client(https_device, flag, "-groups", groups)
    assert rc == 0, out
    assert negotiated(out)[0] == flag.replace("-tls1_", "TLSv1."), out
    assert "Server Temp Key: " + temp_key in out, out


# ---- 3. refusals -------------------------------------------------------------

@pytest.mark.parametrize("name,args,alert", [
    # SECLEVEL=0: make OpenSSL 3 really offer the old versions.
    ("TLS 1.1", ["-tls1_1", "-cipher", "DEFAULT@SECLEVEL=0"], "alert protocol version"),
    ("TLS 1.0", ["-tls1", "-cipher", "DEFAULT@SECLEVEL=0"], "alert protocol version"),
    ("TLS 1.2 CBC only", ["-tls1_2", "-cipher", "ECDHE-ECDSA-AES128-SHA:ECDHE-ECDSA-AES256-SHA384"],
     "alert handshake failure"),
    ("TLS 1.2 RSA key exchange only", ["-tls1_2", "-cipher", "AES128-GCM-SHA256:AES256-SHA"],
     "alert handshake failure"),
    ("TLS 1.2 ECDHE-RSA only", ["-tls1_2", "-cipher", "ECDHE-RSA-AES128-GCM-SHA256"],
     "alert handshake failure"),
    # No common group: mbedTLS 3.6 closes without an alert in TLS 1.3.
    ("TLS 1.3 P-384 only", ["-tls1_3", "-groups", "P-384"], None),
])
def test_refused_offers_then_still_serving(https_device, token, name, args, alert):
    dev = https_device
    mark = dev.mark()
    rc, out = s_client(dev, *args)
    assert rc != 0, out
    assert negotiated(out) == (None, None), out
    if alert:
        assert alert in out, out
    dev.wait_log(r"tls handshake failed: \w+ \(-0x[0-9a-f]+\)", mark)
    check_serves(dev, token)


# ---- 4. resumption -----------------------------------------------------------

def test_tls12_ticket_resumption_with_openssl(https_device, tmp_path):
    dev = https_device
    sess = str(tmp_path / "tls12.sess")
    mark = dev.mark()
    rc, out = s_client(dev, "-tls1_2", "-sess_out", sess)
    assert rc == 0 and negotiated(out)[0] == "TLSv1.2", out
    assert "TLS session ticket lifetime hint: 86400" in out, out
    rc, out = s_client(dev, "-tls1_2", "-sess_in", sess)
    assert rc == 0, out
    assert re.search(r"^Reused, TLSv1\.2, ", out, re.M), out
    lines = dev.wait_log(HANDSHAKE, mark, count=2)
    assert [(m.group(1), m.group(3)) for m in lines] == [("TLSv1.2", "0"), ("TLSv1.2", "1")]


@pytest.mark.xfail(strict=True, reason=(
    "mbedTLS 3.6 ssl_tls12_server.c chooses the TLS 1.2 suite (server order) "
    "after taking the ticket's session and overwrites its suite; RFC 5246 "
    "7.4.1.3 wants the session's suite, OpenSSL aborts: 'old session cipher "
    "not returned'. README 'HTTPS', Resumption. Passes once mbedTLS is fixed."))
def test_tls12_resumption_with_a_different_offer_keeps_the_session_suite(https_device, tmp_path):
    dev = https_device
    sess = str(tmp_path / "aes.sess")
    rc, out = s_client(dev, "-tls1_2", "-cipher", "ECDHE-ECDSA-AES128-GCM-SHA256", "-sess_out", sess)
    assert rc == 0 and negotiated(out) == ("TLSv1.2", "ECDHE-ECDSA-AES128-GCM-SHA256"), out
    rc, out = s_client(dev, "-tls1_2", "-sess_in", sess)   # the full default offer
    assert rc == 0 and re.search(r"^Reused, TLSv1\.2, Cipher is ECDHE-ECDSA-AES128-GCM-SHA256",
                                 out, re.M), out


def test_tls12_session_from_a_tampered_ticket_is_not_resumed(https_device, tmp_path):
    """The control for the test above: a ticket the device did not issue
    (one byte flipped) must give a full handshake, not a resumption."""
    dev = https_device
    good, der, bad = (str(tmp_path / n) for n in ("good.sess", "good.der", "bad.sess"))
    rc, out = s_client(dev, "-tls1_2", "-sess_out", good)
    assert rc == 0, out
    subprocess.run(["openssl", "sess_id", "-in", good, "-outform", "DER", "-out", der],
                   capture_output=True, timeout=10, check=True)
    # The ticket's first 16 bytes, from s_client's hex dump ("0000 - 0b a0 ...-8e 59 ...").
    m = re.search(r"TLS session ticket:\n\s+0000 - ([0-9a-f -]{47})", out)
    assert m, out
    head = bytes.fromhex(m.group(1).replace("-", " "))
    blob = bytearray(open(der, "rb").read())
    at = blob.find(head)
    assert at > 0, "ticket not found in the DER session"
    blob[at + 20] ^= 0x5A                                  # inside the encrypted state
    open(der, "wb").write(bytes(blob))
    subprocess.run(["openssl", "sess_id", "-inform", "DER", "-in", der, "-out", bad],
                   capture_output=True, timeout=10, check=True)
    mark = dev.mark()
    rc, out = s_client(dev, "-tls1_2", "-sess_in", bad)
    assert rc == 0, out
    assert re.search(r"^New, TLSv1\.2, ", out, re.M), out
    lines = dev.wait_log(HANDSHAKE, mark)
    assert lines[0].group(3) == "0"                        # the ticket did not decrypt


def test_tls13_ticket_resumption_with_python_ssl(https_device, token):
    dev = https_device
    ctx = dev.tls_context(ssl.TLSVersion.TLSv1_3)
    mark = dev.mark()
    c = dev.https(context=ctx)
    r, body = https_get(dev, token=token, conn=c)  # reading lets the ticket arrive
    assert r.status == 200
    first = c.sock
    assert first.version() == "TLSv1.3" and not first.session_reused
    session = first.session
    assert session is not None and session.has_ticket
    c.close()

    raw = socket.create_connection(("127.0.0.1", dev.https_port), timeout=10)
    with ctx.wrap_socket(raw, server_hostname="localhost", session=session) as s:
        assert s.version() == "TLSv1.3"
        s.sendall(("GET %s HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer %s\r\n"
                   "Connection: close\r\n\r\n" % (PATH, token)).encode())
        data = b""
        while True:
            chunk = s.recv(4096)
            if not chunk:
                break
            data += chunk
        assert s.session_reused, "TLS 1.3 session was not resumed"
    status, headers, body = split_response(data)
    assert status == "HTTP/1.1 200 OK"
    assert strict_json(body)["id"] == SEED["id"]
    lines = dev.wait_log(HANDSHAKE, mark, count=2)
    assert [(m.group(1), m.group(3)) for m in lines] == [("TLSv1.3", "0"), ("TLSv1.3", "1")]


# ---- 5. keep-alive -----------------------------------------------------------

def test_100_requests_on_one_tls_keep_alive_connection(https_device, token):
    dev = https_device
    mark = dev.mark()
    c = dev.https()
    for i in range(100):
        r, body = https_get(dev, token=token, conn=c, headers={"client-request-id": "tls-ka-%d" % i})
        assert r.status == 200, body
        assert r.getheader("client-request-id") == "tls-ka-%d" % i
        doc = strict_json(body)
        del doc["@odata.context"]
        assert doc == SEED
    c.close()
    dev.wait_log(r"http GET \S+ 200 ", mark, count=100)
    assert len(re.findall(HANDSHAKE, dev.since(mark))) == 1   # one handshake for all 100


# ---- 6. garbage -------------------------------------------------------------

def _garbage():
    noise = os.urandom(4096)
    # First byte outside the TLS record types 20..23: random bytes that
    # happened to look like a record header could make the device wait for
    # the rest of a record (the 10 s deadline, tested below).
    noise = bytes([0x80 | noise[0]]) + noise[1:]
    body = os.urandom(200)
    hello = b"\x01" + struct.pack(">I", len(body))[1:] + body       # ClientHello of noise
    specs, challenge = bytes.fromhex("00002f000035c02b00"), os.urandom(16)
    v2 = b"\x01\x03\x01" + struct.pack(">HHH", len(specs), 0, len(challenge)) + specs + challenge
    sslv2 = struct.pack(">H", 0x8000 | len(v2)) + v2
    return [
        ("4 KiB of random bytes", noise),
        ("handshake record, ClientHello of noise", b"\x16\x03\x01" + struct.pack(">H", len(hello)) + hello),
        ("application data before any handshake", b"\x17\x03\x03\x00\x20" + os.urandom(32)),
        ("plain HTTP request", ("GET %s HTTP/1.1\r\nHost: localhost\r\n\r\n" % PATH).encode()),
        ("SSLv2-style ClientHello", sslv2),
    ]


def test_garbage_is_dropped_and_the_device_keeps_serving(https_device, token):
    dev = https_device
    mark = dev.mark()
    cases = _garbage()
    for name, payload in cases:
        s = socket.create_connection(("127.0.0.1", dev.https_port), timeout=5)
        try:
            try:
                s.sendall(payload)
            except (ConnectionResetError, BrokenPipeError):
                pass                                      # closed while we were still sending
            elapsed, data = closed_within(s, 5)
        finally:
            s.close()
        assert elapsed is not None, "%s: connection still open after 5 s" % name
        assert tls_alert_only(data), (name, data[:64])
    dev.wait_log(r"tls handshake failed", mark, count=len(cases))
    check_serves(dev, token)
    check_not_rebooted(dev)


# ---- 7. handshake deadline --------------------------------------------------

@two_tls_slots
def test_a_stalled_handshake_is_dropped_after_10_s(https_device, token):
    """Two clients at once (one wait for both): half a real ClientHello,
    and nothing at all. Each must be dropped 10 s after it connected."""
    dev = https_device
    mark = dev.mark()
    hello = client_hello()
    half = socket.create_connection(("127.0.0.1", dev.https_port), timeout=20)
    t0 = time.monotonic()
    silent = socket.create_connection(("127.0.0.1", dev.https_port), timeout=20)
    half.sendall(hello[:len(hello) // 2])
    closed = {}
    try:
        while len(closed) < 2 and time.monotonic() - t0 < 20:
            ready, _, _ = select.select([s for s in (half, silent) if s not in closed], [], [], 1)
            for s in ready:
                try:
                    data = s.recv(4096)
                except (ConnectionResetError, ConnectionAbortedError):
                    data = b""
                if data:
                    assert tls_alert_only(data), data[:64]
                closed[s] = time.monotonic() - t0
    finally:
        half.close()
        silent.close()
    assert half in closed and silent in closed, "still open after 20 s: %r" % closed
    for s, name in ((half, "half ClientHello"), (silent, "no bytes")):
        assert 9 <= closed[s] <= 15, "%s dropped after %.1f s" % (name, closed[s])
    ms = [int(m.group(1)) for m in dev.wait_log(r"tls handshake timeout after (\d+) ms", mark, count=2)]
    assert all(10000 <= v <= 12000 for v in ms), ms
    check_serves(dev, token)


# ---- 8. two TLS slots: eviction, then refusal --------------------------------

def quiet_clients(dev, n):
    socks = [socket.create_connection(("127.0.0.1", dev.https_port), timeout=5) for _ in range(n)]
    # No bytes means nothing the device could log: give QEMU's forwarder a
    # moment to hand the connections to the guest, which otherwise could
    # see the test's real client first.
    time.sleep(0.5)
    return socks


def prompt_get(dev, token, limit=3.0):
    """The seed over HTTPS, failing (not hanging) if it takes over limit s."""
    t0 = time.monotonic()
    conn = dev.https(timeout=limit)
    try:
        r, body = https_get(dev, token=token, conn=conn)
    except (socket.timeout, ssl.SSLError, OSError) as e:
        pytest.fail("no HTTPS response within %.0f s (%r); log:\n%s"
                    % (limit, e, dev.uart()[-1500:]))
    finally:
        # Closed here, not whenever the garbage collector gets to it: an
        # open keep-alive connection holds one of the device's two TLS
        # slots for the tests that follow.
        conn.close()
    assert r.status == 200, body
    return time.monotonic() - t0


def test_one_quiet_connection_does_not_stall_other_clients(https_device, token):
    dev = https_device
    quiet = quiet_clients(dev, 1)
    try:
        took = prompt_get(dev, token)
        assert took < 3
    finally:
        for s in quiet:
            s.close()


@two_tls_slots
def test_a_handshake_stalled_mid_way_loses_its_turn(https_device, token):
    """Handshakes run one at a time: a client that sends half a ClientHello
    and stops must not hold the turn until its 10 s deadline while another
    client waits with its ClientHello sent."""
    dev = https_device
    mark = dev.mark()
    half = socket.create_connection(("127.0.0.1", dev.https_port), timeout=5)
    try:
        hello = client_hello()
        half.sendall(hello[:len(hello) // 2])
        time.sleep(0.3)  # the half hello reaches the device and takes the turn
        took = prompt_get(dev, token, limit=5.0)
        assert took < 4, took
        m = dev.wait_log(r"tls dropping a handshake stalled for (\d+) ms for a waiting client", mark)
        assert 1000 <= int(m[0].group(1)) < 4000, m[0].group(0)
        elapsed, data = closed_within(half, 3)
        assert elapsed is not None, "the stalled handshake was not dropped"
    finally:
        half.close()
    check_serves(dev, token)


@two_tls_slots
def test_a_new_client_evicts_the_oldest_quiet_handshake(https_device, token):
    dev = https_device
    mark = dev.mark()
    oldest, newer = quiet_clients(dev, 2)
    try:
        took = prompt_get(dev, token)
        assert took < 3
        m = dev.wait_log(r"tls evicting a handshake of (\d+) ms for a new client", mark)
        assert 300 <= int(m[0].group(1)) < 9000, m[0].group(0)
        elapsed, data = closed_within(oldest, 3)
        assert elapsed is not None, "the oldest handshake was not dropped"
        newer.setblocking(False)
        with pytest.raises(BlockingIOError):            # the newer one is still waiting
            newer.recv(1)
    finally:
        oldest.close()
        newer.close()
    assert len(re.findall(r"tls evicting", dev.since(mark))) == 1


def established(dev):
    """A connected HTTPS client, retried (bounded) while the device still
    holds a slot an earlier test's client has just closed."""
    deadline = time.monotonic() + 5
    while True:
        c = dev.https()
        try:
            c.connect()
            return c
        except (ConnectionResetError, ssl.SSLError, ConnectionAbortedError):
            c.close()
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


@two_tls_slots
def test_a_third_client_is_refused_when_both_slots_are_established(https_device, token):
    dev = https_device
    conns = []
    try:
        conns = [established(dev), established(dev)]
        # A request on each: the device has surely finished both handshakes
        # (a client's connect() returns before the device read its Finished).
        for c in conns:
            r, body = https_get(dev, token=token, conn=c)
            assert r.status == 200, body
        mark = dev.mark()
        third = dev.https()
        with pytest.raises((ConnectionResetError, ConnectionAbortedError, ssl.SSLError)):
            third.connect()
        third.close()
        dev.wait_log(r"tls no free connection \(2 established\)", mark)
        assert "tls evicting" not in dev.since(mark)
        # The two established connections are unharmed.
        for c in conns:
            r, body = https_get(dev, token=token, conn=c)
            assert r.status == 200, body
    finally:
        for c in conns:
            c.close()
    # Once they are gone, a newcomer is served again.
    deadline = time.monotonic() + 5
    while True:
        try:
            r, body = https_get(dev, token=token)
            break
        except (ConnectionResetError, ssl.SSLError, ConnectionAbortedError):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)
    assert r.status == 200


# ---- 9. records over the 4 KiB input buffer; KeyUpdate ---------------------

def head_of(n, token):
    """A GET head of exactly n bytes, its URI padded (over 2 KiB: 414)."""
    head = "GET %s?x=%%s HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer %s\r\n\r\n" % (PATH, token)
    pad = n - len(head % "")
    assert pad > 0
    return (head % ("a" * pad)).encode()


def exchange(dev, version, payload):
    """Send payload in one write (Python's ssl makes one record of up to
    16 KiB) on a verified connection; returns (bytes read until the
    close, the SSLError that ended it or None)."""
    raw = socket.create_connection(("127.0.0.1", dev.https_port), timeout=10)
    with dev.tls_context(version).wrap_socket(raw, server_hostname="localhost") as s:
        s.sendall(payload)
        data = b""
        try:
            while True:
                chunk = s.recv(4096)
                if not chunk:
                    return data, None
                data += chunk
        except ssl.SSLError as e:
            return data, e


@pytest.mark.parametrize("version", [ssl.TLSVersion.TLSv1_3, ssl.TLSVersion.TLSv1_2],
                         ids=["TLSv1.3", "TLSv1.2"])
@pytest.mark.parametrize("size,code", [
    (4096, None),     # fits MBEDTLS_SSL_IN_CONTENT_LEN: the HTTP layer answers
    (4100, "7200"),   # fits the buffer, decrypts to more than 4096 bytes
    (5000, "7100"),   # more than the input buffer holds
])
def test_a_record_over_4_KiB_gets_a_fatal_record_overflow_alert(https_device, token, version,
                                                                size, code):
    """Issue 10 item 9: such a record used to get a warning close_notify
    and a clean close; RFC 8446 5.2 / RFC 5246 6.2.3 want a fatal
    record_overflow, then nothing more."""
    dev = https_device
    mark = dev.mark()
    data, err = exchange(dev, version, head_of(size, token))
    if code is None:
        status, headers, body = split_response(data)
        assert err is None and status == "HTTP/1.1 414 URI Too Long", (err, data[:200])
    else:
        assert err is not None and err.reason == "TLSV1_ALERT_RECORD_OVERFLOW", (err, data[:200])
        assert data == b""
        dev.wait_log(r"tls read: proto \(-0x%s\) alert=22" % code, mark)
    check_serves(dev, token)


@pytest.mark.parametrize("flag,answer", [
    ("-tls1_2", "HTTP/1.1 414 URI Too Long"),
    # mbedTLS 3.6 takes max_fragment_length in TLS 1.2 only: the TLS 1.3
    # client's 5 KB record is too big.
    ("-tls1_3", "alert record overflow"),
])
def test_a_client_asking_for_4_KiB_records_gets_414_for_a_5_KB_uri(https_device, token, flag,
                                                                   answer):
    """RFC 6066 max_fragment_length 4096 (MBEDTLS_SSL_MAX_FRAGMENT_LENGTH):
    the client cuts its 5 KB head into records the device can read."""
    rc, out = s_client(https_device, flag, "-maxfraglen", "4096", "-ign_eof",
                       stdin=head_of(5000, token))
    assert answer in out, out[-2000:]
    check_serves(https_device, token)


def test_a_client_hello_record_over_the_input_buffer_gets_record_overflow(https_device, token):
    dev = https_device
    mark = dev.mark()
    s = socket.create_connection(("127.0.0.1", dev.https_port), timeout=5)
    try:
        s.sendall(b"\x16\x03\x01" + struct.pack(">H", 5000) + bytes(5000))
        elapsed, data = closed_within(s, 5)
    finally:
        s.close()
    assert elapsed is not None
    assert data == b"\x15\x03\x03\x00\x02\x02\x16", data.hex()   # fatal record_overflow
    dev.wait_log(r"tls handshake failed: \w+ \(-0x7100\)", mark)
    check_serves(dev, token)


def s_client_interactive(dev, *args):
    """openssl s_client with its stdin open, once its handshake is done
    (its session summary, with the verify result, is out)."""
    cmd = ["openssl", "s_client", "-connect", "127.0.0.1:%d" % dev.https_port,
           "-servername", "localhost", "-CAfile", dev.ca_path(), "-verify_return_error"] + list(args)
    p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    out = read_until(p, "Verify return code: ", 10)
    assert "Verify return code: 0 (ok)" in out, out
    return p, out


def read_until(p, text, seconds):
    """p's output until text appears or p exits (or seconds pass)."""
    out, t0 = b"", time.monotonic()
    while text.encode() not in out and time.monotonic() - t0 < seconds:
        ready, _, _ = select.select([p.stdout], [], [], 0.2)
        if ready:
            chunk = os.read(p.stdout.fileno(), 65536)
            if not chunk:
                break
            out += chunk
    return out.decode("latin-1")


@two_tls_slots
@pytest.mark.parametrize("letter,request_update", [("k", 0), ("K", 1)])
def test_tls13_key_update_is_refused_with_unexpected_message_and_others_are_served(
        https_device, token, letter, request_update):
    """Issue 10 item 10: mbedTLS 3.6 has no KeyUpdate (RFC 8446 4.6.3)
    and returns UNEXPECTED_MESSAGE for it; the device answers with a fatal
    unexpected_message (README "HTTPS") instead of close_notify, and an
    established connection on the other slot carries on."""
    dev = https_device
    other = dev.https()
    p = None
    try:
        r, body = https_get(dev, token=token, conn=other)
        assert r.status == 200, body
        mark = dev.mark()
        p, out = s_client_interactive(dev, "-tls1_3", "-msg")
        p.stdin.write(letter.encode() + b"\n")   # s_client's KeyUpdate command
        p.stdin.flush()
        out += read_until(p, "SSL alert number", 10)
        assert "KeyUpdate" in out and ("18 00 00 01 %02x" % request_update) in out, out[-2000:]
        assert "Alert [length 0002], fatal unexpected_message" in out, out[-2000:]
        assert "SSL alert number 10" in out, out[-2000:]
        assert p.wait(10) != 0
        dev.wait_log(r"tls read: proto \(-0x7700\) alert=10", mark)
        r, body = https_get(dev, token=token, conn=other)   # the other slot is unharmed
        assert r.status == 200, body
    finally:
        other.close()
        if p is not None:
            if p.poll() is None:
                p.kill()
            p.wait()
            p.stdin.close()
            p.stdout.close()
    check_serves(dev, token)


@two_tls_slots
def test_a_4_KB_request_with_both_tls_slots_established_gets_its_answer(https_device, token):
    """Regression: with mbedTLS 3.6's PSA buffer copies (before
    MBEDTLS_PSA_ASSUME_EXCLUSIVE_BUFFERS), decrypting a 4 KB record took
    two heap copies of it, which two established connections had left no
    room for: mbedTLS -0x7f00 and no answer. A bearer token alone may be
    3 KB (APP_HTTP_TOKEN_MAX)."""
    dev = https_device
    conns = []
    try:
        conns = [established(dev), established(dev)]
        for c in conns:
            r, body = https_get(dev, token=token, conn=c)
            assert r.status == 200, body
        # What http.client sends, with a pad that makes it 4000 bytes.
        bare = ("GET %s HTTP/1.1\r\nHost: localhost:%d\r\nAccept-Encoding: identity\r\n"
                "Authorization: Bearer %s\r\nX-Pad: \r\n\r\n" % (PATH, dev.https_port, token))
        pad = 4000 - len(bare)
        r, body = https_get(dev, token=token, conn=conns[0], headers={"X-Pad": "a" * pad})
        assert r.status == 200, body
        r, body = https_get(dev, token=token, conn=conns[1])
        assert r.status == 200, body
    finally:
        for c in conns:
            c.close()
    assert "-0x7f00" not in dev.uart()


def test_device_survived_the_tls_tests(https_device, token):
    check_serves(https_device, token)
    check_not_rebooted(https_device)
