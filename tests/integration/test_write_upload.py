"""POST {collection}/{s}/uploadFile (contract Part 2): multipart/form-data
with one part named "file", checked as CSV while it streams to flash;
200 + the session with the file. Clients nobody here wrote: curl -F, a
hand-built body exactly as the Azure Logic App template for "bring your
own data" sends it (boundary testboundary, an extra CRLF before the
closing delimiter), chunked, one byte per TCP segment. CSV faults named
by line and field, nothing kept; 409 once done; a 500 KB file; a client
that stops mid-upload cut off with nothing kept; all of it after a power
cut. A device of its own."""
import http.client
import json
import socket
import subprocess
import time

import pytest

from conftest import check_no_fault, own_device, provisioned_config
from test_http import CAT, RES, check_error, get
from test_jwt import READ_WRITE_ALL, Issuer

COLL = ("/beta/identityGovernance/entitlementManagement/accessPackageCatalogs/%s"
        "/accessPackageResources/%s/uploadSessions" % (CAT, RES))
HEADER = "principalId,principalType,permissionId,permissionName,permissionDescription,permissionType"


def csv_text(rows, start=0):
    lines = [HEADER]
    for i in range(start, start + rows):
        lines.append('user-%d,User,door-%d,"Door %d, east wing","Opens ""door"" %d",Physical'
                     % (i, i % 40, i % 40, i))
    return ("\r\n".join(lines) + "\r\n").encode()


def logic_app_body(name, data, boundary="testboundary"):
    """As the Logic App template builds it: the part, then an extra CRLF,
    then the closing delimiter. The CRLF just before "--testboundary"
    belongs to the delimiter (RFC 2046 5.1.1), so the part's bytes are the
    CSV and one more CRLF (an empty last line, which the CSV rules allow):
    that is the size the device reports (contract: "size the part's
    bytes")."""
    return (("--%s\r\nContent-Disposition: form-data; name=\"file\"; filename=\"%s\"\r\n"
             "Content-Type: text/csv\r\n\r\n" % (boundary, name)).encode() + data
            + ("\r\n\r\n--%s--\r\n" % boundary).encode())


@pytest.fixture(scope="module")
def dev(tmp_path_factory):
    yield from own_device(str(tmp_path_factory.mktemp("upload")), flash_size=2 * 1048576)


@pytest.fixture(scope="module")
def rw_token():
    return Issuer(provisioned_config()).mint(scp=READ_WRITE_ALL)


def create(dev, token, instance):
    c = dev.http()
    try:
        doc = {"source": "doors", "type": "accessReviewDataUploadTriggerCallbackData",
               "data": {"accessReviewId": "d", "accessReviewInstanceId": instance}}
        c.request("POST", COLL, body=json.dumps(doc),
                  headers={"Authorization": "Bearer " + token, "Content-Type": "application/json"})
        r = c.getresponse()
        out = r.read()
        assert r.status == 201, out
        return r.getheader("Location")
    finally:
        c.close()


def upload(dev, token, loc, body, ctype="multipart/form-data; boundary=testboundary", chunked=False):
    c = dev.http(timeout=60)
    try:
        h = {"Authorization": "Bearer " + token, "Content-Type": ctype}
        if chunked:
            pieces = [body[i:i + 700] for i in range(0, len(body), 700)]
            c.request("POST", loc + "/uploadFile", body=iter(pieces), headers=h, encode_chunked=True)
        else:
            c.request("POST", loc + "/uploadFile", body=body, headers=h)
        r = c.getresponse()
        return r, r.read()
    finally:
        c.close()


