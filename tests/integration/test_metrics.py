"""GET /metrics (Prometheus text exposition format, bearer token) and
GET /health (no token): issue 10."""
import re

from test_http import PATH

LINE = re.compile(r'^([a-z_]+)(\{[a-z_]+="[^"]*"\})? ([0-9]+)$')


def get(dev, path, token=None, method="GET"):
    c = dev.http()
    headers = {"Authorization": "Bearer " + token} if token else {}
    c.request(method, path, headers=headers)
    r = c.getresponse()
    body = r.read()
    c.close()
    return r, body


def metrics(dev, token):
    r, body = get(dev, "/metrics", token)
    assert r.status == 200, body
    assert r.getheader("Content-Type") == "text/plain; version=0.0.4; charset=utf-8"
    assert int(r.getheader("Content-Length")) == len(body)
    values = {}
    for line in body.decode("ascii").split("\n")[:-1]:
        m = LINE.match(line)
        assert m, "not a sample line: %r" % line
        values[m.group(1) + (m.group(2) or "")] = int(m.group(3))
    assert body.endswith(b"\n")
    return values


def test_health_needs_no_token(device):
    r, body = get(device, "/health")
    assert r.status == 200
    assert body == b"ok"
    assert r.getheader("Content-Type") == "text/plain; charset=utf-8"
    r, body = get(device, "/health", method="HEAD")
    assert r.status == 200 and body == b"" and r.getheader("Content-Length") == "2"


def test_metrics_needs_a_token(device, token):
    r, body = get(device, "/metrics")
    assert r.status == 401
    r, body = get(device, "/metrics", "not-a-token")
    assert r.status == 401
    r, body = get(device, "/metrics?x=1", token)
    assert r.status == 400
    r, body = get(device, "/metrics", token, method="POST")
    assert r.status == 405 and "GET" in r.getheader("Allow")


def test_metrics_count_what_happens(device, token):
    before = metrics(device, token)
    assert before["device_uptime_seconds"] >= 0
    assert before['device_reset_info{cause="power-on"}'] == 1
    for name in ("device_tls_handshakes_total", "device_http_head_buffer_waits_total",
                 "device_lwip_heap_used_bytes", "device_lwip_pbuf_pool_max",
                 "device_tcp_syn_refused_total", "device_log_lines_dropped_total",
                 'device_tls_handshake_failures_total{reason="timeout"}'):
        assert name in before, name
    assert 0 < before["device_stack_peak_bytes"] <= 8192
    assert before["device_lwip_tcp_pcbs_max"] >= 1
    for _ in range(3):
        r, _ = get(device, PATH, token)
        assert r.status == 200
    r, _ = get(device, PATH + "x", token)
    assert r.status == 404
    after = metrics(device, token)
    # Three 200s, the first /metrics (a 200 too), one 404.
    assert after['device_http_responses_total{code="200"}'] - \
        before['device_http_responses_total{code="200"}'] == 4
    assert after['device_http_responses_total{code="404"}'] - \
        before['device_http_responses_total{code="404"}'] == 1
    assert after["device_uptime_seconds"] >= before["device_uptime_seconds"]
