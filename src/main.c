/* SPDX-License-Identifier: GPL-2.0-or-later */
/* main.c - mmswatch: decode MMS from captures or an interface, analyze it, and
 * write events, findings, a database and a summary.
 *
 * The run, in order: options (a --config file first, the command line over it)
 * -> rules -> open the input (files, or the interface while still privileged)
 * -> pidfile -> drop privileges -> open the outputs -> the pipeline over every
 * packet -> flush flows and findings -> close outputs -> exit status (options.h):
 * 0 done, 1 failure while running, 2 usage or unreadable input, 3 the gate.
 * With --serve, the dashboard's socket is bound before privileges are dropped,
 * answers once the database is open, and outlives the run until SIGINT/SIGTERM. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "daemon.h"
#include "options.h"
#include "pipeline.h"
#include "shards.h"
#include "shards_db.h"
#include "analyze/analyze.h"
#include "core/bus.h"
#include "core/finding.h"
#include "core/ied.h"
#include "core/inputs.h"
#include "core/rules.h"
#include "core/scl.h"
#include "core/summary_parts.h"
#include "output/alert.h"
#include "output/eve.h"
#include "output/evidence.h"
#include "output/eve_net.h"
#include "output/gate.h"
#include "output/inventory_doc.h"
#include "output/summary.h"
#include "output/syslog_out.h"
#include "stages/capture.h"
#include "stages/capture_live.h"
#include "core/facts.h"
#include "store/baseline.h"
#include "store/store.h"
#include "util/heap.h"
#include "util/log.h"
#include "util/sysclock.h"
#include "web/server.h"

static volatile int stop_requested;
static volatile sig_atomic_t reload_requested;

static void on_stop(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static void on_hup(int sig)
{
	(void)sig;
	reload_requested = 1;
}

static const char *rules_path;

static void install_signals(void)
{
	/* A reader of stdout that goes away (`--eve - | head`) is an EPIPE to
	 * handle, not a signal that kills the run mid-write. */
	signal(SIGPIPE, SIG_IGN);
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sa.sa_handler = on_hup;
	sigaction(SIGHUP, &sa, NULL);
}

/* The dashboard goes on after the run: sleep until SIGINT or SIGTERM (checked
 * with the signals blocked, so one arriving just before the sleep is not lost). */
static void wait_for_stop(void)
{
	sigset_t block, old;
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigprocmask(SIG_BLOCK, &block, &old);
	while (!stop_requested)
		sigsuspend(&old);
	sigprocmask(SIG_SETMASK, &old, NULL);
}

/* mmswatch --db PATH --serve PORT: no run, only the dashboard over that file. */
static int serve_only(const struct options *o)
{
	char err[512];
	int rc = EXIT_DONE;
	if (o->pidfile && daemon_pidfile(o->pidfile, err, sizeof(err)) != 0) {
		log_error("%s", err);
		return EXIT_USAGE;
	}
	if ((o->user && daemon_drop_privileges(o->user, o->chroot_dir, err, sizeof(err)) != 0) ||
	    web_start(o->db_path, err, sizeof(err)) != 0) {
		log_error("%s", err);
		rc = EXIT_USAGE;
	} else {
		install_signals();
		web_announce(" (Ctrl-C to stop)");
		wait_for_stop();
	}
	daemon_pidfile_remove();
	return rc;
}

/* SIGHUP: new rules only if the whole file is good; then reopen the EVE file. */
static void reload(void)
{
	reload_requested = 0;
	if (rules_path) {
		struct rules *fresh = malloc(sizeof(*fresh));
		char err[512];
		if (fresh) {
			rules_defaults(fresh);
			if (rules_load(fresh, rules_path, err, sizeof(err)) == 0) {
				g_rules = *fresh;
				log_info("rules reloaded from %s", rules_path);
			} else {
				log_error("%s (the rules in force are kept)", err);
			}
			free(fresh);
		}
	}
	eve_reopen();
}

