"""The device clock from SNTP (RFC 4330), against a small SNTP responder
on host loopback that the guest reaches as 10.0.2.2 through QEMU's user
network. The clock shows in every response's Date header."""
import email.utils
import http.client
import socket
import struct
import threading
import time

import pytest

NTP_UNIX = 2208988800          # seconds from 1900 to 1970 (RFC 868)
DAY = 86400


class Responder:
    """Answers SNTP client requests with `offset` seconds added to the
    host's time; `echo` False sends a wrong originate timestamp (what an
    off-path spoofer would have to guess)."""

    def __init__(self, offset, echo=True):
        self.offset, self.echo = offset, echo
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.requests = []
        self.stop = False
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self):
        while not self.stop:
            try:
                req, addr = self.sock.recvfrom(512)
            except socket.timeout:
                continue
            self.requests.append(req)
            if len(req) < 48 or req[0] & 7 != 3:        # mode 3: client
                continue
            now = time.time() + self.offset + NTP_UNIX
            ts = struct.pack("!II", int(now), int((now % 1) * (1 << 32)))
            origin = req[40:48] if self.echo else b"\x12\x34\x56\x78\x9a\xbc\xde\xf0"
            reply = (bytes([(0 << 6) | (4 << 3) | 4, 2, req[2], 0xEC]) + b"\0" * 8 + b"TEST"
                     + ts + origin + ts + ts)
            self.sock.sendto(reply, addr)

    def close(self):
        self.stop = True
        self.thread.join(2)
        self.sock.close()


def device_date(dev):
    """The device's clock, from the Date header of a plain GET (any
    status carries one)."""
    c = http.client.HTTPConnection("127.0.0.1", dev.http_port, timeout=10)
    c.request("GET", "/")
    r = c.getresponse()
    r.read()
    c.close()
    return email.utils.parsedate_to_datetime(r.getheader("Date")).timestamp()


def sntp_device(device_with_config, responder):
    return device_with_config(clock={"floorUnixMs": 1, "sntpServers": ["10.0.2.2"],
                                     "sntpPort": responder.port})


def test_sntp_sync_moves_the_device_clock(device_with_config):
    r = Responder(offset=3 * DAY)
    try:
        dev = sntp_device(device_with_config, r)
        m = dev.wait_log(r"clock: SNTP sync (\S+) \(moved (-?\d+) ms\)", timeout=10)
        moved_s = int(m[0].group(2)) / 1000
        assert abs(moved_s - 3 * DAY) < 30, m[0].group(0)
        assert abs(device_date(dev) - (time.time() + 3 * DAY)) < 30
        assert r.requests and len(r.requests[0]) == 48
        assert r.requests[0][0] & 7 == 3                      # client mode
    finally:
        r.close()


def test_an_answer_that_does_not_echo_our_timestamp_is_ignored(device_with_config):
    r = Responder(offset=3 * DAY, echo=False)
    try:
        dev = sntp_device(device_with_config, r)
        deadline = time.monotonic() + 10
        while not r.requests and time.monotonic() < deadline:
            time.sleep(0.05)
        assert r.requests, "the device sent no SNTP request"
        time.sleep(1)                                          # its answer was processed
        assert "clock: SNTP sync" not in dev.uart()
        assert abs(device_date(dev) - time.time()) < 30        # still floor + uptime
    finally:
        r.close()


def test_a_time_before_the_provisioned_floor_is_refused(device_with_config):
    r = Responder(offset=-3 * DAY)
    try:
        dev = sntp_device(device_with_config, r)
        dev.wait_log(r"clock: SNTP time \S+ is before the clock's floor: ignored", timeout=10)
        assert "clock: SNTP sync" not in dev.uart()
        assert abs(device_date(dev) - time.time()) < 30
    finally:
        r.close()


def test_bad_sntp_configuration_is_rejected_with_its_path(device_with_config):
    dev = device_with_config(clock={"floorUnixMs": 1, "sntpServers": ["10.0.2.300"]})
    dev.wait_log(r"config: rejected: clock\.sntpServers\[0\]: ", timeout=5)
    with pytest.raises(AssertionError):
        dev.wait_log(r"clock: SNTP", timeout=1)
