#!/usr/bin/env bash
# A paired bench: the idempotent etcd re-run on the lab with the CLI of an earlier commit (A) against this
# checkout's (B), in turn A B A B ..., each pair on the same lab state; prints each pair's ratio B/A and the
# medians, and appends them to bench/results/paired.md. Usage: bash bench/paired.sh BEFORE_REV [PAIRS] [AFTER_REV]
# (AFTER_REV defaults to HEAD; both are built in temporary worktrees, installed offline; runs under the lab lock).
set -euo pipefail
cd "$(dirname "$0")/.."
before="${1:?usage: bench/paired.sh BEFORE_REV [PAIRS] [AFTER_REV]}"; pairs="${2:-10}"
revA=$(git rev-parse --short "$before"); revB=$(git rev-parse --short "${3:-HEAD}")
wtA=$(mktemp -d /tmp/tsplay-paired-XXXXXX); wtB=$(mktemp -d /tmp/tsplay-paired-XXXXXX)
trap 'for w in "$wtA" "$wtB"; do git worktree remove --force "$w" >/dev/null 2>&1 || rm -rf "$w"; done' EXIT
for pair in "$wtA:$revA" "$wtB:$revB"; do
  w=${pair%%:*}; r=${pair#*:}
  git worktree add -q --detach "$w" "$r"
  (cd "$w" && pnpm install --frozen-lockfile --offline >/dev/null && TURBO_TELEMETRY_DISABLED=1 pnpm -s build >/dev/null)
done
flock /tmp/tsplay-lab.lock node bench/paired.mjs "$wtA" "$revA" "$wtB" "$revB" "$pairs"
