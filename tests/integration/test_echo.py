"""TCP echo (RFC 862) through QEMU's forwarded port: every byte back, in
order, for many sizes, many connections in a row, and several at once.

The echo service is a test and bench service, not part of the product: it
is in its own image (ECHO_ELF, `make echo-image`; README "Boards"), the
product image with APP_ECHO_ENABLE and the receive pool its ten
connections need."""
import os
import socket
import threading
import time

import pytest

from conftest import own_device


@pytest.fixture(scope="module")
def device(tmp_path_factory):
    elf = os.environ.get("ECHO_ELF")
    if not elf:
        pytest.skip("ECHO_ELF not set: this board builds no echo image (make test-integration)")
    for dev in own_device(str(tmp_path_factory.mktemp("echo")), elf=elf):
        assert "echo: port 7 ok" in dev.uart()
        yield dev


SIZES = [1, 2, 3, 63, 64, 65, 1000, 1459, 1460, 1461, 2919, 2920, 2921,
         4096, 10000, 16384, 32768, 65535, 65536]


def echo(sock, payload):
    """Send payload while reading the echo back (so neither side's window
    stalls), then half-close and read to EOF."""
    got = bytearray()
    err = []

    def reader():
        try:
            while True:
                chunk = sock.recv(65536)
                if not chunk:
                    return
                got.extend(chunk)
        except OSError as e:  # pragma: no cover - reported below
            err.append(e)

    t = threading.Thread(target=reader)
    t.start()
    sock.sendall(payload)
    sock.shutdown(socket.SHUT_WR)
    t.join(90)
    assert not t.is_alive(), "echo did not finish"
    assert not err, err
    return bytes(got)


@pytest.mark.parametrize("size", SIZES)
def test_echo_payload_sizes(device, size):
    payload = os.urandom(size)
    with device.connect() as s:
        assert echo(s, payload) == payload


def test_echo_100_sequential_connections(device):
    for i in range(100):
        payload = b"%04d:" % i + os.urandom(200 + i)
        with device.connect() as s:
            assert echo(s, payload) == payload, "connection %d" % i


def test_echo_10_concurrent_connections(device):
    results = {}
    payloads = {i: os.urandom(16384 + 7 * i) for i in range(10)}
    # Ten bulk senders break the NIC's RX window rule (README): frames are
    # lost in the NIC and TCP resends them, after back-off; slow but whole.
    socks = [device.connect(timeout=60) for _ in range(10)]
    barrier = threading.Barrier(10)

    def client(i):
        barrier.wait()
        try:
            results[i] = echo(socks[i], payloads[i])
        except Exception as e:  # collected and asserted below
            results[i] = e

    threads = [threading.Thread(target=client, args=(i,)) for i in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    for s in socks:
        s.close()
    for i in range(10):
        assert results.get(i) == payloads[i], "client %d: %r" % (i, results.get(i))


def test_echo_over_limit_is_refused_and_service_continues(device):
    """The 11th connection is refused (RST, the echo slots are full) and the
    device keeps serving once slots free up."""
    held = []
    try:
        # Fill the 10 slots; one an earlier test's client just closed may
        # take a moment to free (a refused connection is retried, 5 s max).
        deadline = time.monotonic() + 5
        while len(held) < 10:
            s = device.connect()
            try:
                ok = echo_roundtrip(s, b"ping") == b"ping"
            except (ConnectionResetError, BrokenPipeError):
                ok = False
            if not ok:
                s.close()
                assert time.monotonic() < deadline, "echo slots did not free up"
                time.sleep(0.1)
                continue
            held.append(s)
        extra = device.connect()
        extra.settimeout(5)
        with pytest.raises((ConnectionResetError, BrokenPipeError)):
            extra.sendall(b"x")
            if extra.recv(1) == b"":
                raise ConnectionResetError("closed")
        extra.close()
    finally:
        for s in held:
            s.close()
    # Slots come back once the guest has seen the FINs.
    payload = os.urandom(5000)
    for _ in range(50):
        try:
            with device.connect() as s:
                if echo(s, payload) == payload:
                    break
        except (ConnectionResetError, BrokenPipeError):
            pass
    else:
        pytest.fail("echo did not recover after the over-limit test")


def echo_roundtrip(sock, data):
    sock.sendall(data)
    got = b""
    while len(got) < len(data):
        chunk = sock.recv(len(data) - len(got))
        if not chunk:
            break
        got += chunk
    return got
