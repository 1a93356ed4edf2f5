#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Record pcaps/xss_hostile.pcap: build xss_server and xss_client against
# libiec61850, run them on 127.0.0.1:102 and capture the session with tcpdump on
# the loopback interface. Run as root (port 102, capturing on lo).
#
#   tests/web/xss_gen/make-capture.sh OUT.pcap [LIBIEC61850_SOURCE_DIR]
#
# Without a source dir, libiec61850 is cloned from GitHub into a temporary directory
# at the commit the capture was made with (7afa40390b26ad1f4cf93deaa0052fe7e357ef33, v1.5.3-12). Needs gcc, cmake, tcpdump (and git without a source dir).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out=$1
src=${2:-}
tmp=$(mktemp -d)
pids=""
cleanup() { for p in $pids; do kill "$p" 2>/dev/null || true; done; rm -rf "$tmp"; }
trap cleanup EXIT INT TERM

if [ -z "$src" ]; then
	git clone -q https://github.com/mz-automation/libiec61850 "$tmp/libiec61850"
	git -C "$tmp/libiec61850" checkout -q 7afa40390b26ad1f4cf93deaa0052fe7e357ef33
	src=$tmp/libiec61850
fi
mkdir -p "$tmp/build"
(cd "$tmp/build" && cmake -DBUILD_EXAMPLES=OFF -DBUILD_PYTHON_BINDINGS=OFF "$src" >/dev/null &&
	make -j"$(nproc)" iec61850 >/dev/null && make install DESTDIR="$tmp/inst" >/dev/null)
inc=$(find "$tmp/inst" -type d -name libiec61850 -path '*include*' | head -n 1)
lib=$(dirname "$(find "$tmp/inst" -name libiec61850.a | head -n 1)")
for p in xss_server xss_client; do
	gcc -O1 -Wall -I"$inc" -I"$here" -o "$tmp/$p" "$here/$p.c" "$lib/libiec61850.a" "$lib/libhal.a" -lpthread
done

tcpdump -q -i lo -U -s 0 -w "$tmp/raw.pcap" 'host 127.0.0.1 and tcp port 102' 2>"$tmp/tcpdump.log" &
pids="$pids $!"; tcpdump_pid=$!
sleep 1
"$tmp/xss_server" 102 14 >"$tmp/server.log" 2>&1 &
pids="$pids $!"; server_pid=$!
sleep 1
"$tmp/xss_client" 102 9 | tee "$tmp/client.log"
wait "$server_pid" || true
sleep 1
kill "$tcpdump_pid"; wait "$tcpdump_pid" 2>/dev/null || true
cp "$tmp/raw.pcap" "$out"
echo "wrote $out ($(wc -c < "$out") bytes)"
