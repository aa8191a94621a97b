#!/bin/sh
# Watchdog: waits until process <pid> (the test runner) is gone, then stops the servers under <dir>.
# Started detached by the test setup, so a crashed or killed runner leaves no daemon behind.
#
#   setsid scripts/ci/reap-when-gone.sh $$ /tmp/trove-servers-abc123 &
set -u
PID=$1; D=$2
HERE=$(dirname "$(realpath "$0")")
while kill -0 "$PID" 2>/dev/null; do sleep 1; done
"$HERE/stop-servers.sh" "$D" --rm
