#!/usr/bin/env bash
# `pnpm bench`: tsplay vs Ansible (+ Mitogen) on the lab. Args go to bench/run.ts (--rounds, --hosts, --only, --tools).
set -euo pipefail
cd "$(dirname "$0")/.."

# The peer: Debian's ansible-core and ansible-mitogen (as root, like the lab).
if ! command -v ansible-playbook >/dev/null 2>&1 || ! dpkg-query -W -f '${Status}' ansible-mitogen 2>/dev/null | grep -q 'ok installed'; then
  echo "bench: installing ansible-core and ansible-mitogen (apt)" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ansible-core ansible-mitogen >&2
fi

# The CLI runs from dist: make sure it is current (turbo skips what is up to date).
pnpm -s build >/dev/null 2>&1 || echo "bench: warning: pnpm build failed; the CLI's dist may be stale" >&2

exec node --conditions=@tsplay/source --import tsx bench/run.ts "$@"
