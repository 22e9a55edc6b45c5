#!/usr/bin/env bash
# End-to-end benchmark, side by side with peers in the same run, on veth pairs between network
# namespaces that this script creates (198.18.0.0/15 only) and deletes on exit. Parts: collector
# ingest vs tcpdump; agent capture vs tcpdump and netsniff-ng; the whole path agent -> collector ->
# mirror NIC vs daemonlogger as a soft tap, with capture-to-delivery latency at half the lossless
# rate; collector scale with 1..1000 source streams. Finds the highest lossless rate of each tool by
# stepping the offered rate of trafgen (pinned to core 0; the tools under test run on core 1).
#
#   bench/run.sh [--quick | --smoke] [--only collector|agent|whole|scale] [--reps N]
#                [--sizes "64 512 1518"] [--streams "1 10 100 1000"] [--steps N]
#                [--step-seconds S] [--wait-quiet SECONDS] [--out FILE]
#                [--fixed PPS]   (one warm-up and one step at PPS per point instead of the search:
#                                 CPU per frame at a given rate)
#
# Lossless at a step: zero drops by the tools' own counters AND every frame the generator sent
# counted where it should arrive. Results: bench/results/<timestamp>.json and a markdown table.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"

mode=full
only=all
reps=3
sizes="64 512 1518"
bisect_steps=6
step_seconds=3
out=""
min_rate_pps=10000
# The generator's ceiling is measured at every point (an unpaced step); this only sizes it.
max_guess_pps=800000
gen_cpu=0
tool_cpu=1
metrics_port=9460
agent_metrics_port=9461
given_reps="" given_sizes="" given_steps="" given_step_seconds="" given_streams=""
scale_streams="1 10 100 1000"
scale_frame_bytes=64
# Before each point, wait up to this long for the machine to be idle (other builds share it).
wait_quiet=0
fixed_pps=""

usage() { sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; }

while [ $# -gt 0 ]; do
  case "$1" in
    --quick) mode=quick ;;
    --smoke) mode=smoke ;;
    --only) only="$2"; shift ;;
    --reps) given_reps="$2"; shift ;;
    --sizes) given_sizes="$2"; shift ;;
    --streams) given_streams="$2"; shift ;;
    --steps) given_steps="$2"; shift ;;
    --step-seconds) given_step_seconds="$2"; shift ;;
    --out) out="$2"; shift ;;
    --wait-quiet) wait_quiet="$2"; shift ;;
    --fixed) fixed_pps="$2"; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "run.sh: unknown argument: $1" >&2; usage >&2; exit 2 ;;
  esac
  shift
done
case "$only" in all|collector|agent|whole|scale) ;; *) echo "run.sh: --only collector|agent|whole|scale" >&2; exit 2 ;; esac
if [ "$mode" = quick ]; then
  reps=1
  bisect_steps=4
  step_seconds=2
  sizes="64 1518"
  scale_streams="1 1000"
elif [ "$mode" = smoke ]; then
  reps=1
  bisect_steps=0
  step_seconds=1
  sizes="64"
  scale_streams="1000"
fi
# Explicit flags win over the mode's defaults.
reps="${given_reps:-$reps}"
sizes="${given_sizes:-$sizes}"
bisect_steps="${given_steps:-$bisect_steps}"
step_seconds="${given_step_seconds:-$step_seconds}"
scale_streams="${given_streams:-$scale_streams}"

