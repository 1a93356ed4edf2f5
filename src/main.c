/* main.c - mmswatch: read captures, decode MMS, write events and a summary.
 * The run: parse options -> open the input set -> open outputs -> pipeline over
 * every packet -> flush flows -> stats -> exit status (see options.h). */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "capture.h"
#include "eve.h"
#include "log.h"
#include "options.h"
#include "pipeline.h"
#include "rules.h"
#include "analyze/analyze.h"
#include "store/store.h"
#include "summary.h"

static volatile int stop_requested;

static void on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

int main(int argc, char **argv)
{
	struct options opt;
	struct input_set in;
	log_init();
	int rc = options_parse(argc, argv, &opt);
	if (rc >= 0) {
		options_free(&opt);
		return rc;
	}
	log_set_quiet(opt.quiet);
	rules_defaults(&g_rules);
	if (opt.rules_path) {
		char err[512];
		if (rules_load(&g_rules, opt.rules_path, err, sizeof(err)) != 0) {
			log_error("%s", err);
			options_free(&opt);
			return EXIT_USAGE;
		}
	}
	if ((rc = input_set_open(&in, opt.inputs, opt.n_inputs)) != 0) {
		input_set_free(&in);
		options_free(&opt);
		return rc;
	}
	if (eve_open(opt.eve_path, &in, !opt.no_values) != 0 || pipeline_init(&opt) != 0) {
		input_set_free(&in);
		options_free(&opt);
		return EXIT_USAGE;
	}
	if (opt.db_path) {
		char err[512];
		struct store_config sc = { .path = opt.db_path, .pdus = opt.db_pdus, .mode = "offline", .inputs = &in };
		if (store_open(&sc, err, sizeof(err)) != 0) {
			log_error("%s", err);
			input_set_free(&in);
			options_free(&opt);
			return EXIT_USAGE;
		}
	}
	summary_init(&in);
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	int status = EXIT_DONE;
	if (input_set_read(&in, pipeline_packet, NULL, &stop_requested) != 0)
		status = EXIT_FAILURE_RUN;
	pipeline_finish();
	eve_stats(pipeline_last_ts());
	if (store_close(status == EXIT_DONE, pipeline_last_ts()) != 0)
		status = EXIT_USAGE; /* the store could not be written: full disk, I/O error */
	if (eve_close() != 0)
		status = EXIT_FAILURE_RUN;
	if (opt.summary)
		summary_print(stdout);
	if (fflush(stdout) != 0)
		status = EXIT_FAILURE_RUN;
	summary_free();
	analyze_free();
	input_set_free(&in);
	options_free(&opt);
	return status;
}
