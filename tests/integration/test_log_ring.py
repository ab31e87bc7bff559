"""The log never blocks a request (issue 9): with the UART stalled (its
output goes to a one-page FIFO that nobody reads, so TXFULL stays set,
as on a slow line), a flood of GETs is still answered at once; the log
ring fills and drops whole lines; once the UART is read again the lines
that were kept come out whole and the next line is preceded by
"log: N line(s) dropped"."""
import re
import time

import pytest

from conftest import own_device, provisioned_config
from test_http import PATH

FLOOD = 120          # ~130-byte lines: the 4 KiB FIFO + 1 KiB ring hold ~39
PER_REQUEST_S = 1.0  # a synchronous log line on a stalled UART takes > 1 s
FLOOD_BUDGET_S = 12.0
REQUEST_LINE = re.compile(r"^http GET \S+ 200 \d+B \d+ms rid=([0-9a-f-]{36})$")
DROPPED = re.compile(r"log: (\d+) line\(s\) dropped\r\n")


@pytest.fixture(scope="module")
def stalled(tmp_path_factory):
    yield from own_device(str(tmp_path_factory.mktemp("fw-log-")), config=provisioned_config(),
                          serial_pipe=True)


def get(conn, token):
    t0 = time.monotonic()
    conn.request("GET", PATH, headers={"Authorization": "Bearer " + token})
    r = conn.getresponse()
    r.read()
    return r, time.monotonic() - t0


def test_flood_with_stalled_uart(stalled, token):
    conn = stalled.http(timeout=5)
    # The token's signature check (once, then cached) and its log line.
    r, _ = get(conn, token)
    assert r.status == 200
    warm = r.getheader("request-id")
    rids = []
    t_start = time.monotonic()
    for i in range(FLOOD):
        r, took = get(conn, token)
        assert r.status == 200
        assert took < PER_REQUEST_S, "request %d took %.2f s: the log blocked it" % (i, took)
        assert time.monotonic() - t_start < FLOOD_BUDGET_S, "%d requests in %.1f s" % (
            i + 1, time.monotonic() - t_start)
        rids.append(r.getheader("request-id"))
    mark = stalled.mark()  # what qemu-run copied before the stall
    stalled.resume_serial()
    # Read until the ring has drained (the output stops growing); the
    # next line then brings the drop notice with it.
    seen, still = -1, 0
    deadline = time.monotonic() + 10
    while still < 5 and time.monotonic() < deadline:
        n = len(stalled.uart())
        still = still + 1 if n == seen else 0
        seen = n
        time.sleep(0.1)
    r, _ = get(conn, token)
    assert r.status == 200
    rids.append(r.getheader("request-id"))
    stalled.wait_log(re.escape("rid=" + rids[-1]) + r"\r\n", mark=mark, timeout=10)
    conn.close()
    out = stalled.since(mark)

    dropped = sum(int(m.group(1)) for m in DROPPED.finditer(out))
    assert dropped > 0, out[-2000:]
    # Nothing torn: every line whole, every request line complete, each
    # request logged once or counted as dropped.
    assert out.endswith("\r\n")
    logged = []
    for line in out[:-2].split("\r\n"):
        if line.startswith("log: "):
            assert DROPPED.fullmatch(line + "\r\n"), repr(line)
            continue
        if line.startswith("auth: jwt valid cycles="):  # the warm-up's
            continue
        m = REQUEST_LINE.match(line)
        assert m, "torn or unexpected line %r" % line
        if m.group(1) != warm:
            logged.append(m.group(1))
    assert len(set(logged)) == len(logged)
    assert set(logged) <= set(rids)
    missing = [rid for rid in rids if rid not in set(logged)]
    assert len(missing) == dropped, (len(missing), dropped)
    assert rids[-1] in logged
