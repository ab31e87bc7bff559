"""The board's flash (hal_flash over a host file, tools/qemu-run --flash):
image creation, geometry at boot, persistence across reboots and power
cuts, and a boot without any image."""
import os
import re

from conftest import Device, check_no_fault

SECTOR = 4096
GEOMETRY = re.compile(r"store: (\d+) x (\d+) B sectors")
META = b"SMET"  # a metadata sector's magic (firmware/store/store_log.h)


def boot(dev):
    dev.start()
    m = GEOMETRY.search(dev.uart())
    assert m, dev.uart()
    return tuple(int(g) for g in m.groups())


def test_fresh_device_gets_an_erased_image_of_flash_size(tmp_path):
    dev = Device(str(tmp_path))
    assert not os.path.exists(dev.flash)
    try:
        assert boot(dev) == (dev.flash_size // SECTOR, SECTOR)
    finally:
        dev.stop()
        check_no_fault(dev)
    assert os.path.dirname(dev.flash) == str(tmp_path)
    with open(dev.flash, "rb") as f:
        data = f.read()
    assert len(data) == dev.flash_size
    # The store formatted it: one metadata sector (holding the imported
    # configuration), every other sector still erased.
    sectors = [data[i:i + SECTOR] for i in range(0, len(data), SECTOR)]
    meta = [x for x in sectors if x[:4] == META]
    assert len(meta) == 1
    assert all(x == b"\xff" * SECTOR for x in sectors if x[:4] != META)


def test_two_mib_image_reports_512_sectors(tmp_path):
    dev = Device(str(tmp_path), flash_size=2 * 1048576)
    try:
        assert boot(dev) == (512, SECTOR)
    finally:
        dev.stop()
        check_no_fault(dev)
    assert os.path.getsize(dev.flash) == 2 * 1048576


def test_image_survives_restart_and_power_cut(tmp_path):
    """The same file across a clean reboot and a SIGKILL: never recreated,
    and bytes in a sector the store does not use are left alone."""
    dev = Device(str(tmp_path), flash_size=64 * 1024)
    try:
        assert boot(dev)[0] == 16
        dev.stop()
        with open(dev.flash, "rb") as f:
            data = f.read()
        free = [i for i in range(16) if data[i * SECTOR:(i + 1) * SECTOR] == b"\xff" * SECTOR]
        spot = free[len(free) // 2] * SECTOR + 100
        with open(dev.flash, "r+b") as f:  # as if a write had been cut short there
            f.seek(spot)
            f.write(b"\x00\x12\x34\x56")
        dev.start()
        assert "ready ip=" in dev.uart()
        dev.kill()
        assert not os.path.exists(dev.pidfile)
        dev.start()
        log = dev.uart()
        assert len(dev.boots) == 2 and "ready ip=" in log
        assert "not mounted" not in log and GEOMETRY.search(log), log
    finally:
        dev.stop()
        check_no_fault(dev)
    with open(dev.flash, "rb") as f:
        after = f.read()
    assert after[spot:spot + 4] == b"\x00\x12\x34\x56"
    assert after[:spot] == data[:spot] and after[spot + 4:] == data[spot + 4:]


def test_runner_refuses_an_image_of_another_size(tmp_path):
    dev = Device(str(tmp_path), flash_size=8192)
    with open(dev.flash, "wb") as f:
        f.write(b"\xff" * 4096)
    r = dev.runner("start", check=False)
    assert r.returncode != 0
    assert "is 4096 bytes, not the --flash-size 8192" in r.stderr
    assert not os.path.exists(dev.pidfile)
    assert os.path.getsize(dev.flash) == 4096  # left as it was


def test_boot_without_an_image_is_not_a_fault(tmp_path):
    """No --flash: QEMU runs without semihosting and the BKPT of the
    semihosting call escalates to HardFault; the handler fails the call
    and the device boots with no flash (regression: it fault-looped)."""
    dev = Device(str(tmp_path), flash=None)
    try:
        dev.start()
        log = dev.uart()
        assert "store: not mounted (nodev)" in log
        assert "ready ip=" in log
    finally:
        dev.stop()
        check_no_fault(dev)
