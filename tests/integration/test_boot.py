"""Boot, ready line, and the runner's refusal to share a port."""
import re
import socket

from conftest import Device


def test_ready_line_reports_address_and_mac(device):
    log = device.uart()
    m = re.search(r"ready ip=(\S+) mac=([0-9a-f:]{17}) board=(\S+) boot_ms=(\d+)", log)
    assert m, log
    assert m.group(1) == "10.0.2.15"
    # QEMU's default NIC address, read by the driver from ADDRH/ADDRL.
    assert m.group(2) == "52:54:00:12:34:56"
    assert m.group(3) == "mps2-an385"
    assert "net: link up" in log
    assert "echo: port 7 ok" in log


def test_runner_refuses_a_taken_port(tmp_path):
    holder = socket.socket()
    holder.bind(("127.0.0.1", 0))
    holder.listen()
    taken = holder.getsockname()[1]
    try:
        dev = Device(str(tmp_path), echo_port=taken)
        r = dev.runner("start", check=False)
        assert r.returncode != 0
        assert "127.0.0.1:%d is already in use" % taken in r.stderr
        assert not (tmp_path / "qemu.pid").exists()
    finally:
        holder.close()
