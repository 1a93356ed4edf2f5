-- SPDX-License-Identifier: GPL-2.0-or-later
-- mmswatch database schema 1, as the first release wrote it (used by the
-- migration test: a file at this version must be migrated, its rows kept).
CREATE TABLE runs (  id INTEGER PRIMARY KEY,  started_wall INTEGER NOT NULL,  ended_wall INTEGER,  mode TEXT NOT NULL,  inputs TEXT NOT NULL,  version TEXT NOT NULL,  status TEXT NOT NULL,  first_ts INTEGER, last_ts INTEGER,  packets INTEGER NOT NULL DEFAULT 0,  mms_pdus INTEGER NOT NULL DEFAULT 0,  stats TEXT);
CREATE TABLE ieds (  id INTEGER PRIMARY KEY,  ip TEXT NOT NULL, port INTEGER NOT NULL, vlan TEXT NOT NULL,  name TEXT, vendor TEXT, model TEXT, revision TEXT,  first_seen INTEGER, last_seen INTEGER,  assoc_limit INTEGER, limit_inferred INTEGER NOT NULL DEFAULT 0,  peak_assocs INTEGER NOT NULL DEFAULT 0,  UNIQUE (ip, port, vlan));
CREATE TABLE associations (  id INTEGER PRIMARY KEY,  run_id INTEGER NOT NULL REFERENCES runs(id),  ied_id INTEGER NOT NULL REFERENCES ieds(id),  flow_id INTEGER NOT NULL,  client_ip TEXT NOT NULL, client_port INTEGER NOT NULL,  start_ts INTEGER NOT NULL, end_ts INTEGER NOT NULL,  ended TEXT,  packets INTEGER NOT NULL, bytes INTEGER NOT NULL);
CREATE INDEX associations_ied ON associations (ied_id, start_ts);
CREATE TABLE rcbs (  id INTEGER PRIMARY KEY,  ied_id INTEGER NOT NULL REFERENCES ieds(id),  ref TEXT NOT NULL, rptid TEXT, datset TEXT, buffered INTEGER NOT NULL,  trgops TEXT, intgpd_ms INTEGER, buftm_ms INTEGER, optflds INTEGER, confrev INTEGER,  rptena INTEGER, reports INTEGER NOT NULL DEFAULT 0, updated_ts INTEGER,  UNIQUE (ied_id, ref));
CREATE TABLE findings (  id INTEGER PRIMARY KEY,  run_id INTEGER NOT NULL REFERENCES runs(id),  run_finding_id INTEGER NOT NULL,  kind TEXT NOT NULL, severity TEXT NOT NULL, severity_rank INTEGER NOT NULL,  first_seen INTEGER NOT NULL, last_seen INTEGER NOT NULL, count INTEGER NOT NULL,  ied_id INTEGER REFERENCES ieds(id), client TEXT, flow_id INTEGER,  object TEXT, summary TEXT NOT NULL, details TEXT NOT NULL,  evidence TEXT NOT NULL, evidence_total INTEGER NOT NULL, tshark_filter TEXT NOT NULL,  UNIQUE (run_id, run_finding_id));
CREATE INDEX findings_last_seen ON findings (last_seen);
CREATE INDEX findings_kind ON findings (kind);
CREATE INDEX findings_ied ON findings (ied_id);
CREATE TABLE ied_minute (  run_id INTEGER NOT NULL REFERENCES runs(id),  ied_id INTEGER NOT NULL REFERENCES ieds(id),  minute INTEGER NOT NULL,  pdus INTEGER NOT NULL, reports INTEGER NOT NULL, requests INTEGER NOT NULL,  errors INTEGER NOT NULL, conn_attempts INTEGER NOT NULL, assocs_max INTEGER NOT NULL,  PRIMARY KEY (run_id, ied_id, minute));

PRAGMA user_version=1;
PRAGMA application_id=1296913239;
