#!/usr/bin/env bash
# Runs a real S3 server for tests and benchmarks: a one-node Ceph cluster
# (mon + one bluestore OSD on a sparse file + RADOS Gateway) on 127.0.0.1.
# Ceph 16.2 from Debian bookworm; no systemd, no Docker: the daemons are
# started by hand and daemonize themselves. See docs/s3-test-server.md.
#
# Usage: scripts/s3-server.sh up|env|status|down|destroy|quota-user
#   up       install packages if missing, create or restart the cluster,
#            print the Hoist__Storage__S3__* settings as `export` lines
#   env      print those lines only:  eval "$(scripts/s3-server.sh env)"
#   status   exit 0 when all three daemons run and S3 answers
#   down     stop the daemons (rgw, osd, mon), keep the data
#   destroy  down, then delete the state directory
#   quota-user NAME BYTES
#            (on a running server) make user NAME with a user quota of BYTES
#            and its own bucket NAME, and print its settings like env does
#
# Environment:
#   HOIST_S3_STATE     state directory (default /tmp/hoist-s3): conf, pids,
#                      sockets, logs, data, the bluestore file
#   HOIST_S3_PORT      S3 port on 127.0.0.1 (default 7480)
#   HOIST_S3_MON_PORT  mon port, fixed when the cluster is created (default 3300)
#   HOIST_S3_DISK_GB   size of the sparse bluestore file at creation (default 20)
#   HOIST_S3_TIMEOUT   seconds for each wait (default 60)
#
# Progress goes to stderr; stdout carries only the sourceable lines.
set -euo pipefail

STATE=$(realpath -m "${HOIST_S3_STATE:-/tmp/hoist-s3}")
PORT=${HOIST_S3_PORT:-7480}
MON_PORT=${HOIST_S3_MON_PORT:-3300}
DISK_GB=${HOIST_S3_DISK_GB:-20}
TIMEOUT=${HOIST_S3_TIMEOUT:-60}

CONF=$STATE/ceph.conf
LOGS=$STATE/log
MARKER=$STATE/.hoist-s3          # this directory is ours (safe to wipe)
READY=$STATE/.initialized        # user and bucket exist: restart keeps data
PORT_FILE=$STATE/rgw.port        # port the running radosgw listens on

# The mon port is part of the cluster (monmap): an existing one keeps its own.
if [[ -f $CONF ]]; then
  conf_mon_port=$(sed -n 's/^mon host = v2:127\.0\.0\.1:\([0-9]*\)$/\1/p' "$CONF")
  MON_PORT=${conf_mon_port:-$MON_PORT}
fi

BUCKET=hoist-test
ACCESS_KEY=hoisttestaccesskey
SECRET_KEY=hoisttestsecretkey0123456789
REGION=us-east-1
RGW_NAME=client.rgw.hoist

DAEMONS=(radosgw ceph-osd ceph-mon)   # stop order; start order is the reverse

log() { printf '[s3-server %s] %s\n' "$(date +%T)" "$*" >&2; }
die() { printf '[s3-server] ERROR: %s\n' "$*" >&2; exit 1; }

log_file_of() {
  case $1 in
    ceph-mon) echo "$LOGS/mon.a.log" ;;
    ceph-osd) echo "$LOGS/osd.0.log" ;;
    radosgw)  echo "$LOGS/$RGW_NAME.log" ;;
  esac
}

# ---------------------------------------------------------------- processes

