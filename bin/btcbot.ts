#!/usr/bin/env node
// The operator CLI: `npm run btcbot -- <command> --help`
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SSMClient } from '@aws-sdk/client-ssm';
import { Argument, Command } from 'commander';
import { configCommand } from './commands/config-command';
import { doctorCommand } from './commands/doctor-command';
import { commandEnvironment } from './commands/environment';
import { INVOKE_FUNCTION_NAMES, type InvokeCommandOptions, invokeCommand } from './commands/invoke-command';
import {
  KILL_SWITCH_ACTIONS,
  type KillSwitchAction,
  type KillSwitchCommandOptions,
  killSwitchCommand,
} from './commands/kill-switch-command';
import { localCommand } from './commands/local-command';
import { type StatusCommandOptions, statusCommand } from './commands/status-command';

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
  .option('--stage3', 'with --reference: only the knobs of the stage 3 and reconcile functions')
  .option('--cross-checks', 'with --reference: the cross-field checks the loader applies (Markdown list)')
  .action((options: { json?: boolean; reference?: boolean; stage3?: boolean; crossChecks?: boolean }) => {
    process.exitCode = configCommand(commandEnvironment(), options, io);
  });

program
  .command('local')
  .description('run the whole system locally on the BTCTurk simulator in simulated time and write a report')
  .option('--cycles <n>', 'scheduled cycles to run, one per simulated minute', '30')
  .option('--stages <list>', 'stages to schedule (only stage3 exists)', 'stage3')
  .option('--symbols <list>', 'TRY pairs to trade', 'BTCTRY,ETHTRY')
  .option('--seed <n>', 'seed of the generated market, the simulator and its faults', '1')
  .option('--speed <x>', "simulated seconds per real second, or 'fast' (no real waiting)", 'fast')
  .option(
    '--faults <profile>',
    'simulator fault profile: none, flaky, lost-responses, rate-limited, clock-skew, slow',
    'none',
  )
  .option('--live-sim', 'arm every gate against the simulator (real order flow); without it the run is dry-run')
  .option('--aws <mode>', 'state: embedded (in-memory adapters) or moto (real AWS SDK on moto_server)', 'embedded')
  .option(
    '--aws-endpoint <url>',
    'with --aws moto: use this running endpoint (default AWS_ENDPOINT_URL, else start moto_server)',
  )
  .option('--out <dir>', 'where summary.json, report.md and report.html go', 'out')
  .action(async (options: Parameters<typeof localCommand>[0]) => {
    process.exitCode = await localCommand(options, { ...io, progress: process.stderr });
  });

program
  .command('kill-switch')
  .description(
    'turn the SSM kill switch on (blocks live orders) or off, print both switches, or clear the stored one ' +
      '(set in the state table when reconciles keep failing; only an operator clears it)',
  )
  .addArgument(
    new Argument(
      '<action>',
      'on, off (the SSM switch), status (both switches, the stored one when a table is known), ' +
        'or clear-stored (the stored switch, or one symbol with --symbol)',
    ).choices(KILL_SWITCH_ACTIONS),
  )
  .requiredOption('--env <name>', 'environment: the parameter is /btcbot/<name>/kill-switch')
  .option('--account <name>', 'account of the stored kill switch (default BOT_ACCOUNT, else default)')
  .option('--table <name>', 'DynamoDB state table holding the stored kill switch (default STATE_TABLE_NAME)')
  .option('--symbol <symbol>', "with clear-stored: lift this symbol's observe-only instead of the kill switch")
  .action(async (action: KillSwitchAction, options: KillSwitchCommandOptions) => {
    const stored = { dynamodb: new DynamoDBClient({}), env: commandEnvironment() };
    process.exitCode = await killSwitchCommand(new SSMClient({}), action, options, io, stored);
  });

program
  .command('status')
  .description(
    'print the stage 3 lease, in-flight orders, frozen symbols, both kill switches, observe-only symbols ' +
      'and last cycles',
  )
  .requiredOption('--env <name>', 'environment: the kill switch is /btcbot/<name>/kill-switch')
  .option('--account <name>', 'account of the lease and journal (default BOT_ACCOUNT, else default)')
  .option('--table <name>', 'DynamoDB state table (default STATE_TABLE_NAME)')
  .option('--json', 'print the report as JSON')
  .action(async (options: StatusCommandOptions) => {
    const clients = { dynamodb: new DynamoDBClient({}), ssm: new SSMClient({}) };
    process.exitCode = await statusCommand(clients, commandEnvironment(), options, io);
  });

program
  .command('invoke')
  .description("run a function's real handler on an event file, like sam local invoke, and print its result")
  .addArgument(new Argument('<function>', 'the function, or its CDK logical id').choices(INVOKE_FUNCTION_NAMES))
  .requiredOption('--event <file>', 'event JSON file, e.g. events/stage3-cycle/scheduled.json')
  .option('--local', 'in-memory state and the BTCTurk simulator instead of AWS (AWS_ENDPOINT_URL, e.g. moto_server)')
  .option(
    '--keep-time',
    "keep a scheduled event's own `time` (by default it fires now: a firing older than CYCLE_MAX_EVENT_AGE_SECONDS runs no cycle)",
  )
  .action(async (name: string, options: InvokeCommandOptions) => {
    process.exitCode = await invokeCommand(name, options, commandEnvironment(), io);
  });

program
  .command('doctor')
  .description('check configuration, arming, secret, kill switch, state table, reconcile queue and clock skew')
  .option('--env <name>', 'environment (BOT_ENV): the kill switch is /btcbot/<name>/kill-switch')
  .action(async (options: { env?: string }) => {
    const clients = {
      dynamodb: new DynamoDBClient({}),
      ssm: new SSMClient({}),
      sqs: new SQSClient({}),
      secrets: new SecretsManagerClient({}),
    };
    process.exitCode = await doctorCommand(clients, commandEnvironment(), options, io);
  });

await program.parseAsync(process.argv);
