"""The Graph GET endpoint in QEMU, spoken to by curl and Python's
http.client/json: the seed call, the contract's headers, keep-alive,
pipelining, and every row of the contract's error table."""
import email.utils
import http.client
import json
import re
import socket
import subprocess
import time

import pytest

from conftest import BOARD

CAT = "73eb2497-3b88-4c0a-8bb3-68ba8162beff"
RES = "99ab2454-3b88-4c0a-8bb3-68ba8162beff"
SES = "23f27c15-72f9-45fe-9e9c-e3d8f75bdc44"
PATH = ("/beta/identityGovernance/entitlementManagement/accessPackageCatalogs/%s"
        "/accessPackageResources/%s/uploadSessions/%s" % (CAT, RES, SES))
# The seed's example object (its trailing comma fixed), in the seed's order.
SEED = {
    "id": SES,
    "status": "Complete",
    "isUploadDone": True,
    "stats": {"filesUploaded": 1, "totalBytesUploaded": 2000000},
    "files": [{"name": "building-a-access.csv", "size": 2000000,
               "uploadedDateTime": "2024-03-06T01:35:12.123Z"}],
    "createdDateTime": "2024-03-06T01:35:12.123Z",
    "expirationDateTime": "2024-03-07T01:35:12.123Z",
}
CONTEXT = ("https://graph.microsoft.com/beta/$metadata#identityGovernance/entitlementManagement/"
           "accessPackageCatalogs('%s')/accessPackageResources('%s')/uploadSessions/$entity" % (CAT, RES))
ODATA_CT = ("application/json;odata.metadata=minimal;odata.streaming=true;"
            "IEEE754Compatible=false;charset=utf-8")
UUID4 = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


def strict_json(body):
    """Parse strictly: duplicate keys and non-finite numbers are errors."""
    def no_dups(pairs):
        keys = [k for k, _ in pairs]
        assert len(keys) == len(set(keys)), "duplicate keys %r" % keys
        return dict(pairs)

    def no_constants(name):
        raise AssertionError("non-JSON constant %s" % name)

    text = body.decode("utf-8")
    return json.loads(text, object_pairs_hook=no_dups, parse_constant=no_constants)


def get(dev, path, token=None, headers=None, method="GET", conn=None):
    c = conn or dev.http()
    h = dict(headers or {})
    if token is not None:
        h["Authorization"] = "Bearer " + token
    c.request(method, path, headers=h)
    r = c.getresponse()
    body = r.read()
    if conn is None:
        c.close()
    return r, body


def check_common_headers(r, body, clock_set=True):
    assert int(r.getheader("Content-Length")) == len(body)
    rid = r.getheader("request-id")
    assert UUID4.match(rid), rid
    assert r.getheader("client-request-id")
    date = email.utils.parsedate_to_datetime(r.getheader("Date"))
    if clock_set:
        # The runner gives the device the host's time as its clock floor.
        assert abs(date.timestamp() - time.time()) < 120
    assert r.getheader("Strict-Transport-Security") is None  # plain HTTP


def check_error(r, body, status, code, message=None, clock_set=True):
    assert r.status == status, (r.status, body)
    assert r.getheader("Content-Type") == "application/json"
    check_common_headers(r, body, clock_set)
    doc = strict_json(body)
    assert list(doc) == ["error"]
    err = doc["error"]
    assert list(err) == ["code", "message", "innerError"]
    assert err["code"] == code
    if message is not None:
        assert err["message"] == message, err["message"]
    inner = err["innerError"]
    assert list(inner) == ["date", "request-id", "client-request-id"]
    assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$", inner["date"])
    assert inner["request-id"] == r.getheader("request-id")
    assert inner["client-request-id"] == r.getheader("client-request-id")
    return err


def test_seed_call_returns_the_seed_object(device, token):
    r, body = get(device, PATH, token)
    assert r.status == 200, body
    assert r.getheader("Content-Type") == ODATA_CT
    assert r.getheader("Cache-Control") == "no-store"
    check_common_headers(r, body)
    assert r.getheader("client-request-id") == r.getheader("request-id")
    doc = strict_json(body)
    assert list(doc) == ["@odata.context"] + list(SEED)
    assert doc["@odata.context"] == CONTEXT
    del doc["@odata.context"]
    assert doc == SEED
    # Byte for byte: compact, in the seed's order.
    prefix = b'{"@odata.context":' + json.dumps(CONTEXT).encode() + b","
    assert body == prefix + json.dumps(SEED, separators=(",", ":")).encode()[1:]


