#!/usr/bin/env bash
# traffic.sh NAME_PREFIX SECONDS: real conversations across both captured links (hI <-> swI) of
# the topology up.sh NAME_PREFIX built, in rounds of about half a second until SECONDS have
# passed (at least one round). Each round, on each link:
#   ARP        the host's neighbour cache is flushed, so the next IPv4 packet starts with ARP
#   ICMP       ping swI and back (IPv4)
#   ICMPv6     ping -6 swI and back (neighbour discovery first, since the cache was flushed)
#   TCP        64 KiB of random payload to an echo server on swI port 5000, and back
#   BGP        a TCP connection to swI port 179 carrying a BGP OPEN and a KEEPALIVE, echoed back
#   UDP        a datagram to an echo server on swI port 5001, and back
#   802.1Q     tagged UDP (VLAN 100 on link 1, 200 on link 2) both ways, a tagged ICMP echo request
#   STP        an IEEE 802.1D configuration BPDU from swI to 01:80:c2:00:00:00
#   LLDP       an LLDPDU from swI to 01:80:c2:00:00:0e (chassis = MAC, port = cap0, TTL 120 s)
# Needs: iproute2, iputils-ping, socat, netsniff-ng (mausezahn). Leaves no process behind.
set -Eeuo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
source "$here/lib.sh"
tw_init "${1:-}"
if [ $# -ne 2 ] || ! [[ "$2" =~ ^[0-9]+$ ]]; then
  echo "usage: traffic.sh NAME_PREFIX SECONDS" >&2
  exit 2
fi
duration_s="$2"
tw_require_root
for tool in ping socat mausezahn; do
  command -v "$tool" >/dev/null || { echo "traffic.sh: $tool is not installed" >&2; exit 1; }
done
for h in h1 sw1 h2 sw2; do
  tw_ns_exists "$h" || { echo "traffic.sh: namespace $(tw_ns "$h") is missing (run up.sh $TW_PREFIX)" >&2; exit 1; }
done

TCP_PORT=5000
UDP_PORT=5001
VLAN_UDP_PORT=5002
BGP_PORT=179

servers=()
loops=()
# On exit, also when interrupted: stop the link loops, then the servers.
stop_all() {
  local pid
  for pid in "${loops[@]}" "${servers[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  wait 2>/dev/null || true
}
trap stop_all EXIT
trap 'exit 130' INT TERM

listening() { [ -n "$(ip netns exec "$1" ss -Hln "$2" "sport = :$3")" ]; }

# Echo servers on each switch host (socat PIPE sends back what it reads), IPv4 and IPv6.
for i in "${TW_LINKS[@]}"; do
  sw="$(tw_ns "sw$i")"
  ip netns exec "$sw" socat TCP6-LISTEN:$TCP_PORT,ipv6only=0,reuseaddr,fork PIPE &
  servers+=($!)
  ip netns exec "$sw" socat TCP6-LISTEN:$BGP_PORT,ipv6only=0,reuseaddr,fork PIPE &
  servers+=($!)
  ip netns exec "$sw" socat UDP6-RECVFROM:$UDP_PORT,ipv6only=0,fork PIPE &
  servers+=($!)
  tw_wait_until 10 "TCP $TCP_PORT on $sw" listening "$sw" -t "$TCP_PORT"
  tw_wait_until 10 "TCP $BGP_PORT on $sw" listening "$sw" -t "$BGP_PORT"
  tw_wait_until 10 "UDP $UDP_PORT on $sw" listening "$sw" -u "$UDP_PORT"
done

# hex16 N: N as four hex digits with a ':' between the two bytes.
hex16() { printf '%02x:%02x' $(($1 >> 8 & 255)) $(($1 & 255)); }

# bgp_open ROUTER_ID: a BGP-4 OPEN (RFC 4271 4.2: marker, length 29, type 1, version 4, AS,
# hold time 90 s, BGP identifier, no optional parameters) followed by a KEEPALIVE (length 19),
# written with one printf so that they leave in one TCP segment.
bgp_open() {
  local marker='\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff'
  local a b c d as_hex id_hex
  IFS=. read -r a b c d <<<"$1"
  as_hex="$(printf '\\x%02x\\x%02x' $((TW_BGP_AS >> 8)) $((TW_BGP_AS & 255)))"
  id_hex="$(printf '\\x%02x\\x%02x\\x%02x\\x%02x' "$a" "$b" "$c" "$d")"
  printf '%b' "$marker\\x00\\x1d\\x01\\x04$as_hex\\x00\\x5a$id_hex\\x00$marker\\x00\\x13\\x04"
}

# stp_bpdu MAC: an 802.3/LLC frame with an IEEE 802.1D configuration BPDU claiming to be root
# (priority 32768), hello 2 s, max age 20 s, forward delay 15 s.
stp_bpdu() {
  local mac="$1"
  echo "01:80:c2:00:00:00:$mac:00:26:42:42:03:00:00:00:00:00:80:00:$mac:00:00:00:00:80:00:$mac:80:01:00:00:14:00:02:00:0f:00"
}

# lldp MAC: an LLDPDU: chassis id (MAC), port id (interface name cap0), TTL 120 s, end.
lldp() {
  local mac="$1"
  echo "01:80:c2:00:00:0e:$mac:88:cc:02:07:04:$mac:04:05:05:63:61:70:30:06:02:00:78:00:00"
}

round() {
  local i="$1"
  local h sw hmac swmac vid sw4 sw6
  h="$(tw_ns "h$i")"
  sw="$(tw_ns "sw$i")"
  hmac="$(tw_mac "$h" "$TW_HOST_IF")"
  swmac="$(tw_mac "$sw" "$TW_CAPTURE_IF")"
  vid="$(tw_vlan_id "$i")"
  sw4="$(tw_switch_v4 "$i")"
  sw6="$(tw_switch_v6 "$i")"

  ip -n "$h" neigh flush dev "$TW_HOST_IF"
  ip netns exec "$h" ping -q -c 1 -W 1 "$sw4" >/dev/null
  ip netns exec "$h" ping -6 -q -c 1 -W 1 "$sw6" >/dev/null
  head -c 65536 /dev/urandom | ip netns exec "$h" socat -t 1 -T 2 - "TCP:$sw4:$TCP_PORT" >/dev/null
  bgp_open "$(tw_host_v4 "$i")" | ip netns exec "$h" socat -t 1 -T 2 - "TCP:$sw4:$BGP_PORT" >/dev/null
  echo "tapwire udp probe $i" | ip netns exec "$h" socat -t 0.3 -T 2 - "UDP:$sw4:$UDP_PORT" >/dev/null
  ip netns exec "$h" mausezahn "$TW_HOST_IF" -c 1 -q -a "$hmac" -b "$swmac" -Q "$vid" \
    -A "$(tw_host_vlan_v4 "$i")" -B "$(tw_switch_vlan_v4 "$i")" \
    -t udp "sp=40000,dp=$VLAN_UDP_PORT" -P "tapwire vlan probe $i" >/dev/null
  ip netns exec "$sw" mausezahn "$TW_CAPTURE_IF" -c 1 -q -a "$swmac" -b "$hmac" -Q "$vid" \
    -A "$(tw_switch_vlan_v4 "$i")" -B "$(tw_host_vlan_v4 "$i")" \
    -t udp "sp=$VLAN_UDP_PORT,dp=40000" -P "tapwire vlan reply $i" >/dev/null
  ip netns exec "$h" mausezahn "$TW_HOST_IF" -c 1 -q -a "$hmac" -b "$swmac" -Q "$vid" \
    -A "$(tw_host_vlan_v4 "$i")" -B "$(tw_switch_vlan_v4 "$i")" -t icmp "ping" >/dev/null
  ip netns exec "$sw" mausezahn "$TW_CAPTURE_IF" -c 1 -q "$(stp_bpdu "$swmac")" >/dev/null
  ip netns exec "$sw" mausezahn "$TW_CAPTURE_IF" -c 1 -q "$(lldp "$swmac")" >/dev/null
}

# link_loop I: rounds on link I until the deadline.
link_loop() {
  local i="$1" rounds=0
  local deadline_us=$(($(tw_now_us) + duration_s * 1000000))
  while :; do
    round "$i"
    rounds=$((rounds + 1))
    [ "$(tw_now_us)" -lt "$deadline_us" ] || break
    sleep 0.5 # pacing, not synchronisation
  done
  echo "traffic.sh: link $i: $rounds rounds" >&2
}

for i in "${TW_LINKS[@]}"; do
  link_loop "$i" &
  loops+=($!)
done
rc=0
for pid in "${loops[@]}"; do
  wait "$pid" || rc=1
done
exit "$rc"
