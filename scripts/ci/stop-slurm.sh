#!/bin/sh
# Stops the Slurm started by start-slurm.sh under <dir>: cancels its jobs (their processes go with
# them), then stops slurmd, slurmctld and munged by their pid files, TERM then KILL.
#
#   scripts/ci/stop-slurm.sh /tmp/slurm [--rm]
set -u
[ $# -ge 1 ] || { echo "usage: $0 <dir> [--rm]" >&2; exit 2; }
S=$1
if [ -f "$S/slurm.conf" ] && [ -f "$S/slurmctld.pid" ]; then
  export SLURM_CONF="$S/slurm.conf"
  timeout 10 scancel --full --user=root >/dev/null 2>&1 || true
  for _ in $(seq 1 40); do
    [ -z "$(timeout 5 squeue -h -t R,CG -o %i 2>/dev/null)" ] && break
    sleep 0.25
  done
fi
"$(dirname "$(realpath "$0")")/stop-servers.sh" "$S" ${2:+"$2"}