static struct timespec last_flush;

/* Nothing but EVE on stdout wants the rest of the input: when its reader goes
 * away (`--eve - | head`), the run ends, quietly and successfully. */
static bool stop_when_reader_gone;

static void offline_packet(void *ctx, int dlt, uint32_t file_idx, uint64_t frame, const struct pcap_pkthdr *h,
			   const uint8_t *data)
{
	pipeline_packet(ctx, dlt, file_idx, frame, h, data);
	if (stop_when_reader_gone && eve_reader_gone())
		stop_requested = 1;
}

/* Between batches of live packets: signals, EVE flushing, alert children. */
static void housekeeping(void *arg)
{
	(void)arg;
	if (reload_requested)
		reload();
	alert_reap();
	store_idle();
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (now.tv_sec != last_flush.tv_sec) {
		eve_flush();
		last_flush = now;
	}
	if (stop_when_reader_gone && eve_reader_gone())
		stop_requested = 1;
}

/* Drops already reported, per interface (the kernel's counters only grow). */
static uint64_t drops_reported[MMSW_MAX_INTERFACES];

/* New drops on one interface: a capture_drops finding on it (its name is the
 * finding's object, so each interface aggregates on its own). */
static void capture_drops(const struct live_stats *s, const char *iface_name, uint64_t *reported, int64_t now)
{
	uint64_t drops = s->dropped + s->if_dropped;
	if (drops <= *reported)
		return;
	struct endpoint none;
	memset(&none, 0, sizeof(none));
	struct finding *f = finding_open("capture_drops", &none, iface_name, now);
	if (f) {
		f->severity = SEV_MEDIUM;
		snprintf(
			f->details, sizeof(f->details),
			"{\"interface\":\"%.64s\",\"received\":%llu,\"kernel_dropped\":%llu,\"interface_dropped\":%llu}",
			iface_name, (unsigned long long)s->received, (unsigned long long)s->dropped,
			(unsigned long long)s->if_dropped);
		finding_summary(f,
				"The sensor dropped %llu of %llu packets on %s (kernel %llu, interface %llu): "
				"findings since may be incomplete; raise --buffer-size or reduce the load.",
				(unsigned long long)drops, (unsigned long long)(s->received + s->if_dropped),
				iface_name, (unsigned long long)s->dropped, (unsigned long long)s->if_dropped);
		finding_commit(f, now);
	}
	gate_note_dropped(drops - *reported);
	*reported = drops;
}

/* This process is one of a --shards job's, which is one run in the database
 * (store_config.job). */
static bool db_job;

/* The sensor's name: --sensor-name, or the host name (network outputs and
 * metrics carry it; local files only when --sensor-name asked for it). */
static char sensor[256];

/* Every --eve, each with its own event types; network outputs get the sensor's
 * name, files only when it was asked for. 0, or -1 after the reason. */
static int eve_outputs_open(const struct options *o, const struct input_set *in, bool live)
{
	char err[1200];
	eve_init(in, !o->no_values);
	eve_file_set_threaded(!o->single_threaded); /* files: a writer thread unless --single-threaded */
	for (size_t i = 0; i < o->n_eves; i++) {
		const char *t = o->eves[i].target;
		bool net = eve_net_spec(t);
		/* A file: a sensor appends to it, and so does a --shard process (the N
		 * processes may write one file; each block of lines is one write()). */
		struct eve_out *out = net ? eve_net_open_spec(t, o->eve_queue, err, sizeof(err))
					  : eve_file_open(t, live || o->shards, err, sizeof(err));
		if (!out) {
			log_error("%s", err);
			return -1;
		}
		out->types = o->eves[i].types;
		eve_out_set_sensor(out, net || o->sensor_name ? sensor : NULL);
		if (eve_add_output(out) != 0)
			return -1;
	}
	return 0;
}

