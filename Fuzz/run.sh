#!/usr/bin/env bash
# Builds the libFuzzer harnesses (swiftc -sanitize=fuzzer,address) over the sources they test
# and runs each for a while on its checked-in corpus.
#
#   Fuzz/run.sh [seconds per target, default 30] [target ...]   targets: sse jsonlines json keys config
#   Fuzz/run.sh --build-only [target ...]                       builds them, runs none
#
# .ci/run builds them before the tests, so that the compilers do not share the machine with the
# tests' timing (the Fuzzing suite then only runs them: the builds are up to date).
#
# `config` (the configuration parser: TOML through Genesis's own TOMLReader, or the seed's JSON)
# needs the whole engine, so SwiftPM builds it (Fuzz/Config, a package of its own) into a shared
# library with the fuzzer's instrumentation, and clang links that to libFuzzer. Like the others it
# runs with leak detection (it ran without while TOMLKit, which leaked on every parse, was there).
set -euo pipefail
cd "$(dirname "$0")/.."
build_only=false
if [ "${1:-}" = --build-only ]; then build_only=true; shift; seconds=0; else seconds="${1:-30}"; shift || true; fi
targets=("$@"); [ ${#targets[@]} -gt 0 ] || targets=(sse jsonlines json keys config)
out=.build/fuzz; mkdir -p "$out"
export SWIFT_BACKTRACE=enable=no   # libFuzzer reports crashes and saves the input itself
sources_for() {
    case "$1" in
        sse) echo Sources/GenesisProviders/Decoding/ServerSentEventParser.swift ;;
        jsonlines) echo Sources/GenesisProviders/Decoding/JSONLinesParser.swift ;;
        json) echo Sources/GenesisEngine/Model/JSONParser.swift Sources/GenesisEngine/Model/JSONValue.swift Sources/GenesisEngine/Model/JSONWriter.swift ;;
        keys) echo Sources/GenesisConsole/Input/Key.swift ;;
    esac
}
# Whether the harness binary is newer than every source it is built from.
up_to_date() {
    local binary="$1"; shift
    [ -x "$binary" ] || return 1
    for source in "$@"; do [ "$source" -nt "$binary" ] && return 1; done
    return 0
}
build_config() {
    local scratch=.build/fuzz-config
    if ! swift build --package-path Fuzz/Config --scratch-path "$scratch" --product FuzzConfig \
        -Xswiftc -sanitize=fuzzer,address > "$out/config.build.log" 2>&1; then
        grep -v "Cannot export local symbol" "$out/config.build.log" >&2 || true
        return 1
    fi
    local lib; lib="$(cd "$scratch/debug" && pwd)"
    "$(dirname "$(readlink -f "$(command -v swiftc)")")/clang" -fsanitize=fuzzer,address -L"$lib" -lFuzzConfig \
        -Wl,-rpath,"$lib" -o "$out/config" >> "$out/config.build.log" 2>&1
}
for target in "${targets[@]}"; do
    echo "== $target: building"
    if [ "$target" = config ]; then
        # SwiftPM is not even asked when nothing changed: its no-op build of this package still
        # loads the whole package graph, which on two cores stalls the tests running beside it.
        if up_to_date "$out/config" Package.swift Fuzz/Config/Package.swift $(find Sources Fuzz/Config/Sources -type f); then
            echo "== config: up to date"
        else
            build_config || { echo "== config: the harness does not build" >&2; exit 1; }
        fi
    else
        # A harness that does not build fails the run (its sources moved or grew a dependency).
        if up_to_date "$out/$target" Fuzz/Harnesses/$target.swift $(sources_for "$target"); then
            echo "== $target: up to date"
        elif ! swiftc -sanitize=fuzzer,address -parse-as-library -O -module-name Fuzz$target \
            Fuzz/Harnesses/$target.swift $(sources_for "$target") -o "$out/$target" > "$out/$target.build.log" 2>&1; then
            grep -v "Cannot export local symbol" "$out/$target.build.log" >&2 || true
            echo "== $target: the harness does not build" >&2
            exit 1
        fi
    fi
    $build_only && continue
    mkdir -p "Fuzz/corpus/$target" "$out/corpus-$target"
    echo "== $target: fuzzing for $seconds s"
    "$out/$target" -max_total_time="$seconds" -max_len=4096 -print_final_stats=1 -artifact_prefix="$out/$target-" \
        "$out/corpus-$target" "Fuzz/corpus/$target" 2>&1 \
        | grep -E "^#[0-9]+ *DONE|stat::number_of_executed_units|stat::peak_rss_mb|ERROR|SUMMARY|==[0-9]+==" || true
done
