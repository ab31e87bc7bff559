"""The store at boot (contract, Part 2 "Durability"): the configuration's
sessions are imported once into an empty store and served from it; a
later boot does not import them again; a store the firmware cannot read
is reported, answered with 503 and left exactly as it was."""
import json

from conftest import Device, check_no_fault
from test_http import CAT, RES, SES, check_error, get

PATH = ("/beta/identityGovernance/entitlementManagement/accessPackageCatalogs/%s"
        "/accessPackageResources/%s/uploadSessions/%s" % (CAT, RES, SES))
SECTOR = 4096


def test_import_once_then_served_from_the_store(tmp_path, token):
    dev = Device(str(tmp_path), flash_size=64 * 1024)
    try:
        dev.start()
        log = dev.uart()
        assert "its sessions imported into the empty store" in log, log
        r, body = get(dev, PATH, token)
        assert r.status == 200
        assert json.loads(body)["id"] == SES
        dev.restart()
        log = dev.uart()
        assert "imported" not in log, log
        assert "store: 16 x 4096 B sectors" in log and "1 session(s), 1 file(s)" in log, log
        r, body = get(dev, PATH, token)
        assert r.status == 200
        assert json.loads(body)["stats"]["totalBytesUploaded"] == 2000000
    finally:
        dev.stop()
        check_no_fault(dev)


def test_unreadable_store_is_reported_and_left_alone(tmp_path, token):
    """Bytes that are no store (here: a pattern in every sector): the boot
    says so, the session calls answer 503 serviceNotAvailable, the device
    keeps serving what does not need the store, and not a byte changes."""
    size = 64 * 1024
    image = bytes((i * 13 + 5) & 0xFF for i in range(size))
    dev = Device(str(tmp_path), flash_size=size)
    with open(dev.flash, "wb") as f:
        f.write(image)
    try:
        dev.start()
        log = dev.uart()
        assert "store: not mounted (corrupt)" in log, log
        r, body = get(dev, PATH, token)
        check_error(r, body, 503, "serviceNotAvailable", "The session store cannot be read.")
        assert r.getheader("Retry-After") == "60"
        r, body = get(dev, "/health")
        assert r.status == 200
        dev.kill()
        dev.start()
        r, body = get(dev, PATH, token)
        assert r.status == 503
    finally:
        dev.stop()
        check_no_fault(dev)
    with open(dev.flash, "rb") as f:
        assert f.read() == image
