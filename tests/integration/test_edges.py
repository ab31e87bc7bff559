"""Protocol edges from the hostile review (issue 10, items 5, 6, 7, 8 and
11), against the firmware in QEMU with clients nobody here wrote: Python's
http.client and raw sockets, curl, and python3-jwt for the tokens.

5.  A path segment or query option that is not UTF-8 is a 400 BadRequest
    naming it (U+FFFD for the bad bytes, a long one cut between characters,
    the closing "'." kept), the body strict JSON, the connection still
    serving.
6.  An invalid Host (RFC 9112 3.2, RFC 3986 3.2.2-3.2.3) or absolute-form
    authority is a 400; the usual valid ones still get the session.
7.  A fragment in the request-target (RFC 9112 3.2 has none) is a 400;
    curl strips fragments itself, so raw sockets send them.
8.  Another method with a body on a known path is a 405 with Allow (the
    method first), closed after; GET with a body keeps the contract's 400.
11. NumericDate claims with a fraction or an exponent are read (RFC 7519
    2), exp rounded down and nbf up; claim strings are decoded as JSON
    before use, so "\\u0020" separates scopes.
"""
import http.client
import json
import os
import socket
import subprocess
import time

import pytest

from conftest import provisioned_config
from test_http import PATH, SEED, check_error, get, raw, strict_json

FFFD = "\ufffd"
SEGMENT = "Resource not found for the segment '%s'."
ALLOW = "GET, HEAD, PATCH, DELETE"


def head(path, host="localhost", token=None, extra=""):
    """A request head with exactly these bytes (http.client would fix
    the Host and refuse a '#')."""
    auth = "Authorization: Bearer %s\r\n" % token if token else ""
    return ("GET %s HTTP/1.1\r\nHost: %s\r\n%s%s\r\n" % (path, host, auth, extra)).encode("latin-1")


def assert_session(r, body):
    assert r.status == 200, (r.status, body[:300])
    doc = strict_json(body)
    del doc["@odata.context"]
    assert doc == SEED


def still_serving(conn, device, token):
    """The same keep-alive connection answers the seed call next."""
    r, body = get(device, PATH, token, conn=conn)
    assert_session(r, body)


# ---- 5: bytes that are not UTF-8 ----------------------------------------------

@pytest.mark.parametrize("path,echo", [
    ("/beta/x%C0%AF", "x" + FFFD + FFFD),                          # overlong '/'
    ("/beta/identityGovernance/x%FF", "x" + FFFD),
    ("/beta/%ED%A0%80", FFFD * 3),                                 # a surrogate
    ("/beta/caf%C3%A9", "caf\u00e9"),                              # valid: kept
    (PATH + "/%FF", "%FF"),                                        # echoed as sent
])
def test_segment_not_utf8_is_400_naming_it(device, token, path, echo):
    c = device.http()
    try:
        r, body = get(device, path, token, conn=c)
        check_error(r, body, 400, "BadRequest", SEGMENT % echo)
        assert r.getheader("Connection") is None
        still_serving(c, device, token)
    finally:
        c.close()


def test_long_segment_is_cut_between_characters(device, token):
    c = device.http()
    try:
        r, body = get(device, "/beta/" + "%C3%A9" * 60, token, conn=c)
        err = check_error(r, body, 400, "BadRequest")
        msg = err["message"]
        prefix, suffix = SEGMENT.split("%s")
        assert msg.startswith(prefix) and msg.endswith(suffix), msg
        echoed = msg[len(prefix):-len(suffix)]
        assert 0 < len(echoed) < 60 and set(echoed) == {"\u00e9"}, echoed
        still_serving(c, device, token)
    finally:
        c.close()


@pytest.mark.parametrize("query,echo", [("$%FF=1", "$" + FFFD), ("%24sel%C0ct", "$sel" + FFFD + "ct")])
def test_query_option_not_utf8_is_400_naming_it(device, token, query, echo):
    c = device.http()
    try:
        r, body = get(device, PATH + "?" + query, token, conn=c)
        check_error(r, body, 400, "BadRequest",
                    "Query option '%s' is not supported for this request." % echo)
        still_serving(c, device, token)
    finally:
        c.close()


def test_curl_gets_valid_json_for_a_bad_segment(device):
    out = subprocess.run(["curl", "-sS", "--max-time", "10", "-w", "\n%{http_code}",
                          "http://127.0.0.1:%d/beta/x%%C0%%AF" % device.http_port],
                         capture_output=True, timeout=15)
    assert out.returncode == 0, out.stderr
    body, _, code = out.stdout.rpartition(b"\n")
    assert code == b"400"
    doc = strict_json(body)   # strict UTF-8 and JSON
    assert doc["error"]["message"] == SEGMENT % ("x" + FFFD + FFFD)


# ---- 6: Host and absolute-form authority -----------------------------------------

@pytest.mark.parametrize("host", ["localhost", "localhost:8080", "127.0.0.1:80", "[::1]:443",
                                  "uploadsession", "[::1]", "LocalHost:00080"])
