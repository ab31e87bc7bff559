"""Sessions other than the seed's, from a configuration written here: a
response far larger than one send window (10 files with 255-byte names
that need escaping and multi-byte UTF-8), and the status derived from
isUploadDone and expirationDateTime against the device clock."""
import datetime
import json
import os

import pytest

from conftest import Device
from test_http import ODATA_CT, check_common_headers, get, strict_json

CAT = "cat-1"
RES = "res-1"


def iso(dt):
    return dt.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (dt.microsecond // 1000)


def name(i):
    # 255 bytes of UTF-8 with characters JSON must escape ('"' and '\\')
    # and characters it must not ('/', DEL, 2- to 4-byte sequences).
    stem = 'acc\\ess "%02d" /é€😀\x7f' % i
    out = stem
    while len((out + "x").encode()) <= 255:
        out += "x"
    assert len(out.encode()) == 255
    return out


NOW = datetime.datetime.now(datetime.timezone.utc)
SESSIONS = {
    "big": {"isUploadDone": True, "created": NOW - datetime.timedelta(days=2),
            "expires": NOW - datetime.timedelta(days=1),
            "files": [{"name": name(i), "size": 10 ** 12 + i,
                       "uploadedDateTime": iso(NOW - datetime.timedelta(hours=30, seconds=i))} for i in range(10)]},
    "active": {"isUploadDone": False, "created": NOW - datetime.timedelta(hours=1),
               "expires": NOW + datetime.timedelta(days=1), "files": []},
    "expired": {"isUploadDone": False, "created": NOW - datetime.timedelta(days=2),
                "expires": NOW - datetime.timedelta(days=1),
                "files": [{"name": "a.csv", "size": 1, "uploadedDateTime": iso(NOW - datetime.timedelta(days=2))}]},
}


@pytest.fixture(scope="module")
def sessions_device(tmp_path_factory, token):
    import hashlib
    base = json.load(open(os.environ.get("DEVICE_CONFIG", "../../build/provision/device-config.json")))
    base["auth"]["staticTokens"] = [hashlib.sha256(token.encode()).hexdigest()]
    base["sessions"] = [
        {"catalogId": CAT, "resourceId": RES, "id": sid, "isUploadDone": s["isUploadDone"],
         "createdDateTime": iso(s["created"]), "expirationDateTime": iso(s["expires"]), "files": s["files"]}
        for sid, s in SESSIONS.items()]
    d = tmp_path_factory.mktemp("sessions")
    cfg = d / "config.json"
    cfg.write_text(json.dumps(base, ensure_ascii=False))
    dev = Device(str(d), config=str(cfg))
    dev.start()
    yield dev
    dev.stop()
    assert "FAULT" not in dev.uart()


def path(sid):
    return ("/beta/identityGovernance/entitlementManagement/accessPackageCatalogs/%s"
            "/accessPackageResources/%s/uploadSessions/%s" % (CAT, RES, sid))


def test_large_response_crosses_many_windows(sessions_device, token):
    r, body = get(sessions_device, path("big"), token)
    assert r.status == 200
    assert r.getheader("Content-Type") == ODATA_CT
    check_common_headers(r, body)
    # More than the send buffer (2920) and twice the render window (1536).
    assert len(body) > 3072
    doc = strict_json(body)
    want = SESSIONS["big"]
    assert [f["name"] for f in doc["files"]] == [f["name"] for f in want["files"]]
    assert [f["size"] for f in doc["files"]] == [f["size"] for f in want["files"]]
    assert [f["uploadedDateTime"] for f in doc["files"]] == [f["uploadedDateTime"] for f in want["files"]]
    assert doc["stats"] == {"filesUploaded": 10, "totalBytesUploaded": sum(f["size"] for f in want["files"])}
    assert doc["status"] == "Complete"     # done wins over expiry
    # RFC 8259 escapes only what it must: the raw UTF-8 is in the body.
    assert "😀".encode() in body and b'\\"' in body and b"\\\\" in body


def test_head_of_large_response(sessions_device, token):
    _, body = get(sessions_device, path("big"), token)
    r, hbody = get(sessions_device, path("big"), token, method="HEAD")
    assert r.status == 200 and hbody == b""
    assert int(r.getheader("Content-Length")) == len(body)


@pytest.mark.parametrize("sid,status", [("active", "Active"), ("expired", "Expired")])
def test_status_is_derived(sessions_device, token, sid, status):
    r, body = get(sessions_device, path(sid), token)
    assert r.status == 200
    doc = strict_json(body)
    assert doc["status"] == status
    assert doc["isUploadDone"] is False
    assert doc["stats"]["filesUploaded"] == len(SESSIONS[sid]["files"])
