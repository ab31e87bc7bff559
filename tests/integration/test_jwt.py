"""Bearer JWTs validated on the device (auth.jwt), spoken to with tokens
that python3-jwt (an implementation nobody here wrote) mints from the
provisioned issuer keys (tools/provision init: issuer-es256.key, kid
"dev-es256"; issuer-rs256.key, kid "dev-rs256"), with iss, aud and tid
taken from the provisioned configuration.

Good tokens of both algs, application roles, the audience as an array and
the configured skew answer 200; every claim failing alone, a tampered
payload, alg "none", HMAC keyed with a public key, an unknown kid and a
kid naming a key of the other alg answer 401 InvalidAuthenticationToken
with WWW-Authenticate error="invalid_token"; a valid token without the
permission answers 403 accessDenied. A second device with
auth.staticTokensEnabled false refuses the static token and takes JWTs.
"""
import base64
import hashlib
import hmac
import json
import os
import time

import pytest

from conftest import ROOT, provisioned_config
from test_http import PATH, SEED, check_error, get, strict_json
from test_tls import https_get

jwt = pytest.importorskip("jwt")  # python3-jwt (tools/setup)

READ_ALL = "EntitlementManagement.Read.All"
READ_WRITE_ALL = "EntitlementManagement.ReadWrite.All"
DENIED = "Insufficient privileges to complete the operation."
ALGS = {"ES256": ("issuer-es256.key", "issuer-es256.pub.pem", "dev-es256"),
        "RS256": ("issuer-rs256.key", "issuer-rs256.pub.pem", "dev-rs256")}
OTHER_TENANT = "00000000-0000-0000-0000-000000000001"


# ---- the provisioned issuer ---------------------------------------------------

class Issuer:
    """The provisioned configuration's auth section and the issuer keys
    next to it (build/provision/)."""

    def __init__(self, config_path):
        with open(config_path, "rb") as f:
            self.doc = json.loads(f.read().decode("utf-8"))
        self.auth = self.doc["auth"]
        assert isinstance(self.auth.get("jwt"), dict), \
            "%s has no auth.jwt (make provision adds it)" % config_path
        cfg = self.auth["jwt"]
        self.realm = self.auth["realm"]
        self.iss = cfg["issuer"]
        self.aud = cfg["audience"]
        self.tenants = cfg.get("tenants", [])
        self.dir = os.path.dirname(os.path.abspath(config_path))
        if not os.path.exists(os.path.join(self.dir, ALGS["ES256"][0])):
            self.dir = os.path.join(ROOT, "build", "provision")

    def path(self, name):
        return os.path.join(self.dir, name)

    def private_key(self, alg):
        with open(self.path(ALGS[alg][0])) as f:
            return f.read()

    def public_pem(self, alg):
        with open(self.path(ALGS[alg][1]), "rb") as f:
            return f.read()

    def claims(self, **changes):
        """Claims of a good token (Read.All in scp, valid from now for an
        hour); a change to None leaves that claim out."""
        now = int(time.time())
        c = {"aud": self.aud, "iss": self.iss, "iat": now, "nbf": now, "exp": now + 3600,
             "tid": self.tenants[0] if self.tenants else OTHER_TENANT, "scp": READ_ALL}
        c.update(changes)
        return {k: v for k, v in c.items() if v is not None}

    def mint(self, alg="ES256", kid=None, headers=None, **changes):
        """A token signed by python3-jwt with the provisioned key of alg,
        header kid of that key unless kid is given."""
        h = {"kid": kid or ALGS[alg][2], "typ": "JWT"}
        h.update(headers or {})
        token = jwt.encode(self.claims(**changes), self.private_key(alg), algorithm=alg, headers=h)
        return token if isinstance(token, str) else token.decode("ascii")


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_json(obj):
    return b64url(json.dumps(obj, separators=(",", ":")).encode())


