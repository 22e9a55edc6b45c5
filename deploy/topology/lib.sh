# Shared by up.sh, down.sh and traffic.sh: the names and the address plan of the demo topology.
# Addresses come only from 198.18.0.0/15 and 2001:db8::/32, and live only inside the namespaces
# these scripts create; nothing is added to the namespace the scripts are started from.

TW_HOSTS=(h1 sw1 h2 sw2 collector ids)
TW_LINKS=(1 2)

# Interface names (each host has its own namespace, so names repeat across hosts).
TW_HOST_IF=eth0       # h1/h2: towards its switch host
TW_CAPTURE_IF=cap0    # sw1/sw2: the captured link towards h1/h2
TW_EXPORT_IF=exp0     # sw1/sw2: the export link towards the collector
TW_MIRROR_IF=mirror0  # collector: the mirror NIC towards ids (no addresses)
TW_IDS_IF=eth0        # ids: the IDS sensor's capture interface (no addresses)
TW_EXPORT_MTU=9000    # room for ERSPAN III around a 1514-byte frame
TW_BGP_AS=64512       # private AS number in the BGP OPEN messages

# tw_init PREFIX: checks the prefix and sets TW_PREFIX.
tw_init() {
  if [ $# -lt 1 ] || ! [[ "$1" =~ ^[a-z][a-z0-9-]{0,15}$ ]]; then
    echo "usage: $(basename "$0") NAME_PREFIX (lower-case letters, digits and '-', at most 16, starting with a letter)" >&2
    return 2
  fi
  TW_PREFIX="$1"
}

tw_require_root() {
  if [ "$(id -u)" -ne 0 ]; then
    echo "$(basename "$0"): needs root (network namespaces, veth pairs)" >&2
    return 1
  fi
}

# tw_ns HOST: the namespace of HOST (h1, sw1, h2, sw2, collector, ids).
tw_ns() { echo "$TW_PREFIX-$1"; }

tw_ns_exists() { [ -e "/var/run/netns/$(tw_ns "$1")" ]; }

# Address plan of link i (1 or 2): hI <-> swI captured, swI <-> collector export.
tw_host_v4() { echo "198.18.$1.1"; }
tw_host_v6() { echo "2001:db8:$1::1"; }
tw_switch_v4() { echo "198.18.$1.2"; }
tw_switch_v6() { echo "2001:db8:$1::2"; }
# 802.1Q: the VLAN id and addresses of the tagged frames traffic.sh crafts on link i (the kernel
# these scripts are tested on has no 802.1Q support, so there are no VLAN sub-interfaces).
tw_vlan_id() { echo "$(($1 * 100))"; }
tw_host_vlan_v4() { echo "198.18.10$1.1"; }
tw_switch_vlan_v4() { echo "198.18.10$1.2"; }
tw_export_v4() { echo "198.18.1$1.1"; }
tw_export_v6() { echo "2001:db8:1$1::1"; }
tw_collector_v4() { echo "198.18.1$1.2"; }
tw_collector_v6() { echo "2001:db8:1$1::2"; }
tw_collector_if() { echo "exp$1"; }

# tw_now_us: wall-clock time in microseconds (bash 5's EPOCHREALTIME; SECONDS is too coarse).
tw_now_us() { echo "${EPOCHREALTIME/[.,]/}"; }

# tw_wait_until SECONDS WHAT COMMAND...: polls COMMAND until it succeeds or the deadline passes.
tw_wait_until() {
  local seconds="$1" what="$2"
  shift 2
  local deadline_us=$(($(tw_now_us) + seconds * 1000000))
  until "$@" >/dev/null 2>&1; do
    if [ "$(tw_now_us)" -ge "$deadline_us" ]; then
      echo "$(basename "$0"): timed out after ${seconds}s waiting for $what" >&2
      return 1
    fi
    sleep 0.05
  done
}

# tw_link_ready NS IF: the interface is up with carrier and no tentative address.
tw_link_ready() {
  local out
  out="$(ip -n "$1" -o link show dev "$2")" || return 1
  [[ "$out" == *"state UP"* && "$out" == *LOWER_UP* ]] || return 1
  ! ip -n "$1" -o addr show dev "$2" | grep -q tentative
}

# tw_mac NS IF: the interface's MAC address.
tw_mac() { ip -n "$1" -br link show dev "$2" | awk '{print $3}'; }

# tw_describe: the topology as KEY=VALUE lines (read by the tests and by `tapwire demo`).
tw_describe() {
  local h i
  echo "prefix=$TW_PREFIX"
  for h in "${TW_HOSTS[@]}"; do
    echo "ns.$h=$(tw_ns "$h")"
  done
  for i in "${TW_LINKS[@]}"; do
    echo "h$i.if=$TW_HOST_IF"
    echo "h$i.v4=$(tw_host_v4 "$i")"
    echo "h$i.v6=$(tw_host_v6 "$i")"
    echo "h$i.vlan_v4=$(tw_host_vlan_v4 "$i")"
    echo "sw$i.capture_if=$TW_CAPTURE_IF"
    echo "sw$i.v4=$(tw_switch_v4 "$i")"
    echo "sw$i.v6=$(tw_switch_v6 "$i")"
    echo "sw$i.vlan_id=$(tw_vlan_id "$i")"
    echo "sw$i.vlan_v4=$(tw_switch_vlan_v4 "$i")"
    echo "sw$i.export_if=$TW_EXPORT_IF"
    echo "sw$i.export_v4=$(tw_export_v4 "$i")"
    echo "sw$i.export_v6=$(tw_export_v6 "$i")"
    echo "collector.export_if.sw$i=$(tw_collector_if "$i")"
    echo "collector.export_v4.sw$i=$(tw_collector_v4 "$i")"
    echo "collector.export_v6.sw$i=$(tw_collector_v6 "$i")"
  done
  echo "collector.mirror_if=$TW_MIRROR_IF"
  echo "ids.if=$TW_IDS_IF"
}