log() { printf '[bench %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
die() { log "error: $*"; exit 1; }

[ "$(id -u)" -eq 0 ] || die "needs root (network namespaces, raw sockets, packet capture)"
for tool in ip tc trafgen tcpdump taskset awk; do
  command -v "$tool" >/dev/null || die "missing tool: $tool (Debian: netsniff-ng, tcpdump, iproute2, util-linux)"
done
if [ "$only" = all ] || [ "$only" = whole ]; then
  command -v daemonlogger >/dev/null || die "missing tool: daemonlogger (Debian: daemonlogger)"
fi
[ "$(nproc)" -ge 2 ] || die "needs at least 2 CPUs (generator and tool under test on separate cores)"

stamp="$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$here/results"
[ -n "$out" ] || out="$here/results/$stamp.json"
tag="twb$$"
ns_gen="tw-bench-$$-gen"
ns_dut="tw-bench-$$-dut"
ns_sink="tw-bench-$$-sink"
ns_coll="tw-bench-$$-coll"
work="/dev/shm/tw-bench-$$"
mkdir -p "$work"
steps_file="$work/steps.jsonl"
points_file="$work/points.tsv"
latency_file="$work/latency.tsv"
: >"$steps_file"
: >"$points_file"
: >"$latency_file"
tool_pid=""
extra_pid=""   # a second process of the tool under test (the whole path: the collector)
streams=1      # source streams the generator varies (the scale part)
streams_seen=null
# Every JVM of the tools under test logs its collections: a data path that allocates per frame
# would show up as collections during a point (counted per point, gc_pauses).
export TAPWIRE_JAVA_OPTS="${TAPWIRE_JAVA_OPTS:-} -Xlog:gc:file=$work/gc-%p.log"

cleanup() {
  set +e
  [ -n "$tool_pid" ] && kill -KILL "$tool_pid" 2>/dev/null
  [ -n "$extra_pid" ] && kill -KILL "$extra_pid" 2>/dev/null
  for ns in "$ns_gen" "$ns_dut" "$ns_sink" "$ns_coll"; do
    ip netns pids "$ns" 2>/dev/null | while read -r p; do kill -KILL "$p" 2>/dev/null; done
    ip netns del "$ns" 2>/dev/null
  done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------- topology

# veth pair A (in ns_a) <-> B (in ns_b), jumbo MTU so that a 1518-byte frame and its
# encapsulation fit; IPv6 off so that nothing but the generated traffic crosses.
make_ns() {
  ip netns add "$1"
  ip netns exec "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
  ip -n "$1" link set lo up
}
make_veth() { # ns_a if_a ns_b if_b
  ip link add "$2" netns "$1" type veth peer name "$4" netns "$3"
  ip -n "$1" link set "$2" mtu 9000 up
  ip -n "$3" link set "$4" mtu 9000 up
}
mac_of() { ip -n "$1" -o link show "$2" | sed -n 's/.*link\/ether \([0-9a-f:]*\).*/\1/p'; }
rx_packets() { ip netns exec "$1" cat "/sys/class/net/$2/statistics/rx_packets"; }

# tbf on the generator's veth paces trafgen smoothly (trafgen's own --rate sends a second's quota
# back to back). trafgen then must take the qdisc path (-q) with blocking sends (its --rate path
# with an unreachable rate: the TX ring path gives up on EAGAIN once the qdisc backs up). A depth of
# 256 frames keeps the achieved rate within a few % of the target up to ~380k frames/s on this
# kind of VM (32 frames: 30 % short, timer granularity). No qdisc and the TX ring: the ceiling.
pace() { # ns dev rate_pps frame_bytes
  ip netns exec "$1" tc qdisc del dev "$2" root 2>/dev/null || true
  if [ "$3" -gt 0 ]; then
    local bits=$(($3 * $4 * 8))
    ip netns exec "$1" tc qdisc add dev "$2" root tbf rate "${bits}bit" burst "$((256 * $4))" limit 67108864
  fi
}

# ---------------------------------------------------------------- process accounting

cpu_ticks() { # utime + stime of every thread of PID, in clock ticks
  local stat
  stat="$(cat "/proc/$1/stat" 2>/dev/null)" || { echo 0; return; }
  stat="${stat##*) }"
  awk '{ print $12 + $13 }' <<<"$stat"
}
clk_tck="$(getconf CLK_TCK)"
thread_ticks() { # "tid name ticks" for every thread of PID
  local f stat
  for f in /proc/"$1"/task/*/stat; do
    stat="$(cat "$f" 2>/dev/null)" || continue
    awk -v name="$(sed 's/^[0-9]* (\(.*\)) .*/\1/' <<<"$stat" | tr ' ' _)" '{ print $1, name, $14 + $15 }' <<<"$stat"
  done
}
peak_rss_kib() { awk '/^VmHWM:/ { print $2 }' "/proc/$1/status" 2>/dev/null || echo 0; }
now_ns() { date +%s%N; }
# Share of all CPUs busy over the next N seconds, in %.
cpu_busy_percent() {
  local a b
  a=($(head -1 /proc/stat))
  sleep "$1"
  b=($(head -1 /proc/stat))
  awk -v a="${a[*]}" -v b="${b[*]}" 'BEGIN {
    n = split(a, x, " "); split(b, y, " ")
    for (i = 2; i <= n; i++) { t += y[i] - x[i]; if (i == 5 || i == 6) idle += y[i] - x[i] }
    printf "%d\n", (t > 0 ? 100 * (t - idle) / t : 0) }'
}
busy_before_point=0
wait_for_quiet() {
  local deadline=$((SECONDS + wait_quiet))
  busy_before_point="$(cpu_busy_percent 1)"
  while [ "$busy_before_point" -ge 15 ] && [ "$SECONDS" -lt "$deadline" ]; do
    log "machine busy (${busy_before_point}% of CPU used by others); waiting up to ${wait_quiet}s"
    busy_before_point="$(cpu_busy_percent 5)"
  done
}

# ---------------------------------------------------------------- traffic

hexbytes() { # "aa:bb:cc" -> "0xaa, 0xbb, 0xcc"
  sed 's/^/0x/; s/:/, 0x/g' <<<"$1"
}

# ERSPAN II over IPv4 to the collector: outer 198.18.100.1 -> 198.18.100.2, GRE with the S bit
# and a sequence number that trafgen increments per packet, ERSPAN II session SESSION, then an
# inner frame of INNER bytes (Ethernet + IPv4/UDP + filler). trafgen has no GRE header; its TCP
# header lines up with GRE + ERSPAN (source port = GRE flags 0x1000, destination port = protocol
# 0x88BE, sequence number = GRE sequence number, acknowledgement number = ERSPAN II word 1), with
# its checksum and urgent pointer fixed as the inner frame's first four bytes.
erspan_cfg() { # dst_mac session inner_bytes
  local inner=$3 session=$(($2 & 0x3ff))
  local udp_len=$((inner - 14 - 20))
  cat <<EOF
{
  eth(da=$1, type=0x0800),
  ipv4(sa=198.18.100.1, da=198.18.100.2, ttl=64, df, proto=47),
  tcp(sp=0x1000, dp=0x88be, seq=0, seq=dinc(), aseq=$((0x10000000 | session)), doff=0, csum=0x0200, urgptr=0x0000),
  0x00, 0x02, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01, c16(0x0800),
  0x45, 0x00, c16($((udp_len + 20))), c16(0), c16(0x4000), 64, 17, csumip($((14 + 20 + 16 + 14)), $((14 + 20 + 16 + 14 + 19))),
  198, 18, 102, 1, 198, 18, 102, 2,
  c16(40000), c16(9), c16($udp_len), c16(0),
  fill(0xa5, $((udp_len - 8)))
}
EOF
}

# A plain frame of FRAME bytes addressed to a MAC that is not the receiver's (like mirrored
# traffic): Ethernet + IPv4/UDP 198.18.102.1 -> 198.18.102.2 + filler.
plain_cfg() { # frame_bytes
  local udp_len=$(($1 - 14 - 20))
  cat <<EOF
{
  eth(da=02:00:00:00:00:02, sa=02:00:00:00:00:01, type=0x0800),
  ipv4(sa=198.18.102.1, da=198.18.102.2, ttl=64, df, proto=17),
  udp(sp=40000, dp=9, csum=0),
  fill(0xa5, $((udp_len - 8)))
}
EOF
}

# Sends COUNT frames of CFG on the generator's veth, pinned to core 0, paced by the qdisc or (rate
# 0) as fast as it goes; prints "sent wall_ns".
trafgen_send() { # cfg count rate
  local t0 t1 sent path=()
  [ "$3" -gt 0 ] && path=(-q -b 5000000pps)
  t0="$(now_ns)"
  sent="$(ip netns exec "$ns_gen" taskset -c "$gen_cpu" trafgen -P 1 -Q -C --no-sock-mem "${path[@]}" \
    -o "$gen_if" -i "$1" -n "$2" 2>&1 | tr '\r' '\n' | awk '/packets outgoing/ { print $1 }' || true)"
  t1="$(now_ns)"
  echo "${sent:-0} $((t1 - t0))"
}

# ---------------------------------------------------------------- tool drivers
# Each tool has: <tool>_start, <tool>_counts (prints "final drops aux", cumulative: final = frames
# counted at the end of its path, drops = every drop/loss counter summed, aux = frames it saw
# first, which must equal what was sent), <tool>_stop; optional <tool>_step_begin/_step_end for
# tools that can only report when they exit.

cpu_done=0     # clock ticks of this point's processes that have already exited
rss_peak=0     # largest VmHWM (KiB) of this point's processes

tool_cpu_ticks() {
  local t=0 e=0
  [ -n "$tool_pid" ] && t="$(cpu_ticks "$tool_pid")"
  [ -n "$extra_pid" ] && e="$(cpu_ticks "$extra_pid")"
  echo $((cpu_done + t + e))
}
note_rss() {
  local r
  r="$(peak_rss_kib "$1")"
  [ "${r:-0}" -gt "$rss_peak" ] && rss_peak="$r"
  return 0
}
# Waits for PID to exit (it was signalled), SIGKILL after a deadline.
reap() { # pid
  local deadline=$((SECONDS + 20))
  while kill -0 "$1" 2>/dev/null; do
    if [ "$SECONDS" -ge "$deadline" ]; then kill -KILL "$1" 2>/dev/null; fi
    sleep 0.1
  done
  wait "$1" 2>/dev/null || true
}
stop_tool() { # signal
  [ -n "$tool_pid" ] || return 0
  if [ -n "$extra_pid" ]; then
    # Two processes (agent and collector): their peaks add up; the first one stops first.
    local a b
    a="$(peak_rss_kib "$tool_pid")"
    b="$(peak_rss_kib "$extra_pid")"
    [ $((${a:-0} + ${b:-0})) -le "$rss_peak" ] || rss_peak=$((${a:-0} + ${b:-0}))
    cpu_done=$((cpu_done + $(cpu_ticks "$tool_pid") + $(cpu_ticks "$extra_pid")))
    kill "-$1" "$tool_pid" 2>/dev/null || true
    reap "$tool_pid"
    kill "-$1" "$extra_pid" 2>/dev/null || true
    reap "$extra_pid"
    tool_pid="" extra_pid=""
    return 0
  fi
  note_rss "$tool_pid"
  cpu_done=$((cpu_done + $(cpu_ticks "$tool_pid")))
  kill "-$1" "$tool_pid" 2>/dev/null || true
  reap "$tool_pid"
  tool_pid=""
}
wait_for() { # seconds description command...
  local deadline=$((SECONDS + $1)) what="$2"
  shift 2
  until "$@"; do
    [ "$SECONDS" -lt "$deadline" ] || die "timed out waiting for $what (log: $(tail -5 "$work/tool.log" 2>/dev/null))"
    [ -z "$tool_pid" ] || kill -0 "$tool_pid" 2>/dev/null || die "$what: process exited: $(tail -5 "$work/tool.log")"
    sleep 0.2
  done
}
fresh_out() { rm -rf "$work/out"; mkdir -p "$work/out"; }

# --- tapwire collector: raw GRE socket -> decode -> merge -> pcapng files in tmpfs
http_get() { # ns port path
  if command -v curl >/dev/null; then
    ip netns exec "$1" curl -s --max-time 3 "http://127.0.0.1:$2$3"
  else
    ip netns exec "$1" bash -c 'exec 3<>/dev/tcp/127.0.0.1/'"$2"' && printf "GET %s HTTP/1.0\r\n\r\n" "'"$3"'" >&3 && cat <&3'
  fi
}
collector_cmd() {
  echo "taskset -c $tool_cpu $repo/tapwire collector --listen 198.18.100.2 -w $work/out -C 64 -W 4" \
    "--metrics-address 127.0.0.1 --metrics-port $metrics_port"
}
collector_start() {
  fresh_out
  # shellcheck disable=SC2046
  ip netns exec "$ns_dut" $(collector_cmd) >"$work/tool.log" 2>&1 &
  tool_pid=$!
  wait_for 90 "collector /readyz" collector_ready
}
collector_ready() { http_get "$ns_dut" "$metrics_port" /readyz >/dev/null 2>&1; }
# Kernel drops at a raw socket (receive buffer full) are invisible to the process: add them
# (the receive ring's drops are in tapwire_collector_receive_kernel_drops_total).
raw_socket_drops() { ip netns exec "$ns_dut" awk 'NR > 1 { d += $NF } END { print d + 0 }' /proc/net/raw; }
collector_counts() {
  local kernel
  kernel="$(raw_socket_drops)"
  http_get "$ns_dut" "$metrics_port" /metrics | awk -v kernel="$kernel" '
    /^tapwire_collector_packets_received_total/ { rx += $NF }
    /^tapwire_collector_frames_delivered_total\{.*sink="file"/ { delivered += $NF }
    /^tapwire_collector_frames_dropped_total/ { drops += $NF }
    /^tapwire_collector_frames_lost_total/ { if (seq_loss) drops += $NF }
    /^tapwire_collector_receive_kernel_drops_total/ { drops += $NF }
    /^tapwire_collector_packets_invalid_total/ { drops += $NF }
    /^tapwire_collector_packets_skipped_total/ { drops += $NF }
    END { printf "%d %d %d\n", delivered, drops + kernel, rx }' seq_loss="$count_seq_loss"
}
# The scale part's generator shares one GRE sequence counter between its streams, so sequence
# gaps there are not loss: delivered = sent is the check.
count_seq_loss=1
collector_stop() {
  streams_seen="$(http_get "$ns_dut" "$metrics_port" /metrics | awk '/^tapwire_collector_streams / { print $NF + 0 }')"
  streams_seen="${streams_seen:-null}"
  stop_tool TERM
}

# --- tcpdump -w into tmpfs, filter given by tcpdump_filter
tcpdump_filter=""
tcpdump_if=""
tcpdump_cmd() {
  echo "taskset -c $tool_cpu tcpdump -Z root -i $tcpdump_if -w $work/out/tcpdump.pcap -C 64 -W 4 -B 65536 $tcpdump_filter"
}
tcpdump_start() {
  fresh_out
  # shellcheck disable=SC2046
  ip netns exec "$ns_dut" $(tcpdump_cmd) 2>"$work/tool.log" &
  tool_pid=$!
  wait_for 20 "tcpdump to listen" grep -q "listening on" "$work/tool.log"
}
# SIGUSR1 makes tcpdump print its statistics (libpcap keeps cumulative totals).
tcpdump_counts() {
  local n
  n="$(grep -c 'packets dropped by kernel' "$work/tool.log" || true)"
  kill -USR1 "$tool_pid"
  local deadline=$((SECONDS + 5))
  while [ "$(grep -c 'packets dropped by kernel' "$work/tool.log" || true)" -le "$n" ] && [ "$SECONDS" -lt "$deadline" ]; do
    sleep 0.05
  done
  grep 'packets dropped by kernel' "$work/tool.log" | tail -1 | awk '
    { for (i = 1; i <= NF; i++) {
        if ($(i + 1) == "packets" && $(i + 2) ~ /^captured/) captured = $i
        if ($(i + 1) == "packets" && $(i + 2) == "received") received = $i
        if ($(i + 1) == "packets" && $(i + 2) == "dropped") dropped += $i
      } }
    END { printf "%d %d %d\n", captured, dropped, received }'
}
tcpdump_stop() { stop_tool INT; }

# --- netsniff-ng --out into tmpfs: reports only when it exits, so one process per step
netsniff_cmd() {
  echo "taskset -c $tool_cpu netsniff-ng --in $tcpdump_if --out $work/out/netsniff.pcap --ring-size 64MiB --silent --no-sock-mem --notouch-irq"
}
netsniff_passed=0 # totals of the steps so far (this point)
netsniff_dropped=0
netsniff_incoming=0
netsniff_start() { netsniff_passed=0 netsniff_dropped=0 netsniff_incoming=0; }
netsniff_step_begin() {
  fresh_out
  # shellcheck disable=SC2046
  ip netns exec "$ns_dut" $(netsniff_cmd) >"$work/tool.log" 2>&1 &
  tool_pid=$!
  wait_for 30 "netsniff-ng to run" grep -q "Running!" "$work/tool.log"
}
# While it runs: what the file holds so far (it writes whole records), no drops known yet.
netsniff_counts() {
  local bytes=0
  if [ -n "$tool_pid" ]; then
    bytes="$(stat -c %s "$work/out/netsniff.pcap" 2>/dev/null || echo 24)"
    echo "$((netsniff_passed + (bytes - 24) / (16 + frame_bytes))) $netsniff_dropped $netsniff_incoming"
  else
    echo "$netsniff_passed $netsniff_dropped $netsniff_incoming"
  fi
}
netsniff_step_end() {
  stop_tool INT
  # "N packets incoming (M unread on exit)", "N packets passed filter", "N packets failed filter (out of space)"
  local incoming unread passed failed
  read -r incoming unread passed failed < <(tr '\r' '\n' <"$work/tool.log" | awk '
    /packets incoming/ { incoming = $1; u = $0; sub(/.*\(/, "", u); unread = u + 0 }
    /packets passed filter/ { passed = $1 }
    /packets failed filter/ { failed = $1 }
    END { printf "%d %d %d %d\n", incoming, unread, passed, failed }')
  netsniff_passed=$((netsniff_passed + passed))
  netsniff_dropped=$((netsniff_dropped + unread + failed))
  netsniff_incoming=$((netsniff_incoming + incoming))
}

# --- tapwire agent: libpcap capture (promiscuous) -> ERSPAN III -> raw IP socket to the sink ns
agent_cmd() {
  echo "taskset -c $tool_cpu $repo/tapwire agent -i $tcpdump_if --collector 198.18.101.2 -B 65536 --path-mtu 9000" \
    "--no-control --metrics-address 127.0.0.1 --metrics-port $agent_metrics_port"
}
agent_start() {
  fresh_out
  # shellcheck disable=SC2046
  ip netns exec "$ns_dut" $(agent_cmd) >"$work/tool.log" 2>&1 &
  tool_pid=$!
  wait_for 90 "agent /readyz" agent_ready
}
agent_ready() { http_get "$ns_dut" "$agent_metrics_port" /readyz >/dev/null 2>&1; }
# final = tunnel packets that reached the sink's interface; aux = frames the agent captured.
agent_counts() {
  local arrived
  arrived="$(rx_packets "$ns_sink" "$sink_if")"
  http_get "$ns_dut" "$agent_metrics_port" /metrics | awk -v arrived="$arrived" '
    /^tapwire_agent_frames_captured_total/ { captured += $NF }
    /^tapwire_agent_frames_dropped_total/ { drops += $NF }
    /^tapwire_agent_kernel_drops_total/ { drops += $NF }
    /^tapwire_agent_interface_drops_total/ { drops += $NF }
    END { printf "%d %d %d\n", arrived, drops, captured }'
}
agent_stop() { stop_tool TERM; }

# --- the whole path: agent (captures DUT_IF, ERSPAN III over raw IP) -> collector (raw GRE,
# decode, merge) -> mirror NIC (AF_PACKET) -> the sink's veth, which counts every frame.
whole_collector_cmd() {
  echo "taskset -c $tool_cpu $repo/tapwire collector --listen 198.18.103.2 --no-files" \
    "--mirror-nic $mirror_if --mirror-speed-mbps 100000 --grpc-port 0 --metrics-address 127.0.0.1 --metrics-port $metrics_port"
}
whole_agent_cmd() {
  echo "taskset -c $tool_cpu $repo/tapwire agent -i $tcpdump_if --collector 198.18.103.2 -B 65536 --path-mtu 9000" \
    "--no-control --metrics-address 127.0.0.1 --metrics-port $agent_metrics_port"
}
whole_start() {
  fresh_out
  # shellcheck disable=SC2046
  ip netns exec "$ns_coll" $(whole_collector_cmd) >"$work/tool.log" 2>&1 &
  tool_pid=$!
  wait_for 90 "collector /readyz" whole_collector_ready
  extra_pid=$tool_pid
  # shellcheck disable=SC2046
  ip netns exec "$ns_dut" $(whole_agent_cmd) >"$work/agent.log" 2>&1 &
  tool_pid=$!
  wait_for 90 "agent /readyz" agent_ready
}
whole_collector_ready() { http_get "$ns_coll" "$metrics_port" /readyz >/dev/null 2>&1; }
# final = frames that reached the sink through the mirror NIC; drops = every agent and collector
# drop or loss counter (and raw-socket drops); aux = frames the agent captured.
whole_counts() {
  local arrived kernel agent_drops
  arrived="$(rx_packets "$ns_sink" "$sink_if")"
  kernel="$(ip netns exec "$ns_coll" awk 'NR > 1 { d += $NF } END { print d + 0 }' /proc/net/raw)"
  local captured
  read -r agent_drops captured < <(http_get "$ns_dut" "$agent_metrics_port" /metrics | awk '
    /^tapwire_agent_frames_captured_total/ { captured += $NF }
    /^tapwire_agent_frames_dropped_total/ { drops += $NF }
    /^tapwire_agent_kernel_drops_total/ { drops += $NF }
    /^tapwire_agent_interface_drops_total/ { drops += $NF }
    END { printf "%d %d\n", drops, captured }')
  http_get "$ns_coll" "$metrics_port" /metrics | awk -v arrived="$arrived" -v base="$((kernel + agent_drops))" -v captured="$captured" '
    /^tapwire_collector_frames_dropped_total/ { drops += $NF }
    /^tapwire_collector_frames_lost_total/ { drops += $NF }
    /^tapwire_collector_packets_invalid_total/ { drops += $NF }
    /^tapwire_collector_packets_skipped_total/ { drops += $NF }
    END { printf "%d %d %d\n", arrived, drops + base, captured }'
}
whole_stop() { stop_tool TERM; }

# --- daemonlogger -i DUT_IF -o TAP_IF: a local soft tap re-emitting every frame on a second veth
# whose far end (in the sink namespace) counts them. It reports nothing, so arrival is the check.
daemonlogger_cmd() {
  echo "taskset -c $tool_cpu daemonlogger -i $tcpdump_if -o $tap_if -p daemonlogger.pid -P $work"
}
daemonlogger_start() {
  fresh_out
  # shellcheck disable=SC2046
  ip netns exec "$ns_dut" $(daemonlogger_cmd) >"$work/tool.log" 2>&1 &
  tool_pid=$!
  wait_for 20 "daemonlogger to sniff" grep -q "sniffing on interface" "$work/tool.log"
}
daemonlogger_counts() {
  local arrived
  arrived="$(rx_packets "$ns_sink" "$sink2_if")"
  echo "$arrived 0 $arrived"
}
daemonlogger_stop() { stop_tool INT; }

# ---------------------------------------------------------------- latency

# Capture-to-delivery latency of TOOL at RATE: a tcpdump on the captured interface (the same
# kernel timestamp as the tool's own capture) and one where the frames leave (the sink's veth),
# both on the generator's core, nanosecond times; frames paired by content (the generator numbers
# them) and the differences put in an HdrHistogram by LatencyReport.
bench_jar="$here/target/benchmarks.jar"
latency_point() { # rate out_ns out_if
  local rate=$1 count=$(($1 * step_seconds))
  [ "$count" -ge 1000 ] || count=1000
  wait_for_quiet
  cpu_done=0
  rss_peak=0
  "${tool}_start"
  run_step 50000 $((50000 * step_seconds)) warmup >/dev/null
  local in_pcap="$work/latency-in.pcap" out_pcap="$work/latency-out.pcap" in_pid out_pid
  ip netns exec "$ns_dut" taskset -c "$gen_cpu" tcpdump -Z root -n -i "$tcpdump_if" -B 65536 \
    --time-stamp-precision=nano -w "$in_pcap" 2>"$work/lat-in.log" &
  in_pid=$!
  ip netns exec "$2" taskset -c "$gen_cpu" tcpdump -Z root -n -i "$3" -B 65536 \
    --time-stamp-precision=nano -w "$out_pcap" 2>"$work/lat-out.log" &
  out_pid=$!
  wait_for 20 "tcpdump (latency, in)" grep -q "listening on" "$work/lat-in.log"
  wait_for 20 "tcpdump (latency, out)" grep -q "listening on" "$work/lat-out.log"
  run_step "$rate" "$count" latency
  kill -INT "$in_pid" "$out_pid" 2>/dev/null || true
  reap "$in_pid"
  reap "$out_pid"
  "${tool}_stop"
  local report
  report="$("$JAVA_HOME/bin/java" -cp "$bench_jar" dev.tapwire.bench.latency.LatencyReport "$in_pcap" "$out_pcap")" ||
    die "LatencyReport failed"
  rm -f "$in_pcap" "$out_pcap"
  printf '%s\t%s\t%d\t%d\t%s\n' "$part" "$tool" "$frame_bytes" "$step_pps" "$report" >>"$latency_file"
  log "$part/$tool ${frame_bytes}B latency at ${step_pps} frames/s: $report"
}

# ---------------------------------------------------------------- one step

# Globals set per point: part, tool, frame_bytes (the frame as the tool under test sees it),
# wire_bytes (what crosses the generator's veth), rep, gen_if, dut_if, cfg_for (function: session).
step_no=0
# Runs one step: COUNT frames at RATE pps (0 = as fast as the generator goes). Appends a JSON line
# to the steps file and sets step_ok, step_pps, step_cpu_ticks, step_frames.
run_step() { # rate_pps count kind
  local rate=$1 count=$2 kind=$3
  step_no=$((step_no + 1))
  local cfg="$work/step.cfg"
  "$cfg_for" "$step_no" >"$cfg"
  declare -F "${tool}_step_begin" >/dev/null && "${tool}_step_begin"
  local b0 b1 b2 cpu0 rx0
  read -r b0 b1 b2 < <("${tool}_counts")
  cpu0="$(tool_cpu_ticks)"
  local threads0=""
  [ "$kind" != fixed ] || [ -z "$tool_pid" ] || threads0="$(thread_ticks "$tool_pid")"
  rx0="$(rx_packets "$ns_dut" "$dut_if")"
  pace "$ns_gen" "$gen_if" "$rate" "$wire_bytes"
  local sent wall_ns
  read -r sent wall_ns < <(trafgen_send "$cfg" "$count" "$rate")
  # Drain: poll until every frame is counted, or nothing moved for a second, or a deadline.
  local a0 a1 a2 last=-1 still=0 deadline=$((SECONDS + 30))
  while :; do
    read -r a0 a1 a2 < <("${tool}_counts")
    [ $((a0 - b0)) -ge "$count" ] && break
    if [ "$a0" -eq "$last" ]; then still=$((still + 1)); else still=0; last=$a0; fi
    [ "$still" -ge 5 ] && break
    [ "$SECONDS" -lt "$deadline" ] || break
    sleep 0.2
  done
  local cpu1
  cpu1="$(tool_cpu_ticks)"
  if declare -F "${tool}_step_end" >/dev/null; then
    "${tool}_step_end"
    read -r a0 a1 a2 < <("${tool}_counts")
    cpu1="$(tool_cpu_ticks)"
  fi
  local rx1
  rx1="$(rx_packets "$ns_dut" "$dut_if")"
  pace "$ns_gen" "$gen_if" 0 "$wire_bytes"
  local counted=$((a0 - b0)) drops=$((a1 - b1)) aux=$((a2 - b2)) arrived=$((rx1 - rx0))
  if [ -n "$threads0" ]; then
    # CPU per thread during a fixed step, in µs per counted frame (busiest first).
    log "  per thread (µs/frame): $(join -j 1 <(sort <<<"$threads0") <(thread_ticks "$tool_pid" | sort) |
      awk -v f="$counted" -v h="$clk_tck" '{ d = $5 - $3; if (d > 0 && f > 0) printf "%s %.2f\n", $2, d / h * 1e6 / f }' |
      sort -k2 -rn | head -8 | tr '\n' ' ')"
  fi
  local cpu_ticks_step=$((cpu1 - cpu0))
  local achieved=$((sent * 1000000000 / (wall_ns > 0 ? wall_ns : 1)))
  local lossless=false
  if [ "$sent" -eq "$count" ] && [ "$arrived" -eq "$count" ] && [ "$counted" -eq "$count" ] &&
    [ "$aux" -eq "$count" ] && [ "$drops" -eq 0 ]; then
    lossless=true
  fi
  printf '{"part":"%s","tool":"%s","frame_bytes":%d,"rep":%d,"step":%d,"kind":"%s","target_pps":%d,"sent":%d,"arrived_at_interface":%d,"seen":%d,"counted":%d,"drops":%d,"wall_s":%.3f,"achieved_pps":%d,"cpu_s":%.2f,"lossless":%s}\n' \
    "$part" "$tool" "$frame_bytes" "$rep" "$step_no" "$kind" "$rate" "$sent" "$arrived" "$aux" "$counted" "$drops" \
    "$(awk -v n="$wall_ns" 'BEGIN { print n / 1e9 }')" "$achieved" \
    "$(awk -v t="$cpu_ticks_step" -v h="$clk_tck" 'BEGIN { print t / h }')" "$lossless" >>"$steps_file"
  log "  $tool ${frame_bytes}B step $step_no $kind target=${rate}pps sent=$sent achieved=${achieved}pps arrived=$arrived seen=$aux counted=$counted drops=$drops cpu=${cpu_ticks_step}t -> $lossless"
  step_ok=$lossless step_pps=$achieved step_cpu_ticks=$cpu_ticks_step step_frames=$counted
}

# ---------------------------------------------------------------- one point: highest lossless rate

# Bisection over the paced rate between min_rate_pps and what the generator reached unpaced.
# Records "part tool frame_bytes rep best_pps generator_limited cpu_s_per_mframe rss_kib ceiling
# lossy_min load1": lossy_min is the lowest achieved rate of a step that lost frames (0: none lost), so
# the true limit lies in [best, lossy_min). The paced generator tops out below the unpaced one
# when the receive path loads its core, which can leave a gap between the two.
measure_point() {
  local load1
  wait_for_quiet
  load1="$(cut -d' ' -f1 /proc/loadavg)/${busy_before_point}%"
  cpu_done=0
  rss_peak=0
  rm -f "$work"/gc-*.log
  declare -F "${tool}_start" >/dev/null && "${tool}_start"
  local best=0 best_cpu=0 best_frames=0 limited=false ceiling=0 lossy_min=0
  local ok ach cpu frames
  if [ "$mode" = smoke ]; then
    run_step 20000 20000 smoke
    ok=$step_ok ach=$step_pps cpu=$step_cpu_ticks frames=$step_frames
    if [ "$ok" = true ]; then best=$ach best_cpu=$cpu best_frames=$frames; fi
  elif [ -n "$fixed_pps" ]; then
    run_step 50000 $((50000 * step_seconds)) warmup
    run_step "$fixed_pps" $((fixed_pps * step_seconds)) fixed
    ok=$step_ok ach=$step_pps cpu=$step_cpu_ticks frames=$step_frames
    best_cpu=$cpu best_frames=$frames
    if [ "$ok" = true ]; then best=$ach; else lossy_min=$ach; fi
  else
    # Warm-up (JIT, page cache of the output files); not recorded as a result.
    run_step 50000 $((50000 * step_seconds)) warmup
    run_step 0 $((max_guess_pps * step_seconds)) unpaced
    ok=$step_ok ach=$step_pps cpu=$step_cpu_ticks frames=$step_frames
    ceiling=$ach
    if [ "$ok" = true ]; then
      best=$ach best_cpu=$cpu best_frames=$frames limited=true
    else
      lossy_min=$ach
      local lo=$min_rate_pps hi=$ach mid i
      for ((i = 0; i < bisect_steps; i++)); do
        mid=$(((lo + hi) / 2))
        run_step "$mid" $((mid * step_seconds)) paced
        ok=$step_ok ach=$step_pps cpu=$step_cpu_ticks frames=$step_frames
        if [ "$ok" = true ]; then
          lo=$mid
          if [ "$ach" -gt "$best" ]; then best=$ach best_cpu=$cpu best_frames=$frames; fi
        else
          hi=$mid
          [ "$ach" -ge "$lossy_min" ] || lossy_min=$ach
        fi
      done
      if [ "$best" -eq 0 ]; then
        run_step "$min_rate_pps" $((min_rate_pps * step_seconds)) paced
        ok=$step_ok ach=$step_pps cpu=$step_cpu_ticks frames=$step_frames
        if [ "$ok" = true ]; then best=$ach best_cpu=$cpu best_frames=$frames; fi
      fi
    fi
  fi
  declare -F "${tool}_stop" >/dev/null && "${tool}_stop"
  local gc_pauses=null
  if compgen -G "$work/gc-*.log" >/dev/null; then
    gc_pauses="$(cat "$work"/gc-*.log | grep -c 'Pause' || true)"
  fi
  local per_m
  per_m="$(awk -v t="$best_cpu" -v h="$clk_tck" -v f="$best_frames" 'BEGIN { if (f > 0) printf "%.3f", t / h / (f / 1e6); else print "null" }')"
  printf '%s\t%s\t%d\t%d\t%d\t%s\t%s\t%d\t%d\t%d\t%s\t%d\t%s\t%s\n' "$part" "$tool" "$frame_bytes" "$rep" "$best" "$limited" "$per_m" "$rss_peak" "$ceiling" "$lossy_min" "$load1" "$streams" "$streams_seen" "$gc_pauses" >>"$points_file"
  streams_seen=null
  log "$part/$tool ${frame_bytes}B ${streams} stream(s) rep $rep: highest lossless ${best} frames/s (lowest lossy ${lossy_min}, unpaced generator ${ceiling}, limited=$limited), ${per_m} CPU s/Mframe, peak RSS ${rss_peak} KiB, GC pauses ${gc_pauses}"
}

# ---------------------------------------------------------------- the two parts

collector_part() {
  make_ns "$ns_gen"
  make_ns "$ns_dut"
  gen_if="${tag}g"
  dut_if="${tag}c"
  make_veth "$ns_gen" "$gen_if" "$ns_dut" "$dut_if"
  ip -n "$ns_gen" addr add 198.18.100.1/24 dev "$gen_if"
  ip -n "$ns_dut" addr add 198.18.100.2/24 dev "$dut_if"
  collector_mac="$(mac_of "$ns_dut" "$dut_if")"
  # No ARP: nothing but the generated frames may arrive on the tool's interface (the collector
  # ns still answers GRE with ICMP unreachable while no raw GRE socket is open, rate-limited).
  ip -n "$ns_dut" neigh replace 198.18.100.1 lladdr "$(mac_of "$ns_gen" "$gen_if")" dev "$dut_if" nud permanent
  ip -n "$ns_gen" neigh replace 198.18.100.2 lladdr "$collector_mac" dev "$gen_if" nud permanent
  part=collector
  tcpdump_if=$dut_if
  tcpdump_filter="ip proto 47"
  cfg_for=collector_cfg
  local size
  for size in $sizes; do
    frame_bytes=$size
    wire_bytes=$((size + 14 + 20 + 16))
    for ((rep = 1; rep <= reps; rep++)); do
      for tool in collector tcpdump; do
        # Without a raw GRE socket the kernel would walk its protocol-unreachable path for
        # every packet (on the generator's core, ~25 % fewer frames/s from it). tcpdump needs no
        # IP stack: drop the packets at prerouting, which comes after the packet taps.
        [ "$tool" != tcpdump ] || drop_gre_at_prerouting on
        measure_point
        [ "$tool" != tcpdump ] || drop_gre_at_prerouting off
      done
    done
  done
  ip netns del "$ns_gen"
  ip netns del "$ns_dut"
}
drop_gre_at_prerouting() { # on|off
  command -v nft >/dev/null || { [ "$1" = off ] || log "nft not installed: tcpdump points run with the kernel's ICMP path"; return 0; }
  if [ "$1" = on ]; then
    ip netns exec "$ns_dut" nft add table ip tw_bench
    ip netns exec "$ns_dut" nft add chain ip tw_bench pre '{ type filter hook prerouting priority -300; }'
    ip netns exec "$ns_dut" nft add rule ip tw_bench pre ip protocol gre drop
  else
    ip netns exec "$ns_dut" nft delete table ip tw_bench
  fi
}
collector_cfg() { erspan_cfg "$collector_mac" "$1" "$frame_bytes"; }
# STREAMS = sources x sessions with coprime factors, so that two counters stepping together on
# every packet visit every pair: outer sources 198.19.0.1..S, ERSPAN sessions 0..K-1.
scale_factors() { # streams -> "sources sessions"
  case "$1" in
    1) echo "1 1" ;; 10) echo "5 2" ;; 100) echo "25 4" ;; 1000) echo "125 8" ;;
    *) die "--streams: one of 1 10 100 1000 (got $1)" ;;
  esac
}
scale_cfg() {
  local sources sessions
  read -r sources sessions < <(scale_factors "$streams")
  erspan_cfg "$collector_mac" "$1" "$frame_bytes" | sed \
    -e "s/ipv4(sa=198.18.100.1, /ipv4(sa=198.19.0.1, $([ "$sources" -gt 1 ] && echo "sa[3]=dinc(1, $sources), ")/" \
    -e "s/aseq=\([0-9]*\), /aseq=\1, $([ "$sessions" -gt 1 ] && echo "aseq[3]=dinc(0, $((sessions - 1))), ")/"
}

