#!/usr/bin/env node
// The operator CLI: `npx btcbot <command> --help` (bin/btcbot.sh), or `npm run btcbot -- <command>`
import { createProgram } from './program';

// A closed pipe (`btcbot config | head`) ends the command quietly instead of crashing
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

const io = { out: (line: string) => console.log(line), err: (line: string) => console.error(line) };

await createProgram({ io, exit: (code) => process.exit(code) }).parseAsync(process.argv);