def test_valid_host_gets_the_session(device, token, host):
    r, body = raw(device, head(PATH, host, token))
    assert_session(r, body)


@pytest.mark.parametrize("host", ["localhost:abc", "[::1", "local%zzhost", "localhost:",
                                  "localhost:65536", "localhost:99999999999", "[::1]:", "[]",
                                  "[::1]x", ":80", "a:1:2", "[fe80::1%25eth0]"])
def test_invalid_host_is_400(device, token, host):
    r, body = raw(device, head(PATH, host, token))
    check_error(r, body, 400, "BadRequest", "Invalid Host header.")
    assert r.getheader("Connection") == "close"


@pytest.mark.parametrize("authority", ["localhost:abc", "h:", "h:70000", "[::1", "lo%zz"])
def test_absolute_form_with_a_bad_authority_is_400(device, token, authority):
    r, body = raw(device, head("http://%s%s" % (authority, PATH), "localhost", token))
    check_error(r, body, 400, "BadRequest", "Invalid request target.")


def test_absolute_form_with_a_good_authority_gets_the_session(device, token):
    r, body = raw(device, head("http://[::1]:8080" + PATH, "localhost", token))
    assert_session(r, body)


def test_curl_with_an_ipv6_host_header(device, token):
    out = subprocess.run(["curl", "-sS", "--max-time", "10", "-H", "Host: [::1]:443",
                          "-H", "Authorization: Bearer " + token, "-w", "\n%{http_code}",
                          "http://127.0.0.1:%d%s" % (device.http_port, PATH)],
                         capture_output=True, timeout=15)
    assert out.returncode == 0, out.stderr
    body, _, code = out.stdout.rpartition(b"\n")
    assert code == b"200", body[:300]


# ---- 7: fragments ------------------------------------------------------------------

@pytest.mark.parametrize("target", [PATH + "#frag", PATH + "?x=1#frag", PATH + "#",
                                    "http://localhost" + PATH + "#frag"])
def test_fragment_in_the_target_is_400(device, token, target):
    r, body = raw(device, head(target, "localhost", token))
    check_error(r, body, 400, "BadRequest", "Invalid character in request target.")


def test_curl_strips_the_fragment_itself(device, token):
    """What a well-behaved client sends: no fragment, so the session."""
    out = subprocess.run(["curl", "-sS", "--max-time", "10", "-H", "Authorization: Bearer " + token,
                          "-w", "\n%{http_code}", "http://127.0.0.1:%d%s#frag" % (device.http_port, PATH)],
                         capture_output=True, timeout=15)
    assert out.returncode == 0, out.stderr
    assert out.stdout.rpartition(b"\n")[2] == b"200"


# ---- 8: the method before the body rule -----------------------------------------

@pytest.mark.parametrize("method", ["PUT", "POST"])
def test_other_method_with_a_body_is_405(device, token, method):
    c = device.http()
    try:
        c.request(method, PATH, body=b'{"isUploadDone":true}',
                  headers={"Authorization": "Bearer " + token, "Content-Type": "application/json"})
        r = c.getresponse()
        body = r.read()
    finally:
        c.close()
    check_error(r, body, 405, "methodNotAllowed", "The method is not supported for this URL.")
    assert r.getheader("Allow") == ALLOW
    assert r.getheader("Connection") == "close"   # the body was not read