/* Lines an output dropped (queue full or refused) at the last check, and
 * whether the check before saw drops too: dropping over two checks in a row is
 * sustained, one burst is not. */
static struct {
	uint64_t dropped;
	bool dropping;
} out_seen[MMSW_MAX_EVE_OUTPUTS];

/* An output_dropping finding for an output that keeps dropping: downstream
 * (the SIEM, the site's pipeline) then misses records this sensor made. final:
 * the end of an offline run, where any drop counts (there is no later). */
static void outputs_check(int64_t now, bool final)
{
	struct eve_output_counts c[MMSW_MAX_EVE_OUTPUTS];
	size_t n = eve_outputs_counts(c, MMSW_MAX_EVE_OUTPUTS);
	for (size_t i = 0; i < n; i++) {
		uint64_t dropped = c[i].n.dropped_full + c[i].n.refused;
		bool dropping = dropped > out_seen[i].dropped;
		bool sustained = dropping && (out_seen[i].dropping || final);
		out_seen[i].dropped = dropped;
		out_seen[i].dropping = dropping;
		if (!c[i].n.network || !sustained)
			continue;
		struct endpoint none;
		memset(&none, 0, sizeof(none));
		struct finding *f = finding_open("output_dropping", &none, c[i].name, now);
		if (!f)
			continue;
		f->severity = SEV_MEDIUM; /* rules may change it at commit (core/kinds.h) */
		snprintf(f->details, sizeof(f->details),
			 "{\"output\":\"%.200s\",\"produced\":%llu,\"sent\":%llu,\"dropped_queue_full\":%llu,"
			 "\"refused\":%llu,\"retried\":%llu,\"queued\":%zu,\"queue_capacity\":%zu,\"connected\":%s}",
			 c[i].name, (unsigned long long)c[i].n.produced, (unsigned long long)c[i].n.sent,
			 (unsigned long long)c[i].n.dropped_full, (unsigned long long)c[i].n.refused,
			 (unsigned long long)c[i].n.retried, c[i].n.depth, c[i].n.capacity,
			 c[i].n.connected ? "true" : "false");
		finding_summary(
			f,
			"The EVE output %.200s dropped %llu of %llu records (queue full %llu, refused %llu): "
			"the pipeline it feeds is missing this sensor's records; check the receiver and the link to it.",
			c[i].name, (unsigned long long)dropped, (unsigned long long)c[i].n.produced,
			(unsigned long long)c[i].n.dropped_full, (unsigned long long)c[i].n.refused);
		finding_commit(f, now);
	}
}

/* The counters into the database (for GET /metrics), after the EVE stats. */
static void stats_to_store(const struct live_stats *cap, size_t n)
{
	struct eve_output_counts c[MMSW_MAX_EVE_OUTPUTS];
	size_t n_out = eve_outputs_counts(c, MMSW_MAX_EVE_OUTPUTS);
	store_stats(cap, n, c, n_out, sensor);
}

/* The sensor's own clock, at the start of a live run and at every statistics
 * interval: every IED clock offset is measured against it, so an unsynchronized
 * sensor is said aloud (a warning when it becomes so, and in the EVE capture
 * statistics). */
static int sensor_clock_synced = -1; /* -1 not asked yet */

static void sensor_clock_check(void)
{
	struct sysclock c;
	if (!sysclock_status(&c))
		return;
	eve_sensor_clock(&c);
	if (!c.synchronized && sensor_clock_synced != 0)
		log_warn(
			"the sensor's clock is not synchronized (kernel clock status STA_UNSYNC, maximum error %lld ms): "
			"IED clock offsets are measured against it; check its NTP/PTP daemon",
			(long long)(c.max_error_us / 1000));
	else if (c.synchronized && sensor_clock_synced == 0)
		log_info("the sensor's clock is synchronized again");
	sensor_clock_synced = c.synchronized;
}

