#!/usr/bin/env bash
# Record what Ansible itself makes of every inventory in the corpus (the oracle of
# packages/core/src/inventory/ansible-corpus.test.ts). For each case directory it runs
#   ansible-inventory -i <inventory> --list [--playbook-dir playbook]
# from inside the directory and writes expected.json (stdout) when Ansible accepts the
# inventory, or ansible-error.txt (the parser's message, with the directory's path removed)
# when it refuses it. Needs ansible-core (Debian: apt-get install ansible-core); run it again
# after adding or changing a case, and commit the results:
#   scripts/ansible-corpus.sh            # every case
#   scripts/ansible-corpus.sh 05-ini-*   # some cases
set -euo pipefail
corpus="$(cd "$(dirname "$0")/.." && pwd)/packages/core/src/inventory/fixtures/ansible-corpus"
command -v ansible-inventory >/dev/null || { echo "ansible-inventory not found (apt-get install ansible-core)" >&2; exit 1; }
export ANSIBLE_INVENTORY_UNPARSED_FAILED=true ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED=true \
  ANSIBLE_NOCOLOR=1 ANSIBLE_LOCALHOST_WARNING=false ANSIBLE_INVENTORY_UNPARSED_WARNING=false \
  ANSIBLE_HOME="${TMPDIR:-/tmp}/tsplay-ansible-home" LC_ALL=C.UTF-8
cd "$corpus"
patterns=("$@")
[ "${#patterns[@]}" -gt 0 ] || patterns=(*)
version="$(ansible-inventory --version | sed -n 1p)"
for dir in $(for p in "${patterns[@]}"; do echo $p; done | sort -u); do
  [ -d "$dir" ] || continue
  inv=""
  for c in hosts hosts.ini inventory.ini hosts.yml hosts.yaml hosts.json; do
    if [ -f "$dir/$c" ]; then inv="$c"; break; fi
  done
  [ -n "$inv" ] || { echo "$dir: no inventory file" >&2; exit 1; }
  # the plugins Ansible would use for the file: .ini is INI, .yml/.yaml/.json YAML, no extension YAML then INI
  case "$inv" in *.ini) plugins=ini ;; *.*) plugins=yaml ;; *) plugins=yaml,ini ;; esac
  args=(-i "$inv" --list)
  [ -d "$dir/playbook" ] && args+=(--playbook-dir playbook)
  rm -f "$dir/expected.json" "$dir/ansible-error.txt"
  if (cd "$dir" && ANSIBLE_INVENTORY_ENABLED=$plugins ansible-inventory "${args[@]}" >"$corpus/$dir/.out" 2>"$corpus/$dir/.err"); then
    mv "$dir/.out" "$dir/expected.json"
    echo "$dir: accepted"
  else
    # keep the parser's own reason: Ansible wraps warnings at 79 columns (after a hyphen, or at a
    # space), so unwrap them, then take what follows "Failed to parse ... with <plugin> plugin:"
    awk '{ if (prev ~ /-$/) prev = prev $0; else if (NR > 1) prev = prev " " $0; else prev = $0 } END { print prev }' "$dir/.err" |
      sed 's/\[WARNING\]/\n[WARNING]/g' | sed -n 's/.*Failed to parse [^ ]* with \(ini\|yaml\) plugin: *\(.*\)/\2/p' | sed -e "s#$corpus/$dir/##g" -e 's/ *\[WARNING\].*//' -e 's/ *ERROR!.*//' | sed -n '$p' >"$dir/ansible-error.txt"
    [ -s "$dir/ansible-error.txt" ] || sed "s#$corpus/$dir/##g" "$dir/.err" | grep -v '^\s*$' | sed -n 1,3p >"$dir/ansible-error.txt"
    rm -f "$dir/.out"
    echo "$dir: refused: $(cat "$dir/ansible-error.txt")"
  fi
  rm -f "$dir/.err"
done
echo "$version" >"$corpus/ANSIBLE_VERSION"
