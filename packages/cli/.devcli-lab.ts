import yargs from 'yargs';
import { labCommand } from './src/commands/lab.js';
await yargs(process.argv.slice(2)).scriptName('tsplay').command(labCommand).strict().fail((msg, err) => { console.error('FAIL', msg ?? err?.message, (err as any)?.code, (err as any)?.hint); process.exit(2); }).parseAsync();
