/**
 * KTHW's controllers on GCE, dynamic: the instances tagged `controller`, listed by
 * `gcloud compute instances list --format=json` when gcloud is on PATH, or read from a saved copy
 * of that output named by TSPLAY_GCLOUD_JSON. Without either it is an error (GCP_ADDRESSES_UNKNOWN)
 * before any host is contacted. Tests only load this inventory; nothing here connects anywhere.
 */
import { inventoryFromGcloud } from './gcloud.js';
import { instanceList } from './source.js';

export default function gcpInventory() {
  return inventoryFromGcloud(instanceList('controller'));
}
