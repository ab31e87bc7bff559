"""The short testssl.sh run inside `make test`: protocols only (-p), on
the session device, bounded in time. The full scan (ciphers, server
defaults, vulnerabilities, client simulations) is `make test-tls`
(tools/test-tls); protocol and suite details are in test_tls.py."""
import json
import shutil
import subprocess

import pytest

from test_tls import check_not_rebooted, check_serves

TESTSSL = shutil.which("testssl") or shutil.which("testssl.sh")


@pytest.mark.skipif(TESTSSL is None, reason="testssl.sh not installed (tools/setup installs it)")
def test_testssl_protocols(https_device, token, tmp_path):
    dev = https_device
    out = tmp_path / "testssl.json"
    r = subprocess.run([TESTSSL, "--quiet", "--color", "0", "--warnings", "off",
                        "--connect-timeout", "5", "--openssl-timeout", "5",
                        "--ip", "127.0.0.1", "--nodns", "none",
                        "-p", "--jsonfile", str(out), "localhost:%d" % dev.https_port],
                       capture_output=True, timeout=90, cwd=str(tmp_path))
    text = r.stdout.decode("latin-1")
    assert r.returncode == 0, text + r.stderr.decode("latin-1")
    findings = {f["id"]: f for f in json.loads(out.read_text())}
    for old in ("SSLv2", "SSLv3", "TLS1", "TLS1_1"):
        assert findings[old]["finding"] == "not offered", (old, findings[old], text)
    assert findings["TLS1_2"]["finding"] == "offered", text
    assert findings["TLS1_3"]["finding"].startswith("offered"), text
    bad = [f for f in findings.values() if f["severity"] in ("HIGH", "CRITICAL")]
    assert not bad, bad
    check_serves(dev, token)
    check_not_rebooted(dev)
