#!/usr/bin/env bash
# CPU per frame of each agent thread at one paced rate (root). Same topology as bench/run.sh's
# agent part: trafgen (core 0) -> veth -> agent (core 1, promiscuous, ERSPAN III) -> veth -> a sink
# namespace whose veth counts the tunnel packets (to a MAC nobody has, static neighbour entry).
# Prints, per thread, user and system CPU microseconds per captured frame over the measured run,
# the agent's counters and what arrived at the sink. CPU time from /proc is robust on a shared
# machine, where loss-based rates are not.
#
#   bench/agent-cpu.sh [--rate FPS] [--seconds S] [--size BYTES] [--send-method ring|socket]
#                      [--agent-args "..."] [--perf FILE (perf record -g of the measured run)]
#                      [--tapwire PATH (another build's launcher, to compare)]
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
rate=200000 seconds=10 size=64 method=ring agent_args="" perf_out="" tapwire="$repo/tapwire"
while [ $# -gt 0 ]; do
  case "$1" in
    --rate) rate=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --size) size=$2; shift 2 ;;
    --send-method) method=$2; shift 2 ;;
    --agent-args) agent_args=$2; shift 2 ;;
    --perf) perf_out=$2; shift 2 ;;
    --tapwire) tapwire=$2; shift 2 ;;
    -h | --help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
[ "$(id -u)" = 0 ] || { echo "needs root" >&2; exit 1; }
tag="twc$$"
gen="tw-cpu-$$-gen" dut="tw-cpu-$$-dut" sink="tw-cpu-$$-sink"
gen_if="${tag}g" dut_if="${tag}a" export_if="${tag}x" sink_if="${tag}s"
port=9471
work="$(mktemp -d /dev/shm/tw-cpu-XXXXXX)"
pid=""
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
  for ns in "$gen" "$dut" "$sink"; do ip netns del "$ns" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
for ns in "$gen" "$dut" "$sink"; do
  ip netns add "$ns"
  ip -n "$ns" link set lo up
  ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
done
ip link add "$gen_if" netns "$gen" type veth peer name "$dut_if" netns "$dut"
ip link add "$export_if" netns "$dut" type veth peer name "$sink_if" netns "$sink"
for pair in "$gen $gen_if" "$dut $dut_if" "$dut $export_if" "$sink $sink_if"; do
  set -- $pair
  ip -n "$1" link set "$2" mtu 9000 up
done
ip -n "$dut" addr add 198.18.101.1/24 dev "$export_if"
ip -n "$sink" addr add 198.18.101.2/24 dev "$sink_if"
ip -n "$dut" neigh replace 198.18.101.2 lladdr 02:00:00:00:00:99 dev "$export_if" nud permanent

udp_len=$((size - 14 - 20))
cat >"$work/frame.cfg" <<CFG
{
  eth(da=02:00:00:00:00:02, sa=02:00:00:00:00:01, type=0x0800),
  ipv4(sa=198.18.102.1, da=198.18.102.2, ttl=64, df, proto=17),
  udp(sp=40000, dp=9, csum=0),
  fill(0xa5, $((udp_len - 8)))
}
CFG
ip netns exec "$gen" tc qdisc add dev "$gen_if" root tbf rate "$((rate * size * 8))bit" \
  burst "$((256 * size))" limit 67108864
send() { # count
  ip netns exec "$gen" taskset -c 0 trafgen -P 1 -Q -C --no-sock-mem -q -b 5000000pps \
    -o "$gen_if" -i "$work/frame.cfg" -n "$1" >/dev/null 2>&1
}
metric() { # name: sum of every sample of the metric
  ip netns exec "$dut" curl -s --max-time 3 "http://127.0.0.1:$port/metrics" |
    awk -v m="$1" '$1 == m || index($1, m "{") == 1 { s += $NF } END { printf "%d\n", s }'
}
arrived() { ip netns exec "$sink" cat "/sys/class/net/$sink_if/statistics/rx_packets"; }
threads() { # "tid:name utime stime" per thread
  for t in /proc/"$pid"/task/*; do
    local s
    s="$(cat "$t/stat" 2>/dev/null)" || continue
    local name="${s#*(}"
    name="${name%%)*}"
    awk -v n="${t##*/}:${name// /_}" '{ print n, $12, $13 }' <<<"${s##*) }"
  done
}

