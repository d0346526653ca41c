#!/usr/bin/env bash
# Side-by-side wall-clock timing of xuanti and the Python anchor pipeline on the same rows.
#
#   (a) xuanti:  train on xwlb/train-2012-2017.csv (selection model + one model per `topics`
#                label), then rank batch-2018.csv and batch-2019.csv with that model; and the
#                same job as word_lr: a selection model only, then the two ranks;
#   (b) Python:  ../shared/bench/anchors/anchors.py in train/test mode, anchor word_lr only
#                (jieba + scikit-learn word uni+bigram TF-IDF + logistic regression), trained
#                on the same train file and ranking the same two batches;
#
# and prints the ratio python_total / xuanti_total (the bar: at least 30x).
#
# Usage (from any directory):   benches/compare.sh
# Environment:
#   XUANTI_DATA  data folder (default ../shared/data beside the repository); the script
#                prints a message and exits 0 when its xwlb/ files are absent
#   ANCHORS      the anchors folder (default ../shared/bench/anchors beside the repository)
#   VENV         the anchors' virtualenv (default $HOME/.venvs/anchors, outside the repo).
#                Created and filled from the anchors' requirements.txt when it is missing or
#                lacks jieba/scikit-learn: the FIRST run therefore takes several minutes
#                (downloads, and fastText builds from source). An existing venv is used as is.
#   PYTHON       interpreter used to create the venv (default python3; the anchors want 3.11)
#   RUNS         repetitions of both pipelines (default 1), alternating which goes first;
#                the table shows medians over the runs
#   XUANTI_BIN   a prebuilt xuanti binary to time instead of this repository's
#                target/release/xuanti (which is otherwise built with `cargo build --release`)
#
# Nothing is written into the repository: outputs go to a temporary folder removed on exit.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

DATA=${XUANTI_DATA:-../shared/data}
D=$DATA/xwlb
ANCHORS=${ANCHORS:-../shared/bench/anchors}
A=$ANCHORS/anchors.py
VENV=${VENV:-$HOME/.venvs/anchors}
PY=$VENV/bin/python
RUNS=${RUNS:-1}

TRAIN=$D/train-2012-2017.csv
B2018=$D/batch-2018.csv
B2019=$D/batch-2019.csv

for f in "$TRAIN" "$B2018" "$B2019"; do
    if [[ ! -f $f ]]; then
        echo "compare.sh: $f not found (set XUANTI_DATA to the data folder); skipping the comparison."
        exit 0
    fi
done
if [[ ! -f $A ]]; then
    echo "compare.sh: $A not found (set ANCHORS to the anchors folder); skipping the comparison."
    exit 0
fi
if ! [[ $RUNS =~ ^[1-9][0-9]*$ ]]; then
    echo "compare.sh: RUNS must be a positive integer, not '$RUNS'" >&2
    exit 2
fi

