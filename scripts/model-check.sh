#!/usr/bin/env bash
# Model-checks the token and mail protocol (model/portal.pml) with spin:
#   1. safety, exhaustive: every assertion (P1 single use, P2 no revoked/expired/wrong-type
#      consumption, P4 every duplicate has a cause, P5 no delivery of a mail one does not hold,
#      P6 a sealed hash never changes, a final status never changes) in every interleaving of
#      2 mailers, 2 gateways, staff, the clock and one fault (a crash or a lease lost mid-send);
#   2. liveness, exhaustive under weak fairness: P3 every issued mail ends sent, dead or skipped;
#   3. each mutant (one SQL guard removed) must be caught, with a counterexample.
# Prints states explored and the property each mutant broke. Exit 0 only if all of that holds.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
command -v spin >/dev/null || ensure_packages spin

WORK=.run/model
rm -rf "$WORK"
mkdir -p "$WORK"
cp model/portal.pml "$WORK/"
cd "$WORK"

# verify NAME SPIN_FLAGS GCC_FLAGS PAN_FLAGS: builds and runs one search; output in NAME.out.
verify() {
    local name=$1 spin_flags=$2 gcc_flags=$3 pan_flags=$4
    mkdir -p "$name"
    cp portal.pml "$name/"
    (cd "$name" && spin $spin_flags -a portal.pml >/dev/null \
        && gcc -w -O2 $gcc_flags -o pan pan.c \
        && ./pan $pan_flags > ../"$name".out 2>&1) || true
}
errors() { grep -oE 'errors: [0-9]+' "$1.out" | grep -oE '[0-9]+' || echo "?"; }
states() { grep -oE '^ *[0-9.e+]+ states, stored' "$1.out" | grep -oE '[0-9.e+]+' | head -1; }

status=0
verify safety "" "-DSAFETY -DNOCLAIM" "-m200000"
if [ "$(errors safety)" = 0 ] && ! grep -q "max search depth too small" safety.out; then
    echo "model: safety (exhaustive): $(states safety) states, every assertion holds"
else
    echo "model: safety FAILED:"; grep -E "assertion|error|depth" safety.out | head; status=1
fi
verify liveness "-DLIVENESS" "-DNFAIR=3" "-m200000 -a -f"
if [ "$(errors liveness)" = 0 ] && ! grep -q "max search depth too small" liveness.out; then
    echo "model: liveness (exhaustive, weak fairness): $(states liveness) states, every issued mail ends sent, dead or skipped"
else
    echo "model: liveness FAILED:"; grep -E "acceptance|error|depth" liveness.out | head; status=1
fi

# Each mutant, with the search that should catch it.
for mutant in REUSE REVOKED EXPIRED TYPE STEAL COMPLETE FAIL RESEAL NO_TAKEOVER; do
    if [ "$mutant" = NO_TAKEOVER ]; then
        verify "mutant-$mutant" "-DLIVENESS -DMUTANT_$mutant" "-DNFAIR=3" "-m200000 -a -f"
    elif [ "$mutant" = STEAL ]; then
        # P5 would catch it first; without P5, P4 must (a second delivery with no fault behind it).
        verify "mutant-$mutant" "-DMUTANT_$mutant -DWITHOUT_P5" "-DSAFETY -DNOCLAIM" "-m200000"
    else
        verify "mutant-$mutant" "-DMUTANT_$mutant" "-DSAFETY -DNOCLAIM" "-m200000"
    fi
    if [ "$(errors "mutant-$mutant")" != 0 ] && [ "$(errors "mutant-$mutant")" != "?" ]; then
        what=$(grep -oE "assertion violated .*|acceptance cycle" "mutant-$mutant.out" | head -1)
        echo "model: mutant $mutant caught: ${what:-error} (trail: $WORK/mutant-$mutant/portal.pml.trail)"
    else
        echo "model: mutant $mutant NOT caught"; status=1
    fi
done
exit "$status"
