#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""rcb_spans.py BIN TMPDIR: the RCB timeline's rows (rcb_spans) against the reports.

For each case, one run writes the EVE reports and the database. The reports give
each RCB's seconds as they were: how many reports, the first and last SqNum in
the order they came, the reasons, the sequence events. The rows, spread out a
second at a time (reports / seconds in each, SqNums running on from
first_sqnum) and added up where a second has several (first SqNum from the row
written first, the rest from the row written last), must give the same.

The cases: a steady capture stretched in time past the minute of packet time
after which a run from files writes its pending rows (so the open row grows in
place: a row longer than that minute); a capture with a sequence gap; one whose
frames straddling a second are swapped in time (a second seen again); one file
read twice (every second seen again). Exit 1 on any difference."""
import collections
import datetime
import json
import os
import sqlite3
import struct
import subprocess
import sys

NORMAL = {"next", "first", "wrap", "segment_next"}


def rewrite(src, dst, stretch=1, swap=False):
    """src's frames with their times from the first stretched by `stretch`;
    with swap, the times of every two frames that straddle a second swapped."""
    d = open(src, "rb").read()
    magic = struct.unpack("<I", d[:4])[0]
    if magic != 0xA1B2C3D4:
        raise SystemExit("%s: not a little-endian microsecond pcap" % src)
    recs, off = [], 24
    while off + 16 <= len(d):
        sec, usec, incl, orig = struct.unpack("<IIII", d[off:off + 16])
        recs.append([sec * 1000000 + usec, incl, orig, d[off + 16:off + 16 + incl]])
        off += 16 + incl
    t0 = recs[0][0]
    for r in recs:
        r[0] = t0 + (r[0] - t0) * stretch
    if swap:
        for i in range(len(recs) - 1):
            a, b = recs[i], recs[i + 1]
            if a[0] // 1000000 != b[0] // 1000000 and len(a[3]) > 90 and len(b[3]) > 90:
                a[0], b[0] = b[0], a[0]
    with open(dst, "wb") as f:
        f.write(d[:24])
        for t, incl, orig, data in recs:
            f.write(struct.pack("<IIII", t // 1000000, t % 1000000, incl, orig) + data)


def truth(eve):
    """(ip, port, rcb, second) -> [first sqnum, last sqnum, reports, reasons, events]"""
    secs = collections.OrderedDict()
    for line in open(eve):
        e = json.loads(line)
        if e.get("event_type") != "report":
            continue
        r = e["report"]
        ts = datetime.datetime.strptime(e["timestamp"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=datetime.timezone.utc)
        key = (e["src_ip"], e["src_port"], r.get("rcb") or "RptID " + r["rptid"], int(ts.timestamp()))
        s = secs.setdefault(key, [r.get("sqnum"), None, 0, set(), set()])
        s[1] = r.get("sqnum")
        s[2] += 1
        s[3].update(x for x in r.get("reasons", "").split(",") if x)
        if r.get("sequence") and r["sequence"] not in NORMAL:
            s[4].add(r["sequence"])
    return secs


def spread(db):
    """The same key -> the same list, from the rows; and (rows, longest row)."""
    con = sqlite3.connect(db)
    ieds = {i: (ip, port) for i, ip, port in con.execute("SELECT id, ip, port FROM ieds")}
    secs, rows, longest = {}, 0, 0
    for ied, rcb, sec, n, f, l, rep, reasons, events in con.execute(
            "SELECT ied_id, rcb, second, seconds, first_sqnum, last_sqnum, reports, reasons, events"
            " FROM rcb_spans ORDER BY rowid"):
        rows += 1
        longest = max(longest, n)
        each = rep // n
        for i in range(n):
            ff, ll = (f, l) if n == 1 else (f + i * each, f + (i + 1) * each - 1)
            key = ieds[ied] + (rcb, sec + i)
            rs = set(x for x in reasons.split(",") if x)
            ev = set(x for x in events.split(",") if x)
            if key in secs:
                p = secs[key]
                secs[key] = [p[0], ll, p[2] + each, p[3] | rs, p[4] | ev]
            else:
                secs[key] = [ff, ll, each, rs, ev]
    con.close()
    return secs, rows, longest


def main():
    bin_, tmp = sys.argv[1], sys.argv[2]
    top = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
    pc = lambda n: os.path.join(top, "pcaps", n)
    rewrite(pc("bench_seed_small.pcap"), os.path.join(tmp, "stretched.pcap"), stretch=5)
    rewrite(pc("bench_seed_small.pcap"), os.path.join(tmp, "swapped.pcap"), swap=True)
    # (name, files, at most this many rows per RCB second, a row longer than a minute)
    cases = [
        ("stretched 5x, past two minutes", [os.path.join(tmp, "stretched.pcap")], 0.5, True),
        ("a sequence gap", [pc("report_gap.pcap")], 0.9, False),
        ("seconds swapped", [os.path.join(tmp, "swapped.pcap")], 0.5, False),
        ("one file twice", [pc("clean_reporting.pcap"), pc("clean_reporting.pcap")], 2 * 0.9, False),
    ]
    fails = 0
    for name, files, most, long_row in cases:
        db, eve = os.path.join(tmp, "spans.db"), os.path.join(tmp, "spans.json")
        for p in (db, db + "-wal", db + "-shm", eve):
            if os.path.exists(p):
                os.remove(p)
        args = [bin_, "-q", "--db", db, "--eve", eve]
        for f in files:
            args += ["-r", f]
        subprocess.run(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        want = truth(eve)
        got, rows, longest = spread(db)
        differ = [k for k in want if want[k] != got.get(k)] + [k for k in got if k not in want]
        seconds = len(want)
        ok = seconds > 0 and not differ and rows <= most * seconds and (longest > 60 or not long_row)
        print("%s  RCB timeline, %s: %d RCB seconds from %d rows (longest %d s)%s" %
              ("ok  " if ok else "FAIL", name, seconds, rows, longest,
               "" if not differ else ", %d seconds differ, e.g. %r: reports say %r, rows %r" %
               (len(differ), differ[0], want.get(differ[0]), got.get(differ[0]))))
        fails += not ok
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
