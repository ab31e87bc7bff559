"""No client can starve the others (issue 10): the hostile clients of
hostile.py run at once against a device of their own while a
well-behaved client probes port 80 and 443 in turn. Every probe gets 200,
or 503 with Retry-After, within 6 s; once the attackers stop, both ports
answer 200 within 2 s. Also: a burst of 40 connections gets answers, no
silence."""
import os
import time

import pytest

import hostile
from conftest import check_no_fault, own_device, provisioned_config

ATTACK_S = float(os.environ.get("FAIRNESS_SECONDS", "40"))
LIMIT_S = 6.0
CALM_S = 2.0


@pytest.fixture(scope="module")
def dev(tmp_path_factory):
    yield from own_device(str(tmp_path_factory.mktemp("fw-fair-")), config=provisioned_config(),
                          burst_port=True)


def summary(results):
    lines = []
    for port in ("http", "https"):
        rs = [r for r in results if r[1] == port]
        if not rs:
            continue
        worst = max(r[2] for r in rs)
        by = {}
        for r in rs:
            by[r[3]] = by.get(r[3], 0) + 1
        lines.append("%s: %d probes, worst %.2f s, statuses %s" % (port, len(rs), worst, by))
    return "\n".join(lines)


def metrics(dev, token):
    from test_metrics import metrics as read
    return read(dev, token)


def test_a_burst_of_40_connections_is_answered(dev, token):
    """40 connections opened at once: every one the device accepts gets
    200, or 503 with Retry-After, at once, or 408 when its request had not
    come 0.5 s after it was accepted and a newcomer needed its slot; none
    is closed unanswered.

    QEMU's user network forwards the port through a host socket that
    listens with a backlog of 1 (`ss -ltn`): the host kernel completes the
    client's handshake but holds the connection back while QEMU's accept
    queue is full (re-sending its SYN-ACK at 1, 3, 7, 15, 31 s), so part of
    a burst from the host can stay silent without ever reaching the
    device. The device's own count of accepted connections tells the two
    apart: what it accepted, it answered."""
    before = metrics(dev, token)
    load = hostile.Load(dev, token, kinds={})
    t0 = time.monotonic()
    load.burst(40, wait=20.0)
    took = time.monotonic() - t0
    time.sleep(0.5)
    after = metrics(dev, token)
    c = load.counts
    print("burst of 40: %s in %.1f s" % (c, took))

    def delta(name):
        return after.get(name, 0) - before.get(name, 0)
    # The metrics GET itself is one connection and one 200.
    accepted = delta("device_http_connections_total") - 1
    # A connection whose request had not come 0.5 s after it was accepted
    # may be evicted for a newcomer: it is told 408 first.
    answered_by_device = (delta('device_http_responses_total{code="200"}') - 1 +
                          delta('device_http_responses_total{code="503"}') +
                          delta('device_http_responses_total{code="408"}'))
    assert accepted >= 4, (c, accepted)
    codes = {k: after[k] - before.get(k, 0) for k in after
             if k.startswith("device_http_responses_total") and after[k] != before.get(k)}
    assert answered_by_device == accepted, (c, accepted, answered_by_device, codes, dev.uart()[-3000:])
    # Clients: every answer is 200 or 503 with Retry-After (the silent
    # ones are held back by the host, above).
    assert set(k for k in c if k.startswith("burst ") and k[6:].isdigit()) <= {"burst 200",
                                                                                "burst 503",
                                                                                "burst 408"}, c
    assert c.get("burst answered", 0) >= 4, c


def test_hostile_clients_do_not_starve_either_port(dev, token):
    load = hostile.Load(dev, token)
    prober = hostile.Prober(dev, token)
    mark = dev.mark()
    load.start()
    time.sleep(1.0)  # let them take hold
    prober.start()
    time.sleep(ATTACK_S)
    prober.stop()
    load.stop()
    during = list(prober.results)
    report = summary(during) + "\nattackers: %s" % load.counts
    print(report)
    assert len([r for r in during if r[1] == "http"]) >= 5, report
    assert len([r for r in during if r[1] == "https"]) >= 5, report
    for t, port, secs, status, retry_after, refusals, conn_s in during:
        assert status in (200, 503), "%s probe at +%.1f s: no answer in %.1f s\n%s" % (
            port, t - during[0][0], secs, report)
        if status == 503:
            assert retry_after is not None, report
        assert secs <= LIMIT_S, "%s probe took %.2f s\n%s" % (port, secs, report)
    # The attacks really ran: pipeliners were cut off, heads timed out.
    assert load.counts.get("pipeliner-80 dropped", 0) >= 1, report
    assert load.counts.get("dribbler dropped", 0) + load.counts.get("dribbler rounds", 0) >= 1
    # Calm again: within CALM_S of the attackers stopping, both ports serve
    # 200. Until then the device may still hold the connections the
    # attackers dropped (a writer is aborted once it has not moved for
    # 0.5 s), so a 503 with Retry-After is a fair answer; anything else
    # is not.
    for tls in (False, True):
        t0 = time.monotonic()
        answers = []
        while True:
            secs, status, ra, _, _ = hostile.probe(dev, token, tls)
            answers.append((round(time.monotonic() - t0, 2), status))
            if status == 200 or time.monotonic() - t0 > CALM_S:
                break
            assert status == 503 and ra is not None, (tls, answers, dev.since(mark)[-2000:])
            time.sleep(0.1)
        assert status == 200 and time.monotonic() - t0 <= CALM_S, (
            tls, answers, dev.since(mark)[-2000:])
    check_no_fault(dev)