# shellcheck disable=SC2086
TAPWIRE_AGENT_SEND_METHOD=$method ip netns exec "$dut" taskset -c 1 "$tapwire" agent \
  -i "$dut_if" --collector 198.18.101.2 -B 65536 --path-mtu 9000 \
  --no-control --metrics-address 127.0.0.1 --metrics-port "$port" $agent_args >"$work/agent.log" 2>&1 &
pid=$!
for _ in $(seq 1 300); do
  ip netns exec "$dut" curl -sf --max-time 1 "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break
  sleep 0.2
done
send 100000 # warm-up (JIT), not measured
settle() {
  local last=-1 now
  for _ in $(seq 1 50); do
    now="$(metric tapwire_agent_frames_sent_total)"
    [ "$now" = "$last" ] && return
    last=$now
    sleep 0.2
  done
}
settle
jdk_bin="$(dirname "$(readlink -f "/proc/$pid/exe")")"
# Bytes allocated per data-path thread over the run (JFR's jdk.ThreadAllocationStatistics, taken
# at the start and end of the recording): shows whether the data path allocates per frame.
"$jdk_bin/jcmd" "$pid" JFR.start name=twcpu settings=profile >/dev/null
c0="$(metric tapwire_agent_frames_captured_total)"
a0="$(arrived)"
threads >"$work/t0"
perf_pid=""
if [ -n "$perf_out" ]; then
  perf record -q -g -p "$pid" -o "$perf_out" >/dev/null 2>&1 &
  perf_pid=$!
fi
t0=$(date +%s%N)
send "$((rate * seconds))"
t1=$(date +%s%N)
[ -n "$perf_pid" ] && kill -INT "$perf_pid" && wait "$perf_pid" || true
settle
threads >"$work/t1"
"$jdk_bin/jcmd" "$pid" JFR.dump name=twcpu filename="$work/run.jfr" >/dev/null
c1="$(metric tapwire_agent_frames_captured_total)"
frames=$((c1 - c0))
clk=$(getconf CLK_TCK)
echo "send-method $method, ${size} B frames, target ${rate}/s for ${seconds}s: $frames captured in $(((t1 - t0) / 1000000)) ms"
echo "agent: $(grep -m1 'sending' "$work/agent.log" | cut -c1-300)"
printf '%-28s %10s %10s %10s\n' thread "user us/f" "sys us/f" "total us/f"
join <(sort "$work/t0") <(sort "$work/t1") | awk -v f="$frames" -v clk="$clk" '
  { u = ($4 - $2) * 1e6 / clk / f; s = ($5 - $3) * 1e6 / clk / f; tu += u; ts += s
    n = $1; sub(/^[0-9]+:/, "", n)
    if (u + s >= 0.01) printf "%-28s %10.3f %10.3f %10.3f\n", n, u, s, u + s }
  END { printf "%-28s %10.3f %10.3f %10.3f\n", "process", tu, ts, tu + ts }'
"$jdk_bin/jfr" print --events jdk.ThreadAllocationStatistics "$work/run.jfr" | awk -v f="$frames" '
  /allocated = / { v = $3; u = $4; m = u == "kB" ? 1e3 : u == "MB" ? 1e6 : u == "GB" ? 1e9 : 1; a = v * m }
  /thread = "agent-/ { t = $3; gsub(/"/, "", t)
    if (!(t in lo) || a < lo[t]) lo[t] = a
    if (a > hi[t]) hi[t] = a }
  END { for (t in lo) printf "allocated by %s during the run: %.0f bytes (%.4f B/frame)\n", t, hi[t] - lo[t], (hi[t] - lo[t]) / f }'
echo "captured $frames, sent $(metric tapwire_agent_frames_sent_total) (ring $(metric tapwire_agent_ring_frames_sent_total)) in total," \
  "dropped $(metric tapwire_agent_frames_dropped_total), kernel drops $(metric tapwire_agent_kernel_drops_total)," \
  "arrived at the sink $(($(arrived) - a0)) of $frames; load average $(cut -d' ' -f1-3 /proc/loadavg)"
