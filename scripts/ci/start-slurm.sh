#!/bin/sh
# Starts a throwaway single-node Slurm (munged + slurmctld + slurmd, all as root) for tests and
# benches. Everything lives under <dir>; every daemon writes its pid to <dir>/*.pid. Prints one
# line, the path of its slurm.conf, once the node takes jobs: export SLURM_CONF=<that> to use it.
#
#   conf=$(scripts/ci/start-slurm.sh /tmp/slurm 16817 16818)   # -> /tmp/slurm/slurm.conf
#   SLURM_CONF=$conf sbatch --parsable --wrap true
#   scripts/ci/stop-slurm.sh /tmp/slurm                           # cancel the jobs, stop the daemons
#
# Debian bookworm's slurm-wlm 22.05 + munge; recipe from shared/notes/slurm.md. Its own munge
# socket and ports, so it runs beside another instance (or a real munged) without touching them.
set -eu
[ $# -ge 1 ] || { echo "usage: $0 <dir> [slurmctld_port] [slurmd_port]" >&2; exit 2; }
S=$(realpath -m "$1"); CTLD_PORT=${2:-16817}; SLURMD_PORT=${3:-16818}
HERE=$(dirname "$(realpath "$0")")
for bin in munged slurmctld slurmd sbatch squeue scontrol sinfo; do
  command -v "$bin" >/dev/null || { echo "start-slurm: $bin not found (apt-get install --no-install-recommends slurm-wlm munge)" >&2; exit 3; }
done
# A half-started cluster must not outlive a failed start.
fail() { echo "start-slurm: $1 (logs: $S/log)" >&2; "$HERE/stop-slurm.sh" "$S" || true; exit 1; }

rm -rf "$S"; mkdir -p "$S/state" "$S/spool" "$S/log"
if [ -r /etc/munge/munge.key ]; then cp /etc/munge/munge.key "$S/munge.key"; else mungekey -c -k "$S/munge.key"; fi
chmod 600 "$S/munge.key"
HOST=$(hostname)
CPUS=$(nproc)
# what the node offers: 3/4 of the memory, so `--mem` requests that fit the machine are accepted
MEM=$(awk '/MemTotal/ { printf "%d", $2 / 1024 * 3 / 4 }' /proc/meminfo)
cat > "$S/slurm.conf" <<CONF
ClusterName=trovetest
SlurmctldHost=$HOST
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$S/munge.sock
CredType=cred/munge
SlurmctldPort=$CTLD_PORT
SlurmdPort=$SLURMD_PORT
StateSaveLocation=$S/state
SlurmdSpoolDir=$S/spool
SlurmctldPidFile=$S/slurmctld.pid
SlurmdPidFile=$S/slurmd.pid
SlurmctldLogFile=$S/log/slurmctld.log
SlurmdLogFile=$S/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MpiDefault=none
# scancel'd jobs get SIGKILL this long after SIGTERM (default 30 s): tests cancel jobs
KillWait=5
# finished jobs stay visible to squeue/scontrol this long (the executor reads their end state)
MinJobAge=300
MaxArraySize=10001
MaxJobCount=100000
NodeName=$HOST CPUs=$CPUS RealMemory=$MEM State=UNKNOWN
PartitionName=debug Nodes=$HOST Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF="$S/slurm.conf"
munged --force --socket="$S/munge.sock" --key-file="$S/munge.key" --pid-file="$S/munged.pid" \
  --log-file="$S/log/munged.log" --seed-file="$S/munge.seed" || fail "munged did not start"
slurmctld -c >>"$S/log/slurmctld.out" 2>&1 || fail "slurmctld did not start"
slurmd >>"$S/log/slurmd.out" 2>&1 || fail "slurmd did not start"
up=
for _ in $(seq 1 120); do
  if [ "$(sinfo -h -N -o %t 2>/dev/null)" = idle ]; then up=1; break; fi
  sleep 0.25
done
[ -n "$up" ] || fail "the node did not become idle within 30 s ($(sinfo -h -N -o '%t %E' 2>&1))"
echo "$S/slurm.conf"
