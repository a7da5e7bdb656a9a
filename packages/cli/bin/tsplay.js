#!/usr/bin/env node
// Exit as soon as main is done: a lingering socket or timer must not hold the recap back.
import('../dist/fast.js').then((m) => m.main(process.argv.slice(2))).then(() => process.exit());
