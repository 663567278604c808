# lib.sh: sourced by the hvt system-test scripts (tests/system/*hvt.sh): builds images, checks /dev/kvm.
#
#   . tests/system/hvt/lib.sh; hvt_setup NAME   (cd to the root; skip NAME and exit if hvt cannot run)
#   hvt_image OUT SRC...                       (build-image.sh for hvt; OUT under $HVT_OUT)
#   hvt_run OUTFILE ERRFILE ARGS...            (mirage-hvt ARGS, under $HVT_WRAP if set; sets $rc)
cd "$(dirname "$0")/../.." || exit 1
HVT=build/bin/mirage-hvt
HVT_OUT=build/tests/system/hvt
mkdir -p "$HVT_OUT"

# Functions keep their variables local: the scripts use short names too.
hvt_setup() {
    local name=$1
    # The Makefile decides what is built (make FREESTANDING=hvt); a test
    # that built it would change what other tests see in build/.
    if [ ! -x "$HVT" ] || [ ! -f build/lib/mirage/hvt/.stamp ]; then
        echo "skip - $name: the hvt target is not built (make FREESTANDING=hvt)"
        exit 0
    fi
    if [ ! -e /dev/kvm ]; then
        echo "skip - $name: /dev/kvm not available (absent)"
        exit 0
    fi
    if [ ! -r /dev/kvm ] || [ ! -w /dev/kvm ]; then
        echo "skip - $name: /dev/kvm not available (no permission)"
        exit 0
    fi
    # /dev/kvm may exist and still refuse VMs (no virtualisation, a broken module).
    hvt_image "$HVT_OUT/probe.hvt" tests/system/uk_hello.c || {
        echo "not ok - $name: cannot build the probe image"
        exit 1
    }
    if ! "$HVT" --mem=2 -- "$HVT_OUT/probe.hvt" >"$HVT_OUT/probe.out" 2>"$HVT_OUT/probe.err"; then
        if grep -q -e '/dev/kvm' -e 'KVM_CREATE_VM' "$HVT_OUT/probe.err"; then
            echo "skip - $name: /dev/kvm not available ($(head -n 1 "$HVT_OUT/probe.err"))"
            exit 0
        fi
    fi
}

hvt_image() {
    local img=$1
    shift
    sh tests/system/build-image.sh hvt "$img" "$@" >"$img.build.log" 2>&1 || {
        cat "$img.build.log"
        return 1
    }
}

hvt_run() {
    local o=$1 e=$2
    shift 2
    # shellcheck disable=SC2086 # HVT_WRAP: a command the tender runs under, or nothing
    timeout -k 5 "${HVT_TIMEOUT:-60}" $HVT_WRAP "$HVT" "$@" >"$o" 2>"$e" </dev/null
    rc=$?
}
