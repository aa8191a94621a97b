#!/bin/sh
# Stops every test server whose pid file lies under <dir> (radosgw daemons, Azurite, Slurm), TERM then KILL.
# A pid is only signalled while it is still one of our daemons, so a recycled pid is left alone.
#
#   scripts/ci/stop-servers.sh /tmp/trove-servers-abc123 [--rm]
set -u
[ $# -ge 1 ] || { echo "usage: $0 <dir> [--rm]" >&2; exit 2; }
D=$1
ours() {
  case "$(cat /proc/"$1"/comm 2>/dev/null)" in
    ceph-*|radosgw*|munged|slurmctld|slurmd|redis-server*) return 0 ;;
    node) grep -q azurite /proc/"$1"/cmdline 2>/dev/null ;;
    *) return 1 ;;
  esac
}
pids=""
for f in $(find "$D" -name '*.pid' 2>/dev/null); do
  p=$(cat "$f" 2>/dev/null || true)
  [ -n "$p" ] && ours "$p" && pids="$pids $p"
done
if [ -n "$pids" ]; then
  kill -TERM $pids 2>/dev/null
  alive=$pids
  for _ in $(seq 1 50); do
    alive=""; for p in $pids; do kill -0 "$p" 2>/dev/null && alive="$alive $p"; done
    [ -z "$alive" ] && break
    sleep 0.1
  done
  [ -n "$alive" ] && kill -KILL $alive 2>/dev/null
fi
[ "${2:-}" = "--rm" ] && rm -rf "$D"
exit 0
