/* SPDX-License-Identifier: GPL-2.0-or-later */
/* assets.h - the dashboard's static files (web/), compiled into the binary so a
 * sensor needs nothing but its executable to serve the pages. assets.c is
 * generated at build time by src/web/embed.c from the WEB_ASSETS list in
 * Makefile.am. */
#ifndef MMSW_WEB_ASSETS_H
#define MMSW_WEB_ASSETS_H

#include <stddef.h>

struct web_asset {
	const char *path;         /* under web/, e.g. "app.js", "vendor/uplot/uPlot.min.css" */
	const char *content_type; /* chosen by the generator from the file name */
	const unsigned char *data;
	size_t size;
};

extern const struct web_asset web_assets[];
extern const size_t web_assets_count;

#endif
