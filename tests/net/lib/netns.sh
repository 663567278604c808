# netns.sh: network namespaces, taps and background unikernels for tests/net/*.sh (sourced).
#
# Topology: the test makes a namespace mgt-<pid>-N holding a tap device. The
# unikernel runs inside the namespace (`ip netns exec`) and attaches to the tap;
# the Linux kernel of that namespace owns the tap's other end, with the address
# $NN_KERNEL_IP on it, so the kernel's own stack is the unikernel's peer on the
# wire. Nothing outside the namespaces is touched; everything made is removed on
# exit (trap), and the cleanup can run any number of times.
#
#   . "$ROOT/tests/net/lib/netns.sh"
#   nn_init ethernet_arp          # root, /dev/net/tun and ip(8), or "skip - ..." and exit 0
#   nn_need arping tcpdump        # commands the test needs, or "skip - ..." and exit 0
#   nn_setup                      # NN_NS: a namespace with tap $NN_TAP, kernel at 10.0.0.1/24
#   nn_bg "$NN_NS" "$TMP/uk.log" ./dist/uk --ipv4=10.0.0.2/24   # NN_PID: its pid
#   nn_wait_line "$TMP/uk.log" 'listening' 10 "$NN_PID" || ...
#   nn_exec "$NN_NS" ping -c 1 10.0.0.2
#
# Lower-level pieces: nn_ns (a bare namespace, loopback up), nn_tap NS TAP ADDR/LEN,
# nn_veth NS1 IF1 ADDR1/LEN NS2 IF2 ADDR2/LEN (a pair between two namespaces, for a
# Linux-to-Linux baseline), nn_stop PID, nn_at_exit 'command', nn_cleanup, and
# nn_target_ok T (whether target T can run here).
# Works under `set -u` with dash and bash.

NN_KERNEL_IP=${NN_KERNEL_IP:-10.0.0.1}
NN_UK_IP=${NN_UK_IP:-10.0.0.2}
NN_PREFIX=${NN_PREFIX:-24}
NN_TAP=${NN_TAP:-tap0}
NN_NAME=${NN_NAME:-net}
NN_COUNT=0
NN_NAMESPACES=""
NN_PIDS=""
NN_EXIT_CMDS=""
NN_CLEANED=0
NN_NS=""
NN_PID=""

# nn_skip WHY: the test cannot run here; says so and ends the script successfully.
nn_skip() {
    echo "skip - $NN_NAME: $1"
    exit 0
}

# nn_init NAME: checks the machine and installs the cleanup trap.
nn_init() {
    NN_NAME=$1
    [ "$(id -u)" -eq 0 ] || nn_skip "needs root for network namespaces"
    [ -c /dev/net/tun ] || nn_skip "no /dev/net/tun"
    command -v ip >/dev/null 2>&1 || nn_skip "no ip(8) (iproute2)"
    trap 'nn_cleanup' EXIT
    trap 'nn_cleanup; exit 130' INT
    trap 'nn_cleanup; exit 143' TERM
    # A namespace that cannot be made (a container without CAP_SYS_ADMIN) is a skip.
    ip netns add "mgt-$$-0" 2>/dev/null || nn_skip "cannot create a network namespace"
    ip netns del "mgt-$$-0"
}

# nn_need CMD...: every command must be on PATH (scripts/deps.sh installs them).
nn_need() {
    for c in "$@"; do
        command -v "$c" >/dev/null 2>&1 || nn_skip "no $c (scripts/deps.sh installs it)"
    done
}

# nn_at_exit CMD: run CMD (a shell string) first when cleaning up.
nn_at_exit() {
    NN_EXIT_CMDS="$NN_EXIT_CMDS
$1"
}

# nn_ns: a fresh namespace mgt-<pid>-N with loopback up; its name in NN_NS.
nn_ns() {
    NN_COUNT=$((NN_COUNT + 1))
    NN_NS="mgt-$$-$NN_COUNT"
    ip netns add "$NN_NS" || nn_skip "cannot create a network namespace"
    NN_NAMESPACES="$NN_NAMESPACES $NN_NS"
    ip -n "$NN_NS" link set lo up
    # Only what the test sends: no IPv6 autoconfiguration chatter on new links.
    ip netns exec "$NN_NS" sysctl -q -w net.ipv6.conf.default.disable_ipv6=1 2>/dev/null || true
}

# nn_tap NS TAP ADDR/LEN: a persistent tap in NS, up, with the kernel's address.
# The link shows NO-CARRIER until a unikernel attaches to it.
nn_tap() {
    ip netns exec "$1" ip tuntap add dev "$2" mode tap || return 1
    ip -n "$1" addr add "$3" dev "$2" || return 1
    ip -n "$1" link set "$2" up
}

# nn_veth NS1 IF1 ADDR1/LEN NS2 IF2 ADDR2/LEN: a veth pair between two namespaces.
nn_veth() {
    ip -n "$1" link add "$2" type veth peer name "$5" netns "$4" || return 1
    ip -n "$1" addr add "$3" dev "$2" && ip -n "$1" link set "$2" up &&
        ip -n "$4" addr add "$6" dev "$5" && ip -n "$4" link set "$5" up
}