agent_part() {
  make_ns "$ns_gen"
  make_ns "$ns_dut"
  make_ns "$ns_sink"
  gen_if="${tag}g"
  dut_if="${tag}a"
  export_if="${tag}x"
  sink_if="${tag}s"
  make_veth "$ns_gen" "$gen_if" "$ns_dut" "$dut_if"
  make_veth "$ns_dut" "$export_if" "$ns_sink" "$sink_if"
  ip -n "$ns_dut" addr add 198.18.101.1/24 dev "$export_if"
  ip -n "$ns_sink" addr add 198.18.101.2/24 dev "$sink_if"
  # The tunnel packets go to a MAC nobody has: the sink's veth counts each one and its namespace
  # drops it at once, so the receiving IP stack is not charged to the agent's core. No ARP.
  ip -n "$ns_dut" neigh replace 198.18.101.2 lladdr 02:00:00:00:00:99 dev "$export_if" nud permanent
  part=agent
  tcpdump_if=$dut_if
  tcpdump_filter=""
  cfg_for=agent_cfg
  local size
  for size in $sizes; do
    frame_bytes=$size
    wire_bytes=$size
    for ((rep = 1; rep <= reps; rep++)); do
      for tool in agent tcpdump netsniff; do
        measure_point
      done
    done
  done
  ip netns del "$ns_gen"
  ip netns del "$ns_dut"
  ip netns del "$ns_sink"
}
agent_cfg() { plain_cfg "$frame_bytes"; }

