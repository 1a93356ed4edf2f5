/* SPDX-License-Identifier: GPL-2.0-or-later */
/* schema.h - the SQLite schema, in one versioned place. Each entry of
 * MMSW_MIGRATIONS takes a database from version i to i + 1; PRAGMA user_version
 * records where a file is. A file whose application_id is not mmswatch's, or whose
 * version is newer than this build knows, is refused, never touched.
 * docs/database.md describes every table for people. */
#ifndef MMSW_SCHEMA_H
#define MMSW_SCHEMA_H

#define MMSW_DB_APPLICATION_ID 0x4d4d5357 /* "MMSW" */

static const char *const MMSW_MIGRATIONS[] = {
	/* 0 -> 1: the first schema */
	"CREATE TABLE runs ("
	"  id INTEGER PRIMARY KEY,"
	"  started_wall INTEGER NOT NULL," /* unix seconds */
	"  ended_wall INTEGER,"
	"  mode TEXT NOT NULL,"   /* offline | live */
	"  inputs TEXT NOT NULL," /* JSON array of files or the interface */
	"  version TEXT NOT NULL,"
	"  status TEXT NOT NULL,"              /* running | done | failed */
	"  first_ts INTEGER, last_ts INTEGER," /* packet time, microseconds */
	"  packets INTEGER NOT NULL DEFAULT 0,"
	"  mms_pdus INTEGER NOT NULL DEFAULT 0,"
	"  stats TEXT);"
	"CREATE TABLE ieds ("
	"  id INTEGER PRIMARY KEY,"
	"  ip TEXT NOT NULL, port INTEGER NOT NULL, vlan TEXT NOT NULL,"
	"  name TEXT, vendor TEXT, model TEXT, revision TEXT,"
	"  first_seen INTEGER, last_seen INTEGER,"
	"  assoc_limit INTEGER, limit_inferred INTEGER NOT NULL DEFAULT 0,"
	"  peak_assocs INTEGER NOT NULL DEFAULT 0,"
	"  UNIQUE (ip, port, vlan));"
	"CREATE TABLE associations ("
	"  id INTEGER PRIMARY KEY,"
	"  run_id INTEGER NOT NULL REFERENCES runs(id),"
	"  ied_id INTEGER NOT NULL REFERENCES ieds(id),"
	"  flow_id INTEGER NOT NULL,"
	"  client_ip TEXT NOT NULL, client_port INTEGER NOT NULL,"
	"  start_ts INTEGER NOT NULL, end_ts INTEGER NOT NULL,"
	"  ended TEXT,"
	"  packets INTEGER NOT NULL, bytes INTEGER NOT NULL);"
	"CREATE INDEX associations_ied ON associations (ied_id, start_ts);"
	"CREATE TABLE rcbs ("
	"  id INTEGER PRIMARY KEY,"
	"  ied_id INTEGER NOT NULL REFERENCES ieds(id),"
	"  ref TEXT NOT NULL, rptid TEXT, datset TEXT, buffered INTEGER NOT NULL,"
	"  trgops TEXT, intgpd_ms INTEGER, buftm_ms INTEGER, optflds INTEGER, confrev INTEGER,"
	"  rptena INTEGER, reports INTEGER NOT NULL DEFAULT 0, updated_ts INTEGER,"
	"  UNIQUE (ied_id, ref));"
	"CREATE TABLE findings ("
	"  id INTEGER PRIMARY KEY,"
	"  run_id INTEGER NOT NULL REFERENCES runs(id),"
	"  run_finding_id INTEGER NOT NULL,"
	"  kind TEXT NOT NULL, severity TEXT NOT NULL, severity_rank INTEGER NOT NULL,"
	"  first_seen INTEGER NOT NULL, last_seen INTEGER NOT NULL, count INTEGER NOT NULL,"
	"  ied_id INTEGER REFERENCES ieds(id), client TEXT, flow_id INTEGER,"
	"  object TEXT, summary TEXT NOT NULL, details TEXT NOT NULL,"
	"  evidence TEXT NOT NULL, evidence_total INTEGER NOT NULL, tshark_filter TEXT NOT NULL,"
	"  UNIQUE (run_id, run_finding_id));"
	"CREATE INDEX findings_last_seen ON findings (last_seen);"
	"CREATE INDEX findings_kind ON findings (kind);"
	"CREATE INDEX findings_ied ON findings (ied_id);"
	"CREATE TABLE ied_minute ("
	"  run_id INTEGER NOT NULL REFERENCES runs(id),"
	"  ied_id INTEGER NOT NULL REFERENCES ieds(id),"
	"  minute INTEGER NOT NULL," /* unix minutes, packet time */
	"  pdus INTEGER NOT NULL, reports INTEGER NOT NULL, requests INTEGER NOT NULL,"
	"  errors INTEGER NOT NULL, conn_attempts INTEGER NOT NULL, assocs_max INTEGER NOT NULL,"
	"  PRIMARY KEY (run_id, ied_id, minute));",

	/* 1 -> 2: RCB timelines for the dashboard (one row per RCB per second of packet
	 * time: cheap enough to keep by default), latency percentiles per minute, the
	 * inventory, and opt-in PDU rows (--db-pdus). */
	"ALTER TABLE ied_minute ADD COLUMN lat_p50_us INTEGER;"
	"ALTER TABLE ied_minute ADD COLUMN lat_p95_us INTEGER;"
	"ALTER TABLE ied_minute ADD COLUMN lat_p99_us INTEGER;"
	"CREATE TABLE rcb_seconds ("
	"  run_id INTEGER NOT NULL REFERENCES runs(id),"
	"  ied_id INTEGER NOT NULL REFERENCES ieds(id),"
	"  rcb TEXT NOT NULL,"       /* RCB reference, else 'RptID x' */
	"  second INTEGER NOT NULL," /* unix seconds, packet time */
	"  first_sqnum INTEGER, last_sqnum INTEGER,"
	"  reports INTEGER NOT NULL,"
	"  reasons TEXT NOT NULL," /* union of reason codes: dchg,qchg,... */
	"  events TEXT NOT NULL,"  /* gap, capture_loss, restart, duplicate, ... */
	"  PRIMARY KEY (run_id, ied_id, rcb, second));"
	"CREATE TABLE inventory (run_id INTEGER PRIMARY KEY REFERENCES runs(id), json TEXT NOT NULL);"
	"CREATE TABLE pdus ("
	"  id INTEGER PRIMARY KEY,"
	"  run_id INTEGER NOT NULL REFERENCES runs(id),"
	"  ts INTEGER NOT NULL, flow_id INTEGER NOT NULL, ied_id INTEGER,"
	"  direction TEXT NOT NULL, pdu TEXT NOT NULL, service TEXT, invoke_id INTEGER,"
	"  acsi TEXT, pcap_cnt INTEGER);"
	"CREATE INDEX pdus_ts ON pdus (run_id, ts);"
	"CREATE TABLE conn_seconds (" /* connection attempts (SYNs) per second */
	"  run_id INTEGER NOT NULL REFERENCES runs(id),"
	"  ied_id INTEGER NOT NULL REFERENCES ieds(id),"
	"  second INTEGER NOT NULL, attempts INTEGER NOT NULL,"
	"  PRIMARY KEY (run_id, ied_id, second));"
	"CREATE TABLE latency ("
	"  run_id INTEGER NOT NULL REFERENCES runs(id),"
	"  ied_id INTEGER NOT NULL REFERENCES ieds(id),"
	"  service TEXT NOT NULL, count INTEGER NOT NULL,"
	"  p50_us INTEGER, p95_us INTEGER, p99_us INTEGER, max_us INTEGER,"
	"  PRIMARY KEY (run_id, ied_id, service));",

	/* 2 -> 3: the design (--scl), kept once per distinct set of files (their SHA-256)
	 * however many runs used it, and which run used which. */
	"CREATE TABLE designs ("
	"  id INTEGER PRIMARY KEY,"
	"  hash TEXT NOT NULL UNIQUE,"    /* SHA-256 over the files' digests, in load order */
	"  loaded_wall INTEGER NOT NULL," /* unix seconds, the first run that loaded it */
	"  files TEXT NOT NULL,"          /* JSON [{path, kind, edition, bytes}] */
	"  ieds INTEGER NOT NULL);"
	"CREATE TABLE run_designs ("
	"  run_id INTEGER PRIMARY KEY REFERENCES runs(id),"
	"  design_id INTEGER NOT NULL REFERENCES designs(id));"
	"CREATE TABLE design_ieds ("
	"  design_id INTEGER NOT NULL REFERENCES designs(id),"
	"  name TEXT NOT NULL, desc TEXT, manufacturer TEXT, type TEXT, config_version TEXT,"
	"  file TEXT NOT NULL,"
	"  PRIMARY KEY (design_id, name));"
	"CREATE TABLE design_addresses ("
	"  design_id INTEGER NOT NULL REFERENCES designs(id),"
	"  ied TEXT NOT NULL, access_point TEXT NOT NULL,"
	"  ip TEXT NOT NULL, port INTEGER NOT NULL,"
	"  psel TEXT, ssel TEXT, tsel TEXT, ap_title TEXT, ae_qualifier INTEGER);"
	"CREATE INDEX design_addresses_ip ON design_addresses (ip, port);"
	"CREATE TABLE design_rcbs ("
	"  design_id INTEGER NOT NULL REFERENCES designs(id),"
	"  ied TEXT NOT NULL,"
	"  ref TEXT NOT NULL," /* MMS reference without instance: LD/LLN0$RP$name */
	"  buffered INTEGER NOT NULL, indexed INTEGER NOT NULL, max INTEGER NOT NULL,"
	"  confrev INTEGER, datset TEXT, rptid TEXT, trgops TEXT, optflds INTEGER,"
	"  intgpd_ms INTEGER, buftm_ms INTEGER,"
	"  clients TEXT NOT NULL," /* JSON [ClientLN iedName, ...] */
	"  settings TEXT,"         /* JSON {setting: Fix|Conf|Dyn}, NULL without ReportSettings */
	"  PRIMARY KEY (design_id, ref));"
	"CREATE TABLE design_datasets ("
	"  design_id INTEGER NOT NULL REFERENCES designs(id),"
	"  ied TEXT NOT NULL,"
	"  ref TEXT NOT NULL,"     /* LD/LLN0$Events */
	"  members TEXT NOT NULL," /* JSON [display name, ...]: GGIO1.AnIn1.mag.f [MX] */
	"  items TEXT NOT NULL,"   /* JSON [MMS item, ...]: GGIO1$MX$AnIn1$mag$f */
	"  PRIMARY KEY (design_id, ref));",
	/* 3 -> 4: each run's facts (core/facts.h), so that a later run can be compared
	 * with it (--baseline) and the dashboard can show what changed between two
	 * runs: the IEDs and clients seen, the services and ACSI each client used with
	 * each IED, and identity, ConfRev, dataset members and RCB settings per run
	 * (the ieds and rcbs rows are shared by every run and keep only the latest). */
	"CREATE TABLE run_facts ("
	"  run_id INTEGER NOT NULL REFERENCES runs(id),"
	"  kind TEXT NOT NULL," /* ied, client, service, acsi, identity, confrev, dataset, rcb */
	"  ied_id INTEGER NOT NULL REFERENCES ieds(id),"
	"  client TEXT NOT NULL," /* the client's address, '' when none */
	"  name TEXT NOT NULL,"
	"  value TEXT NOT NULL," /* '' for presence kinds */
	"  PRIMARY KEY (run_id, kind, ied_id, client, name));",
	/* 4 -> 5: evidence slices (--evidence DIR): the pcap of a finding, kept here so
	 * that it outlives DIR and the dashboard (which reads only the database) can
	 * hand it out. */
	"CREATE TABLE finding_pcaps ("
	"  finding_id INTEGER PRIMARY KEY REFERENCES findings(id),"
	"  name TEXT NOT NULL,"   /* the slice's file name in DIR */
	"  sha256 TEXT NOT NULL," /* hex, as in EVE evidence_sha256 */
	"  frames INTEGER NOT NULL,"
	"  redacted INTEGER NOT NULL," /* 1: an ACSE authentication value was overwritten */
	"  pcap BLOB NOT NULL);",
	/* 5 -> 6: the sensor's name, when its counters (runs.stats)
	 * were last written (every stats interval, for GET /metrics), and each EVE
	 * output's counters. */
	"ALTER TABLE runs ADD COLUMN sensor TEXT;"
	"ALTER TABLE runs ADD COLUMN stats_wall INTEGER;" /* unix seconds */
	"CREATE TABLE outputs ("
	"  run_id INTEGER NOT NULL REFERENCES runs(id),"
	"  name TEXT NOT NULL," /* as given to --eve */
	"  network INTEGER NOT NULL,"
	"  produced INTEGER NOT NULL, sent INTEGER NOT NULL, dropped INTEGER NOT NULL,"
	"  dropped_queue_full INTEGER NOT NULL, dropped_at_exit INTEGER NOT NULL,"
	"  refused INTEGER NOT NULL, retried INTEGER NOT NULL, unheard INTEGER NOT NULL,"
	"  reconnects INTEGER NOT NULL, queued INTEGER NOT NULL, queue_capacity INTEGER NOT NULL,"
	"  connected INTEGER NOT NULL,"
	"  PRIMARY KEY (run_id, name));",
	/* 6 -> 7: IED clock offsets for the IED page's plot (analyze/clock.c: one
	 * row per 10 s window of packet time, windows merging on long runs; at most
	 * MMSW_DB_CLOCK_ROWS per IED per run). */
	"CREATE TABLE ied_clock ("
	"  run_id INTEGER NOT NULL REFERENCES runs(id),"
	"  ied_id INTEGER NOT NULL REFERENCES ieds(id),"
	"  ts INTEGER NOT NULL,"        /* the window's middle, packet time (us) */
	"  offset_us INTEGER NOT NULL," /* IED time minus capture time */
	"  samples INTEGER NOT NULL,"
	"  PRIMARY KEY (run_id, ied_id, ts));",
	/* 7 -> 8: a --shards job is one run: the first of its N processes to start
	 * makes the runs row (job: the job's random token, shards: N), and each
	 * writes its own counters into a run_shards row; the trigger keeps the
	 * job's row their total, and done (or failed) once all N have ended. */
	"ALTER TABLE runs ADD COLUMN job TEXT;"
	"ALTER TABLE runs ADD COLUMN shards INTEGER;"
	"CREATE TABLE run_shards ("
	"  run_id INTEGER NOT NULL REFERENCES runs(id),"
	"  shard INTEGER NOT NULL," /* K of --shard K/N */
	"  started_wall INTEGER NOT NULL, ended_wall INTEGER,"
	"  status TEXT NOT NULL," /* running | done | failed */
	"  first_ts INTEGER, last_ts INTEGER,"
	"  packets INTEGER NOT NULL DEFAULT 0," /* its own: those it read less those left to the others */
	"  mms_pdus INTEGER NOT NULL DEFAULT 0,"
	"  stats TEXT, stats_wall INTEGER, sensor TEXT,"
	"  inventory TEXT," /* its parts of the job's inventory document (core/summary_parts.h) */
	"  PRIMARY KEY (run_id, shard));"
	"CREATE TRIGGER run_shards_total AFTER UPDATE ON run_shards BEGIN"
	"  UPDATE runs SET"
	"    first_ts = (SELECT min(first_ts) FROM run_shards WHERE run_id = NEW.run_id),"
	"    last_ts = (SELECT max(last_ts) FROM run_shards WHERE run_id = NEW.run_id),"
	"    packets = (SELECT sum(packets) FROM run_shards WHERE run_id = NEW.run_id),"
	"    mms_pdus = (SELECT sum(mms_pdus) FROM run_shards WHERE run_id = NEW.run_id),"
	"    stats_wall = (SELECT max(stats_wall) FROM run_shards WHERE run_id = NEW.run_id),"
	"    sensor = COALESCE(NEW.sensor, sensor),"
	/* the counters summed, but the largest of: the peaks; what every
	 * process counts alike, offline and live, for the frames the shard
	 * cannot be told from (fragments, unreadable IP and TCP, each decoded
	 * by every process); and, offline, what every process counts for every
	 * frame it reads (bytes, timestamps, the PRP/HSR frames), where live
	 * each counts its own. packets: the job's (each process's own frames,
	 * summed). The capture's, summed. */
	"    stats = (SELECT json_patch(json_group_object(k, json(v)),"
	"               json_object('packets', (SELECT sum(packets) FROM run_shards WHERE run_id = NEW.run_id)))"
	"             FROM (SELECT e.key AS k, CASE WHEN e.key GLOB '*peak*' OR e.key GLOB 'ipv4_*' OR"
	"                     e.key GLOB 'frag_*' OR e.key IN ('ipv6_invalid', 'ipv6_ext_limit', 'tcp_invalid') OR"
	"                     ((e.key IN ('bytes', 'timestamp_invalid', 'timestamp_rebase', 'redundancy_table_full') OR"
	"                       e.key GLOB 'prp_*' OR e.key GLOB 'hsr_*') AND"
	"                      (SELECT mode FROM runs WHERE id = NEW.run_id) NOT GLOB 'live*')"
	"                     THEN max(e.value) ELSE sum(e.value) END AS v"
	"                   FROM run_shards r, json_each(r.stats) e"
	"                   WHERE r.run_id = NEW.run_id AND json_valid(r.stats) AND e.type = 'integer'"
	"                   GROUP BY e.key"
	"                   UNION ALL"
	"                   SELECT 'capture', json_object("
	"                     'received', sum(json_extract(stats, '$.capture.received')),"
	"                     'kernel_dropped', sum(json_extract(stats, '$.capture.kernel_dropped')),"
	"                     'interface_dropped', sum(json_extract(stats, '$.capture.interface_dropped')))"
	"                   FROM run_shards WHERE run_id = NEW.run_id AND json_valid(stats)"
	"                   HAVING count(json_extract(stats, '$.capture')) > 0)),"
	"    ended_wall = CASE WHEN (SELECT count(*) FROM run_shards WHERE run_id = NEW.run_id AND"
	"                   status <> 'running') >= shards"
	"                   THEN (SELECT max(ended_wall) FROM run_shards WHERE run_id = NEW.run_id) END,"
	"    status = CASE WHEN (SELECT count(*) FROM run_shards WHERE run_id = NEW.run_id AND"
	"                   status <> 'running') < shards THEN 'running'"
	"               WHEN EXISTS (SELECT 1 FROM run_shards WHERE run_id = NEW.run_id AND status <> 'done')"
	"               THEN 'failed' ELSE 'done' END"
	"  WHERE id = NEW.run_id AND shards IS NOT NULL;"
	"END;",
	/* 8 -> 9: the RCB timeline in spans (store.c, struct rcb_row): one row for a
	 * stretch of consecutive seconds in which an RCB sent the same number of
	 * reports, for the same reasons, its SqNums running on without a gap. A
	 * steady RCB took a row per second; it now takes one per stretch (the last
	 * row grows in place, up to MMSW_RCB_SPAN_MAX seconds). A second seen again
	 * (packet time stepped back, a file read twice) is another row, and readers
	 * add up the rows of a second (web/rcb_points.h, docs/database.md).
	 * rcb_seconds keeps the rows of earlier runs, and is no longer written. */
	"CREATE TABLE rcb_spans ("
	"  run_id INTEGER NOT NULL REFERENCES runs(id),"
	"  ied_id INTEGER NOT NULL REFERENCES ieds(id),"
	"  rcb TEXT NOT NULL,"        /* as in rcb_seconds */
	"  second INTEGER NOT NULL,"  /* the first second, unix seconds, packet time */
	"  seconds INTEGER NOT NULL," /* how many seconds from it: 1..MMSW_RCB_SPAN_MAX */
	"  first_sqnum INTEGER, last_sqnum INTEGER,"
	"  reports INTEGER NOT NULL," /* in all its seconds: reports / seconds in each */
	"  reasons TEXT NOT NULL,"
	"  events TEXT NOT NULL);" /* only ever on a row of one second */
	"CREATE INDEX rcb_spans_at ON rcb_spans (run_id, ied_id, rcb, second);",
};

#define MMSW_DB_VERSION ((int)(sizeof(MMSW_MIGRATIONS) / sizeof(MMSW_MIGRATIONS[0])))

#endif