TMP=$(mktemp -d "${TMPDIR:-/tmp}/xuanti-compare.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

# ---------------------------------------------------------------- xuanti binary
if [[ -n ${XUANTI_BIN:-} ]]; then
    X=$XUANTI_BIN
else
    echo "== cargo build --release"
    cargo build --release --quiet
    X=$ROOT/target/release/xuanti
fi
[[ -x $X ]] || { echo "compare.sh: $X is not an executable" >&2; exit 1; }

# ---------------------------------------------------------------- Python venv
venv_ok() {
    [[ -x $PY ]] && "$PY" -c 'import jieba, sklearn, numpy, scipy' >/dev/null 2>&1
}
if ! venv_ok; then
    echo "== setting up the anchors' virtualenv in $VENV (first time only: several minutes)"
    setup_start=$(date +%s)
    [[ -x $PY ]] || "${PYTHON:-python3}" -m venv "$VENV"
    if ! "$VENV/bin/pip" install --quiet -r "$ANCHORS/requirements.txt"; then
        # Usually fastText failing to build. The timed run needs only word_lr: install the
        # other pins, then try the prebuilt fastText wheel, as the anchors' README suggests.
        echo "== pip install -r requirements.txt failed; retrying without fasttext"
        grep -v -i '^fasttext' "$ANCHORS/requirements.txt" >"$TMP/requirements-nofasttext.txt"
        "$VENV/bin/pip" install --quiet -r "$TMP/requirements-nofasttext.txt"
        "$VENV/bin/pip" install --quiet fasttext-wheel ||
            echo "   (fasttext-wheel did not install either: fine, only word_lr is timed here)"
    fi
    venv_ok || { echo "compare.sh: $VENV still lacks jieba/scikit-learn" >&2; exit 1; }
    echo "   venv ready in $(($(date +%s) - setup_start)) s"
fi

# ---------------------------------------------------------------- helpers
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }
median() {
    printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 }
        END { if (NR % 2) printf "%.3f", v[(NR + 1) / 2]; else printf "%.3f", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
HAVE_TIME=0
if [[ -x /usr/bin/time ]] && /usr/bin/time -f '%M' -o /dev/null true 2>/dev/null; then
    HAVE_TIME=1
fi
# timed NAME CMD...: runs CMD with its output in $TMP/NAME.log; sets LAST_S (wall seconds) and
# LAST_KB (peak RSS in KB, or "-" without GNU time). Shows the log's tail and stops on failure.
timed() {
    local name=$1 t0 t1 rc=0
    shift
    t0=$(now)
    if ((HAVE_TIME)); then
        /usr/bin/time -f '%M' -o "$TMP/$name.rss" "$@" >"$TMP/$name.log" 2>&1 || rc=$?
    else
        "$@" >"$TMP/$name.log" 2>&1 || rc=$?
    fi
    t1=$(now)
    if ((rc != 0)); then
        echo "compare.sh: '$name' failed (exit $rc): $*" >&2
        tail -n 20 "$TMP/$name.log" >&2
        exit 1
    fi
    LAST_S=$(elapsed "$t0" "$t1")
    LAST_KB=-
    if ((HAVE_TIME)); then LAST_KB=$(tail -n 1 "$TMP/$name.rss"); fi
}

run_xuanti() {
    local r=$1
    timed "x_train_$r" "$X" train "$TRAIN" --label selected --themes-col topics -o "$TMP/model.json"
    x_train+=("$LAST_S"); x_train_kb=$LAST_KB
    timed "x_r2018_$r" "$X" rank "$B2018" --model "$TMP/model.json" -o "$TMP/r2018.csv"
    x_r2018+=("$LAST_S"); x_r2018_kb=$LAST_KB
    timed "x_r2019_$r" "$X" rank "$B2019" --model "$TMP/model.json" -o "$TMP/r2019.csv"
    x_r2019+=("$LAST_S"); x_r2019_kb=$LAST_KB
    x_total+=("$(awk -v a="${x_train[-1]}" -v b="${x_r2018[-1]}" -v c="${x_r2019[-1]}" \
        'BEGIN { printf "%.3f", a + b + c }')")
    # The same job as word_lr: one selection model (no per-topic models), then both ranks.
    local t r18 r19
    timed "x_same_train_$r" "$X" train "$TRAIN" --label selected -o "$TMP/model_sel.json"
    t=$LAST_S
    timed "x_same_r2018_$r" "$X" rank "$B2018" --model "$TMP/model_sel.json" -o "$TMP/s2018.csv"
    r18=$LAST_S
    timed "x_same_r2019_$r" "$X" rank "$B2019" --model "$TMP/model_sel.json" -o "$TMP/s2019.csv"
    r19=$LAST_S
    x_same+=("$(awk -v a="$t" -v b="$r18" -v c="$r19" 'BEGIN { printf "%.3f", a + b + c }')")
    echo "   run $r xuanti: ${x_total[-1]} s (selection only: ${x_same[-1]} s)"
}

run_python() {
    local r=$1 parts
    timed "py_$r" "$PY" "$A" --train "$TRAIN" --test "$B2018" --test "$B2019" \
        --label-col selected --positive 1 --anchors word_lr --out "$TMP/anchor.json"
    py_total+=("$LAST_S"); py_kb=$LAST_KB
    # Its own perf_counter timings: jieba init, segmentation of the 3 files, word_lr fit
    # (TF-IDF + LR), scoring (vectorise + predict) of both batches.
    parts=$("$PY" - "$TMP/anchor.json" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1], encoding="utf-8"))
