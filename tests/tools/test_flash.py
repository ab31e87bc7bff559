"""tools/flash without a board: the openocd command it builds, the
configuration it packs, and what it says when openocd finds no probe (the
probe is asked for by a serial number no probe has, so a board plugged
into the machine running the tests is never written)."""
import os
import shlex
import subprocess
import sys

import pytest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
FLASH = os.path.join(ROOT, "tools", "flash")
ELF = os.environ.get("ELF", os.path.join(ROOT, "build", "nucleo-f429zi", "firmware.elf"))
CONFIG = os.environ.get("CONFIG", os.path.join(ROOT, "build", "provision", "device-config.json"))


def steps_of(cmdline):
    argv = shlex.split(cmdline)
    return [argv[i + 1] for i, x in enumerate(argv) if x == "-c"]


def run(*args, tmp):
    return subprocess.run([sys.executable, FLASH, "--elf", ELF, "--config", CONFIG, "--out", str(tmp)]
                          + list(args), capture_output=True, text=True, timeout=120)


@pytest.fixture
def no_probe_cfg(tmp_path):
    """st_nucleo_f4.cfg, asking for a probe that is not there."""
    cfg = tmp_path / "no-probe.cfg"
    cfg.write_text("source [find interface/stlink.cfg]\n"
                   "adapter serial make-test-no-such-probe\n"
                   "transport select hla_swd\n"
                   "source [find target/stm32f4x.cfg]\n"
                   "reset_config srst_only\n")
    return str(cfg)


def test_dry_run_writes_image_then_configuration(tmp_path):
    r = run("--dry-run", tmp=tmp_path)
    assert r.returncode == 0, r.stderr
    cmd = r.stdout.strip().splitlines()[-1]
    cfg_bin = os.path.join(str(tmp_path), "device-config.bin")
    steps = steps_of(cmd)
    assert steps == ["init", "reset halt", "flash write_image erase %s" % ELF, "verify_image %s" % ELF,
                     "flash write_image erase %s 0x08004000 bin" % cfg_bin,
                     "verify_image %s 0x08004000 bin" % cfg_bin, "reset run", "shutdown"]
    assert "-f board/st_nucleo_f4.cfg" in cmd
    # The packed configuration is the framed JSON the firmware reads.
    blob = open(cfg_bin, "rb").read()
    assert 0 < len(blob) <= 16384
    assert b'"serviceRoot"' in blob and b'"floorUnixMs"' in blob


def test_configuration_larger_than_partition_refused(tmp_path):
    r = run("--dry-run", "--config-size", "256", tmp=tmp_path)
    assert r.returncode == 1
    assert "configuration partition holds 256" in r.stderr


def test_missing_inputs_named(tmp_path):
    r = subprocess.run([sys.executable, FLASH, "--elf", str(tmp_path / "none.elf"), "--config", CONFIG],
                       capture_output=True, text=True)
    assert r.returncode == 1 and "no image at" in r.stderr
    r = subprocess.run([sys.executable, FLASH, "--elf", ELF, "--config", str(tmp_path / "none.json")],
                       capture_output=True, text=True)
    assert r.returncode == 1 and "no configuration at" in r.stderr


def test_erase_store_touches_only_the_store(tmp_path):
    r = subprocess.run([sys.executable, FLASH, "--elf", ELF, "--erase-store", "--dry-run",
                        "--store", "0x08008000:0x8000", "--store", "0x08100000:0x10000"],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    steps = steps_of(r.stdout.strip().splitlines()[-1])
    assert steps == ["init", "reset halt", "flash erase_address 0x08008000 0x8000",
                     "flash erase_address 0x08100000 0x10000", "reset run", "shutdown"]


def test_no_probe_says_so(tmp_path, no_probe_cfg):
    r = run("--openocd-board", no_probe_cfg, tmp=tmp_path)
    assert r.returncode == 1
    assert "no ST-LINK probe found on USB" in r.stderr, r.stderr
    assert "lsusb" in r.stderr


def test_make_flash_refuses_an_emulated_board():
    r = subprocess.run(["make", "-s", "-C", ROOT, "flash", "BOARD=mps2-an385"], capture_output=True, text=True)
    assert r.returncode != 0
    assert "runs in QEMU" in r.stderr
    r = subprocess.run(["make", "-s", "-C", ROOT, "run", "BOARD=nucleo-f429zi"], capture_output=True, text=True)
    assert r.returncode != 0
    assert "has no emulator" in r.stderr
