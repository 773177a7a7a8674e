#!/usr/bin/env bash
# libFuzzer over the parsers that see untrusted input (fuzz/FuzzTargets.swift):
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET…]     (default: 20 s each, every target)
# Builds the targets with -sanitize=fuzzer,address from the product's own source files (one
# module: the few sources each parser needs, not the whole package), runs each target for the
# given time from its seed corpus (fuzz/corpus/<target>: test vectors, and every crash found
# before, kept as a regression input), and fails on any finding: the crashing input is saved in
# .run/fuzz/<target>-crash-*; copy it into fuzz/corpus/<target>/ once fixed.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

SECONDS_EACH="${1:-20}"
shift || true
TARGETS="${*:-hash session json forwarded password mime email claims accept next message}"
OUT=.run/fuzz
BUILD=.build/fuzz
rm -rf "$BUILD/src"
mkdir -p "$BUILD/src" "$OUT"

# One module: the product files, their `import PortalCrypto` / `import PortalCore` dropped.
for file in Sources/PortalCrypto/*.swift Sources/PortalCore/{ClientAddress,PasswordPolicy,EmailAddress,Punycode,StrictJSON,LanguageTag,AcceptLanguage,ReturnPath,MessageFormat}.swift \
            Sources/Mailer/MailMessage.swift; do
    grep -vE '^import (PortalCrypto|PortalCore)$' "$file" > "$BUILD/src/$(basename "$file")"
done
log "fuzz: building $BUILD/portal-fuzz (-sanitize=fuzzer,address)"
# (the linker warns about every ASan helper symbol: the log keeps them out of sight unless it fails)
swiftc -sanitize=fuzzer,address -parse-as-library -module-name PortalFuzz -O -gnone \
    -I Sources/COpenSSL "$BUILD"/src/*.swift fuzz/FuzzTargets.swift -lcrypto -o "$BUILD/portal-fuzz" \
    > "$OUT/build.log" 2>&1 || { cat "$OUT/build.log" >&2; exit 1; }

status=0
for target in $TARGETS; do
    corpus="$OUT/corpus-$target"
    rm -rf "$corpus"
    mkdir -p "$corpus"
    if [ "$target" = session ]; then
        SWIFT_BACKTRACE=enable=no FUZZ_TARGET=session FUZZ_SEED_DIR="$corpus" "$BUILD/portal-fuzz" -runs=0 "$corpus" >/dev/null 2>&1
    fi
    log "fuzz: $target for ${SECONDS_EACH}s"
    # A dictionary of the tokens that matter to the target ('=' after a cookie, CR LF in a name…)
    # finds in seconds what blind byte mutation may miss for minutes.
    dict=()
    [ -f "fuzz/dict/$target.dict" ] && dict=(-dict="fuzz/dict/$target.dict")
    set +e
    SWIFT_BACKTRACE=enable=no FUZZ_TARGET="$target" "$BUILD/portal-fuzz" "${dict[@]}" -max_total_time="$SECONDS_EACH" -print_final_stats=1 -timeout=10 \
        -rss_limit_mb=4096 -artifact_prefix="$OUT/$target-" "$corpus" "fuzz/corpus/$target" > "$OUT/$target.log" 2>&1
    code=$?
    set -e
    runs=$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$OUT/$target.log" | grep -oE '[0-9]+$' || echo "?")
    if [ "$code" -eq 0 ] && ! [ "$runs" -gt 0 ] 2>/dev/null; then
        log "fuzz: $target did not run (no executions reported)"
        status=1
    elif [ "$code" -ne 0 ]; then
        log "fuzz: $target FOUND A PROBLEM after $runs runs (exit $code):"
        grep -E "ERROR|Fatal error|deadly|precondition|Precondition|SUMMARY|artifact" "$OUT/$target.log" | head -20 >&2
        status=1
    else
        echo "fuzz: $target — $runs executions in ${SECONDS_EACH}s, no finding"
    fi
done
exit "$status"
