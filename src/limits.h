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
/* Requests remembered per association to name the service of their response. */
#define MMSW_PENDING_REQUESTS 32
/* JSON bytes of decoded values per EVE mms record. */
#define MMSW_EVE_VALUE_BUDGET 8192
/* Input files in one run. */
#define MMSW_MAX_INPUT_FILES 100000

#endif
