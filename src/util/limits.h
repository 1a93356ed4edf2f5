/* SPDX-License-Identifier: GPL-2.0-or-later */
/* limits.h - the pipeline's caps (per flow and global). Each one, when hit, is a
 * named and counted event (src/stats.h); none is a silent drop. The defaults
 * keep peak memory independent of capture size; options can change some. */
#ifndef MMSW_LIMITS_H
#define MMSW_LIMITS_H

/* VLAN tags decoded per frame (802.1Q / 802.1ad / QinQ stacks). */
#define MMSW_MAX_VLAN 4
/* IPv6 extension headers walked before giving up. */
#define MMSW_MAX_IPV6_EXT 8
/* Flow table capacity (default; --max-flows). Idle flows are evicted first. */
#define MMSW_DEFAULT_MAX_FLOWS 65536
/* Shards of --shard K/N (core/shard.h). */
#define MMSW_SHARDS_MAX 256
/* Ports taken for MMS (--mms-port, 102 by default). */
#define MMSW_MAX_MMS_PORTS 16
/* Out-of-order bytes held per direction, and across all flows. */
#define MMSW_OOO_DIR_MAX (256u * 1024)
#define MMSW_OOO_SEGS_DIR_MAX 1024
/* Reassembly memory across all flows (out-of-order queues, partial TPKTs, COTP
 * TSDUs). */
#define MMSW_REASM_GLOBAL_MAX (48u * 1024 * 1024)
/* A hole in a TCP direction is waited for this long (packet time) before it is
 * declared capture loss and skipped (default; --hole-timeout). */
#define MMSW_DEFAULT_HOLE_TIMEOUT_US 1000000
/* Flows with no packet for this long are expired (packet time). */
#define MMSW_IDLE_TIMEOUT_US (7200LL * 1000000)
/* Closed (FIN both ways or RST) or never-established flows linger this long. */
#define MMSW_CLOSED_LINGER_US (5LL * 1000000)
#define MMSW_EMBRYONIC_TIMEOUT_US (30LL * 1000000)
/* IPv4 fragments: datagrams in reassembly, bytes held, lifetime (packet time). */
#define MMSW_FRAG_MAX_DATAGRAMS 1024
#define MMSW_FRAG_MAX_BYTES (8u * 1024 * 1024)
#define MMSW_FRAG_TIMEOUT_US (30LL * 1000000)
/* Packet time (stages/packet_clock.c): a frame further than this from the clock
 * either way has an invalid timestamp; this many such frames in a row that agree
 * with one another move the clock (a real clock step, not one wild frame). */
#define MMSW_TIME_JUMP_MAX_US (366LL * 86400 * 1000000)
#define MMSW_TIME_REBASE_FRAMES 64
/* Confirmed requests outstanding per association (both sides together): what
 * pairs a response with its request, for EVE's acsi and every analyzer. MMS
 * peers negotiate far fewer (5 to 10); the cap only bounds a client that never
 * waits. Past it the oldest is forgotten (pending_requests_full). */
#define MMSW_PENDING_REQUESTS 64
/* JSON bytes of decoded values per EVE mms record. */
#define MMSW_EVE_VALUE_BUDGET 8192
/* FileRead data shown per EVE record (as hex; the length and SHA-256 are always
 * of the whole). */
#define MMSW_EVE_FILE_DATA_BYTES 256
/* PRP/HSR duplicate discard (src/stages/redundancy.c): nodes (source MAC, PRP
 * or HSR) remembered at once, the least recently heard forgotten first
 * (redundancy_table_full); sequence numbers remembered per node, so the second
 * copy of a frame is recognised as long as fewer than this many frames of the
 * same node came in between (the two LANs or ring directions may reorder); and
 * how long a copy is waited for (the standard's EntryForgetTime, 400 ms, packet
 * time). Past either, a late copy is accepted as a new frame: an occasional
 * duplicate is what the standard tolerates, a dropped frame is not. */
#define MMSW_REDUNDANCY_NODES 1024
#define MMSW_REDUNDANCY_WINDOW 256
#define MMSW_REDUNDANCY_FORGET_US (400LL * 1000)
/* Input files in one run. */
#define MMSW_MAX_INPUT_FILES 100000
/* Interfaces captured at once (-i, repeatable: one per PRP LAN, or more). */
#define MMSW_MAX_INTERFACES 8
/* Several interfaces are merged in time order through a reorder buffer per
 * interface (stages/capture_live.c): frames and bytes held; the hold: a frame
 * goes on once every interface with nothing queued was read empty this long
 * after the frame's timestamp; the kernel's buffer timeout in that mode (shorter
 * than the hold: a frame waiting in the kernel's block is not overtaken); and
 * the longest a frame waits after it was read whatever the clocks say. A full
 * buffer delivers its oldest frame early: counted per interface (reorder_full
 * in the stats record's capture object), as is any frame delivered after a
 * later-stamped one (out_of_order). */
#define MMSW_LIVE_REORDER_FRAMES 8192
#define MMSW_LIVE_REORDER_BYTES (8u * 1024 * 1024)
#define MMSW_LIVE_MERGE_HOLD_US 100000
#define MMSW_LIVE_MERGE_STALL_US 2000000
#define MMSW_LIVE_MERGE_TIMEOUT_MS 20

/* The RCB timeline's longest row, in seconds (store/schema.h 8 -> 9): a reader
 * looking for the rows that reach into a range starts this far before it. */
#define MMSW_RCB_SPAN_MAX 3600

/* The dashboard (--serve): connections at once, per client address, idle
 * seconds before a connection is closed, memory per connection (it also bounds
 * the request line and headers), worker threads (each with its own read-only
 * database connection; the capture thread never waits on them). */
#define MMSW_WEB_CONN_LIMIT 64
#define MMSW_WEB_PER_IP_LIMIT 16
#define MMSW_WEB_TIMEOUT_S 15
#define MMSW_WEB_CONN_MEMORY (64u * 1024)
#define MMSW_WEB_THREADS 2
/* Request path plus query string; longer ones get 414. */
#define MMSW_WEB_MAX_URI 2048
/* One JSON reply; past it the request fails with 500 rather than grow further. */
#define MMSW_WEB_REPLY_MAX (64u * 1024 * 1024)
/* Pagination: default and largest page. */
#define MMSW_WEB_PAGE_DEFAULT 100
#define MMSW_WEB_PAGE_MAX 1000
/* Minute rows per reply (a week), timeline and attempt points, marks and storms. */
#define MMSW_WEB_MINUTES_MAX 10080
#define MMSW_WEB_POINTS_MAX 100000
#define MMSW_WEB_MARKS_MAX 1000
/* --token-file: the token's length bounds. */
#define MMSW_WEB_TOKEN_MIN 16
#define MMSW_WEB_TOKEN_MAX 256

#endif
