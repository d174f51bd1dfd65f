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

ours() {
  local dir=$1
  echo "# --- ours $dir ($(git -C "$dir" rev-parse --short HEAD 2>/dev/null || echo export)) $(date -u +%H:%M:%S) load $(cut -d' ' -f1 /proc/loadavg)"
  (cd "$dir" && .venv/bin/python bench/bench_form.py --n "$LOAD_N" --concurrency 4 \
      --max-seconds "$LOAD_MAX_S" --api 2>/dev/null | grep -E '^(METRIC|NOTE)')
}

echo "# compare_peer.sh $SIZE, $(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) CPUs, rounds $ROUNDS, n $LOAD_N"
echo "# our cases: $(psql -qAt "$DATABASE_URL" -c 'SELECT count(*) FROM routing_case')"
if [[ ${SKIP_PEER_SEED:-0} == 1 ]]; then peer load 1; else peer "seed load" 0; fi
for _ in $(seq 1 "$ROUNDS"); do
  for dir in $OURS; do ours "$dir"; done
  peer load 1
done
