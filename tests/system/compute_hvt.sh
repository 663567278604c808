#!/bin/sh
# compute_hvt.sh: the unikernel runs natively on hvt (CPL3, even on PVM): integer and SSE work takes at most 1.2x
# the time of the same code as a Linux process, and of the same unikernel on spt when that target is built.
. "$(dirname "$0")/hvt/lib.sh"
hvt_setup compute_hvt
ROUNDS=${COMPUTE_ROUNDS:-200000} # about a second of work here
RUNS=3                            # the best of each: the machine is shared

hvt_image "$HVT_OUT/compute.hvt" tests/system/hvt/uk_compute.c tests/system/hvt/compute.c ||
    { echo "not ok - compute_hvt: build the unikernel"; exit 1; }
# The same optimisation and stack protector as the freestanding build.
cc -std=gnu11 -O2 -fstack-protector-strong -Itests/system/hvt -o "$HVT_OUT/compute_native" \
    tests/system/hvt/compute_native.c tests/system/hvt/compute.c ||
    { echo "not ok - compute_hvt: build the native program"; exit 1; }
peers="native"
if [ -x build/bin/mirage-spt ] && [ -f build/lib/mirage/spt/.stamp ] &&
    sh tests/system/build-image.sh spt "$HVT_OUT/compute.spt" tests/system/hvt/uk_compute.c \
        tests/system/hvt/compute.c >"$HVT_OUT/compute.spt.log" 2>&1; then
    peers="native spt"
fi

now_ms() { echo $(($(date +%s%N) / 1000000)); }
# timed KIND: runs it once; sets $ms and $sum (its checksum line).
timed() {
    t0=$(now_ms)
    case $1 in
    hvt) "$HVT" -- "$HVT_OUT/compute.hvt" "$ROUNDS" >"$HVT_OUT/compute.$1.out" 2>&1 ;;
    spt) build/bin/mirage-spt -- "$HVT_OUT/compute.spt" "$ROUNDS" >"$HVT_OUT/compute.$1.out" 2>&1 ;;
    native) "$HVT_OUT/compute_native" "$ROUNDS" >"$HVT_OUT/compute.$1.out" 2>&1 ;;
    esac
    st=$?
    ms=$(($(now_ms) - t0))
    sum=$(grep '^checksum ' "$HVT_OUT/compute.$1.out")
    [ "$st" -eq 0 ] && [ -n "$sum" ]
}

best_hvt=0 best_native=0 best_spt=0 failed=""
for i in $(seq "$RUNS"); do
    for k in hvt $peers; do
        if ! timed "$k"; then failed="$failed $k"; continue; fi
        eval "b=\$best_$k"
        if [ "$b" -eq 0 ] || [ "$ms" -lt "$b" ]; then eval "best_$k=$ms"; fi
        eval "sum_$k=\"\$sum\""
    done
done
if [ -n "$failed" ]; then
    echo "not ok - compute_hvt: runs failed:$failed ($(cat "$HVT_OUT"/compute.*.out | tr '\n' ' ' | cut -c1-200))"
    exit 0
fi
for k in $peers; do
    eval "b=\$best_$k; s=\$sum_$k"
    if [ "$s" != "$sum_hvt" ]; then
        echo "not ok - compute_hvt vs $k: checksums differ ('$sum_hvt' on hvt, '$s' on $k)"
    elif [ $((best_hvt * 10)) -le $((b * 12)) ]; then
        echo "ok - compute_hvt vs $k: hvt $best_hvt ms, $k $b ms (best of $RUNS)"
    else
        echo "not ok - compute_hvt vs $k: hvt $best_hvt ms is more than 1.2x $k's $b ms"
    fi
done
