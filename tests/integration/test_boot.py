"""Boot, ready line, and the runner's refusal to share a port."""
import re
import socket

from conftest import BOARD, ECHO, Device


def test_ready_line_reports_address_and_mac(device):
    log = device.uart()
    m = re.search(r"ready ip=(\S+) mac=([0-9a-f:]{17}) board=(\S+) boot_ms=(\d+)", log)
    assert m, log
    assert m.group(1) == "10.0.2.15"
    # QEMU's default NIC address, read by the driver from ADDRH/ADDRL.
    assert m.group(2) == "52:54:00:12:34:56"
    assert m.group(3) == BOARD
    assert "net: link up" in log
    assert ("echo: port 7 ok" in log) == ECHO


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


def test_fault_is_logged_with_registers_and_board_resets(tmp_path):
    """An image built with APP_FAULT_INJECT reads an unmapped address after
    it is up: the handler must log the fault registers and reset, and the
    firmware must come up again."""
    import os
    import time
    elf = os.environ.get("FAULT_ELF")
    if not elf:
        import pytest
        pytest.skip("FAULT_ELF not set (run through make test-integration)")
    dev = Device(str(tmp_path))
    dev.elf = elf
    dev.start()
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            log = dev.uart()
            if log.count("ready ip=") >= 2:
                break
            time.sleep(0.1)
    finally:
        dev.stop()
    m = re.search(r"FAULT exc=(\w+) pc=(\w+) lr=\w+ psr=\w+ sp=\w+ cfsr=(\w+) hfsr=\w+ "
                  r"mmfar=\w+ bfar=(\w+)", log)
    assert m, log
    if BOARD == "lm3s6965evb":
        # QEMU's Stellaris machines ignore bus errors: the image runs an
        # undefined instruction there (APP_FAULT_INJECT_UDF).
        assert int(m.group(1), 16) == 6               # UsageFault
        assert int(m.group(3), 16) & (1 << 16)        # CFSR.UNDEFINSTR
    else:
        assert int(m.group(1), 16) == 5               # BusFault
        assert int(m.group(3), 16) & (1 << 9)         # CFSR.PRECISERR
        assert int(m.group(3), 16) & (1 << 15)        # CFSR.BFARVALID
        assert m.group(4) == "f0000000"               # the address read
    assert "FAULT resetting" in log
    assert log.count("boot " + BOARD) >= 2, log     # came back after the reset
