#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""rcb_spans.py BIN TMPDIR: the RCB timeline (rcb_spans, and the dashboard's
/api/v1/rcb_timeline that reads it) against the reports.

For each case, one run writes the EVE reports and the database. The reports give
each RCB's seconds as they were: how many reports, the first and last SqNum in
the order they came, the reasons, the sequence events. The database, served by
the same binary, must answer the same for every RCB: a point per second (rows
spread out and added up by web/rcb_points.c). Reasons and events of a second
seen again come from its last row: there they must be among the reports'.
The same answers must come from the database with its rows moved to
rcb_seconds, as a run before schema 9 wrote them.

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
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request

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


def rows(db):
    """(rows, the longest row in seconds, [(ied id, ip, port, rcb)]) of rcb_spans."""
    con = sqlite3.connect(db)
    n, longest = con.execute("SELECT count(*), coalesce(max(seconds), 0) FROM rcb_spans").fetchone()
    rcbs = con.execute("SELECT DISTINCT s.ied_id, i.ip, i.port, s.rcb FROM rcb_spans s JOIN ieds i ON i.id = s.ied_id"
                       " UNION SELECT DISTINCT s.ied_id, i.ip, i.port, s.rcb FROM rcb_seconds s"
                       " JOIN ieds i ON i.id = s.ied_id ORDER BY 1, 4").fetchall()
    con.close()
    return n, longest, rcbs


def to_old_schema(db, old):
    """A copy of db whose timeline rows are in rcb_seconds, a row per second, a
    second seen again added up as schema 8's upsert did."""
    shutil.copy(db, old)
    con = sqlite3.connect(old)
    con.execute("""WITH RECURSIVE s(id, run_id, ied_id, rcb, second, i, n, f, l, each, reasons, events) AS (
        SELECT rowid, run_id, ied_id, rcb, second, 0, seconds, first_sqnum, last_sqnum, reports / seconds,
               reasons, events FROM rcb_spans
        UNION ALL SELECT id, run_id, ied_id, rcb, second, i + 1, n, f, l, each, reasons, events FROM s WHERE i + 1 < n)
      INSERT INTO rcb_seconds (run_id, ied_id, rcb, second, first_sqnum, last_sqnum, reports, reasons, events)
      SELECT run_id, ied_id, rcb, second + i, CASE WHEN n = 1 THEN f ELSE f + i * each END,
             CASE WHEN n = 1 THEN l ELSE f + (i + 1) * each - 1 END, each, reasons, events FROM s WHERE true
      ORDER BY id, i
      ON CONFLICT (run_id, ied_id, rcb, second) DO UPDATE SET last_sqnum = excluded.last_sqnum,
        reports = reports + excluded.reports, reasons = excluded.reasons, events = excluded.events""")
    con.execute("DELETE FROM rcb_spans")
    con.commit()
    con.close()


def served(bin_, db, rcbs):
    """(ip, port, rcb, second) -> [first, last, reports, reasons, events], and the raw answers."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    proc = subprocess.Popen([bin_, "--db", db, "--serve", "127.0.0.1:%d" % port],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = "http://127.0.0.1:%d/api/v1/" % port
    try:
        for _ in range(200):
            try:
                urllib.request.urlopen(base + "runs", timeout=2).read()
                break
            except OSError:
                time.sleep(0.05)
        secs, answers = {}, []
        for ied, ip, ipport, rcb in rcbs:
            url = base + "rcb_timeline?ied=%d&run=1&rcb=%s" % (ied, urllib.parse.quote(rcb, safe=""))
            body = urllib.request.urlopen(url, timeout=10).read()
            answers.append(body)
            for p in json.loads(body)["points"]:
                secs[(ip, ipport, rcb, p["second"])] = [
                    p["first_sqnum"], p["last_sqnum"], p["reports"],
                    set(x for x in p["reasons"].split(",") if x), set(x for x in p["events"].split(",") if x)]
        return secs, answers
    finally:
        proc.terminate()
        proc.wait()


def alike(want, got, seen_again):
    """A second's point against the reports' (texts: among them, when seen again)."""
    if got is None or want[:3] != got[:3]:
        return False
    if seen_again:
        return got[3] <= want[3] and got[4] <= want[4]
    return want[3:] == got[3:]


def main():
    bin_, tmp = sys.argv[1], sys.argv[2]
    top = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
    pc = lambda n: os.path.join(top, "pcaps", n)
    rewrite(pc("bench_seed_small.pcap"), os.path.join(tmp, "stretched.pcap"), stretch=5)
    rewrite(pc("bench_seed_small.pcap"), os.path.join(tmp, "swapped.pcap"), swap=True)
    # (name, files, at most this many rows per RCB second, a row longer than a
    # minute, seconds seen again)
    cases = [
        ("stretched 5x, past two minutes", [os.path.join(tmp, "stretched.pcap")], 0.5, True, False),
        ("a sequence gap", [pc("report_gap.pcap")], 0.9, False, False),
        ("seconds swapped", [os.path.join(tmp, "swapped.pcap")], 0.5, False, True),
        ("one file twice", [pc("clean_reporting.pcap"), pc("clean_reporting.pcap")], 2 * 0.9, False, True),
    ]
    fails = 0
    for name, files, most, long_row, seen_again in cases:
        db, eve = os.path.join(tmp, "spans.db"), os.path.join(tmp, "spans.json")
        for p in (db, db + "-wal", db + "-shm", eve, db + ".old"):
            if os.path.exists(p):
                os.remove(p)
        args = [bin_, "-q", "--db", db, "--eve", eve]
        for f in files:
            args += ["-r", f]
        subprocess.run(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        want = truth(eve)
        n_rows, longest, rcbs = rows(db)
        got, answers = served(bin_, db, rcbs)
        differ = [k for k in want if not alike(want[k], got.get(k), seen_again)] + [k for k in got if k not in want]
        seconds = len(want)
        to_old_schema(db, db + ".old")
        _, old_answers = served(bin_, db + ".old", rows(db + ".old")[2])
        ok = (seconds > 0 and not differ and n_rows <= most * seconds and (longest > 60 or not long_row) and
              old_answers == answers)
        print("%s  RCB timeline, %s: %d RCB seconds from %d rows (longest %d s), served alike from rcb_spans"
              " and from rcb_seconds%s%s" %
              ("ok  " if ok else "FAIL", name, seconds, n_rows, longest,
               "" if old_answers == answers else " (NOT: the answers differ)",
               "" if not differ else ", %d seconds differ, e.g. %r: reports say %r, the API %r" %
               (len(differ), differ[0], want.get(differ[0]), got.get(differ[0]))))
        fails += not ok
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
