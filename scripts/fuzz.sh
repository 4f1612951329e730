#!/usr/bin/env bash
# Builds the libFuzzer harnesses (Fuzzing/, formats/fuzzing.md) with the address sanitizer and
# runs every target for SECONDS each, starting from its committed corpus (Fuzzing/Corpus/TARGET).
# Exits 1 when any target crashes or breaks a property; the input that did it is left in
# fuzz-crashes/TARGET/ (replay it: scripts/fuzz.sh --replay TARGET FILE).
#
#   scripts/fuzz.sh SECONDS [TARGET...]     run (all targets when none is named)
#   scripts/fuzz.sh --replay TARGET FILE... run the harness on the given inputs once
#   scripts/fuzz.sh --list                  print the target names
#
# Environment: FUZZ_CONFIG=debug|release (default release), FUZZ_JOBS (build jobs),
# FUZZ_WORK (new corpus units, default .build-fuzz/corpus), FUZZ_ARGS (more libFuzzer flags),
# FUZZ_BINARY (run this zoo-fuzz instead of building one: a long campaign runs a copy).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

targets_all=(safetensors_header safetensors_file zckpt_index zckpt_file zckpt_chunk huffman_zlib
             model_description layer_spec oci_index oci_manifest csv pytorch npy npz image idx)

# Largest input per target: big enough for the seeds, small enough to keep executions fast.
max_len() {
    case "$1" in
        zckpt_file|safetensors_file|pytorch|image) echo 65536 ;;
        zckpt_chunk|huffman_zlib|csv|npz) echo 32768 ;;
        *) echo 16384 ;;
    esac
}

config=${FUZZ_CONFIG:-release}
build() {
    [[ -n "${FUZZ_BINARY:-}" ]] && return
    local jobs=()
    [[ -n "${FUZZ_JOBS:-}" ]] && jobs=(-j "$FUZZ_JOBS")
    # -enable-testing: the harnesses reach internal entry points (@testable import).
    swift build --package-path Fuzzing -c "$config" "${jobs[@]}" \
        -Xswiftc -sanitize=fuzzer,address -Xswiftc -enable-testing >&2
}
binary() { echo "${FUZZ_BINARY:-$root/Fuzzing/.build/$config/zoo-fuzz}"; }

# The Swift runtime's crash handler reports a false overflow under ASan and leaves a
# swift-backtrace process behind; libFuzzer and ASan report crashes themselves.
export SWIFT_BACKTRACE=enable=no
asan_options=${ASAN_OPTIONS:-allocator_may_return_null=0:handle_abort=1}

case "${1:-}" in
    --list) printf '%s\n' "${targets_all[@]}"; exit 0 ;;
    --replay)
        [[ $# -ge 3 ]] || { echo "usage: scripts/fuzz.sh --replay TARGET FILE..." >&2; exit 64; }
        target=$2; shift 2
        build
        ZOO_FUZZ_TARGET=$target "$(binary)" -runs=1 "$@"
        exit $? ;;
    ''|-*) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 64 ;;
esac

seconds=$1; shift
[[ "$seconds" =~ ^[0-9]+$ ]] || { echo "scripts/fuzz.sh: SECONDS must be a whole number, got '$seconds'" >&2; exit 64; }
targets=("$@")
[[ ${#targets[@]} -gt 0 ]] || targets=("${targets_all[@]}")
for t in "${targets[@]}"; do
    [[ " ${targets_all[*]} " == *" $t "* ]] || { echo "scripts/fuzz.sh: unknown target '$t' (scripts/fuzz.sh --list)" >&2; exit 64; }
done

build
work=${FUZZ_WORK:-$root/.build-fuzz/corpus}
logs=$root/.build-fuzz/logs
mkdir -p "$logs"
failed=()
printf '%-20s %12s %10s %8s %8s %s\n' target executions exec/s cov ft result
for t in "${targets[@]}"; do
    mkdir -p "$work/$t" "$root/fuzz-crashes/$t" "$root/Fuzzing/Corpus/$t"
    log=$logs/$t.log
    status=0
    leaks=1
    # The first folder receives new units; the committed corpus is only read.
    # -malloc_limit_mb: no input under max_len may make a reader allocate 256 MB at once.
    ZOO_FUZZ_TARGET=$t ASAN_OPTIONS="$asan_options:detect_leaks=$leaks" "$(binary)" "$work/$t" "$root/Fuzzing/Corpus/$t" \
        -max_total_time="$seconds" -max_len="$(max_len "$t")" -timeout=20 \
        -rss_limit_mb=4096 -malloc_limit_mb=256 -print_final_stats=1 \
        -detect_leaks=$leaks \
        -artifact_prefix="$root/fuzz-crashes/$t/" ${FUZZ_ARGS:-} >"$log" 2>&1 || status=$?
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
    last=$(grep -E '^#[0-9]+' "$log" | tail -1 || true)
    cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")
    ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")
    if [[ $status -eq 0 ]]; then result=ok; else
        result="FAILED (exit $status): $(ls -t "$root/fuzz-crashes/$t" | head -1 | sed "s|^|fuzz-crashes/$t/|")"
        failed+=("$t")
    fi
    printf '%-20s %12s %10s %8s %8s %s\n' "$t" "${runs:-?}" "${speed:-?}" "${cov:-?}" "${ft:-?}" "$result"
    if [[ $status -ne 0 ]]; then
        grep -E 'property failed|ERROR: |SUMMARY: |Fatal error|panic' "$log" | head -5 | sed 's/^/    /'
        echo "    full log: $log"
    fi
done
if [[ ${#failed[@]} -gt 0 ]]; then
    echo "scripts/fuzz.sh: ${#failed[@]} target(s) failed: ${failed[*]}; inputs in fuzz-crashes/, replay with scripts/fuzz.sh --replay TARGET FILE" >&2
    exit 1
fi