def test_logic_app_curl_chunked_and_one_byte_segments(dev, token, rw_token):
    loc = create(dev, rw_token, "up-1")
    a = csv_text(20)
    r, out = upload(dev, rw_token, loc, logic_app_body("a.csv", a))
    a += b"\r\n"  # the part's bytes (logic_app_body)
    assert r.status == 200, out
    doc = json.loads(out)
    assert doc["stats"] == {"filesUploaded": 1, "totalBytesUploaded": len(a)}
    assert doc["files"][0]["name"] == "a.csv" and doc["files"][0]["size"] == len(a)

    # curl -F (its own boundary, its own part headers).
    b = csv_text(7, 100)
    url = "http://127.0.0.1:%d%s/uploadFile" % (dev.http_port, loc)
    p = subprocess.run(["curl", "-s", "-i", "-H", "Authorization: Bearer " + rw_token,
                        "-F", "file=@-;filename=b.csv;type=text/csv", url],
                       input=b, capture_output=True, timeout=30)
    head, _, out = p.stdout.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200 OK"), p.stdout[:400]
    assert json.loads(out)["files"][1] == {"name": "b.csv", "size": len(b),
                                          "uploadedDateTime": json.loads(out)["files"][1]["uploadedDateTime"]}

    # Chunked transfer coding.
    c3 = csv_text(30, 200)
    r, out = upload(dev, rw_token, loc, logic_app_body("c.csv", c3), chunked=True)
    c3 += b"\r\n"
    assert r.status == 200, out

    # One byte per TCP segment.
    d = csv_text(3, 300)
    body = logic_app_body("d.csv", d)
    d += b"\r\n"
    head = ("POST %s/uploadFile HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n"
            "Content-Type: multipart/form-data; boundary=testboundary\r\nContent-Length: %d\r\n\r\n"
            % (loc, rw_token, len(body))).encode()
    with socket.create_connection(("127.0.0.1", dev.http_port), timeout=30) as s:
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        s.sendall(head)
        for i in range(len(body)):
            s.send(body[i:i + 1])
        resp = http.client.HTTPResponse(s)
        resp.begin()
        out = resp.read()
    assert resp.status == 200, out
    doc = json.loads(out)
    sizes = [f["size"] for f in doc["files"]]
    assert sizes == [len(a), len(b), len(c3), len(d)]
    assert doc["stats"]["totalBytesUploaded"] == sum(sizes)

    # Survives a power cut.
    dev.kill()
    dev.start()
    r2, out2 = get(dev, loc, token)
    assert [f["size"] for f in json.loads(out2)["files"]] == sizes
    check_no_fault(dev)


@pytest.mark.parametrize("data,message", [
    (b"name,x\r\n1,2\r\n", "CSV line 1, field 1: "),
    (HEADER.encode() + b"\r\nu,User,p,n,d\r\n", "CSV line 2, field 6: "),
    (HEADER.encode() + b"\r\nu,User,p,\"n,d,t\r\n", "CSV line 2"),
    (HEADER.encode() + b"\r\nu,User,p,n\xff,d,t\r\n", "CSV line 2, field 4: "),
])
def test_bad_csv_is_named_and_not_kept(dev, token, rw_token, data, message):
    loc = create(dev, rw_token, "bad-%d" % abs(hash(data)))
    r, out = upload(dev, rw_token, loc, logic_app_body("bad.csv", data))
    check_error(r, out, 400, "BadRequest")
    assert json.loads(out)["error"]["message"].startswith(message), out
    r2, out2 = get(dev, loc, token)
    assert json.loads(out2)["files"] == []


def test_bad_multipart_and_media_type(dev, rw_token):
    loc = create(dev, rw_token, "mp-1")
    r, out = upload(dev, rw_token, loc, b"--testboundary\r\nContent-Disposition: form-data; "
                    b"name=\"other\"\r\n\r\nx\r\n--testboundary--\r\n")
    check_error(r, out, 400, "BadRequest")
    assert "bad multipart" in json.loads(out)["error"]["message"]
    r, out = upload(dev, rw_token, loc, csv_text(1), ctype="text/csv")
    check_error(r, out, 415, "BadRequest")


def test_done_session_takes_no_file_and_big_file(dev, token, rw_token):
    loc = create(dev, rw_token, "big-1")
    big = csv_text(6700)  # ~500 KB
    assert 480000 < len(big) < 524288
    t0 = time.monotonic()
    r, out = upload(dev, rw_token, loc, logic_app_body("big.csv", big))
    secs = time.monotonic() - t0
    assert r.status == 200, out
    print("500 KB upload over HTTP: %d bytes in %.2f s" % (len(big), secs))
    assert json.loads(out)["files"][0]["size"] == len(big) + 2
    c = dev.http()
    c.request("PATCH", loc, body=b'{"isUploadDone":true}',
              headers={"Authorization": "Bearer " + rw_token, "Content-Type": "application/json"})
    assert c.getresponse().status == 200
    c.close()
    r, out = upload(dev, rw_token, loc, logic_app_body("late.csv", csv_text(1)))
    check_error(r, out, 409, "Conflict")


def test_client_stopping_mid_upload_keeps_nothing(dev, token, rw_token):
    loc = create(dev, rw_token, "stop-1")
    body = logic_app_body("x.csv", csv_text(200))
    head = ("POST %s/uploadFile HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n"
            "Content-Type: multipart/form-data; boundary=testboundary\r\nContent-Length: %d\r\n\r\n"
            % (loc, rw_token, len(body))).encode()
    with socket.create_connection(("127.0.0.1", dev.http_port), timeout=30) as s:
        s.sendall(head + body[:len(body) // 2])
        s.settimeout(15)
        data = b""
        while True:
            chunk = s.recv(4096)
            if not chunk:
                break
            data += chunk
    assert data.startswith(b"HTTP/1.1 408"), data[:200]
    r2, out2 = get(dev, loc, token)
    assert json.loads(out2)["files"] == []
    # Another upload goes through afterwards.
    r, out = upload(dev, rw_token, loc, logic_app_body("y.csv", csv_text(2)))
    assert r.status == 200, out