def test_curl_gets_the_seed_object(device, token):
    out = subprocess.run(
        ["curl", "-s", "-S", "--max-time", "10", "-D", "-", "-H", "Authorization: Bearer " + token,
         "-H", "client-request-id: curl-check-1", "http://127.0.0.1:%d%s" % (device.http_port, PATH)],
        capture_output=True, check=True)
    head, _, body = out.stdout.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200 OK")
    assert b"\r\nclient-request-id: curl-check-1" in head
    doc = strict_json(body)
    del doc["@odata.context"]
    assert doc == SEED


def test_client_request_id_is_echoed(device, token):
    r, body = get(device, PATH, token, {"client-request-id": "5f0d3c1a-1111-4222-8333-944445555666"})
    assert r.status == 200
    assert r.getheader("client-request-id") == "5f0d3c1a-1111-4222-8333-944445555666"
    assert r.getheader("request-id") != r.getheader("client-request-id")


def test_request_ids_are_fresh(device, token):
    ids = {get(device, PATH, token)[0].getheader("request-id") for _ in range(5)}
    assert len(ids) == 5


@pytest.mark.parametrize("path", [
    PATH[len("/beta"):],                                    # the seed's bare path
    PATH.replace("/entitlementManagement/accessPackageCatalogs/", "/catalogs/"),
    "/beta/identityGovernance/entitlementManagement/accessPackageCatalogs('%s')"
    "/accessPackageResources('%s')/uploadSessions('%s')" % (CAT, RES, SES),
    PATH.replace("identityGovernance", "IDENTITYGOVERNANCE").replace("uploadSessions", "uploadsessions"),
    PATH.replace(SES, SES.replace("-", "%2D")),
    PATH + "?foo=bar&x",                                    # non-$ parameters are ignored
])
def test_route_aliases(device, token, path):
    r, body = get(device, path, token)
    assert r.status == 200, (path, body)
    assert strict_json(body)["id"] == SES


def test_head_has_the_get_headers_and_no_body(device, token):
    g, gbody = get(device, PATH, token)
    c = device.http()
    c.request("HEAD", PATH, headers={"Authorization": "Bearer " + token})
    r = c.getresponse()
    assert r.status == 200
    assert r.read() == b""
    assert int(r.getheader("Content-Length")) == len(gbody)
    assert r.getheader("Content-Type") == ODATA_CT
    # The connection is still usable after a HEAD.
    c.request("GET", PATH, headers={"Authorization": "Bearer " + token})
    r2 = c.getresponse()
    assert r2.status == 200 and r2.read() == gbody
    c.close()


def test_100_requests_on_one_keep_alive_connection(device, token):
    c = device.http()
    for i in range(100):
        r, body = get(device, PATH, token, {"client-request-id": "ka-%d" % i}, conn=c)
        assert r.status == 200
        assert r.getheader("client-request-id") == "ka-%d" % i
        assert strict_json(body)["id"] == SES
    c.close()


class _SharedReader:
    """Lets http.client parse several responses from one buffered stream
    (it closes its file after each body; this one stays open)."""
    class _Keep:
        def __init__(self, f):
            self.f = f

        def __getattr__(self, name):
            return getattr(self.f, name)

        def close(self):
            pass

    def __init__(self, f):
        self.f = self._Keep(f)

    def makefile(self, *a, **k):
        return self.f


def test_10_pipelined_requests_in_one_write(device, token):
    reqs = b"".join(
        b"GET " + PATH.encode() + b" HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token.encode()
        + b"\r\nclient-request-id: pipe-%d\r\n\r\n" % i for i in range(10))
    with socket.create_connection(("127.0.0.1", device.http_port), timeout=10) as s:
        s.sendall(reqs)
        f = s.makefile("rb")
        for i in range(10):
            r = http.client.HTTPResponse(_SharedReader(f))
            r.begin()
            body = r.read()
            assert r.status == 200
            assert r.getheader("client-request-id") == "pipe-%d" % i   # in order
            assert strict_json(body)["id"] == SES


