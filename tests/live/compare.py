#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Compare a live run's EVE output with the offline run on the same capture:
the same MMS PDUs (pdu, service, invokeID, direction, as a multiset) and the
same finding kinds (capture_drops aside: only a live run can drop).

Some findings depend on timing (retries, storms, timeouts), and the live run
sees the timing tcpreplay achieved, not the capture's: on a loaded machine the
replay slips. When only the finding kinds differ and the replay did slip (the
time between two MMS PDUs, live against offline, is off by more than
SLIP_US), the exit status is 3: the input was not the capture, so the caller
replays again instead of blaming the sensor.

usage: compare.py OFFLINE.json LIVE.json"""
import collections
import datetime
import json
import sys

SLIP_US = 20000


def usec(ts):
    t = datetime.datetime.strptime(ts[:26], "%Y-%m-%dT%H:%M:%S.%f")
    return int(t.replace(tzinfo=datetime.timezone.utc).timestamp()) * 1000000 + t.microsecond


def load(path):
    pdus, kinds, times = collections.Counter(), set(), []
    for line in open(path):
        r = json.loads(line)
        if r.get("event_type") == "mms":
            m = r["mms"]
            pdus[(r["direction"], m["pdu"], m.get("service"), m.get("invoke_id"))] += 1
            times.append(usec(r["timestamp"]))
        elif r.get("event_type") == "finding" and r["finding"]["kind"] != "capture_drops":
            kinds.add((r["finding"]["kind"], r["finding"]["severity"]))
    return pdus, kinds, times


def slip(off, live):
    """The largest difference between the offline and the live time from one
    MMS PDU to the next (both in their order of arrival), in microseconds."""
    worst = 0
    for i in range(1, min(len(off), len(live))):
        worst = max(worst, abs((live[i] - live[i - 1]) - (off[i] - off[i - 1])))
    return worst


off_pdus, off_kinds, off_times = load(sys.argv[1])
live_pdus, live_kinds, live_times = load(sys.argv[2])
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
    sys.exit(0)
slipped = slip(sorted(off_times), sorted(live_times)) if off_pdus == live_pdus else 0
if slipped > SLIP_US:
    print(f"  (the replay slipped by up to {slipped / 1000:.0f} ms)")
    sys.exit(3)
sys.exit(1)
