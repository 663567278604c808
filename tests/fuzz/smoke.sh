#!/bin/sh
# smoke.sh: builds each libFuzzer harness tests/fuzz/fuzz_*.c with clang (fuzzer, ASan, UBSan)
# and runs it for FUZZ_TIME seconds (default 5), one ok / not ok / skip line per harness.
# The corpus of each harness persists in build/fuzz/NAME.corpus between runs.
set -u
cd "$(dirname "$0")/../.."
time=${FUZZ_TIME:-5}
out=build/fuzz
mkdir -p "$out"
if ! command -v clang >/dev/null 2>&1; then
    echo "skip - fuzz: clang is not installed (make deps)"
    exit 0
fi
# Every runtime and unix platform source but the one holding main().
srcs="$(ls runtime/*.c platform/unix/*_unix.c)"

seed() { # harness, seed...
    d=$out/$1.corpus
    shift
    i=0
    for s in "$@"; do
        i=$((i + 1))
        printf '%b' "$s" >"$d/seed$i"
    done
}

status=0
for h in tests/fuzz/fuzz_*.c; do
    name=$(basename "$h" .c)
    bin=$out/$name
    log=$out/$name.log
    hsrcs=$srcs
    hlibs=""
    case $name in # the tenders' readers are host code of their own
    fuzz_elf | fuzz_manifest) hsrcs="$(ls tenders/common/*.c)" ;;
    fuzz_ethernet) hsrcs="$srcs lib/ethernet/ethernet.c lib/ethernet/eth_hdr.c lib/netif/mac.c lib/netif/offload.c" ;;
    fuzz_arp) hsrcs="lib/arp/arp_engine.c" ;;
    fuzz_hvt_hypercall) hsrcs="tenders/common/mem.c tenders/hvt/hvt_hypercall.c tenders/hvt/hvt_trap.c $(ls tenders/hvt/hvt_module_*.c)" ;;
    fuzz_tar) hsrcs="$srcs $(ls lib/kv/*.c lib/kv_disk/*.c lib/kv_tar/*.c)" hlibs=-lbearssl ;;
    fuzz_fat) hsrcs="$srcs $(ls lib/kv/*.c lib/kv_disk/*.c lib/kv_fat/*.c)" hlibs=-lbearssl ;;
    # the IP layer, UDP and DHCP over tests/unit/ip_fakes.h's link, ARP and runtime stand-ins
    fuzz_ipv4 | fuzz_udp) hsrcs="$(ls lib/inet/*.c lib/ipv4/*.c lib/udp/*.c) runtime/ipaddr.c runtime/error.c" ;;
    fuzz_dhcp) hsrcs="lib/dhcp/dhcp_client.c lib/dhcp/dhcp_wire.c" ;;
    fuzz_tcp) hsrcs="lib/inet/inet_csum.c $(ls lib/tcp/tcp_*.c | grep -v -e tcp_dev.c -e tcp_flow.c)" ;;
    fuzz_http) hsrcs="lib/http/http_parse.c lib/http/http_chunk.c lib/http/http_util.c" ;;
    fuzz_http_uri) hsrcs="runtime/ipaddr.c lib/http/http_uri.c" ;;
    esac
    # shellcheck disable=SC2086
    if ! clang -std=gnu11 -g -O1 -Wall -Wextra -Werror -Wno-missing-field-initializers \
        -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
        -Iinclude -Iplatform -Iplatform/unix -Itenders/common -D_GNU_SOURCE -o "$bin" "$h" $hsrcs $hlibs >"$log" 2>&1; then
        echo "not ok - fuzz/$name: does not build"
        tail -n 20 "$log"
        status=1
        continue
    fi
    mkdir -p "$out/$name.corpus"
    case $name in
    # (dash's printf %b knows octal \0NNN escapes, not \x)
    fuzz_ipv4) seed "$name" '\0000\0044\0000\0105\0000\0000\0044\0000\0001\0000\0000\0100\0001\0146\0326\0012\0000\0000\0001\0012\0000\0000\0002\0010\0000\0124\0065\0022\0064\0000\0001\0141\0142\0143\0144\0145\0146\0147\0150' \
        '\0000\0034\0000\0105\0000\0000\0034\0000\0007\0000\0002\0100\0001\0146\0326\0012\0000\0000\0001\0012\0000\0000\0002\0010\0011\0012\0013\0014\0015\0016\0017\0000\0044\0000\0105\0000\0000\0044\0000\0007\0040\0000\0100\0001\0106\0320\0012\0000\0000\0001\0012\0000\0000\0002\0010\0000\0255\0211\0022\0064\0000\0002\0000\0001\0002\0003\0004\0005\0006\0007' ;;
    fuzz_udp) seed "$name" '\0004\0012\0000\0000\0001\0012\0000\0000\0002\0025\0263\0000\0007\0000\0012\0000\0000\0150\0151' ;;
    fuzz_dhcp) # an offer of 10.0.0.50 from 10.0.0.1: BOOTREPLY, zeros, the cookie, options
        { printf '%b' '\0000\0002\0001\0006'; head -c 13 /dev/zero; printf '%b' '\0012\0000\0000\0062'
          head -c 216 /dev/zero; printf '%b' 'c\0202Sc5\0001\0002\0066\0004\0012\0000\0000\0001\0063\0004\0000\0000\0016\0020\0377'
        } >"$out/$name.corpus/seed1" ;;
    fuzz_args) seed "$name" '--port=80\n-v\n--ipv6=fd00::1' '-l\n*:debug,net:info\n--\n' \
        '--mode=slow\n--ipv4-net\n10.0.0.2/24\n--big=-0x10' '--help' ;;
    fuzz_log_spec) seed "$name" '*:info,net:debug' 'debug' 'quiet' 'a:warning, b : error' ;;
    fuzz_ethernet) seed "$name" '\x00\x00\x3c\x02\x00\x00\x00\x00\x02\x02\x00\x00\x00\x00\x01\x08\x00' \
        '\x00\x00\x2a\xff\xff\xff\xff\xff\xff\x02\x00\x00\x00\x00\x01\x08\x06\x00\x01\x08\x00\x06\x04\x00\x01' \
        '\x01\x01\x01\x00\x28\x03\xe8\x00\x22\x00\x10\x00\x00' ;;
    fuzz_arp) seed "$name" '\x00\x03\x08\x0a\x00\x00\x02\x01\x0a\x00\x00\x01\x50\x00\x01\x08\x00\x06\x04\x00\x02\x02\x00\x00\x00\x00\x01\x0a\x00\x00\x01\x02\x00\x00\x00\x00\x02\x0a\x00\x00\x02' \
        '\x03\x0b\x0a\x00\x00\x02\x2a\x2a\x2a\x2a' ;;
    fuzz_ipaddr) seed "$name" '10.0.0.2' '10.0.0.2/24' '2001:db8::1' '::ffff:192.0.2.1' 'fd00::/64' '1:2:3:4:5:6:7:8' ;;
    fuzz_tcp) seed "$name" '\x00\x00' '\x00\x02\x00\x10\x00\x00\x00\x00\xff\xff\x00\x04\x04' \
        '\x00\x03\x05\x40\x06\x00\x10\x00\x00\x00\x00\x01\x00\x00\x00\x04\x0a\x05\x08\x0a' \
        '\x01\x07\x00\x12\x00\x00\x00\x00\x10\x00\x00\x00\x04\xff\x02\x09\x40\x45\x00' \
        '\x08\x04\x04\x11\x00\x00\x00\x00\x00\x10\x14\x08\x0a\x00\x00\x00\x09\x00\x00\x00\x01\x01\x01\x05\x0a\x00\x00\x00\x00\x00\x00\x10\x00\x00\x01\x00' ;;
    fuzz_http) # first byte: limits and piece size (odd: small limits); then the message
        seed "$name" 'aGET /a?b=c HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n' \
            'bPOST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5;e="x"\r\nhello\r\n0\r\nT: v\r\n\r\n' \
            'b\r\nPUT http://h:8/p HTTP/1.0\nContent-Length: 3, 3\nExpect: 100-continue\n\nabc' \
            'aHTTP/1.1 200 OK\r\nContent-Length: 2\r\nTransfer-Encoding: gzip, chunked\r\n\r\nok' \
            'a1a;x=y\r\n0123456789abcdef0123456789\r\n0\r\n\r\n' \
            'cOPTIONS * HTTP/1.1\r\nHost: [::1]:80\r\n\r\nCONNECT a:443 HTTP/1.1\r\nHost: a\r\n\r\n' \
            'aSun, 06 Nov 1994 08:49:37 GMT' 'aSunday, 06-Nov-94 08:49:37 GMT' 'aSun Nov  6 08:49:37 1994' ;;
    fuzz_http_uri) # a URI, a newline, a Location to resolve against it
        seed "$name" 'http://h:8080/a/b/c?q\n../d?e#f' 'http://Example.COM./x\n//other:81/./y/../z' \
            'http://10.0.0.1/\nhttps://h/' 'http://h/a%20b\n?only' 'http://h/\n\0303\0251 x' ;;
    fuzz_tar | fuzz_fat) sh tests/fuzz/lib/kv_seeds.sh "${name#fuzz_}" "$out/$name.corpus" ;;
    esac
    # The harness's console output goes to stdout; libFuzzer reports on stderr.
    if "$bin" -max_total_time="$time" -print_final_stats=1 "$out/$name.corpus" >/dev/null 2>"$log"; then
        runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
        echo "ok - fuzz/$name: ${runs:-?} runs in ${time}s"
    else
        echo "not ok - fuzz/$name: crashed (see $log)"
        grep -E 'ERROR|SUMMARY|abort|Test unit written' "$log" | head -n 10
        status=1
    fi
done
exit $status
