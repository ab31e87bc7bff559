"""The write path's limits (contract Part 2, errors table): 413 for a JSON
body over 2 KiB, a file over 512 KiB (announced or found while it
streams), an 11th file in a session; 507 when the flash or the session
table is full, with nothing half-written and the room back once a session
is deleted. A device of its own with a 256 KiB store."""
import json
import os

import pytest

from conftest import check_no_fault, own_device, provisioned_config
from test_http import check_error, strict_json
from test_jwt import READ_WRITE_ALL, Issuer
from test_write_list import create, listing, req, upload
from test_write_upload import COLL, csv_text, logic_app_body


@pytest.fixture(scope="module")
def dev(tmp_path_factory):
    yield from own_device(str(tmp_path_factory.mktemp("limits")), flash_size=256 * 1024)


@pytest.fixture(scope="module")
def rw():
    return Issuer(provisioned_config()).mint(scp=READ_WRITE_ALL)


def test_413_json_body_over_2_KiB(dev, rw):
    doc = {"source": "x" * 3000, "type": "y",
           "data": {"accessReviewId": "d", "accessReviewInstanceId": "big"}}
    r, body = req(dev, "POST", COLL, rw, json.dumps(doc))
    check_error(r, body, 413, "BadRequest", "The JSON body is over its limit.")


def test_413_file_over_512_KiB(dev, rw):
    sid = create(dev, rw, "huge")
    data = csv_text(9000)  # ~540 KB
    assert len(data) > 512 * 1024
    r, body = upload(dev, rw, COLL, sid, "huge.csv", data)
    check_error(r, body, 413, "BadRequest")
    # Announced by Content-Length: refused before a byte of it is sent.
    c = dev.http()
    try:
        c.putrequest("POST", "%s/%s/uploadFile" % (COLL, sid))
        c.putheader("Authorization", "Bearer " + rw)
        c.putheader("Content-Type", "multipart/form-data; boundary=testboundary")
        c.putheader("Content-Length", str(600 * 1024))
        c.endheaders()
        r = c.getresponse()
        check_error(r, r.read(), 413, "BadRequest", "The file is over its limit.")
    finally:
        c.close()
    assert listing(dev, rw, COLL + "/" + sid)["stats"] == {"filesUploaded": 0, "totalBytesUploaded": 0}


def test_413_eleventh_file(dev, rw):
    sid = create(dev, rw, "eleven")
    for i in range(10):
        r, body = upload(dev, rw, COLL, sid, "f%d.csv" % i, csv_text(1))
        assert r.status == 200, body
    r, body = upload(dev, rw, COLL, sid, "f10.csv", csv_text(1))
    check_error(r, body, 413, "BadRequest")
    assert listing(dev, rw, COLL + "/" + sid)["stats"]["filesUploaded"] == 10
    r, body = req(dev, "DELETE", COLL + "/" + sid, rw)
    assert r.status == 204


def test_507_flash_full_then_room_after_delete(dev, rw):
    sids = []
    stored = []
    data = csv_text(1500)  # ~90 KB
    for i in range(10):
        sid = create(dev, rw, "fill-%d" % i)
        r, body = upload(dev, rw, COLL, sid, "fill.csv", data)
        if r.status != 200:
            check_error(r, body, 507, "insufficientStorage", "The device's store is full.")
            break
        sids.append(sid)
        stored.append(sid)
    else:
        pytest.fail("a 256 KiB store took 10 files of 90 KB")
    assert len(stored) >= 1
    # Nothing half-written: the refused file is not listed, the others read back whole.
    assert listing(dev, rw, COLL + "/" + sid)["stats"]["filesUploaded"] == 0
    for s in stored:
        r, body = req(dev, "GET", "%s/%s/files/fill.csv/$value" % (COLL, s), rw)
        assert r.status == 200 and body == data + b"\r\n"
    # Deleting one makes room again.
    r, body = req(dev, "DELETE", COLL + "/" + stored[0], rw)
    assert r.status == 204
    r, body = upload(dev, rw, COLL, sid, "fill.csv", data)
    assert r.status == 200, body


def test_507_session_table_full(dev, rw):
    before = listing(dev, rw, COLL + "?$count=true&$top=1")["@odata.count"]
    made = 0
    for i in range(60):
        doc = {"source": "s", "type": "t",
               "data": {"accessReviewId": "d", "accessReviewInstanceId": "table-%d" % i}}
        r, body = req(dev, "POST", COLL, rw, json.dumps(doc))
        if r.status != 201:
            check_error(r, body, 507, "insufficientStorage")
            break
        made += 1
    else:
        pytest.fail("60 sessions taken by a store of at most %s" % os.environ.get("MAX_SESSIONS", 16))
    total = listing(dev, rw, COLL + "?$count=true&$top=1")["@odata.count"]
    assert total == before + made and made >= 1, (before, made, total)
    check_no_fault(dev)
