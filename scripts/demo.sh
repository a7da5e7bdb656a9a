#!/usr/bin/env bash
# The main job on the embedded default: bring the lab up (3 nspawn controllers at 10.240.0.10-12),
# run the etcd playbook on it, verify, print the member list and the recap.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
tsplay() { node packages/cli/bin/tsplay.js "$@"; }
tsplay lab up
tsplay run playbooks/etcd.ts -i .lab/inventory --check
tsplay run playbooks/etcd.ts -i .lab/inventory
echo
echo "etcd member list on controller-0:"
tsplay lab ssh controller-0 -- sudo ETCDCTL_API=3 etcdctl member list \
  --endpoints=https://127.0.0.1:2379 --cacert=/etc/etcd/ca.pem \
  --cert=/etc/etcd/kubernetes.pem --key=/etc/etcd/kubernetes-key.pem
echo
echo "the lab stays up: 'node packages/cli/bin/tsplay.js lab down' removes it"