whole_part() {
  make_ns "$ns_gen"
  make_ns "$ns_dut"
  make_ns "$ns_coll"
  make_ns "$ns_sink"
  gen_if="${tag}g"
  dut_if="${tag}a"
  export_if="${tag}x"
  coll_if="${tag}c"
  mirror_if="${tag}m"
  sink_if="${tag}s"
  tap_if="${tag}t"
  sink2_if="${tag}u"
  make_veth "$ns_gen" "$gen_if" "$ns_dut" "$dut_if"
  make_veth "$ns_dut" "$export_if" "$ns_coll" "$coll_if"
  make_veth "$ns_coll" "$mirror_if" "$ns_sink" "$sink_if"
  make_veth "$ns_dut" "$tap_if" "$ns_sink" "$sink2_if"
  ip -n "$ns_dut" addr add 198.18.103.1/24 dev "$export_if"
  ip -n "$ns_coll" addr add 198.18.103.2/24 dev "$coll_if"
  # No ARP on the export link: nothing but tunnel packets crosses it.
  ip -n "$ns_dut" neigh replace 198.18.103.2 lladdr "$(mac_of "$ns_coll" "$coll_if")" dev "$export_if" nud permanent
  ip -n "$ns_coll" neigh replace 198.18.103.1 lladdr "$(mac_of "$ns_dut" "$export_if")" dev "$coll_if" nud permanent
  part=whole
  tcpdump_if=$dut_if
  cfg_for=whole_cfg
  local size best
  for size in $sizes; do
    frame_bytes=$size
    wire_bytes=$size
    for ((rep = 1; rep <= reps; rep++)); do
      for tool in whole daemonlogger; do
        measure_point
      done
    done
    for tool in whole daemonlogger; do
      best="$(awk -F'\t' -v t="$tool" -v s="$size" '$1 == "whole" && $2 == t && $3 == s { print $5 }' "$points_file" | median_of)"
      [ "$best" -gt 0 ] || best=$((min_rate_pps * 2))
      if [ "$tool" = whole ]; then
        latency_point $((best / 2)) "$ns_sink" "$sink_if"
      else
        latency_point $((best / 2)) "$ns_sink" "$sink2_if"
      fi
    done
  done
  for ns in "$ns_gen" "$ns_dut" "$ns_coll" "$ns_sink"; do ip netns del "$ns"; done
}
# Plain frames numbered by the IPv4 identification (the latency pairs frames by content).
whole_cfg() { plain_cfg "$frame_bytes" | sed 's/ipv4(sa=198.18.102.1, /ipv4(id=dinc(), sa=198.18.102.1, /'; }

