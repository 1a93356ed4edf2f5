#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Compare a live run's EVE output with the offline run on the same capture:
the same MMS PDUs (pdu, service, invokeID, direction, as a multiset) and the
same finding kinds (capture_drops aside: only a live run can drop).

usage: compare.py OFFLINE.json LIVE.json"""
import collections
import json
import sys


def load(path):
    pdus, kinds = collections.Counter(), set()
    for line in open(path):
        r = json.loads(line)
        if r.get("event_type") == "mms":
            m = r["mms"]
            pdus[(r["direction"], m["pdu"], m.get("service"), m.get("invoke_id"))] += 1
        elif r.get("event_type") == "finding" and r["finding"]["kind"] != "capture_drops":
            kinds.add((r["finding"]["kind"], r["finding"]["severity"]))
    return pdus, kinds


off_pdus, off_kinds = load(sys.argv[1])
live_pdus, live_kinds = load(sys.argv[2])
bad = False
if off_pdus != live_pdus:
    bad = True
    print(f"  MMS PDUs differ: offline {sum(off_pdus.values())}, live {sum(live_pdus.values())}")
    print(f"  only offline: {list((off_pdus - live_pdus).items())[:5]}")
    print(f"  only live: {list((live_pdus - off_pdus).items())[:5]}")
if off_kinds != live_kinds:
    bad = True
    print(f"  finding kinds differ: only offline {sorted(off_kinds - live_kinds)}, only live {sorted(live_kinds - off_kinds)}")
if not bad:
    print(f"  {sum(live_pdus.values())} MMS PDUs and {len(live_kinds)} finding kinds as offline")
sys.exit(1 if bad else 0)
