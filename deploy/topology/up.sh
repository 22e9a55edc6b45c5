#!/usr/bin/env bash
# up.sh NAME_PREFIX: builds the demo topology (see README.md) in network namespaces named
# NAME_PREFIX-{h1,sw1,h2,sw2,collector,ids} and prints it as KEY=VALUE lines on stdout.
# On any error it removes whatever it created (down.sh) and exits non-zero.
set -Eeuo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
source "$here/lib.sh"
tw_init "$@"
tw_require_root
for tool in ip ethtool; do
  command -v "$tool" >/dev/null || { echo "up.sh: $tool is not installed" >&2; exit 1; }
done

for h in "${TW_HOSTS[@]}"; do
  if tw_ns_exists "$h"; then
    echo "up.sh: namespace $(tw_ns "$h") exists already; remove it with: $here/down.sh $TW_PREFIX" >&2
    exit 1
  fi
done

cleanup_on_error() {
  local rc=$? line=$1 cmd=$2
  trap - ERR INT TERM
  echo "up.sh: failed (exit $rc) at line $line: $cmd; removing what was created" >&2
  "$here/down.sh" "$TW_PREFIX" >&2 || true
  exit 1
}
trap 'cleanup_on_error "$LINENO" "$BASH_COMMAND"' ERR
trap 'cleanup_on_error "$LINENO" "interrupted"' INT TERM

sys() { ip netns exec "$1" sysctl -q -w "$2=$3" >/dev/null; }

for h in "${TW_HOSTS[@]}"; do
  ns="$(tw_ns "$h")"
  ip netns add "$ns"
  ip -n "$ns" link set lo up
  # Addresses are usable at once: no duplicate address detection on any interface made later.
  sys "$ns" net.ipv6.conf.all.accept_dad 0
  sys "$ns" net.ipv6.conf.default.accept_dad 0
done

# veth NS_A IF_A NS_B IF_B MTU: a veth pair with one end in each namespace, both down.
veth() {
  ip -n "$1" link add "$2" mtu "$5" type veth peer name "$4" netns "$3"
  ip -n "$3" link set "$4" mtu "$5"
}

# addr NS IF V4/PREFIX V6/PREFIX
addr() {
  ip -n "$1" addr add "$3" dev "$2"
  ip -n "$1" addr add "$4" dev "$2" nodad
}

# silent NS IF: no IPv6 (no link-local address, no RS/ND/MLD), no ARP, no multicast: the
# interface carries nothing of the host's own. Used for both ends of the mirror link.
silent() {
  sys "$1" "net.ipv6.conf.$2.disable_ipv6" 1
  ip -n "$1" link set "$2" arp off multicast off
}

collector="$(tw_ns collector)"
for i in "${TW_LINKS[@]}"; do
  h="$(tw_ns "h$i")"
  sw="$(tw_ns "sw$i")"

  # The captured link, where the conversations happen.
  veth "$h" "$TW_HOST_IF" "$sw" "$TW_CAPTURE_IF" 1500
  addr "$h" "$TW_HOST_IF" "$(tw_host_v4 "$i")/24" "$(tw_host_v6 "$i")/64"
  addr "$sw" "$TW_CAPTURE_IF" "$(tw_switch_v4 "$i")/24" "$(tw_switch_v6 "$i")/64"
  # Frames as a wire would carry them. A veth offloads checksums and segmentation to a "device"
  # that never computes them: capture would see TCP/UDP checksums left unfinished (an IDS reports
  # them as bad) and TCP super-frames of up to 64 KiB. Checksums in software, one segment per
  # packet: every captured frame is complete and at most MTU + 14 bytes.
  ip netns exec "$h" ethtool -K "$TW_HOST_IF" tx off >/dev/null
  ip netns exec "$sw" ethtool -K "$TW_CAPTURE_IF" tx off >/dev/null
  ip -n "$h" link set "$TW_HOST_IF" gso_max_segs 1
  ip -n "$sw" link set "$TW_CAPTURE_IF" gso_max_segs 1
  ip -n "$h" link set "$TW_HOST_IF" up
  ip -n "$sw" link set "$TW_CAPTURE_IF" up

  # The export link: the agent on swI sends its tunnel traffic to the collector through it.
  cif="$(tw_collector_if "$i")"
  veth "$sw" "$TW_EXPORT_IF" "$collector" "$cif" "$TW_EXPORT_MTU"
  addr "$sw" "$TW_EXPORT_IF" "$(tw_export_v4 "$i")/24" "$(tw_export_v6 "$i")/64"
  addr "$collector" "$cif" "$(tw_collector_v4 "$i")/24" "$(tw_collector_v6 "$i")/64"
  ip -n "$sw" link set "$TW_EXPORT_IF" up
  ip -n "$collector" link set "$cif" up
done

# The mirror link: the collector's mirror NIC towards the IDS host. Neither end has an address.
ids="$(tw_ns ids)"
veth "$collector" "$TW_MIRROR_IF" "$ids" "$TW_IDS_IF" 1500
silent "$collector" "$TW_MIRROR_IF"
silent "$ids" "$TW_IDS_IF"
ip -n "$collector" link set "$TW_MIRROR_IF" up
ip -n "$ids" link set "$TW_IDS_IF" up

for i in "${TW_LINKS[@]}"; do
  h="$(tw_ns "h$i")"
  sw="$(tw_ns "sw$i")"
  tw_wait_until 10 "$h $TW_HOST_IF" tw_link_ready "$h" "$TW_HOST_IF"
  tw_wait_until 10 "$sw $TW_CAPTURE_IF" tw_link_ready "$sw" "$TW_CAPTURE_IF"
  tw_wait_until 10 "$sw $TW_EXPORT_IF" tw_link_ready "$sw" "$TW_EXPORT_IF"
  tw_wait_until 10 "$collector $(tw_collector_if "$i")" tw_link_ready "$collector" "$(tw_collector_if "$i")"
done
tw_wait_until 10 "$collector $TW_MIRROR_IF" tw_link_ready "$collector" "$TW_MIRROR_IF"
tw_wait_until 10 "$ids $TW_IDS_IF" tw_link_ready "$ids" "$TW_IDS_IF"

trap - ERR INT TERM
echo "up.sh: topology $TW_PREFIX is up" >&2
tw_describe