scale_part() {
  make_ns "$ns_gen"
  make_ns "$ns_dut"
  gen_if="${tag}g"
  dut_if="${tag}c"
  make_veth "$ns_gen" "$gen_if" "$ns_dut" "$dut_if"
  ip -n "$ns_gen" addr add 198.18.100.1/24 dev "$gen_if"
  ip -n "$ns_dut" addr add 198.18.100.2/24 dev "$dut_if"
  # The sources 198.19.0.x have no route back: no reverse-path filter on the collector's side.
  ip netns exec "$ns_dut" sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0 \
    "net.ipv4.conf.$dut_if.rp_filter=0"
  collector_mac="$(mac_of "$ns_dut" "$dut_if")"
  ip -n "$ns_gen" neigh replace 198.18.100.2 lladdr "$collector_mac" dev "$gen_if" nud permanent
  part=scale
  tool=collector
  cfg_for=scale_cfg
  count_seq_loss=0
  frame_bytes=$scale_frame_bytes
  wire_bytes=$((frame_bytes + 14 + 20 + 16))
  local n
  for n in $scale_streams; do
    streams=$n
    scale_factors "$n" >/dev/null
    for ((rep = 1; rep <= reps; rep++)); do
      measure_point
    done
  done
  streams=1
  count_seq_loss=1
  ip netns del "$ns_gen"
  ip netns del "$ns_dut"
}

