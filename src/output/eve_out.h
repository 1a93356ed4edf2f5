/* SPDX-License-Identifier: GPL-2.0-or-later */
/* eve_out.h - where EVE lines go. One writer (eve.c) formats each record once;
 * every output whose event-type selection takes that record gets the line. An
 * output is a transport: a file (buffered in large blocks that a writer thread
 * writes; eve_file.c), or a
 * network output (eve_net.h: unix-dgram, unix-stream, redis) behind a bounded
 * queue that its own thread drains, so the capture never waits on the network. */
#ifndef MMSW_EVE_OUT_H
#define MMSW_EVE_OUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The EVE event types, for --eve-types (docs/schema/eve.schema.json). */
enum eve_type {
	EVE_T_MMS,
	EVE_T_ASSOCIATION,
	EVE_T_STREAM,
	EVE_T_REPORT,
	EVE_T_FINDING,
	EVE_T_CONTROL,
	EVE_T_WRITE,
	EVE_T_FILE,
	EVE_T_STATS,
	EVE_T_COUNT
};
#define EVE_TYPES_ALL ((1u << EVE_T_COUNT) - 1)

/* A type's name to its index, -1 when unknown. */
int eve_type_of(const char *name);
/* "finding,association,stats" to a mask; 0 with the reason in err when a name is
 * unknown or the list is empty. */
uint32_t eve_types_parse(const char *list, char *err, size_t errsize);

/* What an output did with the lines it was given (all zero for a file but
 * produced and sent). dropped = dropped_full + dropped_exit + refused. */
struct eve_out_counts {
	uint64_t produced;      /* lines handed to the output */
	uint64_t sent;          /* taken by the peer (the server replied, the socket took it) */
	uint64_t dropped;       /* never delivered, every reason below */
	uint64_t dropped_full;  /* the queue was full when the line came */
	uint64_t dropped_exit;  /* still queued when the run's drain time ran out */
	uint64_t refused;       /* the peer answered with an error (e.g. a Redis WRONGTYPE) */
	uint64_t retried;       /* sent again after the connection failed under them */
	uint64_t unheard;       /* Redis publish mode: sent, but no subscriber was listening */
	uint64_t reconnects;    /* connections made after the first */
	size_t depth, capacity; /* lines queued now, and the queue's cap */
	bool connected;
	bool network;
	bool reader_gone; /* stdout's reader went away (struct eve_out) */
};

struct eve_out;
struct eve_out_ops {
	/* One line in two pieces: the record without its closing brace, then the
	 * output's tail (the brace, maybe a "sensor" member first, and '\n'). */
	void (*put)(struct eve_out *o, const char *head, size_t head_len);
	/* Optional (a file): format the record in place instead of copying it.
	 * reserve gives room for a record of at most max bytes plus the tail;
	 * commit takes the record written there (head_len bytes) and adds the
	 * tail. Nothing else is put between the two; a record that is never
	 * committed (it did not fit) leaves nothing behind. */
	char *(*reserve)(struct eve_out *o, size_t max);
	void (*commit)(struct eve_out *o, size_t head_len);
	void (*flush)(struct eve_out *o);
	int (*reopen)(struct eve_out *o);
	/* Flush (a network output: drain for at most drain_ms), close and free,
	 * leaving the final counters in *last. -1 when something could not be
	 * written. */
	int (*close)(struct eve_out *o, int drain_ms, struct eve_out_counts *last);
	void (*counts)(struct eve_out *o, struct eve_out_counts *c);
};

struct eve_out {
	const struct eve_out_ops *ops;
	char *name;     /* as given to --eve (never holds a secret) */
	uint32_t types; /* the event types it takes */
	char tail[320]; /* "}\n" or ",\"sensor\":\"NAME\"}\n" */
	size_t tail_len;
	/* EVE on stdout whose reader went away (`--eve - | head`): not a failure,
	 * the reader has read what it wanted; nothing more is written to it. */
	bool reader_gone;
};

/* Give an output its tail: with the sensor's name as a member, or without
 * (sensor NULL). The name is JSON-escaped here. */
void eve_out_set_sensor(struct eve_out *o, const char *sensor);

/* A file ('-' is stdout). Returns NULL after writing the reason into err. */
struct eve_out *eve_file_open(const char *path, bool append, char *err, size_t errsize);
/* Whether files opened from now on are written by a writer thread (the default)
 * or by the capture thread itself (--single-threaded: the reference run). */
void eve_file_set_threaded(bool threaded);

#endif
