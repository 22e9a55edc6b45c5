#!/usr/bin/env bash
# down.sh NAME_PREFIX: removes what up.sh NAME_PREFIX created: kills every process running in
# the namespaces NAME_PREFIX-{h1,sw1,h2,sw2,collector,ids} and deletes them (and with them every
# interface and address inside). Does nothing for a namespace that is not there; safe to repeat.
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
source "$here/lib.sh"
tw_init "$@" || exit 2
tw_require_root || exit 1

no_pids() { [ -z "$(ip netns pids "$1" 2>/dev/null)" ]; }

rc=0
for h in "${TW_HOSTS[@]}"; do
  tw_ns_exists "$h" || continue
  ns="$(tw_ns "$h")"
  pids="$(ip netns pids "$ns" 2>/dev/null | grep -vx "$$" || true)"
  if [ -n "$pids" ]; then
    # shellcheck disable=SC2086
    kill -TERM $pids 2>/dev/null || true
    if ! tw_wait_until 5 "processes in $ns to exit" no_pids "$ns" 2>/dev/null; then
      # shellcheck disable=SC2046
      kill -KILL $(ip netns pids "$ns" 2>/dev/null) 2>/dev/null || true
      tw_wait_until 5 "processes in $ns to exit after SIGKILL" no_pids "$ns" || rc=1
    fi
  fi
  if ! ip netns del "$ns"; then
    echo "down.sh: could not delete namespace $ns" >&2
    rc=1
  fi
done
exit "$rc"