# ---------------------------------------------------------------- report

median_of() { sort -n | awk '{ v[NR] = $1 } END { if (NR == 0) print 0; else if (NR % 2) print v[(NR + 1) / 2]; else print int((v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }
fmedian_of() { sort -g | awk '$1 != "null" { v[++n] = $1 } END { if (n == 0) print "null"; else if (n % 2) print v[(n + 1) / 2]; else printf "%.3f\n", (v[n / 2] + v[n / 2 + 1]) / 2 }'; }

# The peer a part is compared with: tcpdump for ingest and capture, daemonlogger for the whole
# path, one source stream for the scale part.
reference_of() { # part
  case "$1" in whole) echo daemonlogger ;; scale) echo "1 stream" ;; *) echo tcpdump ;; esac
}
summary_rows() { # prints "part tool size streams median min max cpu_median rss_median limited_reps ratio lossy_median max_load1 reference streams_seen"
  local part_ tool_ size_ str_ vals med lo hi cpu rss lim ref ratio lossy load seen
  awk -F'\t' '{ print $1 "\t" $2 "\t" $3 "\t" $12 }' "$points_file" | awk '!seen[$0]++' |
    while IFS=$'\t' read -r part_ tool_ size_ str_; do
      vals="$(awk -F'\t' -v p="$part_" -v t="$tool_" -v s="$size_" -v n="$str_" '$1 == p && $2 == t && $3 == s && $12 == n' "$points_file")"
      med="$(cut -f5 <<<"$vals" | median_of)"
      lo="$(cut -f5 <<<"$vals" | sort -n | head -1)"
      hi="$(cut -f5 <<<"$vals" | sort -n | tail -1)"
      cpu="$(cut -f7 <<<"$vals" | fmedian_of)"
      rss="$(cut -f8 <<<"$vals" | median_of)"
      lim="$(cut -f6 <<<"$vals" | grep -c true || true)"
      seen="$(cut -f13 <<<"$vals" | sort -n | tail -1)"
      case "$part_" in
        whole) ref="$(awk -F'\t' -v s="$size_" '$1 == "whole" && $2 == "daemonlogger" && $3 == s { print $5 }' "$points_file" | median_of)" ;;
        scale) ref="$(awk -F'\t' -v s="$size_" '$1 == "scale" && $12 == 1 && $3 == s { print $5 }' "$points_file" | median_of)" ;;
        *) ref="$(awk -F'\t' -v p="$part_" -v s="$size_" '$1 == p && $2 == "tcpdump" && $3 == s { print $5 }' "$points_file" | median_of)" ;;
      esac
      ratio="$(awk -v a="$med" -v b="$ref" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "null" }')"
      lossy="$(cut -f10 <<<"$vals" | awk '$1 > 0' | median_of)"
      load="$(cut -f11 <<<"$vals" | sort -t/ -k2 -g | tail -1)"
      printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$part_" "$tool_" "$size_" "$str_" "$med" "$lo" "$hi" "$cpu" "$rss" "$lim" "$ratio" "$lossy" "$load" "$(reference_of "$part_")" "${seen:-null}"
    done
}

