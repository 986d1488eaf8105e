#!/usr/bin/env bash
# Runs every test of Hoist on a fresh Debian 12 machine with the .NET 10 SDK:
# installs what the tests need (Chromium, nginx, Node's packages via the build and tests/js, Ceph via
# s3-server.sh), starts the real S3 server, runs all test projects, stops what it
# started, and ends with one line: "N passed, N failed, N skipped".
#
# Usage: scripts/test.sh [extra dotnet test arguments, e.g. --filter ...]
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
RESULTS=$ROOT/TestResults
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_CLI_UI_LANGUAGE=en
export DEBIAN_FRONTEND=noninteractive

log() { printf '[test %s] %s\n' "$(date +%T)" "$*" >&2; }

apt_install() {
  local missing=()
  for package in "$@"; do
    dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
  done
  [[ ${#missing[@]} -eq 0 ]] && return 0
  log "installing ${missing[*]}"
  local sudo=()
  [[ $(id -u) -eq 0 ]] || sudo=(sudo)
  "${sudo[@]}" apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null \
    || { "${sudo[@]}" apt-get update >/dev/null && "${sudo[@]}" apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null; }
}

# Browser tests drive Debian's Chromium (a Playwright browser download cannot work here).
apt_install chromium

# The deployment test (NginxDeploymentTests) puts Debian's nginx in front of two servers; it runs nginx
# itself from a temporary folder. The package's own service must not start on port 80: where no
# policy-rc.d says so already, one that refuses every service start stands for the install. Whatever
# happens here, the script goes on; without /usr/sbin/nginx that one test is skipped, saying why.
if ! dpkg -s nginx >/dev/null 2>&1; then
  root=()
  [[ $(id -u) -eq 0 ]] || root=(sudo)
  policy=/usr/sbin/policy-rc.d
  temporary_policy=false
  if [[ ! -e $policy ]]; then
    printf '#!/bin/sh\n# Put here by Hoist scripts/test.sh while it installs nginx.\nexit 101\n' | "${root[@]}" tee "$policy" >/dev/null \
      && "${root[@]}" chmod 755 "$policy" && temporary_policy=true
  fi
  apt_install nginx || log "installing nginx failed"
  if $temporary_policy; then "${root[@]}" rm -f "$policy"; fi
  nginx_status=$(dpkg-query -W -f='${Status}' nginx 2>/dev/null || true)
  [[ $nginx_status == "install ok installed" ]] || log "nginx: '${nginx_status:-not installed}'; the nginx test runs only if /usr/sbin/nginx exists"
fi
command -v node >/dev/null || apt_install nodejs npm
# The tus tests drive tus-js-client in Node: its packages come from tests/js/package-lock.json.
log "installing tests/js's npm packages"
(cd tests/js && CI=true npm ci --no-audit --no-fund --loglevel=error </dev/null >/dev/null)

# The real S3 server: started here unless it already runs, and then stopped only if we started it.
started_s3=false
if ! bash scripts/s3-server.sh status >/dev/null 2>&1; then
  bash scripts/s3-server.sh up >/dev/null
  started_s3=true
fi
stop_s3() { if $started_s3; then bash scripts/s3-server.sh down || true; fi; }
trap stop_s3 EXIT
eval "$(bash scripts/s3-server.sh env)"

rm -rf "$RESULTS"
log "building"
dotnet build Hoist.slnx -c Release -warnaserror

log "testing"
status=0
dotnet test Hoist.slnx -c Release --no-build --logger "trx" --logger "console;verbosity=normal" \
  --results-directory "$RESULTS" "$@" || status=$?

# One summary over every test project, from the TRX files (how CI counts a .NET run).
count() { cat "$RESULTS"/*.trx 2>/dev/null | grep -o "<Counters [^>]*" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*' | awk '{ s += $1 } END { print s + 0 }'; }
total=$(count total); passed=$(count passed); failed=$(count failed)
failed=$(( failed + $(count error) + $(count timeout) + $(count aborted) ))
skipped=$(( total - passed - failed ))
(( skipped < 0 )) && skipped=0
if [[ $total -eq 0 && $status -eq 0 ]]; then status=1; log "no test ran"; fi
echo "$passed passed, $failed failed, $skipped skipped"
exit $status
