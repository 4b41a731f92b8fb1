#!/usr/bin/env node
// The operator CLI: `npm run btcbot -- <command> --help`
import { Command } from 'commander';
import { configCommand } from './commands/config-command';
import { commandEnvironment } from './commands/environment';

// A closed pipe (`btcbot config | head`) ends the command quietly instead of crashing
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

const io = { out: (line: string) => console.log(line), err: (line: string) => console.error(line) };

const program = new Command('btcbot')
  .description('btcbot-serverless: BTCTurk spot trading bot on AWS Lambda (operator CLI)')
  .showHelpAfterError();

program
  .command('config')
  .description('validate the configuration and print the arming state and effective values (secrets masked)')
  .option('--json', 'print the effective values as JSON')
  .option('--reference', 'print the configuration reference table (Markdown)')
  .action((options: { json?: boolean; reference?: boolean }) => {
    process.exitCode = configCommand(commandEnvironment(), options, io);
  });

await program.parseAsync(process.argv);
