"""GET {collection} with its OData options, GET .../files/{f}/$value, the
v1.0 path family, and the controller's whole flow (contract Part 2), on a
device of its own, spoken to with http.client, ssl, json, urllib.parse and
curl. The tests run in file order on one device: sessions and files the
device acknowledged are kept per device (acked()), and the reboot test checks that
every one of them is still listed, byte for byte."""
import http.client
import os
import json
import socket
import ssl
import subprocess
import threading
import time
import urllib.parse

import pytest

from conftest import check_no_fault, own_device, provisioned_config
from test_http import CAT, RES, check_error, strict_json
from test_jwt import READ_ALL, READ_WRITE_ALL, Issuer
from test_tls import s_client
from test_write_upload import COLL, csv_text, logic_app_body

V1 = ("/v1.0/identityGovernance/entitlementManagement/catalogs/%s/resources/%s/uploadSessions"
      % (CAT, RES))
V1_TYPE = "#microsoft.graph.customDataProvidedResourceAccessReviewUploadSession"
DATA_TYPE = "#microsoft.graph.customDataProvidedResourcePayloads.accessReviewContextData"


# The board's session table (APP_MAX_SESSIONS, board.mk); the tests after
# the paging one create up to LATER more, so paging gets what is left.
MAX_SESSIONS = int(os.environ.get("MAX_SESSIONS", "16"))
LATER = 9
PAGE_MAX = 20  # APP_API_PAGE_MAX


def acked(dev):
    """What this device acknowledged: session id -> {file name: bytes}
    (other modules create sessions on devices of their own with these
    helpers)."""
    if not hasattr(dev, "acked"):
        dev.acked = {}
    return dev.acked


@pytest.fixture(scope="module")
def dev(tmp_path_factory):
    yield from own_device(str(tmp_path_factory.mktemp("list")), flash_size=2 * 1048576)


@pytest.fixture(scope="module")
def rw():
    return Issuer(provisioned_config()).mint(scp=READ_WRITE_ALL)


@pytest.fixture(scope="module")
def ro():
    return Issuer(provisioned_config()).mint(scp=READ_ALL)


def call(conn, method, path, token, body=None, ctype="application/json"):
    h = {"Authorization": "Bearer " + token}
    if body is not None:
        h["Content-Type"] = ctype
    conn.request(method, path, body=body, headers=h)
    r = conn.getresponse()
    return r, r.read()


def req(dev, method, path, token, body=None, ctype="application/json", tls=False):
    c = dev.https(timeout=60) if tls else dev.http(timeout=60)
    try:
        return call(c, method, path, token, body, ctype)
    finally:
        c.close()


def create(dev, token, instance, v1=False):
    if v1:
        doc = {"@odata.type": V1_TYPE,
               "data": {"@odata.type": DATA_TYPE, "reviewDefinitionId": "def-" + instance,
                        "reviewInstanceId": instance}}
    else:
        doc = {"source": "doors", "type": "accessReviewDataUploadTriggerCallbackData",
               "data": {"accessReviewId": "def-" + instance, "accessReviewInstanceId": instance}}
    r, body = req(dev, "POST", V1 if v1 else COLL, token, json.dumps(doc))
    assert r.status == 201, body
    sid = strict_json(body)["id"]
    acked(dev)[sid] = {}
    return sid


def upload(dev, token, base, sid, name, data, tls=False):
    r, body = req(dev, "POST", "%s/%s/uploadFile" % (base, sid), token, logic_app_body(name, data),
                  "multipart/form-data; boundary=testboundary", tls)
    if r.status == 200:
        acked(dev)[sid][name] = data + b"\r\n"  # the Logic App's extra CRLF is content
    return r, body


def listing(dev, token, path):
    r, body = req(dev, "GET", path, token)
    assert r.status == 200, body
    assert r.getheader("Content-Type").startswith("application/json;odata.metadata=minimal")
    return strict_json(body)


