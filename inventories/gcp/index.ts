/**
 * KTHW's controllers on GCE. Static by default (fill in the external IPs from
 * `gcloud compute instances list`), or dynamic: save that command's `--format=json` output and
 * point TSPLAY_GCLOUD_JSON at it. Tests only load this inventory; nothing here connects anywhere.
 */
import { readFileSync } from 'node:fs';
import { KTHW_CONTROLLERS, controllersInventory, inventoryFromGcloud } from './gcloud.js';

export default function gcpInventory() {
  const saved = process.env.TSPLAY_GCLOUD_JSON;
  return saved ? inventoryFromGcloud(JSON.parse(readFileSync(saved, 'utf8'))) : controllersInventory(KTHW_CONTROLLERS);
}