seg = r["segmentation"]
a = r["anchors"]["word_lr"]
segs = sum(v["segment_s"] + v["postprocess_s"] for v in seg["per_file"].values())
print(f'{seg["init_s"]:.3f} {segs:.3f} {a["train"]["train_s"]:.3f} {sum(a["timing"]["score_s_per_test"]):.3f}')
EOF
)
    read -r p_init p_seg p_fit p_score <<<"$parts"
    py_init+=("$p_init"); py_seg+=("$p_seg"); py_fit+=("$p_fit"); py_score+=("$p_score")
    echo "   run $r python: ${py_total[-1]} s"
}

# ---------------------------------------------------------------- run
x_train=(); x_r2018=(); x_r2019=(); x_total=(); x_same=()
py_total=(); py_init=(); py_seg=(); py_fit=(); py_score=()
x_train_kb=-; x_r2018_kb=-; x_r2019_kb=-; py_kb=-

cat "$TRAIN" "$B2018" "$B2019" >/dev/null # same warm page cache for whoever goes first
load_start=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo n/a)
echo "== timing ($RUNS run(s); odd runs xuanti first, even runs Python first)"
for ((r = 1; r <= RUNS; r++)); do
    if ((r % 2)); then run_xuanti "$r"; run_python "$r"; else run_python "$r"; run_xuanti "$r"; fi
done
load_end=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo n/a)

# ---------------------------------------------------------------- report
mx_train=$(median "${x_train[@]}"); mx_r2018=$(median "${x_r2018[@]}")
mx_r2019=$(median "${x_r2019[@]}"); mx_total=$(median "${x_total[@]}")
mpy_total=$(median "${py_total[@]}"); mpy_init=$(median "${py_init[@]}")
mpy_seg=$(median "${py_seg[@]}"); mpy_fit=$(median "${py_fit[@]}"); mpy_score=$(median "${py_score[@]}")
ratio=$(awk -v p="$mpy_total" -v x="$mx_total" 'BEGIN { printf "%.1f", p / x }')
mx_same=$(median "${x_same[@]}")
ratio_same=$(awk -v p="$mpy_total" -v x="$mx_same" 'BEGIN { printf "%.1f", p / x }')
mb() { if [[ $1 == - ]]; then echo -; else awk -v k="$1" 'BEGIN { printf "%.0f MB", k / 1024 }'; fi; }
info=$("$PY" - "$TMP/anchor.json" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1], encoding="utf-8"))
e = r["env"]
print(" ".join(f"{k} {e.get(k)}" for k in ("python", "jieba", "scikit-learn", "numpy", "scipy")))
print(r["train"]["n_rows_used"], " + ".join(str(t["n_rows_used"]) for t in r["tests"]))
EOF
)
versions=$(head -n 1 <<<"$info")
read -r -a rows <<<"$(tail -n 1 <<<"$info")"

echo
echo "machine: nproc $(nproc), load average (1/5/15 min) $load_start at start, $load_end at end"
echo "xuanti:  $("$X" --version 2>/dev/null || echo "$X")"
echo "python:  $versions"
echo "rows:    train ${rows[0]}, batches ${rows[*]:1} (as read by anchors.py)"
echo "runs:    $RUNS (medians, wall-clock seconds)"
echo
printf '%-44s %9s %10s\n' "step" "wall (s)" "peak RSS"
printf '%-44s %9s %10s\n' "xuanti train (selection + topics models)" "$mx_train" "$(mb "$x_train_kb")"
printf '%-44s %9s %10s\n' "xuanti rank batch-2018" "$mx_r2018" "$(mb "$x_r2018_kb")"
printf '%-44s %9s %10s\n' "xuanti rank batch-2019" "$mx_r2019" "$(mb "$x_r2019_kb")"
printf '%-44s %9s %10s\n' "xuanti total" "$mx_total" ""
printf '%-44s %9s %10s\n' "xuanti total, selection model only" "$mx_same" ""
printf '%-44s %9s %10s\n' "python word_lr total (process wall clock)" "$mpy_total" "$(mb "$py_kb")"
printf '%-44s %9s %10s\n' "  of which jieba init (dictionary load)" "$mpy_init" ""
printf '%-44s %9s %10s\n' "  of which jieba segmentation, 3 files" "$mpy_seg" ""
printf '%-44s %9s %10s\n' "  of which TF-IDF + LR fit on train" "$mpy_fit" ""
printf '%-44s %9s %10s\n' "  of which scoring both batches" "$mpy_score" ""
echo
echo "ratio python_total / xuanti_total: ${ratio}x with the 20 topic models, ${ratio_same}x for the same job as word_lr (bar: at least 30x)"