def unb64url(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@pytest.fixture(scope="module")
def issuer():
    return Issuer(provisioned_config())


@pytest.fixture(scope="module")
def jwt_device(device, issuer):
    """The session device, once it says it validates JWTs of the
    provisioned issuer."""
    log = device.uart()
    n = len(issuer.auth["jwt"]["keys"])
    line = "auth: jwt %s with %d key(s)" % (issuer.iss, n)
    assert line in log, "boot log lacks %r:\n%s" % (line, log[-2000:])
    return device


def assert_ok(r, body):
    assert r.status == 200, (r.status, body[:300])
    doc = strict_json(body)
    del doc["@odata.context"]
    assert doc == SEED


def assert_invalid(issuer, r, body):
    check_error(r, body, 401, "InvalidAuthenticationToken")
    assert r.getheader("WWW-Authenticate") == \
        'Bearer realm="%s", error="invalid_token"' % issuer.realm


# ---- accepted -------------------------------------------------------------------

def test_boot_log_names_the_issuer(jwt_device):
    pass


@pytest.mark.parametrize("alg", ["ES256", "RS256"])
def test_valid_token_is_200(jwt_device, issuer, alg):
    r, body = get(jwt_device, PATH, issuer.mint(alg))
    assert_ok(r, body)


def test_application_roles_read_write_is_200(jwt_device, issuer):
    token = issuer.mint("RS256", scp=None, roles=[READ_WRITE_ALL])
    r, body = get(jwt_device, PATH, token)
    assert_ok(r, body)


def test_delegated_read_write_among_other_scopes_is_200(jwt_device, issuer):
    token = issuer.mint(scp="User.Read %s openid" % READ_WRITE_ALL)
    r, body = get(jwt_device, PATH, token)
    assert_ok(r, body)


def test_audience_as_array_is_200(jwt_device, issuer):
    token = issuer.mint(aud=["api://someone-else", issuer.aud])
    r, body = get(jwt_device, PATH, token)
    assert_ok(r, body)


@pytest.mark.parametrize("changes", [
    {"exp": -60, "iat": -7200, "nbf": -7200},   # expired a minute ago
    {"nbf": 60},                                # valid in a minute
], ids=["exp-60s", "nbf+60s"])
def test_within_the_configured_skew_is_200(jwt_device, issuer, changes):
    now = int(time.time())
    token = issuer.mint(**{k: now + v for k, v in changes.items()})
    r, body = get(jwt_device, PATH, token)
    assert_ok(r, body)


def test_keep_alive_connection_with_one_token(jwt_device, issuer):
    token = issuer.mint("RS256")
    c = jwt_device.http()
    try:
        t0 = time.monotonic()
        for _ in range(20):
            r, body = get(jwt_device, PATH, token, conn=c)
            assert_ok(r, body)
        assert time.monotonic() - t0 < 30
    finally:
        c.close()


def test_valid_token_over_https(https_device, jwt_device, issuer):
    r, body = https_get(https_device, token=issuer.mint("ES256"))
    assert r.status == 200, body[:300]
    assert strict_json(body)["id"] == SEED["id"]


def test_static_token_still_works_by_default(jwt_device, issuer):
    with open(issuer.path("dev-static-token")) as f:
        static = f.read().strip()
    r, body = get(jwt_device, PATH, static)
    assert_ok(r, body)


# ---- refused: 401 -----------------------------------------------------------------

def test_expired_is_401(jwt_device, issuer):
    now = int(time.time())
    token = issuer.mint(iat=now - 7200, nbf=now - 7200, exp=now - 3600)
    r, body = get(jwt_device, PATH, token)
    assert_invalid(issuer, r, body)


def test_not_yet_valid_is_401(jwt_device, issuer):
    token = issuer.mint(nbf=int(time.time()) + 600)
    r, body = get(jwt_device, PATH, token)
    assert_invalid(issuer, r, body)


@pytest.mark.parametrize("alg", ["ES256", "RS256"])
def test_wrong_audience_is_401(jwt_device, issuer, alg):
    r, body = get(jwt_device, PATH, issuer.mint(alg, aud="api://another-device"))
    assert_invalid(issuer, r, body)


def test_wrong_audience_array_is_401(jwt_device, issuer):
    token = issuer.mint(aud=["api://another-device", issuer.aud + "x"])
    r, body = get(jwt_device, PATH, token)
    assert_invalid(issuer, r, body)


@pytest.mark.parametrize("iss", ["https://login.microsoftonline.com/common/v2.0", "{iss}/",
                                 "{iss} "])
def test_wrong_issuer_is_401(jwt_device, issuer, iss):
    token = issuer.mint(iss=iss.format(iss=issuer.iss))
    r, body = get(jwt_device, PATH, token)
    assert_invalid(issuer, r, body)


def test_wrong_tenant_is_401(jwt_device, issuer):
    if not issuer.tenants:
        pytest.skip("the configuration has no tenant allow-list")
    assert OTHER_TENANT not in issuer.tenants
    r, body = get(jwt_device, PATH, issuer.mint(tid=OTHER_TENANT))
    assert_invalid(issuer, r, body)


@pytest.mark.parametrize("alg", ["ES256", "RS256"])
def test_tampered_payload_is_401(jwt_device, issuer, alg):
    head, payload, sig = issuer.mint(alg, scp="User.Read").split(".")
    claims = json.loads(unb64url(payload))
    claims["scp"] = READ_ALL  # what the holder would like to have
    r, body = get(jwt_device, PATH, ".".join([head, b64url_json(claims), sig]))
    assert_invalid(issuer, r, body)


@pytest.mark.parametrize("alg", ["ES256", "RS256"])
def test_flipped_signature_bit_is_401(jwt_device, issuer, alg):
    head, payload, sig = issuer.mint(alg).split(".")
    raw = bytearray(unb64url(sig))
    raw[len(raw) // 2] ^= 0x01
    r, body = get(jwt_device, PATH, ".".join([head, payload, b64url(bytes(raw))]))
    assert_invalid(issuer, r, body)


@pytest.mark.parametrize("kid", ["dev-es256", None])
def test_alg_none_is_401(jwt_device, issuer, kid):
    header = {"alg": "none", "typ": "JWT"}
    if kid:
        header["kid"] = kid
    for token in (b64url_json(header) + "." + b64url_json(issuer.claims()) + ".",
                  b64url_json(header) + "." + b64url_json(issuer.claims())):
        r, body = get(jwt_device, PATH, token)
        assert_invalid(issuer, r, body)


@pytest.mark.parametrize("alg,hmac_alg", [("RS256", "HS256"), ("ES256", "HS256"),
                                          ("RS256", "HS512")])
def test_hmac_keyed_with_the_public_key_is_401(jwt_device, issuer, alg, hmac_alg):
    """The classic alg confusion: HMAC over the token with the public key
    PEM (as published) as the secret, kid naming that key."""
    header = {"alg": hmac_alg, "typ": "JWT", "kid": ALGS[alg][2]}
    signing_input = b64url_json(header) + "." + b64url_json(issuer.claims())
    digest = hashlib.sha256 if hmac_alg == "HS256" else hashlib.sha512
    mac = hmac.new(issuer.public_pem(alg), signing_input.encode(), digest).digest()
    r, body = get(jwt_device, PATH, signing_input + "." + b64url(mac))
    assert_invalid(issuer, r, body)


def test_unknown_kid_is_401(jwt_device, issuer):
    r, body = get(jwt_device, PATH, issuer.mint("ES256", kid="dev-es256-rotated"))
    assert_invalid(issuer, r, body)


def test_missing_kid_is_401(jwt_device, issuer):
    token = jwt.encode(issuer.claims(), issuer.private_key("ES256"), algorithm="ES256")
    token = token if isinstance(token, str) else token.decode("ascii")
    assert "kid" not in jwt.get_unverified_header(token)
    r, body = get(jwt_device, PATH, token)
    assert_invalid(issuer, r, body)


def test_kid_of_the_other_alg_is_401(jwt_device, issuer):
    """Signed ES256 by the EC key, but naming the RSA key: the key's alg
    must match the token's."""
    r, body = get(jwt_device, PATH, issuer.mint("ES256", kid=ALGS["RS256"][2]))
    assert_invalid(issuer, r, body)


@pytest.mark.parametrize("drop", ["exp", "iss", "aud"])
def test_missing_required_claim_is_401(jwt_device, issuer, drop):
    r, body = get(jwt_device, PATH, issuer.mint(**{drop: None}))
    assert_invalid(issuer, r, body)


# ---- refused: 403 -----------------------------------------------------------------

@pytest.mark.parametrize("alg,changes", [
    ("ES256", {"scp": "User.Read"}),
    ("RS256", {"scp": None, "roles": ["User.Read.All"]}),
    ("ES256", {"scp": None}),
    ("ES256", {"scp": "EntitlementManagement.Read"}),          # a prefix is not the permission
], ids=["scp-User.Read", "roles-User.Read.All", "no-permission-claim", "scp-prefix"])
def test_missing_permission_is_403(jwt_device, issuer, alg, changes):
    r, body = get(jwt_device, PATH, issuer.mint(alg, **changes))
    check_error(r, body, 403, "accessDenied", DENIED)
    assert r.getheader("WWW-Authenticate") is None


# ---- static tokens switched off -------------------------------------------------------

@pytest.fixture(scope="module")
def no_static_device(device_with_config, issuer):
    auth = dict(issuer.auth, staticTokensEnabled=False)
    return device_with_config(auth=auth)


def test_static_tokens_off_refuses_the_static_token(no_static_device, issuer):
    with open(issuer.path("dev-static-token")) as f:
        static = f.read().strip()
    assert hashlib.sha256(static.encode()).hexdigest() in issuer.auth.get("staticTokens", [])
    r, body = get(no_static_device, PATH, static)
    assert_invalid(issuer, r, body)


@pytest.mark.parametrize("alg", ["ES256", "RS256"])
def test_static_tokens_off_takes_a_jwt(no_static_device, issuer, alg):
    r, body = get(no_static_device, PATH, issuer.mint(alg))
    assert_ok(r, body)