def test_chunked_post_is_405(device, token):
    with socket.create_connection(("127.0.0.1", device.http_port), timeout=10) as s:
        s.sendall(b"POST " + PATH.encode() + b" HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                  b"Authorization: Bearer " + token.encode() + b"\r\n\r\n3\r\nabc\r\n0\r\n\r\n")
        r = http.client.HTTPResponse(s)
        r.begin()
        body = r.read()
    check_error(r, body, 405, "methodNotAllowed")
    assert r.getheader("Allow") == ALLOW


def test_curl_put_with_data_is_405(device, token):
    out = subprocess.run(["curl", "-sS", "--max-time", "10", "-X", "PUT", "--data", "x=1", "-D", "-",
                          "-H", "Authorization: Bearer " + token, "-o", "/dev/null",
                          "http://127.0.0.1:%d%s" % (device.http_port, PATH)],
                         capture_output=True, timeout=15)
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith(b"HTTP/1.1 405 "), out.stdout
    assert b"\r\nAllow: GET, HEAD, PATCH, DELETE\r\n" in out.stdout


def test_get_with_a_body_keeps_the_400(device, token):
    r, body = raw(device, head(PATH, "x", token, "Content-Length: 5\r\n") + b"hello")
    check_error(r, body, 400, "BadRequest", "A request body is not supported for this method.")
    assert r.getheader("Allow") is None


# ---- 11: JWT NumericDate and claim strings --------------------------------------

try:
    import jwt  # python3-jwt (tools/setup)
except ImportError:
    jwt = None


class Claims:
    """Tokens of the provisioned issuer (build/provision, as in
    test_jwt.py) whose claims set is exact JSON text, signed by
    python3-jwt's JWS layer."""

    def __init__(self):
        with open(provisioned_config(), "rb") as f:
            doc = json.loads(f.read().decode("utf-8"))
        self.cfg = doc["auth"]["jwt"]
        d = os.path.dirname(os.path.abspath(provisioned_config()))
        with open(os.path.join(d, "issuer-es256.key")) as f:
            self.key = f.read()

    def fields(self, **changes):
        now = int(time.time())
        c = {"aud": json.dumps(self.cfg["audience"]), "iss": json.dumps(self.cfg["issuer"]),
             "iat": str(now - 60), "nbf": str(now - 60), "exp": str(now + 3600),
             "tid": json.dumps(self.cfg["tenants"][0]) if self.cfg.get("tenants") else None,
             "scp": json.dumps("EntitlementManagement.Read.All")}
        c.update(changes)
        return "{" + ",".join('"%s":%s' % (k, v) for k, v in c.items() if v is not None) + "}"

    def token(self, text):
        tok = jwt.api_jws.PyJWS().encode(text.encode(), self.key, algorithm="ES256",
                                         headers={"kid": "dev-es256", "typ": "JWT"})
        return tok if isinstance(tok, str) else tok.decode("ascii")


@pytest.fixture(scope="module")
def claims():
    if jwt is None:
        pytest.skip("python3-jwt is not installed (tools/setup)")
    return Claims()


def exponent_form(v, e="e"):
    """v as one digit, a fraction and an exponent: 1767225600 ->
    1.767225600e9 (the same number)."""
    s = "%d" % v
    return "%s.%s%s%d" % (s[0], s[1:], e, len(s) - 1)


@pytest.mark.parametrize("changes", [
    lambda now: {"exp": "%d.5" % (now + 3600)},
    lambda now: {"exp": exponent_form(now + 3600)},
    lambda now: {"exp": exponent_form(now + 3600, "E+")},
    lambda now: {"nbf": "%d.25" % (now - 61), "iat": "%d.75" % (now - 61)},
    lambda now: {"iat": "1.5e9"},
], ids=["exp-fraction", "exp-exponent", "exp-exponent-E+", "nbf-iat-fractions", "iat-exponent"])
def test_numericdate_with_a_fraction_or_exponent_is_200(device, claims, changes):
    text = claims.fields(**changes(int(time.time())))
    r, body = get(device, PATH, claims.token(text))
    assert_session(r, body)


@pytest.mark.parametrize("changes", [
    lambda now: {"exp": "%d.5" % (now - 401)},     # past the 300 s skew
    lambda now: {"nbf": "%d.5" % (now + 400)},
    lambda now: {"exp": "1e400"},                  # outside int64
    lambda now: {"exp": '"%d"' % (now + 3600)},    # a string is no NumericDate
], ids=["expired-fraction", "nbf-fraction-ahead", "exp-out-of-range", "exp-string"])
def test_numericdate_refusals_are_401(device, claims, changes):
    text = claims.fields(**changes(int(time.time())))
    r, body = get(device, PATH, claims.token(text))
    check_error(r, body, 401, "InvalidAuthenticationToken", "Access token validation failure.")


@pytest.mark.parametrize("scp", [
    '"openid\\u0020EntitlementManagement.Read.All"',
    '"Entitlement\\u004Danagement.Read.All"',
    '"User.Read\\u0020\\u0045ntitlementManagement.ReadWrite.All\\u0020openid"',
], ids=["escaped-space", "escaped-letter", "escaped-space-and-letter"])
def test_scp_is_decoded_before_it_is_split(device, claims, scp):
    r, body = get(device, PATH, claims.token(claims.fields(scp=scp)))
    assert_session(r, body)


def test_scp_glued_by_an_escaped_tab_is_403(device, claims):
    scp = '"openid\\tEntitlementManagement.Read.All"'
    r, body = get(device, PATH, claims.token(claims.fields(scp=scp)))
    check_error(r, body, 403, "accessDenied", "Insufficient privileges to complete the operation.")


def test_iss_aud_and_tid_are_decoded(device, claims):
    if not claims.cfg.get("tenants"):
        pytest.skip("the configuration names no tenant")

    def escaped(s):
        # Every '/' as "\/" and the first letter as a \u escape: the same
        # string to any JSON reader.
        out = json.dumps(s).replace("/", "\\/")
        return out[0] + "\\u%04x" % ord(out[1]) + out[2:]
    text = claims.fields(iss=escaped(claims.cfg["issuer"]),
                         aud="[\"x\",%s]" % escaped(claims.cfg["audience"]),
                         tid=escaped(claims.cfg["tenants"][0]))
    assert json.loads(text)["iss"] == claims.cfg["issuer"]
    r, body = get(device, PATH, claims.token(text))
    assert_session(r, body)


def test_device_survived_the_edges(device, token):
    r, body = get(device, PATH, token)
    assert_session(r, body)
    log = device.uart()
    assert "FAULT" not in log and "ASSERT" not in log
