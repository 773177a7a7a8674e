#!/usr/bin/env bash
# Model-checks the token and mail protocol (model/portal.pml) with spin:
#   1. safety, exhaustive: every assertion (P1 single use, P2 no revoked/expired/wrong-type
#      consumption, P4 every duplicate has a cause, P5 no delivery of a mail one does not hold,
#      P6 a mail is marked sent only while its token carries the hash of the link delivered, a
#      final status never changes) in every interleaving of
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
# A search that could not be built, ran out of memory or depth, or did not finish leaves
# "incomplete" in NAME.out (a proof needs the whole state space).
verify() {
    local name=$1 spin_flags=$2 gcc_flags=$3 pan_flags=$4
    mkdir -p "$name"
    cp portal.pml "$name/"
    if ! (cd "$name" && spin $spin_flags -a portal.pml >/dev/null && gcc -w -O2 $gcc_flags -o pan pan.c); then
        echo "incomplete: the model did not build" > "$name.out"
        return
    fi
    (cd "$name" && ./pan $pan_flags > ../"$name".out 2>&1) || true
    if grep -qE "out of memory|Search not completed|max search depth too small" "$name.out" \
        || ! grep -qE 'errors: [0-9]+' "$name.out"; then
        echo "incomplete: the search did not cover the state space" >> "$name.out"
    fi
}
errors() { grep -oE 'errors: [0-9]+' "$1.out" | grep -oE '[0-9]+' | head -1 || true; }
states() { grep -oE '^ *[0-9.e+]+ states, stored' "$1.out" | grep -oE '[0-9.e+]+' | head -1; }
complete() { ! grep -q "^incomplete" "$1.out"; }

status=0
verify safety "" "-DSAFETY -DNOCLAIM" "-m200000"
if complete safety && [ "$(errors safety)" = 0 ]; then
    echo "model: safety (exhaustive): $(states safety) states, every assertion holds"
else
    echo "model: safety FAILED:"; grep -E "assertion|error|incomplete|memory|depth" safety.out | head; status=1
fi
verify liveness "-DLIVENESS" "-DNFAIR=3" "-m200000 -a -f"
if complete liveness && [ "$(errors liveness)" = 0 ]; then
    echo "model: liveness (exhaustive, weak fairness): $(states liveness) states, every issued mail ends sent, dead or skipped"
else
    echo "model: liveness FAILED:"; grep -E "acceptance|error|incomplete|memory|depth" liveness.out | head; status=1
fi

# Each mutant, with the search and the property that should catch it.
declare -A EXPECT=(
    [REUSE]='consumed\[[01]\]==1' [REVOKED]='revoked\[[01]\]' [EXPIRED]='expired\[[01]\]' [TYPE]='ttype\[[01]\]==[12]'
    [STEAL]='sends\[m\]<=' [COMPLETE]='holder\[m\]==me\)\)\|\|lost' [FAIL]='status\[m\]==3'
    [RESEAL]='hash\[m\]==link\[m\]' [NO_TAKEOVER]='acceptancecycle'
)
for mutant in REUSE REVOKED EXPIRED TYPE STEAL COMPLETE FAIL RESEAL NO_TAKEOVER; do
    if [ "$mutant" = NO_TAKEOVER ]; then
        verify "mutant-$mutant" "-DLIVENESS -DMUTANT_$mutant" "-DNFAIR=3" "-m200000 -a -f"
    elif [ "$mutant" = STEAL ]; then
        # P5 would catch it first; without P5, P4 must (a second delivery with no fault behind it).
        verify "mutant-$mutant" "-DMUTANT_$mutant -DWITHOUT_P5" "-DSAFETY -DNOCLAIM" "-m200000"
    else
        verify "mutant-$mutant" "-DMUTANT_$mutant" "-DSAFETY -DNOCLAIM" "-m200000"
    fi
    what=$(grep -oE "assertion violated .*|acceptance cycle" "mutant-$mutant.out" | head -1 || true)
    if [ -n "$what" ] && echo "$what" | tr -d ' ' | grep -qE "${EXPECT[$mutant]}"; then
        echo "model: mutant $mutant caught: $what (trail: $WORK/mutant-$mutant/portal.pml.trail)"
    else
        echo "model: mutant $mutant NOT caught by its property (expected /${EXPECT[$mutant]}/, got: ${what:-nothing})"; status=1
    fi
done
exit "$status"
