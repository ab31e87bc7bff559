"""Power cuts in QEMU (the issue's acceptance test): the store self-test
image (make storetest-image, firmware/store/store_selftest.c) writes
sessions and files without end and prints one "ack" line after each store
call that returned APP_OK. QEMU is SIGKILLed at random moments, K times,
and booted again on the same flash file. Each boot lists what the store
holds ("have" lines): it must equal every acknowledged write, except the
one operation in flight at the kill (the one after the last ack), which
may or may not have happened; every file verifies against its CRC; nothing
else is there. Last, the normal firmware boots on that flash file and
serves the sessions written."""
import json
import os
import random
import re
import time

import pytest

from conftest import Device, check_no_fault
from test_http import CAT, RES, SES, get

KILLS = int(os.environ.get("POWERCUT_KILLS", "30"))
SEED = int(os.environ.get("POWERCUT_SEED", "20261202"))
FLASH = 256 * 1024  # small: the store fills, compacts and wraps

ACK = re.compile(r"^selftest: ack (add|file|done|del) (w\d+)(?: (\d+) (\d+))?$")
HAVE = re.compile(r"^selftest: have (\S+) files=(\d+) bytes=(\d+) done=([01]) sizes=(\S+) verify=(\S+)$")


def lines(log):
    """The complete lines of a UART log (a kill may cut the last one)."""
    parts = log.replace("\r", "").split("\n")
    return parts[:-1]


def parse_have(log):
    """{id: (sizes list, done)} of the w sessions, the seed's line, and the
    sessions that did not verify."""
    have, seed, bad = {}, None, []
    held = None
    for ln in lines(log):
        m = HAVE.match(ln)
        if m:
            sid, nf, total, done, sizes, verify = m.groups()
            sz = [] if sizes == "-" else [int(x) for x in sizes.split(",")]
            assert len(sz) == int(nf) and sum(sz) == int(total), ln
            if verify != "ok":
                bad.append(ln)
            if sid.startswith("w"):
                have[sid] = (sz, done == "1")
            elif sid == SES:
                seed = ln
            else:
                bad.append("unknown session: " + ln)
        m = re.match(r"^selftest: holding (\d+)$", ln)
        if m:
            held = int(m.group(1))
    return have, seed, bad, held


def apply_acks(model, log):
    """Apply this boot's acks to the model; returns how many."""
    n = 0
    for ln in lines(log):
        m = ACK.match(ln)
        if not m:
            continue
        op, sid, k, size = m.groups()
        n += 1
        if op == "add":
            assert sid not in model, "add of a stored id: " + ln
            model[sid] = ([], False)
        elif op == "file":
            files, done = model[sid]
            assert int(k) == len(files), "file out of order: " + ln
            model[sid] = (files + [int(size)], done)
        elif op == "done":
            model[sid] = (model[sid][0], True)
        else:
            del model[sid]
    return n


def in_flight(model, have):
    """How `have` differs from `model` by at most one operation: None when
    equal, else a short name of the one that happened; AssertionError for
    any other difference."""
    extra = sorted(set(have) - set(model))
    gone = sorted(set(model) - set(have))
    changed = sorted(s for s in set(model) & set(have) if model[s] != have[s])
    diff = (extra, gone, changed)
    if not extra and not gone and not changed:
        return None
    if len(extra) + len(gone) + len(changed) != 1:
        raise AssertionError("more than one operation differs: extra=%s gone=%s changed=%s"
                             % diff)
    if extra:
        assert have[extra[0]] == ([], False), "a new session with content: %r" % (have[extra[0]],)
        return "add"
    if gone:
        return "del"
    sid = changed[0]
    (mf, md), (hf, hd) = model[sid], have[sid]
    if hf == mf and hd and not md:
        return "done"
    if hd == md and len(hf) == len(mf) + 1 and hf[:-1] == mf:
        return "file"
    raise AssertionError("%s: acked %r, stored %r" % (sid, model[sid], have[sid]))