json_string() { printf '"%s"' "$(sed 's/\\/\\\\/g; s/"/\\"/g' <<<"$1" | tr -d '\n')"; }

write_results() {
  local rows
  rows="$(summary_rows)"
  {
    printf '{\n  "timestamp": "%s",\n  "mode": "%s",\n' "$stamp" "$mode"
    printf '  "settings": {"reps": %d, "sizes": "%s", "streams": "%s", "bisect_steps": %d, "step_seconds": %s, "min_rate_pps": %d, "generator_cpu": %d, "tool_cpu": %d},\n' \
      "$reps" "$sizes" "$scale_streams" "$bisect_steps" "$step_seconds" "$min_rate_pps" "$gen_cpu" "$tool_cpu"
    printf '  "machine": {"nproc": %d, "cpu_model": %s, "kernel": %s, "load_before": %s, "load_after": %s},\n' \
      "$(nproc)" "$(json_string "$cpu_model")" "$(json_string "$(uname -r)")" "$(json_string "$load_before")" \
      "$(json_string "$(cut -d' ' -f1-3 /proc/loadavg)")"
    printf '  "commands": {\n'
    printf '    "generator": %s,\n' "$(json_string "ip netns exec GEN taskset -c $gen_cpu trafgen -P 1 -Q -C --no-sock-mem [-q -b 5000000pps when paced] -o GEN_IF -i STEP.cfg -n COUNT; paced by: tc qdisc add dev GEN_IF root tbf rate RATE*BYTES*8bit burst 256*BYTES limit 64MiB")"
    printf '    "collector": %s,\n' "$(json_string "ip netns exec DUT $(collector_cmd)")"
    printf '    "tcpdump_collector": %s,\n' "$(json_string "ip netns exec DUT $(tcpdump_if=DUT_IF tcpdump_filter='ip proto 47' tcpdump_cmd)")"
    printf '    "agent": %s,\n' "$(json_string "ip netns exec DUT $(tcpdump_if=DUT_IF agent_cmd 2>/dev/null || echo n/a)")"
    printf '    "tcpdump_agent": %s,\n' "$(json_string "ip netns exec DUT $(tcpdump_if=DUT_IF tcpdump_filter='' tcpdump_cmd)")"
    printf '    "netsniff_ng": %s,\n' "$(json_string "ip netns exec DUT $(tcpdump_if=DUT_IF netsniff_cmd 2>/dev/null || echo n/a)")"
    printf '    "whole_collector": %s,\n' "$(json_string "ip netns exec COLL $(mirror_if=MIRROR_IF whole_collector_cmd)")"
    printf '    "whole_agent": %s,\n' "$(json_string "ip netns exec DUT $(tcpdump_if=DUT_IF whole_agent_cmd)")"
    printf '    "daemonlogger": %s,\n' "$(json_string "ip netns exec DUT $(tcpdump_if=DUT_IF tap_if=TAP_IF daemonlogger_cmd)")"
    printf '    "latency": %s\n' "$(json_string "ip netns exec DUT taskset -c $gen_cpu tcpdump -i DUT_IF --time-stamp-precision=nano -w in.pcap & ip netns exec SINK taskset -c $gen_cpu tcpdump -i SINK_IF --time-stamp-precision=nano -w out.pcap & (one step at half the lossless rate); java -cp bench/target/benchmarks.jar dev.tapwire.bench.latency.LatencyReport in.pcap out.pcap")"
    printf '  },\n  "summary": [\n'
    local first=1 p t s n med lo hi cpu rss lim ratio lossy load ref seen
    while IFS=$'\t' read -r p t s n med lo hi cpu rss lim ratio lossy load ref seen; do
      [ -n "$p" ] || continue
      [ $first -eq 1 ] || printf ',\n'
      first=0
      printf '    {"part": "%s", "tool": "%s", "frame_bytes": %s, "streams": %s, "lossless_fps_median": %s, "lossless_fps_min": %s, "lossless_fps_max": %s, "lowest_lossy_fps_median": %s, "reference": "%s", "ratio_to_reference": %s, "cpu_s_per_mframe_median": %s, "peak_rss_kib_median": %s, "generator_limited_reps": %s, "streams_seen_max": %s, "busiest_start": "%s"}' \
        "$p" "$t" "$s" "$n" "$med" "$lo" "$hi" "$lossy" "$ref" "$ratio" "$cpu" "$rss" "$lim" "$seen" "$load"
    done <<<"$rows"
    printf '\n  ],\n  "latency": [\n'
    first=1
    local lp lt ls lr lj
    while IFS=$'\t' read -r lp lt ls lr lj; do
      [ -n "$lp" ] || continue
      [ $first -eq 1 ] || printf ',\n'
      first=0
      printf '    {"part": "%s", "tool": "%s", "frame_bytes": %s, "rate_fps": %s, "result": %s}' "$lp" "$lt" "$ls" "$lr" "$lj"
    done <"$latency_file"
    printf '\n  ],\n  "points": [\n'
    first=1
    local pp tt ss rr best limd perm rssk ceil lossy2 ld str sn gcp
    while IFS=$'\t' read -r pp tt ss rr best limd perm rssk ceil lossy2 ld str sn gcp; do
      [ $first -eq 1 ] || printf ',\n'
      first=0
      printf '    {"part": "%s", "tool": "%s", "frame_bytes": %s, "streams": %s, "rep": %s, "lossless_fps": %s, "generator_limited": %s, "cpu_s_per_mframe": %s, "peak_rss_kib": %s, "generator_ceiling_fps": %s, "lowest_lossy_fps": %s, "streams_seen": %s, "gc_pauses": %s, "load1_and_busy_at_start": "%s"}' \
        "$pp" "$tt" "$ss" "$str" "$rr" "$best" "$limd" "$perm" "$rssk" "$ceil" "$lossy2" "$sn" "$gcp" "$ld"
    done <"$points_file"
    printf '\n  ],\n  "steps": [\n'
    sed '$!s/$/,/; s/^/    /' "$steps_file"
    printf '  ]\n}\n'
  } >"$out"
  print_table "$rows"
}

