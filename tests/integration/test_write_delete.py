"""DELETE {collection}/{s} (contract Part 2 "Operations"), the first write
call: 204 with no body once the session is gone from flash; 403 for a
token with only EntitlementManagement.Read.All; 404 after; still gone after
a reboot and after a power cut (the import of the configuration's
sessions is not repeated). A device of its own: it deletes the seed."""
import pytest

from conftest import check_no_fault, own_device, provisioned_config
from test_http import PATH, check_error, get
from test_jwt import READ_WRITE_ALL, Issuer


@pytest.fixture(scope="module")
def dev(tmp_path_factory):
    yield from own_device(str(tmp_path_factory.mktemp("delete")), flash_size=64 * 1024)


@pytest.fixture(scope="module")
def rw_token():
    return Issuer(provisioned_config()).mint(scp="openid " + READ_WRITE_ALL)


def test_delete_needs_readwrite_then_204_and_stays_deleted(dev, token, rw_token):
    r, body = get(dev, PATH, token, method="DELETE")
    check_error(r, body, 403, "accessDenied", "Insufficient privileges to complete the operation.")
    r, body = get(dev, PATH, token)
    assert r.status == 200  # a refused write changed nothing

    r, body = get(dev, PATH, rw_token, method="DELETE")
    assert r.status == 204, body
    assert body == b""
    assert r.getheader("Content-Length") is None and r.getheader("Content-Type") is None
    assert r.getheader("request-id")

    r, body = get(dev, PATH, token)
    check_error(r, body, 404, "ResourceNotFound")
    r, body = get(dev, PATH, rw_token, method="DELETE")
    check_error(r, body, 404, "ResourceNotFound")

    dev.restart()
    assert "imported" not in dev.uart()
    r, body = get(dev, PATH, token)
    assert r.status == 404
    dev.kill()
    dev.start()
    r, body = get(dev, PATH, token)
    assert r.status == 404
    check_no_fault(dev)


def test_delete_keeps_the_connection(dev, rw_token):
    """204 is a complete response: the next request on the connection is
    answered (keep-alive)."""
    c = dev.http()
    try:
        for _ in range(2):
            c.request("DELETE", PATH, headers={"Authorization": "Bearer " + rw_token})
            r = c.getresponse()
            r.read()
            assert r.status in (204, 404)
            assert r.getheader("Connection") is None
    finally:
        c.close()