def test_http_10_closes(device, token):
    with socket.create_connection(("127.0.0.1", device.http_port), timeout=10) as s:
        s.sendall(b"GET " + PATH.encode() + b" HTTP/1.0\r\nAuthorization: Bearer " + token.encode() + b"\r\n\r\n")
        data = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200 OK")
    assert b"\r\nConnection: close" in head
    assert strict_json(body)["id"] == SES


# ---- the contract's error table -------------------------------------------

def test_401_without_token(device):
    r, body = get(device, PATH)
    check_error(r, body, 401, "InvalidAuthenticationToken", "Access token is empty.")
    assert r.getheader("WWW-Authenticate") == 'Bearer realm="uploadsession-device"'


def test_401_with_a_wrong_token(device, token):
    r, body = get(device, PATH, token + "x")
    check_error(r, body, 401, "InvalidAuthenticationToken", "Access token validation failure.")
    assert r.getheader("WWW-Authenticate") == 'Bearer realm="uploadsession-device", error="invalid_token"'


def test_400_unknown_segment(device, token):
    r, body = get(device, PATH.replace("accessPackageResources", "accessPackageThings"), token)
    check_error(r, body, 400, "BadRequest", "Resource not found for the segment 'accessPackageThings'.")


def test_400_beta_segments_under_v1(device, token):
    """/v1.0 has its own path family (catalogs/{c}/resources/{r}): the beta
    segment names are unknown there, named as Graph names them."""
    r, body = get(device, "/v1.0" + PATH[len("/beta"):], token)
    check_error(r, body, 400, "BadRequest", "Resource not found for the segment 'accessPackageCatalogs'.")
    r, body = get(device, "/v2.0" + PATH[len("/beta"):], token)
    check_error(r, body, 400, "BadRequest", "Resource not found for the segment 'v2.0'.")


@pytest.mark.parametrize("which,path", [
    ("accessPackageCatalog", PATH.replace(CAT, "00000000-0000-0000-0000-000000000000")),
    ("accessPackageResource", PATH.replace(RES, "00000000-0000-0000-0000-000000000000")),
    ("uploadSession", PATH.replace(SES, "00000000-0000-0000-0000-000000000000")),
])
def test_404_names_what_is_missing(device, token, which, path):
    r, body = get(device, path, token)
    err = check_error(r, body, 404, "ResourceNotFound")
    assert which in err["message"] and "00000000-0000-0000-0000-000000000000" in err["message"]


@pytest.mark.parametrize("method", ["POST", "PUT", "OPTIONS"])
def test_405_with_allow(device, token, method):
    r, body = get(device, PATH, token, method=method)
    check_error(r, body, 405, "methodNotAllowed", "The method is not supported for this URL.")
    assert r.getheader("Allow") == "GET, HEAD, PATCH, DELETE"


