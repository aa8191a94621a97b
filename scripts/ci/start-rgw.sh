#!/bin/sh
# Starts a throwaway single-node Ceph radosgw (mon + memstore OSD + radosgw) for tests and benches.
# Everything lives under <dir>; every daemon writes its pid to <dir>/run/*.pid. Prints one line,
# "endpoint access_key secret_key", once the S3 endpoint answers and the test user exists.
#
#   scripts/ci/start-rgw.sh /tmp/rgw 17480 16789     # -> http://127.0.0.1:17480 TESTAK TESTSECRET
#   scripts/ci/stop-rgw.sh /tmp/rgw                  # kill every daemon by its pid
#
# Env: RGW_MEMSTORE_BYTES (default 2 GiB: memstore keeps objects in RAM, so this caps the data).
# Ceph Pacific (16.2) from Debian bookworm; recipe from shared/notes/radosgw.md.
set -eu
[ $# -ge 1 ] || { echo "usage: $0 <dir> [rgw_port] [mon_port]" >&2; exit 2; }
C=$(realpath -m "$1"); RGW_PORT=${2:-17480}; MON_PORT=${3:-16789}
MEMSTORE_BYTES=${RGW_MEMSTORE_BYTES:-2147483648}
HERE=$(dirname "$(realpath "$0")")
for bin in ceph-mon ceph-osd radosgw radosgw-admin monmaptool ceph uuidgen curl; do
  command -v "$bin" >/dev/null || { echo "start-rgw: $bin not found (apt-get install --no-install-recommends radosgw ceph-mon ceph-osd)" >&2; exit 3; }
done

# A half-started cluster must not outlive a failed start.
fail() { echo "start-rgw: $1 (logs: $C/log)" >&2; "$HERE/stop-rgw.sh" "$C" || true; exit 1; }

rm -rf "$C"; mkdir -p "$C/mon" "$C/osd0" "$C/run" "$C/log" "$C/rgw"
FSID=$(uuidgen)
cat > "$C/ceph.conf" <<CONF
[global]
fsid = $FSID
mon_host = [v2:127.0.0.1:$MON_PORT]
mon_initial_members = a
auth_cluster_required = none
auth_service_required = none
auth_client_required = none
ms_mon_client_mode = crc
public_network = 127.0.0.0/8
run_dir = $C/run
admin_socket = $C/run/\$cluster-\$name.asok
log_file = $C/log/\$cluster-\$name.log
pid_file = $C/run/\$cluster-\$name.pid
osd_pool_default_size = 1
osd_pool_default_min_size = 1
osd_pool_default_pg_num = 8
osd_pool_default_pgp_num = 8
mon_allow_pool_size_one = true
mon_warn_on_pool_no_redundancy = false
mon_data_avail_warn = 1
mon_data_avail_crit = 0
osd_crush_chooseleaf_type = 0
# Tests kill radosgw daemons; the OSD drops a dead daemon's watches after this many seconds
# (default 30), and until then the surviving radosgw's metadata writes wait for it.
osd_client_watch_timeout = 5
[mon.a]
mon_data = $C/mon
[osd.0]
osd_data = $C/osd0
osd_objectstore = memstore
memstore_device_bytes = $MEMSTORE_BYTES
[client.rgw]
# Deleted objects' data is freed by rgw's garbage collector, by default after 2 h; memstore keeps it in RAM till then.
rgw_gc_obj_min_wait = 5
rgw_gc_processor_period = 5
rgw_frontends = beast endpoint=127.0.0.1:$RGW_PORT
rgw_data = $C/rgw
CONF
CEPH="-c $C/ceph.conf"
monmaptool --create --add a "127.0.0.1:$MON_PORT" --fsid "$FSID" "$C/monmap" >/dev/null
ceph-mon $CEPH --mkfs -i a --monmap "$C/monmap" || fail "ceph-mon --mkfs failed"
ceph-mon $CEPH -i a || fail "ceph-mon did not start"
timeout 30 ceph $CEPH osd create >/dev/null || fail "the monitor did not answer"
ceph-osd $CEPH -i 0 --mkfs 2>/dev/null || fail "ceph-osd --mkfs failed"
ceph-osd $CEPH -i 0 2>/dev/null || fail "ceph-osd did not start"
# radosgw hard-codes cephx and the secure mon mode as defaults, overriding ceph.conf: say it again here.
RGWARGS="$CEPH -n client.rgw --auth-client-required none --ms-mon-client-mode crc"
radosgw $RGWARGS || fail "radosgw did not start"
up=
for _ in $(seq 1 120); do
  if curl -sf -o /dev/null "http://127.0.0.1:$RGW_PORT/"; then up=1; break; fi
  sleep 0.5
done
[ -n "$up" ] || fail "radosgw did not answer on port $RGW_PORT within 60 s"
timeout 60 radosgw-admin $RGWARGS user create --uid=test --display-name=test \
  --access-key=TESTAK --secret=TESTSECRET >/dev/null 2>&1 || fail "radosgw-admin user create failed"
echo "http://127.0.0.1:$RGW_PORT TESTAK TESTSECRET"
