"""mbedTLS's heap (APP_TLS_HEAP, tls_heap.c) holds its worst case: fresh
bearer JWTs checked one after another on one TLS connection (ES256 and
RS256 with a 4096-bit issuer key, whose modular exponentiation takes the
most) while another client does full handshakes on the second TLS slot
(TLS 1.3 and 1.2, P-256 and X25519) the whole time. Every request must get
200: a heap too small shows as 503 (the token could not be checked) or a
failed handshake. With 22 KB instead of 23 this failed 6 of 276 checks in
40 s; the 120 here take about 20 s. The peak is printed for the README.
"""
import http.client
import json
import os
import re
import ssl
import subprocess
import threading
import time

import pytest

from conftest import provisioned_config, two_tls_slots
from test_http import PATH
from test_jwt import Issuer

jwt = pytest.importorskip("jwt")  # python3-jwt (tools/setup)

CHECKS = 120
MODES = [["-tls1_3", "-groups", "P-256"], ["-tls1_2", "-groups", "P-256"], ["-tls1_3"], ["-tls1_2"]]


@two_tls_slots
def test_jwt_checks_beside_handshakes(device_with_config, tmp_path):
    key = str(tmp_path / "rs4k.key")
    subprocess.run(["openssl", "genrsa", "-out", key, "4096"], check=True, capture_output=True)
    pub = subprocess.run(["openssl", "rsa", "-in", key, "-pubout"], check=True,
                         capture_output=True).stdout.decode()
    with open(provisioned_config(), "rb") as f:
        auth = json.loads(f.read().decode("utf-8"))["auth"]
    auth["jwt"]["keys"].append({"kid": "rs4k", "alg": "RS256", "pem": pub})
    dev = device_with_config(auth=auth)
    iss = Issuer(provisioned_config())
    with open(key) as f:
        rs4k = f.read()

    stop = threading.Event()
    hs = {"n": 0, "bad": []}

    def handshakes():
        i = 0
        while not stop.is_set():
            mode = MODES[i % len(MODES)]
            i += 1
            p = subprocess.run(["openssl", "s_client", "-connect", "127.0.0.1:%d" % dev.https_port]
                               + mode, input=b"", capture_output=True, timeout=60)
            if b"Cipher is" not in p.stdout:
                hs["bad"].append((mode, p.stdout[-300:]))
            hs["n"] += 1

    t = threading.Thread(target=handshakes)
    t.start()
    statuses = []
    try:
        ctx = ssl.create_default_context(cafile=dev.ca_path())
        ctx.check_hostname = False
        c = http.client.HTTPSConnection("127.0.0.1", dev.https_port, context=ctx, timeout=60)
        time.sleep(0.5)  # the handshakes are under way
        for i in range(CHECKS):
            if i % 2:
                tok = jwt.encode(iss.claims(jti="rs4k-%d" % i), rs4k, algorithm="RS256",
                                 headers={"kid": "rs4k"})
            else:
                tok = iss.mint("ES256", jti="es-%d" % i)
            c.request("GET", PATH, headers={"Authorization": "Bearer " + tok})
            r = c.getresponse()
            r.read()
            statuses.append(r.status)
        c.close()
    finally:
        stop.set()
        t.join(120)
    log = dev.uart()
    peaks = [int(x) for x in re.findall(r"tls [^\n]* peak=(\d+)", log)]
    print("tls heap: %d checks beside %d handshakes, peak %s bytes (headers included)"
          % (CHECKS, hs["n"], max(peaks) if peaks else "?"))
    assert statuses == [200] * CHECKS, [s for s in statuses if s != 200]
    assert hs["n"] >= 10 and not hs["bad"], hs["bad"][:2]
    assert "crypto heap exhausted" not in log and "nomem" not in log
