#!/usr/bin/env bash
# Throwaway Ceph RADOS Gateway (a real S3 implementation) on 127.0.0.1 for
# integration tests: one monitor, one RAM-backed (memstore) OSD, one radosgw.
#
#   scripts/ceph-rgw.sh start|stop|status|env
#
# `start` and `env` print one shell-sourceable line on stdout (progress goes to
# stderr), so `eval "$(scripts/ceph-rgw.sh start)"` works.
# See scripts/ceph-rgw.md for the environment variables and measured numbers.
set -euo pipefail

CEPH_DIR=${CEPH_DIR:-/tmp/draftstore-ceph}
RGW_PORT=${RGW_PORT:-7480}
MON_PORT=${CEPH_MON_PORT:-3300}
RGW_ACCESS_KEY=${RGW_ACCESS_KEY:-draftstore-test}
RGW_SECRET_KEY=${RGW_SECRET_KEY:-draftstore-test-secret}
RGW_REGION=us-east-1
RGW_UID=draftstore
START_TIMEOUT=${CEPH_START_TIMEOUT:-90}
MEMSTORE_BYTES=${CEPH_MEMSTORE_BYTES:-4294967296}
LC_DEBUG_INTERVAL=${RGW_LC_DEBUG_INTERVAL:-10}
# Deleted objects' data stays in RADOS (here: RAM) until RGW's garbage collector removes it,
# by default 2 hours later; a long write-heavy run (npm run soak) shortens both.
GC_MIN_WAIT=${RGW_GC_MIN_WAIT:-7200}
GC_PROCESSOR_PERIOD=${RGW_GC_PROCESSOR_PERIOD:-3600}

CONF=$CEPH_DIR/ceph.conf
# Only a directory carrying this marker is ever wiped, so a mistyped CEPH_DIR
# cannot make `stop` delete someone's data.
MARKER=$CEPH_DIR/.draftstore-ceph
RGW_NAME=client.rgw.draftstore
# The lock lives beside the state dir because `stop` removes the dir itself.
LOCK_FILE=${CEPH_DIR%/}.lock
RGW_POOLS=(.rgw.root default.rgw.log default.rgw.control default.rgw.meta
  default.rgw.buckets.index default.rgw.buckets.data default.rgw.buckets.non-ec)
# Daemon name -> the /proc/PID/comm we expect; guards against signalling a
# recycled PID after a reboot or a crash.
declare -A COMM=([mon]=ceph-mon [osd]=ceph-osd [rgw]=radosgw)

# A caller's CEPH_ARGS would be appended to every ceph command line here.
unset CEPH_ARGS

