#!/bin/sh
# Stops a radosgw started by start-rgw.sh: TERM to every pid in <dir>/run/*.pid, then KILL after 5 s.
# Safe to run twice or on a half-started cluster. `--rm` also deletes <dir>.
#
#   scripts/ci/stop-rgw.sh /tmp/rgw --rm
set -u
[ $# -ge 1 ] || { echo "usage: $0 <dir> [--rm]" >&2; exit 2; }
C=$1
pids=""
for f in "$C"/run/*.pid; do
  [ -f "$f" ] || continue
  p=$(cat "$f" 2>/dev/null || true)
  # Only pids that are still a Ceph daemon: a recycled pid must not be killed.
  case "$(cat /proc/"$p"/comm 2>/dev/null)" in ceph-*|radosgw*) pids="$pids $p" ;; esac
done
if [ -n "$pids" ]; then
  kill -TERM $pids 2>/dev/null
  for _ in $(seq 1 50); do
    alive=""; for p in $pids; do kill -0 "$p" 2>/dev/null && alive="$alive $p"; done
    [ -z "$alive" ] && break
    sleep 0.1
  done
  [ -n "$alive" ] && kill -KILL $alive 2>/dev/null
fi
[ "${2:-}" = "--rm" ] && rm -rf "$C"
exit 0
