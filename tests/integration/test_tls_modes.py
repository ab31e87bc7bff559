"""Plain HTTP per the configuration's "plainHttp": "redirect" (308 to
https, Location built from a validated Host) and "off" (nothing on port
80, HTTPS only). One extra device per mode, booted once for the module.
("serve", the default, is the session device of the other tests.)"""
import socket
import subprocess
import time

import pytest

from test_http import PATH, SEED, strict_json
from test_tls import HSTS, https_get, split_response


@pytest.fixture(scope="module")
def redirect_device(device_with_config):
    return device_with_config(plainHttp="redirect")


@pytest.fixture(scope="module")
def off_device(device_with_config):
    return device_with_config(plainHttp="off")


def raw_exchange(port, data, timeout=5):
    """Send data on a fresh connection; everything received until the
    peer closes (or resets, or timeout seconds pass)."""
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    out = b""
    deadline = time.monotonic() + timeout
    try:
        s.sendall(data)
        while time.monotonic() < deadline:
            chunk = s.recv(4096)
            if not chunk:
                break
            out += chunk
            if b"\r\n\r\n" in out:
                head = out.split(b"\r\n\r\n")[0].lower()
                if b"content-length: " in head:
                    n = int(head.split(b"content-length: ")[1].split(b"\r\n")[0])
                    if len(out.split(b"\r\n\r\n", 1)[1]) >= n:
                        break
    except (ConnectionResetError, BrokenPipeError, socket.timeout):
        pass
    finally:
        s.close()
    return out


# ---- redirect ---------------------------------------------------------------

def test_redirect_mode_logs_it(redirect_device):
    assert "http: port 80 ok, redirecting to https" in redirect_device.uart()


@pytest.mark.parametrize("target", [PATH, "/", PATH + "?$select=id&x=%2F"])
def test_redirect_308_with_location_from_host(redirect_device, target):
    dev = redirect_device
    out = subprocess.run(["curl", "-sS", "--max-time", "10", "-D", "-", "-o", "/dev/null",
                          "http://127.0.0.1:%d%s" % (dev.http_port, target)],
                         capture_output=True, timeout=15)
    assert out.returncode == 0, out.stderr
    status, headers, _ = split_response(out.stdout)
    assert status == "HTTP/1.1 308 Permanent Redirect", out.stdout
    assert headers["location"] == ["https://127.0.0.1:%d%s" % (dev.https_port, target)]
    assert headers["content-length"] == ["0"]
    assert "strict-transport-security" not in headers        # plain HTTP never has it
    assert "content-type" not in headers


def test_redirect_body_is_empty_and_host_port_is_replaced(redirect_device):
    dev = redirect_device
    raw = raw_exchange(dev.http_port, ("GET %s HTTP/1.1\r\nHost: Device.Example:8080\r\n"
                                       "Connection: close\r\n\r\n" % PATH).encode())
    status, headers, body = split_response(raw)
    assert status == "HTTP/1.1 308 Permanent Redirect", raw
    assert body == b""
    assert headers["location"] == ["https://Device.Example:%d%s" % (dev.https_port, PATH)]


def test_curl_follows_the_redirect_to_https(redirect_device, token):
    dev = redirect_device
    # curl -L drops Authorization when the redirect changes the port (its
    # origin check); --location-trusted keeps it for the https hop.
    out = subprocess.run(
        ["curl", "-sS", "--max-time", "10", "-L", "--location-trusted", "--cacert", dev.ca_path(),
         "-H", "Authorization: Bearer " + token, "-D", "-",
         "-w", "\n%{num_redirects} %{url_effective}",
         "http://localhost:%d%s" % (dev.http_port, PATH)],
        capture_output=True, timeout=15)
    assert out.returncode == 0, out.stderr
    text, _, stats = out.stdout.rpartition(b"\n")
    assert stats.decode() == "1 https://localhost:%d%s" % (dev.https_port, PATH)
    # Two responses: the 308, then the final one.
    first, _, rest = text.partition(b"\r\n\r\n")
    assert first.startswith(b"HTTP/1.1 308 ")
    status, headers, body = split_response(rest)
    assert status == "HTTP/1.1 200 OK", rest[:300]
    assert headers["strict-transport-security"] == [HSTS]
    doc = strict_json(body)
    del doc["@odata.context"]
    assert doc == SEED


@pytest.mark.parametrize("request_head", [
    b"GET / HTTP/1.0\r\n\r\n",                       # no Host at all
    b"GET / HTTP/1.1\r\nHost: \r\nConnection: close\r\n\r\n",
    b"GET / HTTP/1.1\r\nHost: evil.example/x\r\nConnection: close\r\n\r\n",
    b"GET / HTTP/1.1\r\nHost: a b\r\nConnection: close\r\n\r\n",
])
def test_redirect_without_a_valid_host_is_400(redirect_device, request_head):
    raw = raw_exchange(redirect_device.http_port, request_head)
    status, headers, body = split_response(raw)
    assert status == "HTTP/1.1 400 Bad Request", raw
    assert "location" not in headers
    assert strict_json(body)["error"]["code"]


def test_redirect_device_serves_https(redirect_device, token):
    r, body = https_get(redirect_device, token=token)
    assert r.status == 200 and strict_json(body)["id"] == SEED["id"]


# ---- off --------------------------------------------------------------------

def test_off_mode_gives_no_http_on_port_80_and_serves_https(off_device, token):
    dev = off_device
    log = dev.uart()
    assert "http: port 80 off (config)" in log, log
    mark = dev.mark()
    # QEMU's forwarder accepts on the host side, then finds nothing in the
    # guest: the client sees its connection closed or reset, never HTTP.
    for _ in range(2):
        raw = raw_exchange(dev.http_port, ("GET %s HTTP/1.1\r\nHost: localhost\r\n"
                                           "Authorization: Bearer %s\r\n\r\n" % (PATH, token)).encode())
        assert raw == b"", raw[:200]
    r = subprocess.run(["curl", "-sS", "--max-time", "5", "http://127.0.0.1:%d%s" % (dev.http_port, PATH)],
                       capture_output=True, timeout=10)
    assert r.returncode != 0 and r.stdout == b"", r
    # HTTPS is unaffected.
    r, body = https_get(dev, token=token)
    assert r.status == 200 and strict_json(body)["id"] == SEED["id"]
    assert r.getheader("Strict-Transport-Security") == HSTS
    after = dev.since(mark)
    assert after.count("http GET ") == 1, after            # only the HTTPS request


def test_mode_devices_did_not_reboot(redirect_device, off_device):
    for dev in (redirect_device, off_device):
        assert dev.uart().count("ready ip=") == 1, dev.uart()[-2000:]
