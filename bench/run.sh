#!/usr/bin/env bash
# Hoist's benchmark: throughput, CPU and memory of Hoist next to a direct S3
# upload and next to the peer proxy (@tus/server), on the project's real S3 server (Ceph RGW).
#
# Usage: bash bench/run.sh [--size 1G] [--runs 3] [--small] [--sweep] [--load] [--fs] [options]
#
#   (default)        the S3 comparison, interleaved (direct, direct-transfer-utility, hoist,
#                    hoist-direct, tus-stream, tus-chunked, then again):
#                      direct       the ceiling: the AWS SDK for .NET presigns each UploadPart and
#                                   HttpClient streams the file slice (unsigned payload, as the Hoist
#                                   server itself sends parts), 8 MiB parts, 4 in flight
#                      direct-transfer-utility  direct with the SDK's TransferUtility (chunk-signed
#                                   SigV4 streaming)
#                      hoist        HoistClient -> Hoist server (Release, own process) -> S3
#                      hoist-direct HoistClient -> S3 in direct mode (Hoist__Uploads__Direct=true: the
#                                   server creates, signs the part URLs and completes; no part
#                                   bytes reach it), so its CPU-s/GiB is the cost of signing alone
#                      tus-stream   @tus/server 2 + @tus/s3-store 2 <- tus-js-client 4, one streaming PATCH
#                      tus-chunked  the same with 8 MiB PATCHes (chunkSize), as a resumable client sends
#   --size SIZE      the random file (made once, kept in the work folder); default 1G
#   --runs N         rounds of each configuration (medians are reported); default 3
#   --small          small files on S3: 2,000 files of 64 KiB, 16 at a time, interleaved rounds (--runs) of
#                      small-direct  PutObject per file with the AWS SDK for .NET
#                      small-hoist   one Hoist server: create + one PUT that completes (docs/api.md)
#                      small-tus     @tus/server, tus-js-client creation-with-upload (one POST per file)
#                    files per second, server CPU per file (ms), ratios hoist/direct and hoist/tus
#                    (--small-files 2000 --small-size 64K --small-concurrency 16; any of them implies --small)
#   --sweep          how cost grows: Hoist on S3 at each file size x uploads at once, a fresh server per
#                    step: MiB/s, server CPU-s per GiB, peak RSS, and the fitted memory per concurrent
#                    upload and per GiB of file (--sweep-sizes 64K,1M,64M,1G,4G --sweep-concurrency 1,8,50;
#                    either implies --sweep). A step uploads at least --sweep-min-bytes (256M; at most
#                    --sweep-max-files 2000 files) and one file per upload at once; steps over
#                    --sweep-budget (16G of data) or over half of the OSD's free space are skipped and
#                    listed; each step's objects are deleted before the next. --sweep-runs N (1): runs per step
#   --fs             Hoist on the FileSystem store vs cp (and cp + fsync) of the same file, same disk
#   --load           50 files of 20 MiB through one Hoist server, 8 uploads at a time, each with
#                    4 parts in flight; every object is downloaded back and its SHA-256 checked
#                    (--load-files 50 --load-size 20M --load-concurrency 8)
#   --page           the upload page next to the CLI on one Hoist server (S3; --page-store fs for the
#                    FileSystem store): each round drops the file on the page in headless Chromium
#                    (/usr/bin/chromium via Playwright), timed in the page from the drop to the row's
#                    "verified" mark, then uploads it with HoistClient; page/CLI MiB/s, server CPU per
#                    GiB of each, and Chromium's CPU (all its processes, /proc) as the page's client CPU.
#                    Its detail line says where the page's time went (part reads, SHA-256 digests,
#                    part PUTs in flight). E.g. bash bench/run.sh --no-compare --page --size 256M
#   --page-profile   with --page: also print where the page's main thread spent its time (V8's CPU
#                    profiler, self time by function)
#   --page-direct    the same with the server in direct mode (Hoist__Uploads__Direct=true): the page
#                    and the client send parts straight to the store where they can (the detail line
#                    counts the page's parts that did; without a CORS rule for the page's origin on
#                    the bucket they go through Hoist)
#   --no-compare     skip the default comparison (e.g. --no-compare --load)
#   --only LIST      which configurations the comparison runs; default
#                    direct,direct-transfer-utility,hoist,hoist-direct,tus-stream,tus-chunked.
#                    direct-MODE is a direct upload in another mode: direct-sdk (UploadPartRequest
#                    from the file, chunk-signed), direct-sdk-unchunked (UseChunkEncoding = false),
#                    direct-transfer-utility, direct-presigned
#   --direct-mode M  the mode of "direct" itself; default presigned
#   --warm-up SIZE   each new proxy first uploads this much (JIT, pools); default 24M, 0 = none
#   --server-per-run a fresh proxy process for every run (default: one per configuration, kept
#                    for all its rounds, as a server lives on; round 1 then carries the JIT)
#   --parallel N     parts in flight (direct, hoist); default 4      --part-size SIZE  default 8M
#   --server-env K=V,K=V   extra environment of the Hoist server, for experiments
#                    (e.g. DOTNET_gcServer=0)
#   --allow-unverified  accept uploads without a whole-file checksum (experimental servers)
#   --note TEXT      recorded in the results file
#
# Environment: HOIST_BENCH_WORK (default /tmp/hoist-bench: random files, builds, logs);
# HOIST_BENCH_SERVER_DLL runs another build of the server (an experiment) instead of this tree's;
# HOIST_S3_STATE / HOIST_S3_PORT / HOIST_S3_MON_PORT choose the S3 server as for
# scripts/s3-server.sh: give the benchmark a cluster of its own on a machine where tests
# use the default one, e.g.
#   HOIST_S3_STATE=/tmp/hoist-bench-s3 HOIST_S3_PORT=7490 HOIST_S3_MON_PORT=3390 bash bench/run.sh
#
# It prints a table (CPU-seconds per GiB of the client, the proxy, radosgw and ceph-osd; the
# proxy's peak RSS; the busy CPU of other processes, a sign of a disturbed run), the ratios and
# the targets as met / not met, and writes bench/results/bench-<time>.json. It reports; it never
# fails because a target is not met (it is not part of scripts/test.sh).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
WORK=$(realpath -m "${HOIST_BENCH_WORK:-/tmp/hoist-bench}")
S3_SCRIPT=$ROOT/scripts/s3-server.sh
S3_STATE=$(realpath -m "${HOIST_S3_STATE:-/tmp/hoist-s3}")

