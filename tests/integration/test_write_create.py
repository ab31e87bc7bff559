"""POST {collection} (contract Part 2, beta body shape): 201, the new
session and a Location to GET it; one live session per (referenceId,
resource) (409); unknown members, bad values, unknown catalog or
resource; 403 for Read.All; the created session survives a power cut.
A device of its own."""
import json
import re
import subprocess

import pytest

from conftest import check_no_fault, own_device, provisioned_config
from test_http import CAT, RES, check_error, get
from test_jwt import READ_WRITE_ALL, Issuer

COLL = ("/beta/identityGovernance/entitlementManagement/accessPackageCatalogs/%s"
        "/accessPackageResources/%s/uploadSessions" % (CAT, RES))
UUID4 = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


def body(instance, **extra):
    doc = {"source": "Building A doors", "type": "accessReviewDataUploadTriggerCallbackData",
           "data": {"accessReviewId": "def-1", "accessReviewInstanceId": instance}}
    doc.update(extra)
    return json.dumps(doc).encode()


@pytest.fixture(scope="module")
def dev(tmp_path_factory):
    yield from own_device(str(tmp_path_factory.mktemp("create")), flash_size=128 * 1024)


@pytest.fixture(scope="module")
def rw_token():
    return Issuer(provisioned_config()).mint(scp=READ_WRITE_ALL)


def post(dev, token, data, path=COLL, ctype="application/json"):
    c = dev.http()
    try:
        c.request("POST", path, body=data,
                  headers={"Authorization": "Bearer " + token, "Content-Type": ctype})
        r = c.getresponse()
        return r, r.read()
    finally:
        c.close()


def test_create_then_get_and_durable(dev, token, rw_token):
    r, data = post(dev, rw_token, body("inst-1"))
    assert r.status == 201, data
    doc = json.loads(data)
    assert UUID4.match(doc["id"]), doc
    assert doc["status"] == "Active" and doc["isUploadDone"] is False
    assert doc["stats"] == {"filesUploaded": 0, "totalBytesUploaded": 0} and doc["files"] == []
    assert doc["@odata.context"].endswith("/uploadSessions/$entity")
    loc = r.getheader("Location")
    assert loc == COLL + "/" + doc["id"]
    # createdDateTime now, expirationDateTime 24 h later (the default lifetime).
    r2, data2 = get(dev, loc, token)
    assert r2.status == 200
    assert json.loads(data2) == doc

    # One live session per (referenceId, resource).
    r, data = post(dev, rw_token, body("inst-1"))
    check_error(r, data, 409, "Conflict")
    r, data = post(dev, rw_token, body("inst-2"))
    assert r.status == 201

    dev.kill()
    dev.start()
    r2, data2 = get(dev, loc, token)
    assert r2.status == 200 and json.loads(data2)["id"] == doc["id"]
    check_no_fault(dev)


@pytest.mark.parametrize("data,message", [
    (b'{"source":"s","type":"t","data":{"accessReviewInstanceId":"i-9"},"colour":"red"}',
     "Unknown member 'colour'."),
    (b'{"source":"s","data":{"accessReviewInstanceId":"i-9","x":1}}', "Unknown member 'data.x'."),
    (b'{"source":"s","data":{"accessReviewInstanceId":7}}',
     "Invalid value for member 'data.accessReviewInstanceId'."),
    (b'{"source":"s","data":{"accessReviewInstanceId":"a/b"}}',
     "Invalid value for member 'data.accessReviewInstanceId'."),
    (b'{"source":"s","data":{}}', "Missing member 'data.accessReviewInstanceId'."),
    (b'{"source":1,"data":{"accessReviewInstanceId":"i-9"}}', "Invalid value for member 'source'."),
    (b'[1,2]', "The request body is not a JSON object without duplicate members."),
    (b'{"source":"s","source":"t"}', "The request body is not a JSON object without duplicate members."),
    (b'{"source":', "The request body is not valid JSON."),
])
def test_create_bad_bodies(dev, rw_token, data, message):
    r, out = post(dev, rw_token, data)
    check_error(r, out, 400, "BadRequest", message)


def test_create_refusals(dev, token, rw_token):
    r, out = post(dev, token, body("inst-3"))
    check_error(r, out, 403, "accessDenied")
    r, out = post(dev, rw_token, body("inst-3"), ctype="text/plain")
    check_error(r, out, 415, "BadRequest")
    other = COLL.replace(RES, "no-such-resource")
    r, out = post(dev, rw_token, body("inst-3"), path=other)
    check_error(r, out, 404, "ResourceNotFound", "No accessPackageResource with id 'no-such-resource' was found.")
    other = COLL.replace(CAT, "no-such-catalog")
    r, out = post(dev, rw_token, body("inst-3"), path=other)
    check_error(r, out, 404, "ResourceNotFound", "No accessPackageCatalog with id 'no-such-catalog' was found.")


def test_create_with_curl_and_chunked(dev, rw_token):
    url = "http://127.0.0.1:%d%s" % (dev.http_port, COLL)
    out = subprocess.run(["curl", "-s", "-i", "-H", "Authorization: Bearer " + rw_token,
                          "-H", "Content-Type: application/json", "-H", "Transfer-Encoding: chunked",
                          "--data-binary", body("inst-curl").decode(), url],
                         capture_output=True, timeout=20)
    assert out.returncode == 0
    head, _, data = out.stdout.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 201 Created\r\n"), head
    assert json.loads(data)["status"] == "Active"