print_table() {
  echo
  echo "Machine: $(nproc) CPUs, $cpu_model, Linux $(uname -r); load average before: $load_before, after: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "Mode: $mode ($reps repetition(s) per point, frame sizes: $sizes, $step_seconds s per step, $bisect_steps bisection steps)"
  echo
  echo "| part | tool | frame | streams | highest lossless frames/s: median (range) | lowest lossy (median) | ratio to reference | CPU s per Mframe | peak RSS | generator-limited reps | busiest start: load1/busy |"
  echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
  local p t s n med lo hi cpu rss lim ratio lossy load ref seen
  while IFS=$'\t' read -r p t s n med lo hi cpu rss lim ratio lossy load ref seen; do
    [ -n "$p" ] || continue
    printf '| %s | %s | %s B | %s | %s (%s-%s) | %s | %s (to %s) | %s | %s MiB | %s | %s |\n' "$p" "$t" "$s" "$n" "$med" "$lo" "$hi" \
      "$([ "$lossy" -gt 0 ] && echo "$lossy" || echo "none")" "$ratio" "$ref" "$cpu" \
      "$(awk -v k="$rss" 'BEGIN { printf "%.0f", k / 1024 }')" "$lim" "$load"
  done <<<"$1"
  if [ -s "$latency_file" ]; then
    echo
    echo "| part | tool | frame | at frames/s | frames paired | p50 µs | p99 µs | p99.9 µs | max µs |"
    echo "|---|---|---:|---:|---:|---:|---:|---:|---:|"
    local lp lt ls lr lj
    while IFS=$'\t' read -r lp lt ls lr lj; do
      awk -v p="$lp" -v t="$lt" -v s="$ls" -v r="$lr" -v j="$lj" 'BEGIN {
        n = split(j, kv, /[{},]/)
        for (i = 1; i <= n; i++) { split(kv[i], pair, ":"); gsub(/[" ]/, "", pair[1]); gsub(/ /, "", pair[2]); v[pair[1]] = pair[2] }
        printf "| %s | %s | %s B | %s | %s | %s | %s | %s | %s |\n", p, t, s, r, v["matched"], v["p50_us"], v["p99_us"], v["p999_us"], v["max_us"] }'
    done <"$latency_file"
  fi
  echo
  echo "Results: $out"
}

# ---------------------------------------------------------------- main

# A JDK 25 for LatencyReport: the one the tapwire launcher would pick.
find_java_home() {
  local candidate
  for candidate in "${TAPWIRE_JAVA_HOME:-}" "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-* /usr/lib/jvm/java-25-* /usr/lib/jvm/jdk-25*; do
    [ -n "$candidate" ] && [ -x "$candidate/bin/java" ] || continue
    "$candidate/bin/java" -version 2>&1 | grep -q 'version "25' && { echo "$candidate"; return 0; }
  done
  return 1
}
# Builds bench/target/benchmarks.jar (LatencyReport) when it is missing or older than its sources.
ensure_bench_jar() {
  JAVA_HOME="$(find_java_home)" || die "needs a JDK 25 (set JAVA_HOME)"
  export JAVA_HOME
  if [ ! -f "$bench_jar" ] || [ -n "$(find "$here/src/main" -newer "$bench_jar" -print -quit)" ]; then
    log "building bench/target/benchmarks.jar"
    (cd "$repo" && PATH="$JAVA_HOME/bin:$PATH" mvn -B -q -Dstyle.color=never -DskipTests package -pl bench -am >&2) ||
      die "building the benchmarks jar failed"
  fi
}

cpu_model="$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)"
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
log "load average before: $load_before ($(nproc) CPUs, $cpu_model, Linux $(uname -r))"
# Build the tapwire command once, outside any namespace, if the jar is missing or stale.
"$repo/tapwire" --version >/dev/null
if [ "$only" = all ] || [ "$only" = collector ]; then
  collector_part
fi
if [ "$only" = all ] || [ "$only" = agent ]; then
  agent_part
fi
if [ "$only" = all ] || [ "$only" = whole ]; then
  ensure_bench_jar
  whole_part
fi
if [ "$only" = all ] || [ "$only" = scale ]; then
  scale_part
fi
write_results
