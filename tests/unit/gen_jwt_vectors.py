#!/usr/bin/python3
"""Test vectors for firmware/auth/jwt.c: writes tests/unit/jwt_vectors.h.

Run by hand (not by make) after changing a case:

    /usr/bin/python3 tests/unit/gen_jwt_vectors.py

Tokens are minted by python3-jwt (an implementation nobody here wrote)
where it can express the case, and by hand (exact JSON bytes, signed with
python3-cryptography) where it cannot: duplicate members, 1e10, oversized
numbers, broken base64url. The issuer keys are fixed: the two RSA keys'
private PEM is at the end of this file, the EC keys derive from fixed
scalars, the keys that must be refused are built from fixed numbers. ES256
signatures are randomized (ECDSA), so a re-run changes the signatures of
the ES256 tokens, and nothing else.

Each case: name, token, verdict, device time, the exp jwt_check reports
(for JWT_OK and JWT_FORBIDDEN), and the first failed check's name
(jwt_check's *why).
"""
import base64
import hashlib
import hmac
import json
import os
import sys

import jwt
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "jwt_vectors.h")

NOW = 1760000000
SKEW = 300
ISSUER = "https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/v2.0"
AUDIENCE = "https://graph.microsoft.com"
TENANTS = ["72f988bf-86f1-41af-91ab-2d7cd011db47", "0b5d3a1e-6c2f-4e8a-9d71-3f0c2b4a5e6d"]
TOKEN_MAX = 3072  # APP_HTTP_TOKEN_MAX
READ = "EntitlementManagement.Read.All"
READWRITE = "EntitlementManagement.ReadWrite.All"

KID_EC = "ec-2025"
KID_RSA = "rsa-2025"
KID_RSA4K = "rsa4k-2025"


def b64u(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def b64u_int(v, length=None):
    if length is None:
        length = max(1, (v.bit_length() + 7) // 8)
    return b64u(v.to_bytes(length, "big"))


# ---- keys -------------------------------------------------------------------

EC_KEY = ec.derive_private_key(0x5EED1D5C0FFEE2025C0FFEE123456789ABCDEF0, ec.SECP256R1())
EC_P384 = ec.derive_private_key(0x5EED3840BAD, ec.SECP384R1())
EC_K1 = ec.derive_private_key(0x5EED2560BAD, ec.SECP256K1())
RSA_KEY = None    # from RSA2048_PRIVATE_PEM, in main()
RSA4K_KEY = None  # from RSA4096_PRIVATE_PEM


def pub_pem(key):
    return key.public_key().public_bytes(serialization.Encoding.PEM,
                                         serialization.PublicFormat.SubjectPublicKeyInfo).decode()


# A little DER, for keys python3-cryptography will not build.
def der_len(n):
    if n < 0x80:
        return bytes([n])
    b = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(b)]) + b


def tlv(tag, content):
    return bytes([tag]) + der_len(len(content)) + content


