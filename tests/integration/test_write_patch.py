"""PATCH {collection}/{s} with {"isUploadDone": true} (contract Part 2):
200 and the session, now Complete, once that is on flash; by
Content-Length (http.client, curl) and chunked; the body rules (411, 415,
400 for anything else); 403 for a Read.All token; still Complete after a
power cut. A device of its own, provisioned with a second session that is
not done yet."""
import http.client
import json
import socket
import subprocess

import pytest

from conftest import check_no_fault, own_device, provisioned_config, write_config
from test_http import CAT, RES, check_error, get
from test_jwt import READ_WRITE_ALL, Issuer

OPEN = "0c0ffee0-1111-4222-8333-944445555666"
PATH = ("/beta/identityGovernance/entitlementManagement/accessPackageCatalogs/%s"
        "/accessPackageResources/%s/uploadSessions/%s" % (CAT, RES, OPEN))
DONE = b'{"isUploadDone":true}'


@pytest.fixture(scope="module")
def dev(tmp_path_factory):
    d = str(tmp_path_factory.mktemp("patch"))
    with open(provisioned_config(), "rb") as f:
        sessions = json.loads(f.read().decode("utf-8"))["sessions"]
    sessions.append({"catalogId": CAT, "resourceId": RES, "id": OPEN, "isUploadDone": False,
                     "createdDateTime": "2026-01-01T00:00:00.000Z",
                     "expirationDateTime": "2100-01-01T00:00:00.000Z", "files": []})
    yield from own_device(d, config=write_config(d, provisioned_config(), sessions=sessions),
                          flash_size=64 * 1024)


@pytest.fixture(scope="module")
def rw_token():
    return Issuer(provisioned_config()).mint(scp=READ_WRITE_ALL)


def patch(dev, token, body, headers=None, chunked=False):
    c = dev.http()
    try:
        h = {"Authorization": "Bearer " + token, "Content-Type": "application/json"}
        h.update(headers or {})
        if chunked:
            c.request("PATCH", PATH, body=iter([body[:5], body[5:]]), headers=h,
                      encode_chunked=True)
        else:
            c.request("PATCH", PATH, body=body, headers=h)
        r = c.getresponse()
        data = r.read()
        # The connection stays usable after a body the device read.
        if r.getheader("Connection") != "close":
            c.request("GET", PATH, headers={"Authorization": "Bearer " + token})
            r2 = c.getresponse()
            r2.read()
            assert r2.status == 200
        return r, data
    finally:
        c.close()


def test_patch_rules_then_done_and_durable(dev, token, rw_token):
    r, body = get(dev, PATH, token)
    assert r.status == 200 and json.loads(body)["status"] == "Active"

    r, body = patch(dev, token, DONE)
    check_error(r, body, 403, "accessDenied")
    r, body = patch(dev, rw_token, b'{"isUploadDone":false}')
    check_error(r, body, 400, "BadRequest", "The only allowed update is to set isUploadDone to true.")
    r, body = patch(dev, rw_token, b'{"status":"Complete"}')
    check_error(r, body, 400, "BadRequest", "The only allowed update is to set isUploadDone to true.")
    r, body = patch(dev, rw_token, DONE, headers={"Content-Type": "text/plain"})
    check_error(r, body, 415, "BadRequest")
    r, body = get(dev, PATH, token)
    assert json.loads(body)["status"] == "Active"  # nothing above changed it

    r, body = patch(dev, rw_token, DONE, chunked=True)
    assert r.status == 200, body
    doc = json.loads(body)
    assert doc["isUploadDone"] is True and doc["status"] == "Complete" and doc["id"] == OPEN
    r, body = patch(dev, rw_token, DONE)  # again: 200, nothing to write
    assert r.status == 200

    dev.kill()
    dev.start()
    r, body = get(dev, PATH, token)
    assert json.loads(body)["status"] == "Complete"
    check_no_fault(dev)


def test_patch_with_curl_and_411(dev, rw_token):
    url = "http://127.0.0.1:%d%s" % (dev.http_port, PATH)
    out = subprocess.run(["curl", "-s", "-i", "-X", "PATCH", "-H", "Authorization: Bearer " + rw_token,
                          "-H", "Content-Type: application/json", "--data-binary",
                          DONE.decode(), url], capture_output=True, timeout=20)
    assert out.returncode == 0
    assert out.stdout.startswith(b"HTTP/1.1 200 OK\r\n"), out.stdout[:300]
    # No framing at all (http.client would add Content-Length: 0): 411.
    with socket.create_connection(("127.0.0.1", dev.http_port), timeout=10) as s:
        s.sendall(("PATCH %s HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n"
                   "Content-Type: application/json\r\n\r\n" % (PATH, rw_token)).encode())
        r = http.client.HTTPResponse(s)
        r.begin()
        body = r.read()
    check_error(r, body, 411, "BadRequest", "A Content-Length or chunked body is required.")