def follow(dev, token, first):
    """Every page from first, by @odata.nextLink only: the link is called
    unchanged on the host and port it names."""
    pages = [listing(dev, token, first)]
    while "@odata.nextLink" in pages[-1]:
        u = urllib.parse.urlsplit(pages[-1]["@odata.nextLink"])
        assert (u.scheme, u.hostname, u.port) == ("http", "127.0.0.1", dev.http_port), u
        c = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
        try:
            r, body = call(c, "GET", u.path + "?" + u.query, token)
        finally:
            c.close()
        assert r.status == 200, body
        pages.append(strict_json(body))
        assert len(pages) < 50, "nextLink loops"
    return pages


def made_names(dev):
    return getattr(dev, "pages", [])


def test_paging_by_next_link(dev, rw):
    """As many sessions as the table has room for (leaving LATER for the
    tests after this one), paged 3 at a time by following nextLink."""
    before = listing(dev, rw, COLL + "?$count=true")["@odata.count"]
    n = MAX_SESSIONS - before - LATER
    assert n >= 5, "the board's table (%d) is too small for this module" % MAX_SESSIONS
    dev.pages = ["page-%02d" % i for i in range(n)]
    made = [create(dev, rw, name) for name in dev.pages]
    pages = follow(dev, rw, COLL + "?$top=3&$count=true")
    total = before + n
    assert [len(p["value"]) for p in pages] == [3] * (total // 3) + ([total % 3] if total % 3 else [])
    assert all(p["@odata.count"] == total for p in pages)
    assert all(p["@odata.context"].endswith("accessPackageResources('%s')/uploadSessions" % RES)
               for p in pages)
    ids = [s["id"] for p in pages for s in p["value"]]
    assert len(set(ids)) == total and set(made) <= set(ids)
    created = [s["createdDateTime"] for p in pages for s in p["value"]]
    assert created == sorted(created)
    # desc is the reverse order, again by nextLink only.
    rev = [s["id"] for p in follow(dev, rw, COLL + "?$orderby=createdDateTime%20desc&$top=3")
           for s in p["value"]]
    assert rev == ids[::-1]
    # Default page: APP_API_PAGE_MAX (20), a larger $top the same (a table
    # of 16 cannot show the clamp; unit test_route checks $top is clamped).
    assert len(listing(dev, rw, COLL)["value"]) == min(PAGE_MAX, total)
    assert len(listing(dev, rw, COLL + "?$top=1000")["value"]) == min(PAGE_MAX, total)
    assert listing(dev, rw, COLL + "?$top=0&$count=true") == {
        "@odata.context": pages[0]["@odata.context"], "@odata.count": total, "value": []}
    assert listing(dev, rw, COLL + "?$skip=%d" % total)["value"] == []


def test_filter_and_orderby(dev, rw):
    ids = [s["id"] for s in listing(dev, rw, COLL + "?$top=20")["value"]]
    refs = {}
    for p in follow(dev, rw, V1 + "?$top=20"):
        for s in p["value"]:
            refs[s["referenceId"]] = s["id"]
    names = made_names(dev)
    assert len(names) >= 5, "needs test_paging_by_next_link's sessions"
    picked = [names[1], names[2], names[-1]]  # made in this order
    done = [refs[n] for n in picked]
    for sid in done:
        r, body = req(dev, "PATCH", COLL + "/" + sid, rw, json.dumps({"isUploadDone": True}))
        assert r.status == 200, body
    for spelling in ("Complete", "complete", "COMPLETE"):
        got = listing(dev, rw, COLL + "?$filter=status%20eq%20'" + spelling + "'&$count=true")
        assert got["@odata.count"] == len(got["value"])
        assert set(done) <= {s["id"] for s in got["value"]}
        assert all(s["status"] == "Complete" for s in got["value"])
    got = listing(dev, rw, V1 + "?$filter=status+eq+'Complete'+and+referenceId+eq+'%s'" % picked[1])
    assert [s["id"] for s in got["value"]] == [refs[picked[1]]]
    assert got["value"][0]["status"] == "complete"
    got = listing(dev, rw, (V1 + "?$filter=status eq 'active' and referenceId eq '%s'" % picked[1])
                  .replace(" ", "%20"))
    assert got["value"] == []
    got = listing(dev, rw, COLL + "?$filter=referenceId%20eq%20'nobody'&$count=true")
    assert (got["@odata.count"], got["value"]) == (0, [])
    # Filter, order and page together: the Complete ones newest first, 2 a page.
    pages = follow(dev, rw, COLL + "?$filter=status%20eq%20'Complete'&$orderby=createdDateTime%20desc"
                   "&$top=2")
    newest = [s["id"] for p in pages for s in p["value"]]
    assert newest[:3] == done[::-1]  # the seed's Complete session is older
    times = [s["createdDateTime"] for p in pages for s in p["value"]]
    assert times == sorted(times, reverse=True)
    assert len(ids) == min(PAGE_MAX, len(refs))
    # Options the list does not serve: 400 naming them.
    for q, named in (("$select=id", "$select"), ("$search=x", "$search"),
                     ("$filter=size%20gt%201", "$filter=size gt 1"),
                     ("$orderby=id", "$orderby=id"), ("$top=x", "$top=x"),
                     ("$count=maybe", "$count=maybe"), ("$expand=stats", "$expand=stats"),
                     ("$top=1&$top=2", "$top")):
        r, body = req(dev, "GET", COLL + "?" + q, rw)
        check_error(r, body, 400, "BadRequest")
        assert "'%s'" % named in strict_json(body)["error"]["message"], (q, body)


def test_v1_create_and_rendering(dev, rw):
    sid = create(dev, rw, "v1-render", v1=True)
    r, body = req(dev, "GET", V1 + "/" + sid, rw)
    assert r.status == 200
    doc = json.loads(body)
    assert list(doc) == ["@odata.context", "@odata.type", "id", "referenceId", "status",
                         "isUploadDone", "createdDateTime", "stats", "data"]
    assert doc["@odata.context"].endswith(
        "/v1.0/$metadata#identityGovernance/entitlementManagement/catalogs('%s')/resources('%s')"
        "/uploadSessions/$entity" % (CAT, RES))
    assert (doc["@odata.type"], doc["referenceId"], doc["status"], doc["isUploadDone"]) == (
        V1_TYPE, "v1-render", "active", False)
    assert doc["data"] == {"@odata.type": DATA_TYPE, "reviewDefinitionId": "def-v1-render",
                           "reviewInstanceId": "v1-render"}
    assert doc["stats"] == {"filesUploaded": 0, "totalBytesUploaded": 0}
    data = csv_text(5)
    r, body = upload(dev, rw, V1, sid, "v1.csv", data)
    assert r.status == 200, body
    assert "files" not in json.loads(body)
    doc = listing(dev, rw, V1 + "/" + sid + "?$expand=files")
    assert list(doc)[-1] == "files"
    (f,) = doc["files"]
    assert list(f) == ["id", "name", "size", "uploadedDateTime"]
    assert (f["name"], f["size"]) == ("v1.csv", len(data) + 2)
    # The same session through the beta path: the seed's rendering.
    beta = listing(dev, rw, COLL + "/" + sid)
    assert list(beta) == ["@odata.context", "id", "status", "isUploadDone", "stats", "files",
                          "createdDateTime", "expirationDateTime"]
    assert beta["status"] == "Active" and beta["files"][0]["name"] == "v1.csv"
    # $value by the file's id (v1.0) or its name (beta shows no ids).
    for base, key in ((V1, f["id"]), (COLL, "v1.csv")):
        r, body = req(dev, "GET", "%s/%s/files/%s/$value" % (base, sid, key), rw)
        assert r.status == 200 and r.getheader("Content-Type") == "text/csv"
        assert body == data + b"\r\n"
    # One live session per (referenceId, resource), whichever body shape.
    doc = {"source": "x", "type": "y", "data": {"accessReviewId": "d", "accessReviewInstanceId": "v1-render"}}
    r, body = req(dev, "POST", COLL, rw, json.dumps(doc))
    check_error(r, body, 409, "Conflict")
    bad = {"@odata.type": V1_TYPE, "data": {"reviewInstanceId": "z", "reviewDefinitionID": "d"}}
    r, body = req(dev, "POST", V1, rw, json.dumps(bad))
    check_error(r, body, 400, "BadRequest", "Unknown member 'data.reviewDefinitionID'.")
    r, body = req(dev, "POST", V1, rw, json.dumps({"data": {"reviewDefinitionId": "d"}}))
    check_error(r, body, 400, "BadRequest", "Missing member 'data.reviewInstanceId'.")


def test_value_and_method_errors(dev, rw):
    sid = create(dev, rw, "errors")
    r, body = req(dev, "GET", "%s/%s/files/nope/$value" % (COLL, sid), rw)
    check_error(r, body, 404, "ResourceNotFound", "No file with id 'nope' was found.")
    data = csv_text(3)
    assert upload(dev, rw, COLL, sid, "e.csv", data)[0].status == 200
    r, body = req(dev, "HEAD", "%s/%s/files/e.csv/$value" % (COLL, sid), rw)
    assert r.status == 200 and body == b"" and int(r.getheader("Content-Length")) == len(data) + 2
    for method, path, allow in (("POST", "/files/e.csv/$value", "GET, HEAD"),
                                ("GET", "/uploadFile", "POST"),
                                ("PUT", "", "GET, HEAD, PATCH, DELETE")):
        r, body = req(dev, method, COLL + "/" + sid + path, rw, b"" if method != "GET" else None)
        check_error(r, body, 405, "methodNotAllowed")
        assert r.getheader("Allow") == allow
    r, body = req(dev, "DELETE", COLL, rw)
    check_error(r, body, 405, "methodNotAllowed")
    assert r.getheader("Allow") == "GET, HEAD, POST"


def test_read_all_may_read_not_write(dev, rw, ro):
    sid = create(dev, rw, "read-only")
    assert listing(dev, ro, COLL + "?$top=1")["value"]
    assert listing(dev, ro, V1 + "/" + sid)["id"] == sid
    doc = {"source": "x", "type": "y", "data": {"accessReviewId": "d", "accessReviewInstanceId": "ro-2"}}
    for method, path, body, ctype in (
            ("POST", COLL, json.dumps(doc), "application/json"),
            ("POST", V1, json.dumps(doc), "application/json"),
            ("PATCH", V1 + "/" + sid, json.dumps({"isUploadDone": True}), "application/json"),
            ("DELETE", COLL + "/" + sid, None, None),
            ("POST", V1 + "/" + sid + "/uploadFile", logic_app_body("r.csv", csv_text(1)),
             "multipart/form-data; boundary=testboundary")):
        r, out = req(dev, method, path, ro, body, ctype)
        check_error(r, out, 403, "accessDenied", "Insufficient privileges to complete the operation.")
    assert listing(dev, rw, COLL + "/" + sid)["stats"]["filesUploaded"] == 0


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
def test_upload_racing_get(dev, rw, chunked):
    """While one client sends a 300 KB file slowly, another reads the same
    session: every read is answered during the upload (the upload gives its
    head buffer back), whole, and shows the file either not at all or
    complete, never half of it."""
    sid = create(dev, rw, "race-chunked" if chunked else "race")
    data = csv_text(3000)
    body = logic_app_body("race.csv", data)
    result = {}

    def send():
        c = dev.http(timeout=60)
        try:
            c.putrequest("POST", "%s/%s/uploadFile" % (COLL, sid))
            c.putheader("Authorization", "Bearer " + rw)
            c.putheader("Content-Type", "multipart/form-data; boundary=testboundary")
            if chunked:
                c.putheader("Transfer-Encoding", "chunked")
            else:
                c.putheader("Content-Length", str(len(body)))
            c.endheaders()
            for i in range(0, len(body), 16384):
                piece = body[i:i + 16384]
                c.send(b"%x\r\n%s\r\n" % (len(piece), piece) if chunked else piece)
                time.sleep(0.05)
            if chunked:
                c.send(b"0\r\n\r\n")
            r = c.getresponse()
            result["status"], result["body"] = r.status, r.read()
        finally:
            c.close()

    t = threading.Thread(target=send)
    t.start()
    seen = []
    c = dev.http(timeout=10)
    try:
        while t.is_alive():
            r, out = call(c, "GET", COLL + "/" + sid, rw)
            assert r.status == 200, out
            seen.append(strict_json(out)["stats"])
    finally:
        c.close()
    t.join()
    assert result["status"] == 200, result
    acked(dev)[sid]["race.csv"] = data + b"\r\n"
    whole = {"filesUploaded": 1, "totalBytesUploaded": len(data) + 2}
    assert len(seen) >= 3 and seen[0] == {"filesUploaded": 0, "totalBytesUploaded": 0}
    assert all(s in (seen[0], whole) for s in seen), seen
    # The upload takes about a second: reads were answered while it ran,
    # not queued behind it (one head buffer, given back by the upload).
    during = [s for s in seen if s == seen[0]]
    assert len(during) >= 5, "%d reads answered during the upload" % len(during)
    assert listing(dev, rw, COLL + "/" + sid)["stats"] == whole


def test_https_upload_in_4_KiB_records(dev, rw):
    """HTTPS uploads from a client that keeps its records to the device's
    4 KiB input buffer (RFC 6066 max_fragment_length, TLS 1.2; README "Write calls"
    prices the 16 KiB buffer a default client's records need); a client
    that sends 16 KiB records gets record_overflow, and nothing is kept."""
    sid = create(dev, rw, "tls")
    data = csv_text(1500)
    body = logic_app_body("tls.csv", data)
    path = "%s/%s/uploadFile" % (V1, sid)
    head = ("POST %s HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer %s\r\n"
            "Content-Type: multipart/form-data; boundary=testboundary\r\nContent-Length: %d\r\n"
            "Connection: close\r\n\r\n" % (path, rw, len(body))).encode()
    rc, out = s_client(dev, "-tls1_2", "-maxfraglen", "4096", "-ign_eof", stdin=head + body, timeout=60)
    assert "HTTP/1.1 200 OK" in out, out[-2000:]
    acked(dev)[sid]["tls.csv"] = data + b"\r\n"
    r, got = req(dev, "GET", "%s/%s/files/tls.csv/$value" % (COLL, sid), rw, tls=True)
    assert r.status == 200 and got == data + b"\r\n"
    # Python's ssl writes 16 KiB records: refused whole, the file not kept.
    with pytest.raises((ssl.SSLError, ConnectionError, http.client.HTTPException)):
        upload(dev, rw, V1, sid, "big-records.csv", data, tls=True)
    assert listing(dev, rw, COLL + "/" + sid)["stats"]["filesUploaded"] == 1


def test_value_stream_survives_a_delete_with_no_foreign_bytes(dev, rw):
    """A client reading a 300 KB $value slowly while another deletes the
    session and uploads a new file into the freed flash: the reader gets a
    prefix of its own file and then a closed connection, never bytes of
    another file."""
    sid = create(dev, rw, "value-race")
    data = csv_text(5000)
    assert upload(dev, rw, COLL, sid, "mine.csv", data)[0].status == 200
    mine = data + b"\r\n"
    s = socket.create_connection(("127.0.0.1", dev.http_port), timeout=20)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    s.sendall(("GET %s/%s/files/mine.csv/$value HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n"
               "Connection: close\r\n\r\n" % (COLL, sid, rw)).encode())
    got = s.recv(8192)
    r, body = req(dev, "DELETE", COLL + "/" + sid, rw)
    assert r.status == 204
    del acked(dev)[sid]
    other = create(dev, rw, "value-race-2")
    assert upload(dev, rw, COLL, other, "theirs.csv", csv_text(5000, start=7))[0].status == 200
    s.settimeout(10)
    while True:
        try:
            chunk = s.recv(65536)
        except (ConnectionResetError, socket.timeout):
            break
        if not chunk:
            break
        got += chunk
    s.close()
    head, _, body = got.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200 OK"), head
    assert len(body) < len(mine), len(body)  # the delete came mid-stream
    assert mine.startswith(body), (len(body), len(mine))
    check_no_fault(dev)


def test_controller_flow(dev, rw):
    """What a controller runs: create, three CSVs, done, Complete with the
    right stats, a fourth file refused, delete, gone."""
    sid = create(dev, rw, "controller")
    sizes = []
    for i, rows in enumerate((10, 200, 1)):
        name = "doors-%d.csv" % i
        # The second file by curl -F, the others as the Logic App sends them.
        if i == 1:
            path = dev.workdir + "/" + name
            with open(path, "wb") as f:
                f.write(csv_text(rows))
            out = subprocess.run(
                ["curl", "-sS", "-o", "-", "-w", "\n%{http_code}", "-H", "Authorization: Bearer " + rw,
                 "-F", "file=@%s;type=text/csv" % path,
                 "http://127.0.0.1:%d%s/%s/uploadFile" % (dev.http_port, COLL, sid)],
                capture_output=True, timeout=60, check=True).stdout
            assert out.rsplit(b"\n", 1)[1] == b"200", out
            acked(dev)[sid][name] = csv_text(rows)
            sizes.append(len(csv_text(rows)))
        else:
            r, body = upload(dev, rw, COLL, sid, name, csv_text(rows))
            assert r.status == 200, body
            sizes.append(len(csv_text(rows)) + 2)
    r, body = req(dev, "PATCH", COLL + "/" + sid, rw, json.dumps({"isUploadDone": True}))
    assert r.status == 200, body
    doc = listing(dev, rw, COLL + "/" + sid)
    assert (doc["status"], doc["isUploadDone"]) == ("Complete", True)
    assert doc["stats"] == {"filesUploaded": 3, "totalBytesUploaded": sum(sizes)}
    assert [f["name"] for f in doc["files"]] == ["doors-0.csv", "doors-1.csv", "doors-2.csv"]
    assert [f["size"] for f in doc["files"]] == sizes
    r, body = upload(dev, rw, COLL, sid, "late.csv", csv_text(1))
    check_error(r, body, 409, "Conflict")
    r, body = req(dev, "DELETE", COLL + "/" + sid, rw)
    assert r.status == 204 and body == b""
    del acked(dev)[sid]
    r, body = req(dev, "GET", COLL + "/" + sid, rw)
    check_error(r, body, 404, "ResourceNotFound")
    assert sid not in {s["id"] for p in follow(dev, rw, COLL) for s in p["value"]}


def test_reboot_keeps_everything_acknowledged(dev, rw):
    """A power cut (SIGKILL) in the middle of the run: every session and
    file acknowledged so far is listed again, each file byte for byte."""
    assert len(acked(dev)) >= len(made_names(dev)) + 3
    dev.kill()
    dev.start()
    listed = {s["id"]: s for p in follow(dev, rw, COLL + "?$top=20") for s in p["value"]}
    assert set(acked(dev)) <= set(listed), set(acked(dev)) - set(listed)
    for sid, files in acked(dev).items():
        assert {f["name"] for f in listed[sid]["files"]} == set(files), sid
        for name, data in files.items():
            r, body = req(dev, "GET", "%s/%s/files/%s/$value" % (COLL, sid, name), rw)
            assert r.status == 200 and body == data, (sid, name)
    check_no_fault(dev)