@pytest.fixture
def storetest_elf():
    elf = os.environ.get("STORETEST_ELF")
    if not elf:
        pytest.skip("STORETEST_ELF not set (run through make test-integration)")
    return elf


def test_power_cuts_keep_every_acked_write(tmp_path, storetest_elf, token):
    rng = random.Random(SEED)
    dev = Device(str(tmp_path), flash_size=FLASH)
    dev.elf = storetest_elf
    model = {}
    acked = 0
    found = {"happened": 0, "not": 0}
    kinds = {}
    history = []  # (kill number, last acks, have lines) for the report

    def where(i, log):
        tail = [ln for ln in lines(log) if ln.startswith("selftest:")]
        prev = history[-1] if history else ("-", [])
        return ("seed %d (POWERCUT_SEED), boot %d of %d\n--- acks before this boot's kill "
                "(kill %s), last 12:\n%s\n--- this boot's selftest lines:\n%s"
                % (SEED, i, KILLS, prev[0], "\n".join(prev[1][-12:]), "\n".join(tail[:40])))

    t0 = time.monotonic()
    try:
        for i in range(KILLS + 1):
            dev.start()
            log = dev.uart()
            have, seed, bad, held = parse_have(log)
            assert held is not None, where(i, log)
            assert seed is not None and "files=1 bytes=2000000 done=1" in seed, where(i, log)
            assert not bad, "%s\n%s" % (bad, where(i, log))
            assert held == len(have) + 1, where(i, log)
            try:
                op = in_flight(model, have)
            except AssertionError as e:
                raise AssertionError("%s\n%s" % (e, where(i, log)))
            if i > 0:
                found["happened" if op else "not"] += 1
                if op:
                    kinds[op] = kinds.get(op, 0) + 1
            model = dict(have)  # the in-flight op, settled either way
            if i == KILLS:
                break
            time.sleep(rng.uniform(0.2, 1.5))
            dev.kill()
            log = dev.uart()
            assert "FAULT" not in log and "ASSERT" not in log, where(i, log)
            n = apply_acks(model, log)
            acked += n
            history.append((i + 1, [ln for ln in lines(log) if ln.startswith("selftest: ack")]))
        # The check boot listed the state above; stop it before it writes
        # much more (its acks then count too).
        dev.kill()
        log = dev.uart()
        acked += apply_acks(model, log)
        print("\npower cuts: %d kills, %d acked operations, in-flight op found done %d x %s, "
              "not done %d x; %d w session(s) at the end; %.0f s (seed %d)"
              % (KILLS, acked, found["happened"], kinds, found["not"], len(model),
                 time.monotonic() - t0, SEED))
        assert acked > KILLS, "too few writes to mean anything"

        # The normal firmware on the same flash file: it answers, and serves
        # what was written (the last kill's in-flight op aside).
        dev.elf = os.environ.get("FIRMWARE_ELF", dev.elf.replace("-storetest", ""))
        dev.start()
        base = ("/beta/identityGovernance/entitlementManagement/accessPackageCatalogs/%s"
                "/accessPackageResources/%s/uploadSessions/" % (CAT, RES))
        r, body = get(dev, base + SES, token)
        assert r.status == 200, body
        served = {}
        ids = sorted(model, key=lambda s: int(s[1:]))
        newest = int(ids[-1][1:]) if ids else 0
        for sid in ids + ["w%d" % (newest + 1)]:
            r, body = get(dev, base + sid, token)
            if r.status == 404:
                continue
            assert r.status == 200, (sid, r.status, body)
            doc = json.loads(body)
            sizes = [f["size"] for f in doc["files"]]
            assert doc["stats"]["filesUploaded"] == len(sizes), doc
            assert doc["stats"]["totalBytesUploaded"] == sum(sizes), doc
            served[sid] = (sizes, doc["isUploadDone"])
        op = in_flight(model, served)
        exact = [s for s in served if served[s] == model.get(s)]
        assert exact, (model, served)
        print("normal firmware: seed session and %d w session(s) served as written "
              "(last in-flight op: %s)" % (len(exact), op or "not done"))
    finally:
        dev.stop()
    check_no_fault(dev)
