/* SPDX-License-Identifier: GPL-2.0-or-later */
/* metrics.h - GET /metrics: the latest run's counters in the Prometheus text
 * exposition format (version 0.0.4), read from the database like every other
 * page (the sensor writes them there every stats interval). docs/api.md lists
 * the metrics. */
#ifndef MMSW_WEB_METRICS_H
#define MMSW_WEB_METRICS_H

#include <sqlite3.h>

#include "web/api.h"

#define METRICS_CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

/* r->body: the exposition text (status 200), or a JSON error (status 5xx). */
void metrics_handle(sqlite3 *db, struct api_reply *r);

#endif