# PIDs of daemon $1 started with our ceph.conf. We look at /proc/PID/cmdline
# rather than trusting a pid file, so we never signal another cluster's daemon
# or a recycled pid. (Ceph still writes pid files under $STATE/run.)
daemon_pids() {
  local name=$1 cmdline pid arg found
  for cmdline in /proc/[0-9]*/cmdline; do
    pid=${cmdline#/proc/}; pid=${pid%/cmdline}
    local -a args=()
    mapfile -d '' args 2>/dev/null < "$cmdline" || continue  # pid may be gone
    (( ${#args[@]} > 0 )) || continue
    [[ $(basename -- "${args[0]}") == "$name" ]] || continue
    found=
    for arg in "${args[@]}"; do [[ $arg == "$CONF" ]] && found=1; done
    [[ -n $found ]] && echo "$pid"
  done
  return 0
}

is_running() { [[ -n $(daemon_pids "$1") ]]; }

all_running() {
  local d
  for d in "${DAEMONS[@]}"; do is_running "$d" || return 1; done
}

# Run a daemon; it forks into the background itself. Its early stderr (before
# it daemonizes, e.g. "address already in use") goes to a .start file.
start_daemon() {
  local name=$1; shift
  if is_running "$name"; then return 0; fi
  log "starting $name"
  local out=$LOGS/$name.start
  # 9>&-: the daemon must not inherit (and so hold forever) our lock fd.
  if ! "$name" -c "$CONF" "$@" >"$out" 2>&1 </dev/null 9>&-; then
    die "$name failed to start: see $out and $(log_file_of "$name") (destroy starts over)"$'\n'"$(tail -n 20 "$out")"
  fi
}

stop_daemon() {
  local name=$1 pids pid waited=0
  pids=$(daemon_pids "$name")
  [[ -n $pids ]] || return 0
  log "stopping $name (pid ${pids//$'\n'/ })"
  for pid in $pids; do kill -TERM "$pid" 2>/dev/null || true; done
  # Poll in 0.1 s steps: ceph-osd and ceph-mon exit within a second or two.
  while [[ -n $(daemon_pids "$name") ]]; do
    if (( waited >= TIMEOUT * 10 )); then
      log "$name did not exit after ${TIMEOUT}s: kill -9"
      for pid in $(daemon_pids "$name"); do kill -KILL "$pid" 2>/dev/null || true; done
      sleep 0.5
      break
    fi
    sleep 0.1; waited=$((waited + 1))
  done
}

# Wait up to $TIMEOUT s for "$@" to succeed; on timeout explain which daemon
# died and where its log is.
wait_for() {
  local what=$1; shift
  local deadline=$((SECONDS + TIMEOUT))
  until "$@" >/dev/null 2>&1; do
    if (( SECONDS >= deadline )); then
      local d msg="timed out after ${TIMEOUT}s waiting for $what."
      for d in ceph-mon ceph-osd radosgw; do
        if is_running "$d"; then msg+=$'\n'"  $d: running, log $(log_file_of "$d")"
        else msg+=$'\n'"  $d: NOT running, log $(log_file_of "$d")"; fi
      done
      die "$msg"
    fi
    sleep 0.2
  done
}

# ------------------------------------------------------------------ helpers

# Every ceph CLI call names our conf and cannot hang: without a mon the CLI
# would otherwise retry for 300 s.
ceph_cli() {
  local rc=0
  timeout "$TIMEOUT" ceph -c "$CONF" --connect-timeout "$TIMEOUT" "$@" || rc=$?
  (( rc != 124 )) || echo "ceph $*: timed out after ${TIMEOUT}s" >&2
  return $rc
}
rgw_admin()  { timeout "$TIMEOUT" radosgw-admin -c "$CONF" "$@"; }

running_port() { if [[ -f $PORT_FILE ]]; then cat "$PORT_FILE"; else echo "$PORT"; fi; }
endpoint()     { echo "http://127.0.0.1:$(running_port)"; }

http_code() {  # GET/... on our endpoint, anonymous; prints the status code
  curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$@" 2>/dev/null || true
}
s3_answers() { [[ $(http_code "$(endpoint)/") == 200 ]]; }

mon_answers() { ceph_cli --connect-timeout 3 mon stat; }
osd_is_up()   { ceph_cli osd stat -f json | grep -q '"num_up_osds":1'; }

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

print_env() {
  local p=Hoist__Storage__S3__
  cat <<EOF
export ${p}ServiceUrl=$(endpoint)
export ${p}Bucket=$BUCKET
export ${p}AccessKey=$ACCESS_KEY
export ${p}SecretKey=$SECRET_KEY
export ${p}Region=$REGION
export ${p}ForcePathStyle=true
EOF
}

# ------------------------------------------------------------------ install

install_packages() {
  local bin missing=
  for bin in ceph-mon ceph-osd radosgw radosgw-admin ceph monmaptool; do
    command -v "$bin" >/dev/null || missing=1
  done
  [[ -n $missing ]] || return 0
  [[ $(id -u) == 0 ]] || die "ceph packages missing and not root: apt-get install ceph-mon ceph-osd radosgw"
  export DEBIAN_FRONTEND=noninteractive
  # Lock::Timeout: wait for another apt/dpkg run instead of failing at once.
  local apt=(apt-get -y -q -o DPkg::Lock::Timeout=300
             -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold)
  local pkgs=(ceph-mon ceph-osd radosgw)
  log "installing ${pkgs[*]} (~30 s)"
  # A fresh machine has empty package lists: update first only then, or when
  # the install fails (stale lists).
  if ! compgen -G '/var/lib/apt/lists/*_Packages*' >/dev/null; then
    "${apt[@]}" update >&2 </dev/null
  fi
  if ! "${apt[@]}" install --no-install-recommends "${pkgs[@]}" >&2 </dev/null; then
    log "install failed; apt-get update and retry"
    "${apt[@]}" update >&2 </dev/null
    "${apt[@]}" install --no-install-recommends "${pkgs[@]}" >&2 </dev/null
  fi
}

# ------------------------------------------------------------- fresh cluster

write_conf() {
  local fsid=$1
  cat >"$CONF" <<EOF
# Generated by scripts/s3-server.sh: a one-node test cluster on loopback.
[global]
fsid = $fsid
# msgr v2 only, loopback only.
mon host = v2:127.0.0.1:$MON_PORT
mon initial members = a
public addr = 127.0.0.1
cluster addr = 127.0.0.1
ms bind msgr1 = false
ms bind msgr2 = true
# No cephx. The two "crc secure" modes are needed too: without them radosgw
# hangs ~300 s at start ("get_initial_auth_request returned -13").
auth cluster required = none
auth service required = none
auth client required = none
ms mon client mode = crc secure
ms client mode = crc secure
# Everything under the state directory, nothing in /etc, /var/lib, /var/log.
run dir = $STATE/run
crash dir = $STATE/crash
keyring = $STATE/keyring
mon cluster log file = $LOGS/ceph.log
# One OSD: pools of size 1, no host-level replication, no autoscaler (no mgr).
osd pool default size = 1
osd pool default min size = 1
mon allow pool size one = true
mon warn on pool no redundancy = false
osd crush chooseleaf type = 0
osd pool default pg num = 8
osd pool default pgp num = 8
osd pool default pg autoscale mode = off
mon max pg per osd = 1000
# Full ratios raised to .99; the OSD's failsafe (default .97) must stay above
# them or health says "full ratio(s) out of order".
mon osd full ratio = .99
mon osd backfillfull ratio = .99
mon osd nearfull ratio = .99
osd failsafe full ratio = .995
# No cephx, so this warning is noise.
mon warn on insecure global id reclaim = false
mon warn on insecure global id reclaim allowed = false
# A nearly full CI disk must not make the mon shut itself down.
mon data avail warn = 2
mon data avail crit = 1
# Commit map changes every 50 ms instead of every 1 s: start-up is a chain
# of map changes, so this is most of the speed.
paxos propose interval = 0.05

[mon]
mon data = $STATE/mon
pid file = $STATE/run/\$name.pid
log file = $LOGS/\$name.log

[osd]
osd data = $STATE/osd
osd objectstore = bluestore
# bluestore on a sparse file: real persistence, little RAM (memstore keeps
# ~1.5 GiB RAM per GiB and loses everything on stop). The file only grows.
# (outside osd data: there bluestore would make "block" a symlink to itself)
bluestore block path = $STATE/bluestore.block
bluestore block create = true
bluestore block size = $((DISK_GB * 1024 * 1024 * 1024))
pid file = $STATE/run/\$name.pid
log file = $LOGS/\$name.log

[$RGW_NAME]
rgw data = $STATE/rgw
# Deleted and aborted data is reclaimed by RGW's garbage collector, by default only after 2 h:
# test runs that write gigabytes would fill the disk first. Reclaim within about a minute.
rgw gc obj min wait = 60
rgw gc processor period = 60
# A client's default socket name has its pid in it: one stale file per start.
admin socket = $STATE/run/\$name.asok
pid file = $STATE/run/\$name.pid
log file = $LOGS/\$name.log
EOF
}

create_mon() {
  local fsid=$1
  log "creating mon"
  monmaptool --create --fsid "$fsid" --addv a "[v2:127.0.0.1:$MON_PORT]" \
    "$STATE/monmap" >/dev/null
  ceph-mon -c "$CONF" --mkfs -i a --monmap "$STATE/monmap" \
    >"$LOGS/ceph-mon.mkfs" 2>&1 ||
    die "ceph-mon --mkfs failed: see $LOGS/ceph-mon.mkfs"$'\n'"$(tail -n 20 "$LOGS/ceph-mon.mkfs")"
}

# Register OSD 0 and the seven RGW pools in ONE ceph invocation (commands on
# stdin): pool by pool, each a fresh CLI process and map change, takes ~17 s.
create_osd_id_and_pools() {
  local osd_uuid=$1 pool
  local pools=(.rgw.root default.rgw.control default.rgw.meta default.rgw.log
               default.rgw.buckets.index default.rgw.buckets.data
               default.rgw.buckets.non-ec)
  log "registering osd.0 and ${#pools[@]} pools"
  {
    echo "osd new $osd_uuid 0"
    for pool in "${pools[@]}"; do
      echo "osd pool create $pool 8 8"
      echo "osd pool application enable $pool rgw"
    done
  } | ceph_cli >"$LOGS/pools.out" 2>&1 ||
    die "creating osd.0 / pools failed: see $LOGS/pools.out"
  # The CLI reading stdin goes on (exit 0) after a failed command: check.
  [[ $(grep -c "^pool '.*' created" "$LOGS/pools.out") == "${#pools[@]}" ]] ||
    die "creating pools failed: see $LOGS/pools.out"
}

create_osd_fs() {
  local osd_uuid=$1
  log "creating bluestore (${DISK_GB} GiB sparse file)"
  mkdir -p "$STATE/osd"
  ceph-osd -c "$CONF" -i 0 --mkfs --osd-uuid "$osd_uuid" \
    >"$LOGS/ceph-osd.mkfs" 2>&1 ||
    die "ceph-osd --mkfs failed: see $LOGS/ceph-osd.mkfs"$'\n'"$(tail -n 20 "$LOGS/ceph-osd.mkfs")"
}

create_user_and_bucket() {
  log "creating user test and bucket $BUCKET"
  if ! rgw_admin user info --uid=test >/dev/null 2>&1; then
    rgw_admin user create --uid=test --display-name="Hoist tests" \
      --access-key="$ACCESS_KEY" --secret-key="$SECRET_KEY" \
      >"$LOGS/user-create.out" 2>&1 ||
      die "radosgw-admin user create failed: see $LOGS/user-create.out"
  fi
  # curl >= 7.75 signs SigV4 itself (Debian 12 has 7.88), but 7.88 does not
  # send x-amz-content-sha256, and RGW answers SignatureDoesNotMatch without
  # it: pass the SHA-256 of the empty body. Re-creating a bucket we own
  # answers 200 on Ceph, so this is idempotent.
  local code empty_sha=e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
  code=$(curl -s -o "$LOGS/bucket-create.out" -w '%{http_code}' --max-time "$TIMEOUT" \
    --aws-sigv4 "aws:amz:$REGION:s3" --user "$ACCESS_KEY:$SECRET_KEY" \
    -H "x-amz-content-sha256: $empty_sha" \
    -X PUT "$(endpoint)/$BUCKET") || true
  [[ $code == 200 ]] ||
    die "creating bucket $BUCKET answered HTTP $code: see $LOGS/bucket-create.out"
}

# Wipe a half-made or old state directory, but only one that we made.
reset_state_dir() {
  if [[ -e $STATE && ! -f $MARKER ]]; then
    if [[ -n $(ls -A "$STATE" 2>/dev/null) ]]; then
      die "$STATE exists, is not empty and was not made by this script; refusing to touch it"
    fi
  fi
  rm -rf "$STATE"
  mkdir -p "$STATE"/{run,crash,rgw,mon} "$LOGS"
  touch "$MARKER" "$STATE/keyring"
}

check_ports_free() {
  if ! is_running ceph-mon && port_in_use "$MON_PORT"; then
    die "127.0.0.1:$MON_PORT (mon) is used by another process; set HOIST_S3_MON_PORT"
  fi
  if ! is_running radosgw && port_in_use "$PORT"; then
    die "127.0.0.1:$PORT (S3) is used by another process; set HOIST_S3_PORT"
  fi
}

start_all() {
  start_daemon ceph-mon -i a
  wait_for "the mon to answer" mon_answers
  start_daemon ceph-osd -i 0
  wait_for "osd.0 to be up" osd_is_up
  # The frontend is given on the command line so HOIST_S3_PORT applies on
  # every start; the port is recorded for `env`.
  if ! is_running radosgw; then
    echo "$PORT" >"$PORT_FILE"
    start_daemon radosgw -n "$RGW_NAME" --rgw-frontends "beast endpoint=127.0.0.1:$PORT"
  fi
  wait_for "S3 on $(endpoint) to answer GET / with 200" s3_answers
}

create_cluster() {
  log "creating a fresh cluster in $STATE"
  check_ports_free
  reset_state_dir
  local fsid osd_uuid
  fsid=$(cat /proc/sys/kernel/random/uuid)
  osd_uuid=$(cat /proc/sys/kernel/random/uuid)
  write_conf "$fsid"
  create_mon "$fsid"
  start_daemon ceph-mon -i a
  wait_for "the mon to answer" mon_answers
  create_osd_id_and_pools "$osd_uuid"
  create_osd_fs "$osd_uuid"
  start_all
  create_user_and_bucket
  touch "$READY"
}

# ----------------------------------------------------------------- commands

# Serialize concurrent runs (parallel test jobs calling `up`) with a lock on
# this script file itself: no lock file to leave behind.
take_lock() {
  [[ -n ${LOCKED:-} ]] && return 0
  exec 9<"${BASH_SOURCE[0]}"
  flock -w $((TIMEOUT * 5)) 9 || die "another s3-server.sh run did not finish within $((TIMEOUT * 5))s"
  LOCKED=1
}

cmd_up() {
  take_lock
  install_packages
  local start=$SECONDS
  if [[ -f $READY ]] && all_running; then
    [[ $(running_port) == "$PORT" ]] ||
      log "note: already running on port $(running_port), not $PORT (run down, then up)"
    wait_for "S3 on $(endpoint) to answer GET / with 200" s3_answers
    log "already running"
  elif [[ -f $READY ]]; then
    log "restarting the daemons, keeping the data in $STATE"
    check_ports_free
    start_all
  else
    # Stop leftovers of a half-made cluster before wiping it.
    local d
    for d in "${DAEMONS[@]}"; do stop_daemon "$d"; done
    create_cluster
  fi
  log "S3 ready at $(endpoint) ($((SECONDS - start)) s)"
  print_env
}

cmd_down() {
  take_lock
  local d
  for d in "${DAEMONS[@]}"; do stop_daemon "$d"; done
  rm -f "$PORT_FILE"
  log "stopped"
}

cmd_destroy() {
  cmd_down
  if [[ -e $STATE ]]; then
    [[ -f $MARKER ]] || die "$STATE was not made by this script; not deleting it"
    rm -rf "$STATE"
    log "deleted $STATE"
  fi
}

cmd_status() {
  local d ok=0
  for d in ceph-mon ceph-osd radosgw; do
    local pids; pids=$(daemon_pids "$d")
    if [[ -n $pids ]]; then log "$d: running (pid ${pids//$'\n'/ })"
    else log "$d: stopped"; ok=1; fi
  done
  if s3_answers; then log "S3: $(endpoint) answers"
  else log "S3: $(endpoint) does not answer"; ok=1; fi
  return $ok
}

# A user whose quota tests can fill without touching the shared test user and bucket.
cmd_quota_user() {
  local name=${1:?quota-user needs a NAME} bytes=${2:?quota-user needs BYTES}
  [[ $name =~ ^[a-z0-9-]{3,40}$ ]] || die "quota-user: NAME must be 3-40 of a-z 0-9 -"
  take_lock
  local access=${name//-/}accesskey secret=${name//-/}secretkey0123456789
  if ! rgw_admin user info --uid="$name" >/dev/null 2>&1; then
    rgw_admin user create --uid="$name" --display-name="Hoist quota tests" \
      --access-key="$access" --secret-key="$secret" >"$LOGS/user-create-$name.out" 2>&1 ||
      die "radosgw-admin user create $name failed: see $LOGS/user-create-$name.out"
  fi
  rgw_admin quota set --quota-scope=user --uid="$name" --max-size="$bytes" >/dev/null
  rgw_admin quota enable --quota-scope=user --uid="$name" >/dev/null
  local code empty_sha=e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
  code=$(curl -s -o "$LOGS/bucket-create-$name.out" -w '%{http_code}' --max-time "$TIMEOUT" \
    --aws-sigv4 "aws:amz:$REGION:s3" --user "$access:$secret" \
    -H "x-amz-content-sha256: $empty_sha" -X PUT "$(endpoint)/$name") || true
  [[ $code == 200 ]] || die "creating bucket $name answered HTTP $code: see $LOGS/bucket-create-$name.out"
  BUCKET=$name ACCESS_KEY=$access SECRET_KEY=$secret print_env
}

case ${1:-} in
  up)      cmd_up ;;
  quota-user) shift; cmd_quota_user "$@" ;;
  env)     print_env ;;
  status)  cmd_status ;;
  down)    cmd_down ;;
  destroy) cmd_destroy ;;
  *) sed -n '2,24p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