/* Capture statistics every interval, per interface; drops mean findings may be
 * incomplete, and the finding names the interface that dropped. */
static void on_capture_stats(const struct live_stats *s, size_t n, void *arg)
{
	(void)arg;
	int64_t now = pipeline_last_ts();
	if (!now) {
		struct timespec t;
		clock_gettime(CLOCK_REALTIME, &t);
		now = (int64_t)t.tv_sec * 1000000 + t.tv_nsec / 1000;
	}
	sensor_clock_check();
	eve_stats_capture(now, s, n);
	for (size_t i = 0; i < n && i < MMSW_MAX_INTERFACES; i++)
		capture_drops(&s[i], input_iface((uint32_t)i) ? input_iface((uint32_t)i)->name : "?",
			      &drops_reported[i], now);
	outputs_check(now, false);
	stats_to_store(s, n);
}

/* --config FILE comes before everything else on the command line, so the
 * command line wins. Returns an argv to parse (maybe the original). */
static int with_config(int argc, char **argv, int *nargc, char ***nargv, int *cargc, char ***cargv)
{
	const char *path = NULL;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--config") && i + 1 < argc)
			path = argv[i + 1];
		else if (!strncmp(argv[i], "--config=", 9))
			path = argv[i] + 9;
	}
	*nargc = argc;
	*nargv = argv;
	*cargc = 0;
	*cargv = NULL;
	if (!path)
		return 0;
	char err[512];
	if (daemon_config_read(path, cargc, cargv, err, sizeof(err)) != 0) {
		log_error("%s", err);
		return -1;
	}
	char **v = calloc((size_t)(argc + *cargc + 1), sizeof(char *));
	if (!v)
		return -1;
	v[0] = argv[0];
	memcpy(v + 1, *cargv, sizeof(char *) * (size_t)*cargc);
	memcpy(v + 1 + *cargc, argv + 1, sizeof(char *) * (size_t)(argc - 1));
	*nargc = argc + *cargc;
	*nargv = v;
	return 0;
}