def test_400_body_on_get(device, token):
    with socket.create_connection(("127.0.0.1", device.http_port), timeout=10) as s:
        s.sendall(b"GET " + PATH.encode() + b" HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                  + token.encode() + b"\r\nContent-Length: 5\r\n\r\nhello")
        r = http.client.HTTPResponse(s)
        r.begin()
        body = r.read()
    check_error(r, body, 400, "BadRequest", "A request body is not supported for this method.")


def test_400_transfer_encoding_on_get(device, token):
    r, body = get(device, PATH, token, {"Transfer-Encoding": "chunked"})
    check_error(r, body, 400, "BadRequest", "A request body is not supported for this method.")


@pytest.mark.parametrize("query,name", [("$select=id", "$select"), ("select=id", "select"),
                                        ("$EXPAND=x", "$EXPAND=x"), ("a=1&%24top=3", "$top")])
def test_400_query_options(device, token, query, name):
    """An option the session does not take is named; $expand it takes,
    but only =files: the value is named."""
    r, body = get(device, PATH + "?" + query, token)
    err = check_error(r, body, 400, "BadRequest")
    assert "'%s'" % name in err["message"]


def test_seed_get_with_expand_files_is_the_seed(device, token):
    r, body = get(device, PATH + "?$expand=files", token)
    assert r.status == 200 and strict_json(body) == strict_json(get(device, PATH, token)[1])


def raw(device, data, timeout=10):
    with socket.create_connection(("127.0.0.1", device.http_port), timeout=timeout) as s:
        s.sendall(data)
        r = http.client.HTTPResponse(s)
        r.begin()
        return r, r.read()


def test_400_missing_host(device, token):
    r, body = raw(device, b"GET " + PATH.encode() + b" HTTP/1.1\r\nAuthorization: Bearer "
                  + token.encode() + b"\r\n\r\n")
    check_error(r, body, 400, "BadRequest")


def test_400_duplicate_host(device):
    r, body = raw(device, b"GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n")
    check_error(r, body, 400, "BadRequest")


def test_400_bad_percent_encoding(device, token):
    r, body = get(device, PATH.replace(SES, "%zz"), token)
    check_error(r, body, 400, "BadRequest")


def test_400_control_byte_in_id(device, token):
    r, body = get(device, PATH.replace(SES, "%01abc"), token)
    check_error(r, body, 400, "BadRequest")


def test_505_http_version(device):
    r, body = raw(device, b"GET / HTTP/2.0\r\nHost: x\r\n\r\n")
    check_error(r, body, 505, "BadRequest")


def test_414_long_uri(device, token):
    r, body = get(device, PATH + "?x=" + "a" * 2000, token)
    check_error(r, body, 414, "BadRequest")


def test_431_too_many_headers(device, token):
    r, body = get(device, PATH, token, {"X-H%d" % i: "v" for i in range(40)})
    check_error(r, body, 431, "BadRequest")


def test_431_header_block_too_large(device, token):
    r, body = get(device, PATH, token, {"X-Big": "v" * 5000})
    check_error(r, body, 431, "BadRequest")


def test_400_bad_client_request_id(device, token):
    r, body = get(device, PATH, token, {"client-request-id": "x" * 65})
    check_error(r, body, 400, "BadRequest")


def test_408_for_a_stalled_head_then_close(device, token):
    with socket.create_connection(("127.0.0.1", device.http_port), timeout=15) as s:
        s.sendall(b"GET " + PATH.encode() + b" HTTP/1.1\r\nHost: x\r\n")
        t0 = time.monotonic()
        r = http.client.HTTPResponse(s)
        r.begin()
        body = r.read()
        waited = time.monotonic() - t0
        check_error(r, body, 408, "requestTimeout")
        assert 4.0 < waited < 12.0, waited
        assert s.recv(1) == b""   # closed


def test_503_when_the_pool_is_full_then_recovers(device, token):
    held = []
    try:
        # APP_HTTP_MAX_CONNS slots, each held by an idle keep-alive client.
        # A slot an earlier test's client just closed may take a moment to
        # free: retry a 503 on the way to 4, but never more than 2 s.
        deadline = time.monotonic() + 2
        while len(held) < 4:
            c = device.http()
            r, _ = get(device, PATH, token, conn=c)
            if r.status == 503 and time.monotonic() < deadline:
                c.close()
                time.sleep(0.1)
                continue
            assert r.status == 200
            held.append(c)
        r, body = get(device, PATH, token)
        check_error(r, body, 503, "serviceNotAvailable")
        assert int(r.getheader("Retry-After")) >= 1
    finally:
        for c in held:
            c.close()
    for _ in range(50):
        r, body = get(device, PATH, token)
        if r.status == 200:
            break
        time.sleep(0.1)
    assert r.status == 200


def test_device_survived_everything(device, token):
    """Runs last in this file: a good request still works and the device
    never rebooted."""
    r, body = get(device, PATH, token)
    assert r.status == 200
    log = device.uart()
    assert log.count("boot " + BOARD) == 1, log[-3000:]
    assert "http GET" in log and " 200 " in log


def test_unprovisioned_device_answers_503(tmp_path, token):
    from conftest import Device
    dev = Device(str(tmp_path), config="")
    dev.start()
    try:
        r, body = get(dev, PATH, token)
        # No configuration means no clock floor either: Date is only checked
        # for its form.
        check_error(r, body, 503, "serviceNotAvailable", "The device is not provisioned.", clock_set=False)
        assert int(r.getheader("Retry-After")) > 0
        assert "config: none in the config partition" in dev.uart()
    finally:
        dev.stop()


def test_connection_close_is_honoured(device, token):
    with socket.create_connection(("127.0.0.1", device.http_port), timeout=10) as s:
        s.sendall(b"GET " + PATH.encode() + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                  b"Authorization: Bearer " + token.encode() + b"\r\n\r\n")
        data = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:      # the device closed after the response
                break
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200 OK")
    assert b"\r\nConnection: close" in head
    assert strict_json(body)["id"] == SES
