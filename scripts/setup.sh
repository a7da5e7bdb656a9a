#!/usr/bin/env bash
# Installs what tsplay needs on a fresh Debian machine (as root), then the workspace, then builds it.
set -euo pipefail
cd "$(dirname "$0")/.."
export TURBO_TELEMETRY_DISABLED=1 DEBIAN_FRONTEND=noninteractive
APT_PACKAGES=(openssh-server openssh-client sudo curl wget ca-certificates systemd debootstrap systemd-container iproute2 openssl util-linux procps psmisc)
missing=()
for p in "${APT_PACKAGES[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: apt-get install ${missing[*]}"
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
command -v pnpm >/dev/null 2>&1 || npm i -g pnpm@10 >/dev/null
pnpm install --frozen-lockfile
pnpm build --output-logs=errors-only