def der_int(v):
    b = v.to_bytes(max(1, (v.bit_length() + 7) // 8), "big")
    if b[0] & 0x80:
        b = b"\x00" + b
    return tlv(0x02, b)


OID_RSA = bytes.fromhex("2a864886f70d010101")
OID_EC = bytes.fromhex("2a8648ce3d0201")
OID_P256 = bytes.fromhex("2a8648ce3d030107")


def pem(der, label="PUBLIC KEY"):
    body = base64.b64encode(der).decode()
    lines = [body[i:i + 64] for i in range(0, len(body), 64)]
    return "-----BEGIN %s-----\n%s\n-----END %s-----\n" % (label, "\n".join(lines), label)


def rsa_spki(n, e):
    alg = tlv(0x30, tlv(0x06, OID_RSA) + tlv(0x05, b""))
    return tlv(0x30, alg + tlv(0x03, b"\x00" + tlv(0x30, der_int(n) + der_int(e))))


def ec_spki(point):
    alg = tlv(0x30, tlv(0x06, OID_EC) + tlv(0x06, OID_P256))
    return tlv(0x30, alg + tlv(0x03, b"\x00" + point))


def fixed_odd(bits, tag):
    """An odd number of exactly `bits` bits from a hash: a modulus shape."""
    out = b""
    i = 0
    while len(out) * 8 < bits:
        out += hashlib.sha256(b"%s-%d" % (tag.encode(), i)).digest()
        i += 1
    v = int.from_bytes(out, "big") >> (len(out) * 8 - bits)
    return v | (1 << (bits - 1)) | 1


def ec_xy(key):
    nums = key.public_key().public_numbers()
    size = (key.curve.key_size + 7) // 8
    return nums.x.to_bytes(size, "big"), nums.y.to_bytes(size, "big")


# ---- tokens -----------------------------------------------------------------

def keyfor(name):
    return {"ec": (EC_KEY, "ES256", KID_EC), "rsa": (RSA_KEY, "RS256", KID_RSA),
            "rsa4k": (RSA4K_KEY, "RS256", KID_RSA4K)}[name]


def claims(**kw):
    c = {"aud": AUDIENCE, "iss": ISSUER, "iat": NOW - 60, "nbf": NOW - 60, "exp": NOW + 3600,
         "tid": TENANTS[0], "oid": "5f1b0c52-8d3a-4c7e-9b21-6a4d2e8f0c13", "scp": READ,
         "ver": "2.0"}
    for k, v in kw.items():
        if v is DROP:
            c.pop(k, None)
        else:
            c[k] = v
    return c


DROP = object()


def mint(c, key="ec", headers=None):
    """python3-jwt's token for claims c."""
    k, alg, kid = keyfor(key)
    h = {"kid": kid}
    h.update(headers or {})
    return jwt.encode(c, k, algorithm=alg, headers=h)


def sign(alg, key, data):
    if alg == "ES256":
        r, s = decode_dss_signature(key.sign(data, ec.ECDSA(hashes.SHA256())))
        return r.to_bytes(32, "big") + s.to_bytes(32, "big")
    if alg == "RS256":
        return key.sign(data, padding.PKCS1v15(), hashes.SHA256())
    raise ValueError(alg)


def rsa_raw_sign(key, em):
    """RSASP1 (RFC 8017 5.2.1) of an encoded message we chose."""
    nums = key.private_numbers()
    return pow(int.from_bytes(em, "big"), nums.d, nums.public_numbers.n).to_bytes(
        len(em), "big")


def header_json(key="ec", **kw):
    k, alg, kid = keyfor(key)
    h = {"alg": alg, "kid": kid, "typ": "JWT"}
    h.update(kw)
    return json.dumps(h, separators=(",", ":"))


def raw(header, payload, key="ec"):
    """header and payload are exact JSON text (str or bytes)."""
    k, alg, _ = keyfor(key)
    if isinstance(header, str):
        header = header.encode()
    if isinstance(payload, str):
        payload = payload.encode()
    si = b64u(header) + "." + b64u(payload)
    return si + "." + b64u(sign(alg, k, si.encode()))


def claims_json(c):
    return json.dumps(c, separators=(",", ":"))


def parts(tok):
    return tok.split(".")


def flip_sig_bit(tok):
    h, p, s = parts(tok)
    sig = bytearray(base64.urlsafe_b64decode(s + "=" * (-len(s) % 4)))
    sig[len(sig) // 2] ^= 0x01
    return "%s.%s.%s" % (h, p, b64u(bytes(sig)))


def set_unused_bits(tok):
    """Set an unused low bit in the last character of a part whose length
    is not a multiple of 4 (non-canonical base64url, RFC 4648 3.5)."""
    ps = parts(tok)
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    for i in (0, 1):
        if len(ps[i]) % 4 in (2, 3):
            v = alphabet.index(ps[i][-1])
            ps[i] = ps[i][:-1] + alphabet[v | 1]
            return ".".join(ps)
    raise ValueError("no part with unused bits")


def jsmn_tokens(v):
    if isinstance(v, dict):
        return 1 + sum(1 + jsmn_tokens(x) for x in v.values())
    if isinstance(v, list):
        return 1 + sum(jsmn_tokens(x) for x in v)
    return 1


CASES = []


def case(name, tok, verdict, why, now=NOW, exp=NOW + 3600):
    if verdict == "JWT_INVALID":
        exp = 0
    CASES.append((name, tok, verdict, now, exp, why))


def ok(name, tok, **kw):
    case(name, tok, "JWT_OK", "ok", **kw)


def ok_rw(name, tok, **kw):
    """Valid, and grants writes too (ReadWrite.All)."""
    case(name, tok, "JWT_OK_WRITE", "ok", **kw)


def bad(name, tok, why, **kw):
    case(name, tok, "JWT_INVALID", why, **kw)


def forbidden(name, tok, **kw):
    case(name, tok, "JWT_FORBIDDEN", "no read permission", **kw)


def sized_token(total):
    """An ES256 token of exactly `total` characters: filler claim and a
    header member of chosen lengths."""
    for hpad in range(0, 4):
        hdr = header_json("ec", x="a" * hpad)
        for n in range(0, 3000):
            c = claims(filler="f" * n)
            tok = raw(hdr, claims_json(c))
            if len(tok) == total:
                return tok
            if len(tok) > total:
                break
    raise ValueError("no token of %d characters" % total)


def build_cases():
    exp = NOW + 3600
    good_ec = mint(claims())
    good_rsa = mint(claims(), "rsa")

    # -- valid
    ok("ES256, scp Read.All", good_ec)
    ok("RS256 RSA-2048, scp Read.All", good_rsa)
    ok("RS256 RSA-4096, scp Read.All", mint(claims(), "rsa4k"))
    ok_rw("roles ReadWrite.All (application), no scp",
       mint(claims(scp=DROP, roles=[READWRITE]), "rsa"))
    ok("roles Read.All among others",
       mint(claims(scp=DROP, roles=["User.Read.All", READ, "Group.Read.All"])))
    ok("scp Read.All among others", mint(claims(scp="User.Read %s Mail.Send" % READ)))
    ok_rw("scp ReadWrite.All, extra spaces", mint(claims(scp="  openid  %s " % READWRITE)))
    ok("aud array containing the audience",
       mint(claims(aud=["api://other", AUDIENCE]), "rsa"))
    ok("typ at+jwt (RFC 9068)", mint(claims(), headers={"typ": "at+jwt"}))
    ok("typ application/JWT", mint(claims(), headers={"typ": "application/JWT"}))
    ok("no typ, nbf or iat",
       raw('{"alg":"ES256","kid":"%s"}' % KID_EC, claims_json(claims(nbf=DROP, iat=DROP))))
    ok("second allowed tenant", mint(claims(tid=TENANTS[1])))
    ok("escapes in iss and scp",
       raw(header_json(), claims_json(claims()).replace("https://", "https:\\/\\/")
           .replace('"scp":"EntitlementManagement', '"scp":"\\u0045ntitlementManagement')))
    # Claims are JSON strings (RFC 7519 2): decoded before the scopes are
    # split, so an escaped space separates as a raw one does (regression:
    # "User.Read\u0020...Read.All" was a 403).
    ok("scp separated by an escaped space",
       raw(header_json(), claims_json(claims()).replace('"scp":"%s"' % READ,
                                                        '"scp":"User.Read\\u0020%s"' % READ)))
    ok("scp with an escaped letter",
       raw(header_json(), claims_json(claims(scp="x Entitlement\\u004Danagement.Read.All"))
           .replace("\\\\u004D", "\\u004D")))
    ok("escapes in aud (array) and tid",
       raw(header_json(), claims_json(claims(aud=["api://other", AUDIENCE]))
           .replace("https://graph", "https:\\/\\/\\u0067raph")
           .replace('"tid":"7', '"tid":"\\u0037')))
    forbidden("scp glued by an escaped tab (no separator)",
              raw(header_json(), claims_json(claims(scp="openid SEP" + READ)).replace(" SEP", "\\t")))
    ok("exp 299 s past, within skew", good_ec, now=exp + SKEW - 1)
    ok("exp 300 s past, at the skew", good_ec, now=exp + SKEW)
    ok("nbf 299 s ahead, within skew", good_ec, now=NOW - 60 - SKEW + 1)
    ok("nbf 300 s ahead, at the skew", good_ec, now=NOW - 60 - SKEW)
    ok("largest token, 3072 characters", sized_token(TOKEN_MAX))
    base = claims()
    filler = 96 - jsmn_tokens(base) - 2  # key "x" and its array
    c96 = claims(x=[0] * filler)
    assert jsmn_tokens(c96) == 96
    ok("claims of exactly 96 JSON tokens", mint(c96))
    hdr512 = header_json("ec", x5u="")
    hdr512 = header_json("ec", x5u="h" * (512 - len(hdr512)))
    assert len(hdr512) == 512
    ok("header of exactly 512 bytes", raw(hdr512, claims_json(claims())))
    ok("unknown claims and headers ignored",
       mint(claims(nonce="n", amr=["pwd", "mfa"], cnf={"a": {"b": [1, 2.5, None, True]}}),
            headers={"jku": "https://evil.example/keys", "x5u": "https://evil.example/c"}))

    # -- signatures
    bad("ES256 signature, one bit flipped", flip_sig_bit(good_ec), "ES256 signature bad")
    bad("RS256 RSA-2048 signature, one bit flipped", flip_sig_bit(good_rsa), "RS256 signature bad")
    bad("RS256 RSA-4096 signature, one bit flipped", flip_sig_bit(mint(claims(), "rsa4k")),
        "RS256 signature bad")
    h, p, s = parts(good_ec)
    other = parts(mint(claims(exp=NOW + 7200)))[1]
    bad("payload swapped (exp raised)", "%s.%s.%s" % (h, other, s), "ES256 signature bad")
    h, p, s = parts(good_rsa)
    other = parts(mint(claims(scp=READWRITE), "rsa"))[1]
    bad("RS256 payload swapped", "%s.%s.%s" % (h, other, s), "RS256 signature bad")
    si = h + "." + p
    der_sig = EC_KEY.sign((parts(good_ec)[0] + "." + parts(good_ec)[1]).encode(),
                          ec.ECDSA(hashes.SHA256()))
    bad("ES256 signature DER-encoded (not r||s)",
        parts(good_ec)[0] + "." + parts(good_ec)[1] + "." + b64u(der_sig), "signature length")
    bad("ES256 signature all zero", parts(good_ec)[0] + "." + parts(good_ec)[1] + "." +
        b64u(bytes(64)), "ES256 signature bad")
    sig = base64.urlsafe_b64decode(s + "==")
    bad("RS256 signature one byte short", si + "." + b64u(sig[1:]), "signature length")
    bad("RS256 signature one byte long", si + "." + b64u(b"\x00" + sig), "signature length")
    n = RSA_KEY.public_key().public_numbers().n
    bad("RS256 signature equal to n", si + "." + b64u_int(n, 256), "RS256 signature >= n")
    # Signatures made with the private key over a wrong encoded message
    # (RFC 8017 9.2), each with the right hash: only a comparison of the
    # whole EM refuses them all (Bleichenbacher 2006, and BERserk).
    cj0 = claims_json(claims())
    hdr_rsa = b64u(header_json("rsa").encode())
    si_rsa = hdr_rsa + "." + b64u(cj0.encode())
    digest = hashlib.sha256(si_rsa.encode()).digest()
    di = bytes.fromhex("3031300d060960864801650304020105000420")
    for what, em in (
            ("block type 02", b"\x00\x02" + b"\xff" * (256 - 3 - 51) + b"\x00" + di + digest),
            ("a padding byte FE", b"\x00\x01" + b"\xff" * 100 + b"\xfe" + b"\xff" * (256 - 3 - 51 - 101)
             + b"\x00" + di + digest),
            ("short padding, garbage before DigestInfo",
             b"\x00\x01" + b"\xff" * 8 + b"\x00" + b"\x42" * (256 - 3 - 51 - 8) + di + digest),
            ("DigestInfo without NULL parameters",
             b"\x00\x01" + b"\xff" * (256 - 3 - 49) + b"\x00"
             + bytes.fromhex("302f300b0609608648016503040201") + b"\x04\x20" + digest),
            ("the SHA-512 OID in DigestInfo",
             b"\x00\x01" + b"\xff" * (256 - 3 - 51) + b"\x00"
             + bytes.fromhex("3031300d060960864801650304020305000420") + digest)):
        assert len(em) == 256, what
        bad("RS256 EM with " + what, si_rsa + "." + b64u(rsa_raw_sign(RSA_KEY, em)),
            "RS256 signature bad")
    bad("RS256 signed by another RSA key (kid of RSA-2048, RSA-4096 signature)",
        raw(header_json("rsa4k", kid=KID_RSA), claims_json(claims()), "rsa4k"), "signature length")

    # -- claims, each failing alone
    bad("iss wrong", mint(claims(iss="https://sts.windows.net/evil/")), "iss wrong")
    bad("iss with a trailing slash", mint(claims(iss=ISSUER + "/")), "iss wrong")
    bad("iss missing", mint(claims(iss=DROP)), "iss missing")
    bad("iss a number", mint(claims(iss=42)), "iss not a string")
    bad("aud string wrong", mint(claims(aud="api://other")), "aud wrong")
    bad("aud array without the audience", mint(claims(aud=["api://a", "api://b"])), "aud wrong")
    bad("aud empty array", mint(claims(aud=[])), "aud wrong")
    bad("aud a number", mint(claims(aud=7)), "aud not a string or strings")
    bad("aud array with a number", mint(claims(aud=[AUDIENCE, 7])),
        "aud not a string or strings")
    bad("aud missing", mint(claims(aud=DROP)), "aud missing")
    bad("exp 301 s past (expired)", good_ec, "expired", now=exp + SKEW + 1)
    bad("nbf 301 s ahead (not yet valid)", good_ec, "not yet valid", now=NOW - 60 - SKEW - 1)
    bad("tid not in the allow list", mint(claims(tid="11111111-2222-3333-4444-555555555555")),
        "tid not allowed")
    bad("tid upper-case", mint(claims(tid=TENANTS[0].upper())), "tid not allowed")
    bad("tid missing", mint(claims(tid=DROP)), "tid missing")
    bad("tid a number", mint(claims(tid=1)), "tid not a string")
    bad("exp missing", mint(claims(exp=DROP)), "exp missing")
    bad("exp a string", mint(claims(exp=str(exp))), "exp not a number")
    bad("exp null", mint(claims(exp=None)), "exp not a number")
    cj = claims_json(claims())
    # NumericDate is any JSON number (RFC 7519 2): fractions and exponents
    # are read, exp rounded down and nbf up, so validity never grows.
    ok("exp 1e10", raw(header_json(), cj.replace('"exp":%d' % exp, '"exp":1e10')),
       exp=10000000000)
    ok("exp with a fraction (rounded down)",
       raw(header_json(), cj.replace('"exp":%d' % exp, '"exp":%d.5' % exp)))
    ok("exp with a fraction, at the skew", raw(header_json(), cj.replace('"exp":%d' % exp, '"exp":%d.999' % exp)),
       now=exp + SKEW)
    bad("exp with a fraction, past the skew", raw(header_json(), cj.replace('"exp":%d' % exp, '"exp":%d.999' % exp)),
        "expired", now=exp + SKEW + 1)
    ok("exp as mantissa and exponent", raw(header_json(), cj.replace('"exp":%d' % exp, '"exp":%se9' % (
        ("%d" % exp)[0] + "." + ("%d" % exp)[1:]))))
    ok("nbf with a fraction (rounded up), at the skew",
       raw(header_json(), cj.replace('"nbf":%d' % (NOW - 60), '"nbf":%d.001' % (NOW - 60))),
       now=NOW - 60 - SKEW + 1)
    bad("nbf with a fraction (rounded up), past the skew",
        raw(header_json(), cj.replace('"nbf":%d' % (NOW - 60), '"nbf":%d.001' % (NOW - 60))),
        "not yet valid", now=NOW - 60 - SKEW)
    bad("exp 99999999999999999999",
        raw(header_json(), cj.replace('"exp":%d' % exp, '"exp":99999999999999999999')),
        "exp out of range")
    bad("nbf a string", mint(claims(nbf=str(NOW))), "nbf not a number")
    bad("nbf -99999999999999999999",
        raw(header_json(), cj.replace('"nbf":%d' % (NOW - 60), '"nbf":-99999999999999999999')),
        "nbf out of range")
    bad("iat a string", mint(claims(iat="yesterday")), "iat not a number")
    ok("iat 1.5e9", raw(header_json(), cj.replace('"iat":%d' % (NOW - 60), '"iat":1.5e9')))
    bad("exp 1e400 (out of range)", raw(header_json(), cj.replace('"exp":%d' % exp, '"exp":1e400')),
        "exp out of range")
    bad("scp an array", mint(claims(scp=[READ])), "scp not a string")
    bad("roles a string", mint(claims(scp=DROP, roles=READ)), "roles not strings")
    bad("roles with a number", mint(claims(scp=DROP, roles=[READ, 5])), "roles not strings")
    ok("exp far future (int64 max)",
       raw(header_json(), cj.replace('"exp":%d' % exp, '"exp":9223372036854775807')),
       exp=9223372036854775807)

    # -- header
    pl = b64u(cj.encode())
    bad("alg none, unsigned (empty signature)",
        b64u(b'{"alg":"none","typ":"JWT"}') + "." + pl + ".", "token part empty")
    bad("alg none with a signature part",
        b64u(('{"alg":"none","kid":"%s"}' % KID_EC).encode()) + "." + pl + ".AAAA",
        "alg not ES256/RS256")
    hs_h = b64u(('{"alg":"HS256","kid":"%s","typ":"JWT"}' % KID_RSA).encode())
    secret = pub_pem(RSA_KEY).encode()
    hs_sig = hmac.new(secret, (hs_h + "." + pl).encode(), hashlib.sha256).digest()
    bad("HS256 keyed with the RSA public key PEM (alg confusion)",
        hs_h + "." + pl + "." + b64u(hs_sig), "alg not ES256/RS256")
    bad("alg ES256 with an RS256 kid", raw(header_json("ec", kid=KID_RSA), cj),
        "kid's key has another alg")
    bad("alg RS256 with an ES256 kid", raw(header_json("rsa", kid=KID_EC), cj, "rsa"),
        "kid's key has another alg")
    bad("unknown kid", mint(claims(), headers={"kid": "ec-2024"}), "kid unknown")
    bad("kid longer than 64 bytes", mint(claims(), headers={"kid": "k" * 65}), "kid unknown")
    bad("kid missing", raw('{"alg":"ES256","typ":"JWT"}', cj), "kid missing")
    bad("kid a number", raw('{"alg":"ES256","kid":1}', cj), "kid not a string")
    bad("crit present", mint(claims(), headers={"crit": ["exp"], "exp": 1}), "crit present")
    bad("crit with b64 false (RFC 7797)",
        raw(header_json(crit=["b64"], b64=False), cj), "crit present")
    bad("alg missing", raw('{"kid":"%s","typ":"JWT"}' % KID_EC, cj), "alg missing")
    bad("alg lower-case es256", raw(header_json("ec", alg="es256"), cj), "alg not ES256/RS256")
    bad("alg PS256", raw(header_json("rsa", alg="PS256"), cj, "rsa"), "alg not ES256/RS256")
    bad("alg ES384", raw(header_json("ec", alg="ES384"), cj), "alg not ES256/RS256")
    bad("alg a number", raw('{"alg":256,"kid":"%s"}' % KID_EC, cj), "alg not ES256/RS256")
    bad("typ JOSE", mint(claims(), headers={"typ": "JOSE"}), "typ not JWT")
    bad("duplicate alg in the header",
        raw('{"alg":"ES256","kid":"%s","alg":"none"}' % KID_EC, cj), "JSON duplicate member")
    bad("header a JSON array", raw('["ES256"]', cj), "JSON not an object")
    bad("header not JSON", raw("alg=ES256", cj), "JSON syntax")
    hdr513 = header_json("ec", x5u="")
    hdr513 = header_json("ec", x5u="h" * (513 - len(hdr513)))
    bad("header of 513 bytes", raw(hdr513, cj), "header too long")

    # -- base64url and structure
    h, p, s = parts(good_ec)
    bad("padding '=' after the header", h + "=." + p + "." + s, "header not base64url")
    bad("padding '=' after the signature", h + "." + p + "." + s + "==",
        "signature not base64url")
    i = 10
    bad("'+' in the payload", h + "." + p[:i] + "+" + p[i + 1:] + "." + s, "claims not base64url")
    bad("'/' in the payload", h + "." + p[:i] + "/" + p[i + 1:] + "." + s, "claims not base64url")
    bad("space in the payload", h + "." + p[:i] + " " + p[i:] + "." + s, "claims not base64url")
    bad("trailing newline", good_ec + "\n", "signature not base64url")
    bad("leading space", " " + good_ec, "header not base64url")
    bad("two parts", h + "." + p, "token not three parts")
    bad("four parts", good_ec + "." + s, "token not three parts")
    bad("five parts (JWE shape)", good_ec + ".AAAA.AAAA", "token not three parts")
    bad("empty header part", "." + p + "." + s, "token part empty")
    bad("empty payload part", h + ".." + s, "token part empty")
    bad("only dots", "..", "token part empty")
    bad("empty token", "", "token empty")
    bad("non-canonical base64url (unused bits set)", set_unused_bits(good_ec),
        "header not base64url" if len(h) % 4 in (2, 3) else "claims not base64url")
    bad("header of 4k+1 characters", h + ("A" if len(h) % 4 == 0 else "A" * (5 - len(h) % 4))
        + "." + p + "." + s, "header not base64url")
    bad("oversized token, 3073 characters", sized_token(TOKEN_MAX + 1), "token too long")

    # -- JSON
    deep = claims_json(claims())[:-1] + ',"deep":' + "[" * 40 + "]" * 40 + "}"
    bad("claims of depth 40", raw(header_json(), deep), "JSON too deep or too many tokens")
    c97 = claims(x=[0] * (filler + 1))
    assert jsmn_tokens(c97) == 97
    bad("claims of 97 JSON tokens", mint(c97), "JSON too deep or too many tokens")
    bad("duplicate exp", raw(header_json(), cj[:-1] + ',"exp":%d}' % (NOW + 999999)),
        "JSON duplicate member")
    bad("duplicate key in a nested object",
        raw(header_json(), cj[:-1] + ',"cnf":{"a":1,"b":{"c":1,"c":2}}}'), "JSON duplicate member")
    bad("duplicate via an escape (\\u0065xp)",
        raw(header_json(), cj[:-1] + ',"\\u0065xp":%d}' % (NOW + 999999)), "JSON duplicate member")
    bad("claims not JSON", raw(header_json(), "hello"), "JSON syntax")
    bad("claims a JSON array", raw(header_json(), "[1,2]"), "JSON not an object")
    bad("claims with trailing garbage", raw(header_json(), cj + "x"), "JSON syntax")
    bad("claims with a trailing comma", raw(header_json(), cj[:-1] + ",}"), "JSON syntax")
    bad("invalid UTF-8 in a claim", raw(header_json(), cj.encode()[:-1] + b',"name":"\xff"}'),
        "JSON string undecodable")
    bad("lone surrogate in a claim", raw(header_json(), cj[:-1] + ',"name":"\\ud800"}'),
        "JSON string undecodable")

    # -- permission
    forbidden("scp User.Read only", mint(claims(scp="User.Read")))
    forbidden("scp User.Read only, RS256", mint(claims(scp="User.Read"), "rsa"))
    forbidden("neither scp nor roles", mint(claims(scp=DROP)))
    forbidden("roles without the permission", mint(claims(scp=DROP, roles=["User.Read.All"])))
    forbidden("scp with a longer name", mint(claims(scp=READ + "X")))
    forbidden("scp permission in another case", mint(claims(scp=READ.lower())))
    forbidden("scp empty", mint(claims(scp="")))
    forbidden("scp a prefix of the permission", mint(claims(scp="EntitlementManagement.Read")))

    bad("no permission and a flipped signature bit",
        flip_sig_bit(mint(claims(scp="User.Read"))), "ES256 signature bad")
    bad("no permission and expired", mint(claims(scp="User.Read")), "expired",
        now=exp + SKEW + 1)


# ---- output -------------------------------------------------------------------

def c_str(s, indent="    ", width=88):
    """A C string literal, split into lines of at most `width` columns."""
    if isinstance(s, str):
        s = s.encode()
    pieces = []
    for b in s:
        c = chr(b)
        if c == "\\":
            pieces.append("\\\\")
        elif c == '"':
            pieces.append('\\"')
        elif c == "\n":
            pieces.append("\\n")
        elif 0x20 <= b < 0x7F:
            pieces.append(c)
        else:
            pieces.append("\\%03o" % b)
    lines = []
    cur = ""
    room = width - len(indent) - 2
    for p in pieces:
        if len(cur) + len(p) > room:
            lines.append(cur)
            cur = ""
        cur += p
        if p == "\\n" and len(pieces) > 1:
            lines.append(cur)
            cur = ""
    if cur or not lines:
        lines.append(cur)
    return ("\n" + indent).join('"%s"' % l for l in lines)


def define_str(out, name, value):
    out.append("#define %s %s" % (name, c_str(value)))


def array_str(out, name, value):
    out.append("static const char %s[] =\n    %s;" % (name, c_str(value)))


def main():
    global RSA_KEY, RSA4K_KEY
    RSA_KEY = serialization.load_pem_private_key(RSA2048_PRIVATE_PEM.encode(), None)
    RSA4K_KEY = serialization.load_pem_private_key(RSA4096_PRIVATE_PEM.encode(), None)
    build_cases()
    names = [c[0] for c in CASES]
    assert len(set(names)) == len(names), "case names must be unique"

    # Keys that must be refused.
    rsa_n = RSA_KEY.public_key().public_numbers().n
    ex, ey = ec_xy(EC_KEY)
    off_y = ((int.from_bytes(ey, "big") + 1) % (2 ** 256)).to_bytes(32, "big")
    neg = {
        "jv_pem_rsa1024": pem(rsa_spki(fixed_odd(1024, "rsa1024"), 65537)),
        "jv_pem_rsa8192": pem(rsa_spki(fixed_odd(8192, "rsa8192"), 65537)),
        "jv_pem_rsa2047": pem(rsa_spki(fixed_odd(2047, "rsa2047"), 65537)),
        "jv_pem_rsa_even_e": pem(rsa_spki(rsa_n, 65536)),
        "jv_pem_rsa_e1": pem(rsa_spki(rsa_n, 1)),
        "jv_pem_rsa_even_n": pem(rsa_spki(rsa_n + 1, 65537)),
        "jv_pem_rsa_pkcs1": pem(tlv(0x30, der_int(rsa_n) + der_int(65537)), "RSA PUBLIC KEY"),
        "jv_pem_ec_off_curve": pem(ec_spki(b"\x04" + ex + off_y)),
        "jv_pem_ec_compressed": pem(ec_spki(EC_KEY.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.CompressedPoint))),
        "jv_pem_ec_p384": pub_pem(EC_P384),
        "jv_pem_ec_secp256k1": pub_pem(EC_K1),
        "jv_pem_private": RSA2048_PRIVATE_PEM,
    }
    px, py = ec_xy(EC_P384)

    out = []
    out.append("/* Generated by tests/unit/gen_jwt_vectors.py; do not edit (re-run it).")
    out.append(" * Issuer keys (public), the policy they were minted for, and token cases")
    out.append(" * for jwt_check(): name, token, verdict, device time, exp reported, why. */")
    out.append("#ifndef JWT_VECTORS_H")
    out.append("#define JWT_VECTORS_H")
    out.append("")
    out.append("#include <stdint.h>")
    out.append("")
    out.append('#include "jwt.h"')
    out.append("")
    out.append("#define JV_NOW %dLL" % NOW)
    out.append("#define JV_SKEW %d" % SKEW)
    define_str(out, "JV_ISSUER", ISSUER)
    define_str(out, "JV_AUDIENCE", AUDIENCE)
    define_str(out, "JV_TENANT_0", TENANTS[0])
    define_str(out, "JV_TENANT_1", TENANTS[1])
    define_str(out, "JV_KID_EC", KID_EC)
    define_str(out, "JV_KID_RSA", KID_RSA)
    define_str(out, "JV_KID_RSA4K", KID_RSA4K)
    out.append("")
    out.append("/* Issuer keys: SubjectPublicKeyInfo PEM and JWK members. */")
    array_str(out, "jv_pem_ec", pub_pem(EC_KEY))
    array_str(out, "jv_pem_rsa", pub_pem(RSA_KEY))
    array_str(out, "jv_pem_rsa4k", pub_pem(RSA4K_KEY))
    array_str(out, "jv_jwk_ec_x", b64u(ex))
    array_str(out, "jv_jwk_ec_y", b64u(ey))
    for name, key in (("rsa", RSA_KEY), ("rsa4k", RSA4K_KEY)):
        nums = key.public_key().public_numbers()
        array_str(out, "jv_jwk_%s_n" % name, b64u_int(nums.n))
        array_str(out, "jv_jwk_%s_e" % name, b64u_int(nums.e))
    out.append("")
    out.append("/* Keys jwt_key_from_*() must refuse. */")
    for name, text in neg.items():
        array_str(out, name, text)
    array_str(out, "jv_jwk_ec_off_curve_y", b64u(off_y))
    array_str(out, "jv_jwk_p384_x", b64u(px))
    array_str(out, "jv_jwk_p384_y", b64u(py))
    array_str(out, "jv_jwk_rsa_n_leading_zero", b64u(b"\x00" + rsa_n.to_bytes(256, "big")))
    array_str(out, "jv_jwk_rsa_e_even", b64u_int(65536))
    out.append("")
    out.append("struct jv_case {")
    out.append("    const char *name;")
    out.append("    const char *token;")
    out.append("    enum jwt_verdict verdict;")
    out.append("    int64_t now_s;")
    out.append("    int64_t exp_s; /* reported on JWT_OK and JWT_FORBIDDEN */")
    out.append("    const char *why;")
    out.append("};")
    out.append("")
    out.append("static const struct jv_case jv_cases[] = {")
    for name, tok, verdict, now, exp, why in CASES:
        out.append("    {%s,\n     %s,\n     %s, %dLL, %dLL, %s}," %
                   (c_str(name), c_str(tok, indent="     "), verdict, now, exp, c_str(why)))
    out.append("};")
    out.append("")
    out.append("#endif")
    with open(OUT, "w") as f:
        f.write("\n".join(out) + "\n")
    counts = {}
    for c in CASES:
        counts[c[2]] = counts.get(c[2], 0) + 1
    print("%s: %d cases %s" % (OUT, len(CASES), counts), file=sys.stderr)


# ---- fixed issuer keys (test-only; generated once with python3-cryptography) ----

RSA2048_PRIVATE_PEM = """\
-----BEGIN PRIVATE KEY-----
MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQDPvPYavjcCPfpH
ga1nDa6K44UGAYSa7EoRMncSH+Zrgk6wwu729kjDTqRhMB4rEPAfSTR72ltpuHyt
NLGaWYhpQy72nbUUH389k10gbNBR+vb0B3Y/ZWl27OKEdSCnKm0yAdVPMv6US3L6
RoMDY3oDgxT+dWKjprjOlw/rjyn9/3P3ec5t+pYy5IUboRUM1mKjyHIgtCtjxgTM
Bgad9ObdVmLRcYxNaKIWrBBEY8KH8Rww8CDA3S3QZjl7hLCSk3pEvf2PP4l9VnBD
oGJtgl21Wm+Qq/IaEIc6j1+f+h4TpuFPkWJtEhDoiHvQRK4aqB/sTPzh4utQ/sqA
QWJdikK3AgMBAAECggEAE++1CKz/l3n+NnWWACFagl7CaeikYr/RfeQDdFxWXzPy
vFkA2Pea1Q+Li/4zrvthqAb8//PdOQCpCnBXqRH1mvCFJcrN0YASVIT7d3yp42w7
3gCHUx8252BlfsPE3fYe46E0aPTiZLX281joAt+9mm+uiJsYW89Ixh7OOtOS+pqo
sYJmsSpyysBw/fZQHzrfDZmqyW49khvLtc4KYBiG4m3n26CRpqt91+rWI63f6CTn
HjKeh6EZ/26OsiCWv3Xg6TPZc/3EHfFu3m85mT6i982ba4M9AU9bUYWmfEMeGzZQ
E07q50zLDfhzilpv6oSvyBs/ShuQxIezC12rC+hG5QKBgQDnGhARIM2brZiZCBRn
lBWYnTVVsAQOV+S4VRe7NCn2i/zTagXMOj7mN1d4s/oel6E1LBI21ntJ2k2WFxDq
jQlQHo28R+c/JFE9rKsSkarO2McW0NdKgl+jla0wrZNub4KPPOv/i475jxBzgV1a
7XBsa6y1XxqK76K1gvPHpP9X8wKBgQDmHoNk9BJXIbUwn608hRDhc4bnpQ0JrZPE
bo5kPIPPvKvUQFlnAetq23TTifsmNQawFifm7yOmmb1LyuO2EGwsBKi/yhK+z2b5
KdnGco4FFdIpjLOacY7geWTWxJYCJxDKuzJKY6vm0jFpqCUz1lqNBsLHd0UN2gEG
4iAaLbE/LQKBgG2SdOW6GOJkJ4L/SrVlh+vJNf1/rByk3cPsTIktDWxhKSmQDlmr
kCEVQjrvknqox/1u/N/VR7VXdQvhudqLrku3gNoxeVn9vSsx0BbIzCSwsYyGzlz8
fZ4RHIGE+u8UneGOMBMEt3BpvZIWVw4CoBg34TZJdktDnXDUOwOAnrSzAoGBAMep
i/no54zgO1TgBrBvCFGFKnUMuT4/c+nIvxVriDaTjkdQOgHtIXUKytfMbbQd6Bqa
bq6pqTYhSKRdeqv6ndCnjj8yNoeGbuMbk8/ijyUMZNgWM7N6eix8R6ks0rc1bBVq
zNzMlFdm4ua4tObAQrsANbpZ2vmEwMVXJ+Fu6c5VAoGAVW53Xtz0DGVfB3LVs/Ue
nT5cFBZ2zjCqlTH/g6o5GvCDwIm5uJjcYfHyhfHnRK/JVYxDpg6K9sjDLIMUfGwZ
OfQ3yIC4Z/I7tc1a0wDWQlNqkovXvYCCISPQrWAMwduPXQkzPE9Y7rsLnsThDu/g
26FIXx5UNqgLD9dOUJgSitY=
-----END PRIVATE KEY-----
"""

RSA4096_PRIVATE_PEM = """\
-----BEGIN PRIVATE KEY-----
MIIJQwIBADANBgkqhkiG9w0BAQEFAASCCS0wggkpAgEAAoICAQCpDlPiM/KHUIA2
mcyqRf+Q0QtwvBRSFvmytYI1ylt+VoZVjaaKzpz9D9QC/n3TSvEyJOWE9UJvMl9b
YK1312fKQtXdDK6x1z6IhGP8veNx3K6+ilmtgFX7+bl0c8YtWiRcm5FnSdigffPt
K5AV5k2rlduM4xBl4yKotcp1mSoQdRgadoiihdNzYR4Kg2cFmsPr9vOzalbamsT4
LtTDHLrx7omEkEgtRKK7MgMr5t2UXS61b4r+Z2DwCCLkUaO9lM5WgXcEaSBXJO9Q
vWw0ls8wEsAW3JE9KBPvIqg5i9NHFZhVCNSCgCiTJa6CJ9T84z1me5bnfckBxMy2
8XwaHLZVVmwp3cPUD1VuED7xVp/GHZmYX68tPfd7GENoVKBhGGl+6Lyyi6mSn8YQ
bjtE70NnsUJNkHrjP7fP/MVPG2KSnPm8ogIqvfcvwQk5cmmQWfsm47mf0wqyihdD
o1C54aq5oH/X+bLnuCKNc0jPe1U1+BrPqQ2BOZw1YtJoxs2nN6xJ2jrl+2pHzDlM
fmE4ZTt8/6XgejnG9qKKDVuXWTlEzfGJQ5MBIm1Jxs6F9UvN1Yr2iU7fWDnGMDhO
YNGYMLElCMKaGtd3BJB55I92UDC2h2bxcWa2JPI10Mwap1o1hYxSnT9F10VhOHLa
aVKSBJHlUt89r4A6LEkCRSQXrmSzRQIDAQABAoICAB97Qc82rcQZj1q7ntOZl+sz
po3+lEkqKqMnLmGOdqXK/paZe4lPSwhMJYbONge+JbbZDJ3LH20+I+hME1mlFRij
BBj3NuP6yZQaFVWYVe3a8vacJHGNG9YBzdGcCqxg5DMTrErgA1V1xxIkQd92JQIe
NMWidigHGWnx+osWM/FfINcyuiSLx9HtZK8AA9QVG0WKlhzT4WsxlZsC+49+/ug1
K8oyJSK67JPwDwuioSIzDRLv++H+xdxFI5xBgLy55IfS8aMyYXmg8Ojn8WnEqL4S
y88mEWziVP38Bfg7a+OJp7W0IIDR1Vx7kKj/umfCeGloe/RNZfxsldO+mgXx0Vk6
OkzF2iBmIbns9JGy303gdhJ3U6/wHCLeL/+nnoulk3QuYqk0SylRaDBcR6uJ1gY3
Bnbn7cRoJ4YSAoFvO+sdI8LI5sG0RrHPVKLiZEiRMViRqZYI9719k8r1SSE+MSf/
jFtNUbXUUkUZY4lMX5V8F1INqYiWJmKObACy0dvAIV0BU4/rl6OUQSgPKHRhFiv/
/XsXeL3Ck4kOn6nyPY42FhRzbd2kmiYqhxy6wWLgspHTqL234TzATPXfC04a8hbp
CcfOkMkNPESaUgSEieDWEstnrg3UW84BrRFc/HeB7QIylRF+pG4tsNLjNMl3mDM5
z13GK7hvmeUeZgBhNtRJAoIBAQDulsl6TsxLnx/AdQoeTgQHdBHB2aZNyjfkSEcG
0i8yPJlOgQeULM4kSfNQ0nVMvPMPY85QTChCwm0X2lQSwZIvs9seeaBmBoAB8wTR
ODavjhiVKL5oj3hDRpWVJyO5XMKmfl4MmIx6JMxLXjmMn+J4HX88DbTzyLHILyHi
zZUFtk3UGtth7n3bUWQmOk4SVkr2lFPTRtVKd68KjV8krcwURGaGl96vLmUAUvpb
acAH/HC/ILlggKAvY3VAbgnvx2pJLdOCIwehv9OMYObhVUSbRxMrNWa1ie5nhoA3
17iRn+F3coItBJZL9QJ8tshE4tabc7r4vGQJO6F6BruVToyZAoIBAQC1ZI4z6p5C
P8B8svUHZF/oGBzvUDTozVVHH+j8PtJSxH9oyOY90YfH4AdaRYGry6ENxybiknnm
eoitVEBW8RelefIXl/y7WVc4flJ6dN5bZ6TNGiqQfWj5Q9wqMgdm154jPjNXrZNQ
/mFWjec5BkmETeGPp81pgJR3whqz2RXMTq4OaM2SLWQ9XAv5+odYpZ/9Ypmh2Zrk
ZLdA5rfpNVliPFnA7FLj70nIcXtWNgec+gqXVmjeeVSfTY17C3UTpbYsQAeO3sim
c5+P4G1NrMUm7x1TATd4un4+YQjBCaTOB5J+KYUX9JmbITSKCuFSyCd2iygl4b2+
x1K4/8b/yjuNAoIBAQDUPDn5nMLKukAKeZKIpqma37s0D6KKLEpPvaPBA5OMQq+1
T74oJzswuL/Cs5Q4sRQeKpBKiZR+3mkhAMws6xhZasqOb28pkrqoAT/VxQWQYPyp
ItdON+GpJs7FIU38A/H7HQoYdlLwDG/W03iqCUfxxXt7Nk4zVeIfyx1/nZTkwei1
tzZUBUzbnalTACaW1UBV3Fg85xOw7Io+/scV36xckwQI0mv6tXCPO0ENtCJoeDzr
J/b/SywzO2v/5mLccy2u7x7o8rRFRFiw1TpMVAd1gWIh250D/DCg0tqX0kOS9wAf
uzLlTOFNrCOMQSQhcw+otOgrf5oVRIA+BmMzS+5xAoIBABTyV7mHDl94HTJJOCJy
ZODYZ/76tCFuFLrx5GW8m20TY+Mlz/CzkYpzRGYYQLEmAqMkrEjdwVXsMHxTjlp7
3M8vFdXDp1u7JWdQrxWVCVhkz5MfwmqNEOI4A+Sbgl9N5uUK+cLWOHzR40urd1gO
cc7lb3a3WfEk+AAcWhkKqIm/TDo9v/9xXnH3fyqO07JY7fDEwhj+l/Rn7QGBoxs7
HedKMNMmdyv7JfoPoL6D3r0x4qc3Q0TtnegHfJ8I46wxJqhVfInzEBiooXRr5jNi
ECI+2pQLP+yhHJL3gZtJEc748OHAya3KgTJ40yhduUdl9aiqySgWuWKegd77Km+/
WsECggEBAKvMhB/hIYj8zra4yV4Hn2IcpSPJlbZNBR/LjM9b5x+cr0Rj8Hal/RsW
vEjz/MdsKzrpnsGkfxvwKETA2DFRyyGFkK1lO2FWXK/ilgEjZwFzigrdDut7Mktk
NvviHM2B+49c0FnafEYmuLM9c/L0a0n1rPycPQvnl7cpCw1kw42g45iy7jIeMVpS
G/iaIIQxI5Od7osPNFk1TQX4TB8ZjHGceAqjaUHdc9TLVqeKAsoEaWH7EKYOwbob
rW3cYW+mWHBqL+WjkEd+jDpjgt6RNu9FWP5FJXtFw7g5OM2bcV8MBfwAg5KKAEdZ
+eY3oymPRgTGV3o8QbpBm68eqtwob+M=
-----END PRIVATE KEY-----
"""

if __name__ == "__main__":
    main()