int main(int argc, char **argv)
{
	struct options opt;
	struct input_set in;
	char err[4096]; /* --fail-on-kind lists every kind when one is unknown */
	int nargc, cargc, rc;
	char **nargv, **cargv;
	struct live_capture *live = NULL;
	struct scl *design = NULL;
	int status = EXIT_DONE;
	struct fact_table baseline; /* --baseline: the earlier run's facts */
	char baseline_name[300] = "";

	log_init();
	heap_hugepages_init();
	memset(&in, 0, sizeof(in));
	facts_init(&baseline, FACTS_MAX);
	if (with_config(argc, argv, &nargc, &nargv, &cargc, &cargv) != 0)
		return EXIT_USAGE;
	rc = options_parse_config(nargc, nargv, cargc, &opt);
	if (rc >= 0)
		goto out_opts;
	log_set_quiet(opt.quiet);
	heap_prefault_threaded(!opt.single_threaded);
	rules_defaults(&g_rules);
	rules_path = opt.rules_path;
	if (opt.rules_path && rules_load(&g_rules, opt.rules_path, err, sizeof(err)) != 0) {
		log_error("%s", err);
		rc = EXIT_USAGE;
		goto out_opts;
	}
	/* The design (--scl), read before the first packet so that an IED at an SCL
	 * address has its name from its first packet on, and before any chroot. */
	if (opt.n_scl) {
		if (!(design = scl_load(opt.scl_paths, opt.n_scl, err, sizeof(err)))) {
			log_error("%s", err);
			rc = EXIT_USAGE;
			goto out_opts;
		}
		g_scl = design;
	}
	if (gate_init(opt.fail_on >= 0 ? (uint8_t)opt.fail_on : SEV_COUNT, opt.fail_on_kinds, err, sizeof(err)) != 0) {
		log_error("%s", err);
		rc = EXIT_USAGE;
		goto out_opts;
	}
	gate_fail_on_loss(opt.fail_on_loss);
	if (opt.serve &&
	    ((opt.token_file && web_token_load(opt.token_file, err, sizeof(err)) != 0) ||
	     web_listen(&opt.serve_at, err, sizeof(err)) != 0)) {
		log_error("%s", err);
		rc = EXIT_USAGE;
		goto out_opts;
	}
	if (opt.serve_only) {
		rc = serve_only(&opt);
		goto out_opts;
	}

	/* --shards N: this job as N --shard K/N processes (src/shards.h), once the
	 * command line, the rules, the design, the gate and the input files have
	 * been checked here (an interface is the processes' to open). */
	if (opt.spawn_shards) {
		if (!opt.n_ifaces && (rc = input_set_open(&in, opt.inputs, opt.n_inputs)) != 0)
			goto out_input;
		rc = shards_run(nargc, nargv, &opt);
		goto out_input;
	}
	/* The input, opened while still privileged (every interface before the
	 * privileges go). */
	if (opt.n_ifaces) {
		struct live_config lc = { .filter = opt.filter,
					  .ports = opt.mms_ports,
					  .n_ports = opt.n_mms_ports,
					  .snaplen = opt.snaplen,
					  .buffer_mb = opt.buffer_mb,
					  .immediate = opt.immediate,
					  .no_promisc = opt.no_promisc,
					  .shard = opt.shard,
					  .shards = opt.shards };
		in.ifaces = opt.ifaces;
		in.n_ifaces = opt.n_ifaces;
		if (!(live = live_capture_open(&lc, opt.ifaces, opt.n_ifaces, err, sizeof(err)))) {
			log_error("%s", err);
			rc = EXIT_USAGE;
			goto out_opts;
		}
	} else if ((rc = input_set_open(&in, opt.inputs, opt.n_inputs)) != 0) {
		goto out_input;
	}
	/* The baseline is an input too: read (read-only, into memory) before the
	 * privileges and the chroot go. */
	if (opt.baseline) {
		struct baseline_info bi;
		if (baseline_load(opt.baseline, &baseline, &bi, err, sizeof(err)) != 0) {
			log_error("%s", err);
			rc = EXIT_USAGE;
			goto out_input;
		}
		snprintf(baseline_name, sizeof(baseline_name), "run %lld of %.250s", (long long)bi.run_id,
			 opt.baseline);
		char *hash = strrchr(baseline_name, '#');
		if (hash && !strchr(hash, '/') && strlen(hash) > 1 && hash[1] >= '0' && hash[1] <= '9')
			*hash = 0; /* "run 3 of base.db", not "run 3 of base.db#3" */
		log_info("baseline: %s (schema %d, %s%s%s; %zu facts)", baseline_name, bi.schema, bi.source,
			 strcmp(bi.status, "done") ? ", run status " : "", strcmp(bi.status, "done") ? bi.status : "",
			 baseline.n);
	}
	drift_configure(opt.db_path != NULL, opt.baseline ? &baseline : NULL, baseline_name, live != NULL);
	if (opt.pidfile && daemon_pidfile(opt.pidfile, err, sizeof(err)) != 0) {
		log_error("%s", err);
		rc = EXIT_USAGE;
		goto out_input;
	}
	if (opt.user && daemon_drop_privileges(opt.user, opt.chroot_dir, err, sizeof(err)) != 0) {
		log_error("%s", err);
		rc = EXIT_USAGE;
		goto out_pid;
	}

	/* The bus: every analyzer, then the sinks asked for, in the order a finding
	 * reaches them (core/bus.h has the ordering rule); a sink not asked for is not
	 * registered, so it costs nothing per event. */
	inputs_use(&in);
	pipeline_add_analyzers();
	/* First: the other sinks name the slice of the finding they are given. */
	if (opt.evidence_dir)
		bus_add_sink(&evidence_sink);
	if (opt.n_eves)
		bus_add_sink(&eve_sink);
	if (opt.summary)
		bus_add_sink(&summary_sink);
	if (opt.db_path)
		bus_add_sink(&store_sink);
	if (opt.syslog_min >= 0)
		bus_add_sink(&syslog_out_sink);
	if (opt.alert_exec)
		bus_add_sink(&alert_sink);
	if (opt.fail_on >= 0 || opt.fail_on_kinds)
		bus_add_sink(&gate_sink);

	/* Outputs, opened as the user they will be written by. */
	if (opt.sensor_name)
		snprintf(sensor, sizeof(sensor), "%s", opt.sensor_name);
	else if (gethostname(sensor, sizeof(sensor) - 1) != 0 || !sensor[0])
		snprintf(sensor, sizeof(sensor), "mmswatch");
	if (eve_outputs_open(&opt, &in, live != NULL) != 0 || pipeline_init(&opt) != 0) {
		rc = EXIT_USAGE;
		goto out_pid;
	}
	/* A process of --shards: its summary (and its parts of the job's run in
	 * the database) in parts, with the job's token. */
	if (opt.shards)
		summary_parts_init();
	if (opt.db_path) {
		/* A shard's run says so (runs.mode, shown by the dashboard): its
		 * database holds only that shard's IEDs. */
		char mode[48];
		const char *how = live ? "live" : "offline";
		/* A process of --shards: the job is one run, its token the job's. */
		const char *job = opt.shards && summary_parts() ? summary_parts_token() : NULL;
		db_job = job != NULL;
		if (job)
			snprintf(mode, sizeof(mode), "%s, shards %u", how, opt.shards);
		else if (opt.shards)
			snprintf(mode, sizeof(mode), "%s, shard %u/%u", how, opt.shard, opt.shards);
		else
			snprintf(mode, sizeof(mode), "%s", how);
		struct store_config sc = { .path = opt.db_path,
					   .pdus = opt.db_pdus,
					   .mode = mode,
					   .inputs = &in,
					   .threaded = !opt.single_threaded,
					   .job = job,
					   .shard = opt.shard,
					   .shards = opt.shards };
		if (store_open(&sc, err, sizeof(err)) != 0) {
			log_error("%s", err);
			rc = EXIT_USAGE;
			goto out_pid;
		}
	}
	if (opt.serve) {
		if (web_start(opt.db_path, err, sizeof(err)) != 0) {
			log_error("%s", err);
			store_close(false, 0);
			rc = EXIT_USAGE;
			goto out_pid;
		}
		web_announce("");
	}
	if (opt.syslog_min >= 0 && syslog_out_open(opt.syslog_socket, (uint8_t)opt.syslog_min, err, sizeof(err)) != 0) {
		log_error("%s", err);
		rc = EXIT_USAGE;
		goto out_pid;
	}
	if (opt.evidence_dir) {
		struct evidence_config ec = { .dir = opt.evidence_dir,
					      .disk_max = opt.evidence_disk_kb * 1024,
					      .ring_frames = opt.evidence_ring_frames,
					      .ring_bytes = opt.evidence_ring_kb * 1024,
					      .memory_max = opt.evidence_memory_mb << 20 };
		if (evidence_open(&ec, err, sizeof(err)) != 0) {
			log_error("%s", err);
			rc = EXIT_USAGE;
			goto out_pid;
		}
	}
	alert_init(opt.alert_exec, (uint8_t)opt.alert_min);
	summary_init(&in);

	install_signals();
	stop_when_reader_gone = opt.eve_path && !strcmp(opt.eve_path, "-") && !opt.db_path && !opt.inventory_path &&
		!opt.serve && opt.syslog_min < 0 && !opt.alert_exec && opt.fail_on < 0 && !opt.fail_on_kinds &&
		!opt.fail_on_loss;

	if (live) {
		char on[MMSW_MAX_INTERFACES * 80] = "";
		size_t used = 0;
		for (size_t i = 0; i < opt.n_ifaces && used < sizeof(on); i++) {
			const char *lan = input_lan_name(opt.ifaces[i].lan);
			used += (size_t)snprintf(on + used, sizeof(on) - used, "%s%.64s%s%s%s", i ? ", " : "",
						 opt.ifaces[i].name, lan ? " (LAN " : "", lan ? lan : "",
						 lan ? ")" : "");
		}
		log_info("capturing on %s%s", on, opt.n_ifaces > 1 ? ", merged in time order" : "");
		sensor_clock_check();
		if (live_loop(live, pipeline_live_packet, NULL, &stop_requested, opt.count, opt.duration_s,
			      opt.stats_interval_s, on_capture_stats, housekeeping, NULL) != 0)
			status = EXIT_FAILURE_RUN;
	} else {
		input_set_flow_soon(pipeline_flow_soon);
		/* --shard: the reader hands another shard's frames on as their
		 * headers only, unless something keeps every frame's bytes (--evidence). */
		if (opt.shards && !bus_keeps_frames())
			input_set_frames_left(pipeline_frame_fate, pipeline_frame_left);
		if ((opt.single_threaded ? input_set_read : input_set_read_threaded)(&in, offline_packet, NULL,
										     &stop_requested) != 0)
			status = EXIT_FAILURE_RUN;
	}

	store_finishing();
	pipeline_finish();
	int64_t end_ts = pipeline_last_ts();
	if (!end_ts) {
		struct timespec t;
		clock_gettime(CLOCK_REALTIME, &t);
		end_ts = (int64_t)t.tv_sec * 1000000 + t.tv_nsec / 1000;
	}
	if (!live) {
		outputs_check(end_ts, true);
		eve_stats(end_ts); /* live runs wrote their last capture statistics already */
	}
	/* Network outputs send what they hold (for at most --eve-drain), then their
	 * final counters go to the database. */
	if (eve_close_drain(opt.eve_drain_ms) != 0)
		status = EXIT_FAILURE_RUN;
	{
		struct eve_output_counts c[MMSW_MAX_EVE_OUTPUTS];
		size_t n_out = eve_closed_counts(c, MMSW_MAX_EVE_OUTPUTS);
		store_stats(NULL, 0, c, n_out, sensor);
	}
	if (store_close(status == EXIT_DONE, pipeline_last_ts()) != 0)
		status = EXIT_USAGE; /* the store could not be written: full disk, I/O error */
	else if (db_job && shards_db_finish(opt.db_path, summary_parts_token()) != 0)
		status = EXIT_FAILURE_RUN; /* the last of a job's processes: its inventory */
	if (opt.inventory_path && inventory_doc_write(opt.inventory_path, inventory_view()) != 0)
		status = EXIT_FAILURE_RUN;
	if (opt.summary && !eve_reader_gone())
		summary_print(stdout);
	if (fflush(stdout) != 0 && errno != EPIPE)
		status = EXIT_FAILURE_RUN; /* EPIPE: the reader of stdout had read enough */
	evidence_report();
	alert_finish();
	syslog_out_close();
	gate_report(stderr); /* a pass on a lossy capture says so too */
	if (gate_tripped() && status == EXIT_DONE)
		status = EXIT_GATE;
	if (opt.serve && !stop_requested) {
		web_announce(" (run finished; Ctrl-C to stop)");
		wait_for_stop();
	}
	bus_free();
	findings_free();
	ied_free_all();
	bus_reset();
	rc = status;
out_pid:
	daemon_pidfile_remove();
out_input:
	facts_free(&baseline);
	live_capture_close(live);
	input_set_free(&in);
out_opts:
	web_stop();
	scl_free(design);
	options_free(&opt);
	if (nargv != argv)
		free(nargv);
	daemon_config_free(cargc, cargv);
	return rc;
}