# nn_setup: the usual topology: NN_NS with tap NN_TAP and NN_KERNEL_IP/NN_PREFIX on it.
nn_setup() {
    nn_ns
    nn_tap "$NN_NS" "$NN_TAP" "$NN_KERNEL_IP/$NN_PREFIX" || nn_skip "cannot create tap $NN_TAP in $NN_NS"
}

# nn_target_ok T: true when target T can run here (unix always; spt and hvt once built, hvt
# with /dev/kvm); otherwise prints "skip - NAME/T: why" and is false. Needs ROOT (the tree).
nn_target_ok() {
    case $1 in
    spt | hvt)
        if [ ! -x "$ROOT/build/bin/mirage-$1" ] || [ ! -f "$ROOT/build/lib/mirage/$1/$1.ld" ]; then
            echo "skip - $NN_NAME/$1: the $1 target is not built (make FREESTANDING=\"spt hvt\")"
            return 1
        fi
        if [ "$1" = hvt ] && { [ ! -c /dev/kvm ] || [ ! -r /dev/kvm ] || [ ! -w /dev/kvm ]; }; then
            echo "skip - $NN_NAME/hvt: no /dev/kvm"
            return 1
        fi
        ;;
    esac
    return 0
}

# nn_exec NS CMD...: CMD inside NS, in the foreground.
nn_exec() {
    _nn_ns=$1
    shift
    ip netns exec "$_nn_ns" "$@"
}

# nn_bg NS LOG CMD...: CMD inside NS in the background, stdout and stderr to LOG,
# stdin from /dev/null; its pid in NN_PID (stopped by the cleanup).
nn_bg() {
    _nn_ns=$1
    _nn_log=$2
    shift 2
    ip netns exec "$_nn_ns" "$@" >"$_nn_log" 2>&1 </dev/null &
    NN_PID=$!
    NN_PIDS="$NN_PIDS $NN_PID"
}

# nn_wait_line LOG ERE [SECONDS [PID]]: waits for a line matching ERE in LOG.
# Fails after SECONDS (default 10), or at once when PID is given and has exited.
nn_wait_line() {
    _nn_tries=$(( ${3:-10} * 10 ))
    while [ "$_nn_tries" -gt 0 ]; do
        grep -q -E -- "$2" "$1" 2>/dev/null && return 0
        if [ -n "${4:-}" ] && ! kill -0 "$4" 2>/dev/null; then
            grep -q -E -- "$2" "$1" 2>/dev/null
            return
        fi
        sleep 0.1
        _nn_tries=$((_nn_tries - 1))
    done
    return 1
}

# nn_stop PID: TERM, then KILL after 3 s; waits for it. Its exit status in NN_RC.
nn_stop() {
    NN_RC=0
    kill -0 "$1" 2>/dev/null || { wait "$1" 2>/dev/null; NN_RC=$?; return 0; }
    kill -TERM "$1" 2>/dev/null
    _nn_tries=30
    while [ "$_nn_tries" -gt 0 ] && kill -0 "$1" 2>/dev/null; do
        sleep 0.1
        _nn_tries=$((_nn_tries - 1))
    done
    kill -KILL "$1" 2>/dev/null
    wait "$1" 2>/dev/null
    NN_RC=$?
}

# nn_cleanup: stops what was started, removes every namespace made; idempotent.
nn_cleanup() {
    [ "$NN_CLEANED" -eq 1 ] && return 0
    NN_CLEANED=1
    if [ -n "$NN_EXIT_CMDS" ]; then
        eval "$NN_EXIT_CMDS" 2>/dev/null || true
    fi
    for p in $NN_PIDS; do
        kill -TERM "$p" 2>/dev/null
    done
    for ns in $NN_NAMESPACES; do
        # Whatever still runs in a namespace of ours was started by this test.
        for p in $(ip netns pids "$ns" 2>/dev/null); do
            kill -TERM "$p" 2>/dev/null
        done
    done
    _nn_tries=30
    while [ "$_nn_tries" -gt 0 ]; do
        _nn_alive=0
        for p in $NN_PIDS; do kill -0 "$p" 2>/dev/null && _nn_alive=1; done
        for ns in $NN_NAMESPACES; do
            [ -n "$(ip netns pids "$ns" 2>/dev/null)" ] && _nn_alive=1
        done
        [ "$_nn_alive" -eq 0 ] && break
        sleep 0.1
        _nn_tries=$((_nn_tries - 1))
    done
    for p in $NN_PIDS; do kill -KILL "$p" 2>/dev/null; done
    for ns in $NN_NAMESPACES; do
        for p in $(ip netns pids "$ns" 2>/dev/null); do kill -KILL "$p" 2>/dev/null; done
    done
    for p in $NN_PIDS; do wait "$p" 2>/dev/null; done
    for ns in $NN_NAMESPACES; do
        # Taps and veths go with their namespace; deleting them first frees the names at once.
        for l in $(ip -n "$ns" -o link show 2>/dev/null | awk -F': ' '{ sub(/@.*/, "", $2); print $2 }'); do
            [ "$l" = lo ] || ip -n "$ns" link del "$l" 2>/dev/null
        done
        ip netns del "$ns" 2>/dev/null
    done
    NN_PIDS=""
    NN_NAMESPACES=""
    return 0
}
