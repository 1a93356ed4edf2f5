#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Regenerate the autotools build files (configure, Makefile.in).
set -e
cd "$(dirname "$0")"
autoreconf --install --force