log() { printf '[ceph-rgw] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

ceph_cli() { timeout 30 ceph -c "$CONF" --connect-timeout 10 "$@"; }
rgw_admin() { timeout 30 radosgw-admin -c "$CONF" -n client.admin "$@"; }

env_line() {
  printf 'export RGW_ENDPOINT=%q RGW_ACCESS_KEY=%q RGW_SECRET_KEY=%q RGW_REGION=%q\n' \
    "http://127.0.0.1:$RGW_PORT" "$RGW_ACCESS_KEY" "$RGW_SECRET_KEY" "$RGW_REGION"
}

ensure_installed() {
  local missing=()
  local bin
  for bin in ceph-mon ceph-osd radosgw radosgw-admin monmaptool ceph curl; do
    command -v "$bin" >/dev/null 2>&1 || missing+=("$bin")
  done
  [[ ${#missing[@]} -eq 0 ]] && return 0
  if [[ ${CEPH_INSTALL:-1} == 0 ]]; then
    die "missing ${missing[*]} and CEPH_INSTALL=0; install radosgw ceph-mon ceph-osd"
  fi
  if [[ $(id -u) -ne 0 ]]; then
    die "missing ${missing[*]}; as root run: apt-get install -y --no-install-recommends radosgw ceph-mon ceph-osd curl"
  fi
  log "installing ceph packages (missing: ${missing[*]})"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq --no-install-recommends radosgw ceph-mon ceph-osd curl >&2
}

# True when the pid file names a live (non-zombie) process of the right kind.
daemon_pid() {
  local name=$1 pid state
  [[ -r $CEPH_DIR/run/$name.pid ]] || return 1
  pid=$(<"$CEPH_DIR/run/$name.pid")
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  [[ $(cat "/proc/$pid/comm" 2>/dev/null) == "${COMM[$name]}" ]] || return 1
  # A killed daemon can linger as a zombie until its parent reaps it.
  state=$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null) || return 1
  [[ $state != Z ]] || return 1
  printf '%s\n' "$pid"
}

launch() {
  local name=$1
  shift
  # setsid: the daemons must outlive this script and its caller's process
  # group (test runners often kill the whole group). stdio goes to files so a
  # caller capturing our stdout with $(...) does not wait on them, and fd 9
  # (the lock) is closed so daemons never hold it.
  setsid "$@" -f >>"$CEPH_DIR/log/$name.out" 2>&1 </dev/null 9>&- &
  printf '%s\n' "$!" >"$CEPH_DIR/run/$name.pid"
  # Otherwise bash reports "Killed" for them when a failed start cleans up.
  disown "$!"
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Signed S3 ListBuckets: proves radosgw is serving and the test user's keys
# are accepted, not merely that the port is open. curl 7.88 does not send
# x-amz-content-sha256 by itself, and RGW rejects a SigV4 request without it
# (SignatureDoesNotMatch); the value is the SHA-256 of the empty body.
rgw_signed_ok() {
  curl -fsS -m 3 -o /dev/null --aws-sigv4 "aws:amz:$RGW_REGION:s3" \
    --user "$RGW_ACCESS_KEY:$RGW_SECRET_KEY" \
    -H "x-amz-content-sha256: e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" \
    "http://127.0.0.1:$RGW_PORT/" 2>/dev/null
}

# Adopts the settings of the running instance, so `status`, `env` and a second
# `start` look at the gateway that actually runs, whatever this shell exports.
load_state() {
  [[ -r $CEPH_DIR/env ]] || return 0
  # shellcheck source=/dev/null
  source "$CEPH_DIR/env"
  RGW_PORT=${RGW_ENDPOINT##*:}
}

healthy() {
  local name
  for name in mon osd rgw; do daemon_pid "$name" >/dev/null || return 1; done
  rgw_signed_ok
}

# Polls "$@" until it succeeds or the start deadline passes.
wait_for() {
  local what=$1
  shift
  until "$@" >/dev/null 2>&1; do
    if ((SECONDS >= DEADLINE)); then
      log "timed out after ${START_TIMEOUT}s waiting for $what"
      return 1
    fi
    sleep 0.1
  done
}

dump_logs() {
  local f
  for f in "$CEPH_DIR"/log/*; do
    [[ -s $f ]] || continue
    printf '\n==> %s <==\n' "$f" >&2
    tail -n 25 "$f" >&2
  done
}

# SIGKILL rather than SIGTERM: the state is thrown away anyway, and a clean
# memstore shutdown would first serialise all of its RAM to disk.
kill_daemons() {
  local name pid i alive
  local killed=()
  for name in rgw osd mon; do
    if pid=$(daemon_pid "$name"); then
      kill -KILL "$pid" 2>/dev/null || true
      killed+=("$name")
    fi
  done
  for ((i = 0; i < 100; i++)); do
    alive=0
    for name in "${killed[@]}"; do
      if daemon_pid "$name" >/dev/null; then alive=1; fi
    done
    ((alive)) || return 0
    sleep 0.1
  done
  log "warning: some daemons did not exit: ${killed[*]}"
  return 1
}

# An empty dir (say from mktemp -d) is fine to take over; a non-empty one
# without our marker is somebody else's.
ours_or_empty() {
  [[ ! -d $CEPH_DIR || -e $MARKER || -z $(ls -A "$CEPH_DIR") ]] ||
    die "$CEPH_DIR exists but was not made by this script; not touching it"
}

wipe_dir() {
  ours_or_empty
  rm -rf -- "$CEPH_DIR"
}

write_conf() {
  local fsid=$1
  cat >"$CONF" <<EOF
# Generated by scripts/ceph-rgw.sh; everything lives under $CEPH_DIR.
[global]
fsid = $fsid
mon host = [v2:127.0.0.1:$MON_PORT]
ms bind msgr1 = false
ms bind ipv6 = false
# Without these the OSD listens on 0.0.0.0:6800-6803.
public addr = 127.0.0.1
cluster addr = 127.0.0.1
# Throwaway cluster: no cephx at all. Without crc mode, radosgw insists on a
# secure mon session and stalls for rgw_init_timeout on "failed to fetch mon config".
auth cluster required = none
auth service required = none
auth client required = none
ms mon client mode = crc
keyring = $CEPH_DIR/keyring
run dir = $CEPH_DIR/run
admin socket = $CEPH_DIR/run/\$name.asok
log file = $CEPH_DIR/log/\$name.log
mon data = $CEPH_DIR/mon/\$id
osd data = $CEPH_DIR/osd/\$id
osd objectstore = memstore
memstore device bytes = $MEMSTORE_BYTES
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 8
osd pool default pgp num = 8
osd pool default pg autoscale mode = off
mon allow pool size one = true
mon allow pool delete = true
mon warn on pool no redundancy = false
mon warn on insecure global id reclaim allowed = false
# /tmp may be fuller than the mon's 5% safety margin; the store is tiny.
mon data avail crit = 0
# Default 1 s paxos batching makes every RGW metadata write (bucket create,
# user create) wait ~1-2 s.
paxos propose interval = 0.1
paxos min wait = 0.01

[$RGW_NAME]
rgw frontends = beast endpoint=127.0.0.1:$RGW_PORT
rgw data = $CEPH_DIR/rgw
# A lifecycle "day" lasts 10 s so expiration rules can be tested (-1: a real day, for
# uploads that run longer than that).
rgw lc debug interval = $LC_DEBUG_INTERVAL
rgw gc obj min wait = $GC_MIN_WAIT
rgw gc processor period = $GC_PROCESSOR_PERIOD
# Fail within the start timeout instead of the default 300 s.
rgw init timeout = $START_TIMEOUT
EOF
}

create_pools() {
  local pool cmds=()
  for pool in "${RGW_POOLS[@]}"; do
    cmds+=("osd pool create $pool 8 8" "osd pool application enable $pool rgw")
  done
  # One ceph process reading commands from stdin costs ~0.5 s; one process per
  # command would cost ~0.3 s each.
  printf '%s\n' "${cmds[@]}" | ceph_cli >>"$CEPH_DIR/log/setup.out" 2>&1
}

cmd_start() {
  ensure_installed
  [[ $RGW_PORT =~ ^[0-9]+$ && $MON_PORT =~ ^[0-9]+$ ]] || die "RGW_PORT/CEPH_MON_PORT must be numbers"

  local wanted
  wanted=$(env_line)
  if [[ -e $MARKER ]] && (load_state && healthy); then
    load_state
    if [[ $(env_line) != "$wanted" ]]; then
      log "warning: already running with other settings than requested; keeping them"
    fi
    log "already running"
    env_line
    return 0
  fi
  if [[ -e $MARKER ]]; then
    log "cleaning up a stale or half-started instance in $CEPH_DIR"
    kill_daemons || true
  fi
  wipe_dir

  port_in_use "$MON_PORT" && die "127.0.0.1:$MON_PORT is already in use (another ceph-mon? set CEPH_MON_PORT)"
  port_in_use "$RGW_PORT" && die "127.0.0.1:$RGW_PORT is already in use (set RGW_PORT)"

  local t0=$SECONDS
  DEADLINE=$((SECONDS + START_TIMEOUT))
  mkdir -p "$CEPH_DIR"/{run,log,mon/a,osd/0,rgw}
  : >"$MARKER"
  # From here on, any failure kills what was started and shows the logs; the
  # dir is kept for inspection and wiped by the next start or stop.
  trap 'rc=$?; if ((rc)); then dump_logs; kill_daemons || true; log "start failed; logs kept in $CEPH_DIR/log"; fi' EXIT

  local fsid osd_uuid
  fsid=$(cat /proc/sys/kernel/random/uuid)
  osd_uuid=$(cat /proc/sys/kernel/random/uuid)
  write_conf "$fsid"

  log "starting mon on 127.0.0.1:$MON_PORT"
  monmaptool --create --addv a "[v2:127.0.0.1:$MON_PORT]" --fsid "$fsid" \
    "$CEPH_DIR/monmap" >>"$CEPH_DIR/log/setup.out" 2>&1
  ceph-mon -c "$CONF" --mkfs -i a --monmap "$CEPH_DIR/monmap" >>"$CEPH_DIR/log/setup.out" 2>&1
  launch mon ceph-mon -c "$CONF" -i a
  wait_for "the monitor" ceph_cli mon stat

  log "starting memstore osd"
  ceph_cli osd new "$osd_uuid" >>"$CEPH_DIR/log/setup.out" 2>&1
  ceph-osd -c "$CONF" -i 0 --mkfs --osd-uuid "$osd_uuid" >>"$CEPH_DIR/log/setup.out" 2>&1
  launch osd ceph-osd -c "$CONF" -i 0
  # Pools can be created while the OSD boots; radosgw then waits for the PGs.
  create_pools

  log "starting radosgw on 127.0.0.1:$RGW_PORT"
  launch rgw radosgw -c "$CONF" -n "$RGW_NAME"
  wait_for "radosgw to answer HTTP" curl -fsS -m 2 -o /dev/null "http://127.0.0.1:$RGW_PORT/"

  # Only after radosgw is up: it creates the default realm/zone on first start
  # and radosgw-admin would race it to do the same.
  rgw_admin user create --uid "$RGW_UID" --display-name "$RGW_UID" \
    --access-key "$RGW_ACCESS_KEY" --secret-key "$RGW_SECRET_KEY" >>"$CEPH_DIR/log/setup.out" 2>&1
  wait_for "a signed S3 request to succeed" rgw_signed_ok

  local name
  for name in mon osd rgw; do daemon_pid "$name" >/dev/null || die "$name exited during start"; done
  env_line >"$CEPH_DIR/env"
  trap - EXIT
  log "ready in $((SECONDS - t0))s (state in $CEPH_DIR)"
  env_line
}

cmd_stop() {
  if [[ ! -d $CEPH_DIR ]]; then
    log "not running"
    return 0
  fi
  ours_or_empty
  kill_daemons
  if [[ ${CEPH_KEEP_DIR:-0} == 1 ]]; then
    log "stopped; state kept in $CEPH_DIR"
  else
    wipe_dir
    log "stopped"
  fi
}

cmd_status() {
  local name pid ok=1 rss=0 kb
  if [[ ! -e $MARKER ]]; then
    echo "not running"
    return 3
  fi
  load_state
  for name in mon osd rgw; do
    if pid=$(daemon_pid "$name"); then
      kb=$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status" 2>/dev/null) || kb=0
      rss=$((rss + kb))
      echo "$name: running (pid $pid, rss $((kb / 1024)) MiB)"
    else
      echo "$name: not running"
      ok=0
    fi
  done
  if rgw_signed_ok; then
    echo "s3: http://127.0.0.1:$RGW_PORT answers signed requests"
  else
    echo "s3: http://127.0.0.1:$RGW_PORT not answering signed requests"
    ok=0
  fi
  echo "total rss: $((rss / 1024)) MiB"
  ((ok)) || return 1
}

cmd_env() {
  if [[ -r $CEPH_DIR/env ]]; then
    cat "$CEPH_DIR/env"
  else
    log "not started; printing the settings a start would use"
    env_line
  fi
}

main() {
  local cmd=${1:-}
  case $cmd in
    start | stop)
      # Serialises parallel test workers that all try to start the gateway.
      exec 9>"$LOCK_FILE"
      flock -w $((START_TIMEOUT + 30)) 9 || die "timed out waiting for $LOCK_FILE"
      "cmd_$cmd"
      ;;
    status | env) "cmd_$cmd" ;;
    *)
      echo "usage: $0 start|stop|status|env" >&2
      exit 2
      ;;
  esac
}

main "$@"