compare=--compare
needs_s3=1
pass=()
while (($#)); do
  case $1 in
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    --page|--page-direct|--page-profile) pass+=("$1") ;;
    --page-store) (($# >= 2)) || { echo "$1 needs a value" >&2; exit 2; }; pass+=("$1" "$2"); shift ;;
    --no-compare) compare= ;;
    --sweep|--small|--load|--fs|--allow-unverified|--server-per-run) pass+=("$1") ;;
    --size|--runs|--only|--direct-mode|--warm-up|--parallel|--part-size|--server-env|--note|--load-files|--load-size|--load-concurrency|\
    --small-files|--small-size|--small-concurrency|--sweep-sizes|--sweep-concurrency|--sweep-budget|--sweep-min-bytes|--sweep-max-files|--sweep-runs)
      (($# >= 2)) || { echo "$1 needs a value" >&2; exit 2; }
      pass+=("$1" "$2"); shift ;;
    *) echo "unknown option: $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
# Only the FileSystem comparison runs without S3.
if [[ -z $compare ]] && ! printf '%s\n' "${pass[@]}" | grep -qE -e '^--(sweep|small|load)'; then needs_s3=; fi

log() { printf '[bench %s] %s\n' "$(date +%T)" "$*" >&2; }
# The page runs on S3 too, unless --page-store fs.
if printf '%s\n' "${pass[@]}" | grep -qx -e --page -e --page-direct && ! printf '%s\n' "${pass[@]}" | grep -qx -e fs -e FileSystem; then needs_s3=1; fi
mkdir -p "$WORK" "$ROOT/bench/results"

# Builds go to the work folder, so that other builds of bin/Release (tests, a developer) cannot
# replace the server's files under a running benchmark.
log "building Release (server, bench)"
dotnet build "$ROOT/src/Hoist.Server/Hoist.Server.csproj" -c Release -o "$WORK/build/server" -nologo -v q -clp:NoSummary >&2
dotnet build "$ROOT/bench/Hoist.Bench/Hoist.Bench.csproj" -c Release -o "$WORK/build/bench" -nologo -v q -clp:NoSummary >&2

# The Node peer, from its lock file; again only when the lock changed.
TUS=$ROOT/bench/tus
stamp=$TUS/node_modules/.bench-lock.sha256
if [[ $needs_s3 ]] && ! (cd "$TUS" && sha256sum --status -c "$stamp" 2>/dev/null); then
  log "npm ci (bench/tus)"
  (cd "$TUS" && CI=true npm ci --no-audit --no-fund --loglevel=error >&2)
  (cd "$TUS" && sha256sum package-lock.json >"$stamp")
fi

started_s3=
stop_s3() { if [[ $started_s3 ]]; then log "stopping the S3 server this run started"; bash "$S3_SCRIPT" down || true; fi; }
trap stop_s3 EXIT
if [[ $needs_s3 ]]; then
  if bash "$S3_SCRIPT" status >/dev/null 2>&1; then
    log "S3 server already running ($S3_STATE): using it, leaving it running"
  else
    log "starting the S3 server ($S3_STATE)"
    started_s3=1
    bash "$S3_SCRIPT" up >/dev/null
  fi
  eval "$(bash "$S3_SCRIPT" env)"
fi

log "load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
rc=0
dotnet "$WORK/build/bench/Hoist.Bench.dll" run $compare "${pass[@]}" \
  --server-dll "${HOIST_BENCH_SERVER_DLL:-$WORK/build/server/Hoist.Server.dll}" --tus-dir "$TUS" \
  --work "$WORK" --results "$ROOT/bench/results" \
  ${needs_s3:+--ceph-state "$S3_STATE"} --clk-tck "$(getconf CLK_TCK)" || rc=$?
log "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
exit $rc
