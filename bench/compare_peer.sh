#!/usr/bin/env bash
# The public form (GET + POST) and the JSON API against django-helpdesk's public form, in one
# sitting and interleaved: peer, ours, peer, ours, peer (ROUNDS=2). Same shape on both sides:
# gunicorn with 2 sync workers, 4 closed-loop clients, LOAD_N submissions (time-bounded).
#
# The load runs' questions stay in our table (about 2 % more cases per round at 100k).
#
#   DATABASE_URL=postgresql://postgres@127.0.0.1:5432/ec_bench REDIS_URL=redis://127.0.0.1:6379/9 \
#       bash bench/compare_peer.sh 100k > /tmp/compare.txt
#
# Our database must hold the reference and demo data and the history (seed_volume); the peer's
# is (re)seeded to the same size first unless SKIP_PEER_SEED=1. OURS may name other checkouts
# of the portal (e.g. an export of main) to measure them in the same rounds.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PEER_DIR=${PEER_DIR:-$ROOT/../shared/bench-peer}
[[ -d $PEER_DIR ]] || PEER_DIR=/work/shared/bench-peer
SIZE=${1:-100k}
ROUNDS=${ROUNDS:-2}
LOAD_N=${LOAD_N:-1000}
LOAD_MAX_S=${LOAD_MAX_S:-180}
OURS=${OURS:-$ROOT}
PEER_PORT=${PEER_PORT:-8770}

peer() {
  echo "# --- peer $(date -u +%H:%M:%S) load $(cut -d' ' -f1 /proc/loadavg)"
  STEPS="$1" SKIP_SEED="$2" LOAD_CONC=4 LOAD_N="$LOAD_N" LOAD_MAX_S="$LOAD_MAX_S" PORT="$PEER_PORT" \
    RESULTS=/dev/null bash "$PEER_DIR/run_all.sh" "$SIZE" 2>/dev/null | grep -E '^(METRIC submit|METRIC seed_total|# seed)'
}

# The peer's load step as run_all.sh runs it (gunicorn, loadgen.py, delete-after), plus the CPU
# its workers use per submission, measured after the warm-up as bench_form.py does for ours.
peer_load() {
  export PEER_VENV=${PEER_VENV:-/tmp/peer-venv} PEER_SITE=${PEER_SITE:-/tmp/peer-site}
  local py=$PEER_VENV/bin/python pidfile=/tmp/perf-peer-gunicorn-$PEER_PORT.pid before cpu0 cpu1 out
  echo "# --- peer $(date -u +%H:%M:%S) load $(cut -d' ' -f1 /proc/loadavg)"
  before=$("$py" "$PEER_DIR/dbutil.py" maxid)
  (cd "$PEER_SITE" && "$PEER_VENV/bin/gunicorn" peersite.wsgi:application --workers 2 \
      --bind "127.0.0.1:$PEER_PORT" --pid "$pidfile" --daemon --log-level warning \
      --error-logfile "/tmp/perf-peer-gunicorn-$PEER_PORT.log")
  for _ in $(seq 1 100); do
    curl -fsS -o /dev/null "http://127.0.0.1:$PEER_PORT/tickets/submit/" 2>/dev/null && break
    sleep 0.2
  done
  "$py" "$PEER_DIR/loadgen.py" --base "http://127.0.0.1:$PEER_PORT" --n 1 --warmup 20 \
      --concurrency 1 --prefix warm >/dev/null
  cpu0=$(server_cpu "$(cat "$pidfile")")
  out=$("$py" "$PEER_DIR/loadgen.py" --base "http://127.0.0.1:$PEER_PORT" --n "$LOAD_N" \
      --prefix submit_c4 --concurrency 4 --max-seconds "$LOAD_MAX_S" --warmup 0 || true)
  cpu1=$(server_cpu "$(cat "$pidfile")")
  echo "$out" | grep '^METRIC'
  echo "$out" | awk -v c0="$cpu0" -v c1="$cpu1" '/submit_c4_(completed|errors) /{n+=$3}
    END {printf "METRIC submit_c4_server_cpu_ms_per_submission %.4g ms\n", (c1-c0)*1000/(n?n:1)}'
  kill -TERM "$(cat "$pidfile")"; sleep 2
  echo "# load-test tickets removed: $("$py" "$PEER_DIR/dbutil.py" delete-after "$before")"
}

server_cpu() {
  "$ROOT/.venv/bin/python" -c "import sys; sys.path.insert(0, '$ROOT/bench')
from bench_form import server_cpu_s; print(server_cpu_s(int(sys.argv[1])))" "$1"
}

ours() {
  local dir=$1
  echo "# --- ours $dir ($(git -C "$dir" rev-parse --short HEAD 2>/dev/null || echo export)) $(date -u +%H:%M:%S) load $(cut -d' ' -f1 /proc/loadavg)"
  (cd "$dir" && .venv/bin/python bench/bench_form.py --n "$LOAD_N" --concurrency 4 \
      --max-seconds "$LOAD_MAX_S" --api 2>/dev/null | grep -E '^(METRIC|NOTE)')
}

echo "# compare_peer.sh $SIZE, $(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) CPUs, rounds $ROUNDS, n $LOAD_N"
echo "# our cases: $(psql -qAt "$DATABASE_URL" -c 'SELECT count(*) FROM routing_case')"
[[ ${SKIP_PEER_SEED:-0} == 1 ]] || peer seed 0
peer_load
for _ in $(seq 1 "$ROUNDS"); do
  for dir in $OURS; do ours "$dir"; done
  peer_load
done
