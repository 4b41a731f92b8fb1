#!/usr/bin/env node
// The operator CLI: `npm run btcbot -- <command> --help`
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SSMClient } from '@aws-sdk/client-ssm';
import { Argument, Command } from 'commander';
import { type ConfigCommandOptions, configCommand } from './commands/config-command';
import { type DegradeAction, type DegradeCommandOptions, degradeCommand } from './commands/degrade-command';
import { doctorCommand } from './commands/doctor-command';
import { commandEnvironment } from './commands/environment';
import { type FreezeAction, type FreezeCommandOptions, freezeCommand } from './commands/freeze-command';
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

/** For the commands that follow the rule "a usage error exits 2" (commander's own exit code is 1) */
const usageErrorsExit2 = (e: { readonly exitCode: number }) => process.exit(e.exitCode === 0 ? 0 : 2);

const program = new Command('btcbot')
  .description('btcbot-serverless: BTCTurk spot trading bot on AWS Lambda (operator CLI)')
  .showHelpAfterError();

program
  .command('config')
  .description('validate the configuration and print the arming state and effective values (secrets masked)')
  .option('--json', 'print the effective values as JSON')
  .option('--reference', 'print the configuration reference table (Markdown)')
  .option('--stage3', 'with --reference: only the knobs of the stage 3 and reconcile functions')
  .option('--stage4', 'with --reference: only the knobs the stage 4 cycle reads')
  .option('--stage7', 'with --reference: only the knobs the stage 7 cycle reads')
  .option('--cross-checks', 'with --reference: the cross-field checks the loader applies (Markdown list)')
  .action((options: ConfigCommandOptions) => {
    process.exitCode = configCommand(commandEnvironment(), options, io);
  });

program
  .command('local')
  .description('run the whole system locally on the BTCTurk simulator in simulated time and write a report')
  .option('--cycles <n>', 'scheduled cycles to run, one per simulated minute', '30')
  .option(
    '--stages <list>',
    'stages to schedule each simulated minute, comma-separated: stage3, stage4 (both only without --live-sim), ' +
      'stage7 (simulation only, never trades: allowed beside one live stage)',
    'stage3',
  )
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
  .option('--stage <stage>', "with clear-stored: stage7 clears stage 7's own kill switch (set by its kill chain)")
  .action(async (action: KillSwitchAction, options: KillSwitchCommandOptions) => {
    const stored = { dynamodb: new DynamoDBClient({}), env: commandEnvironment() };
    process.exitCode = await killSwitchCommand(new SSMClient({}), action, options, io, stored);
  });

program
  .command('status')
  .description(
    'print the trading lease, both kill switches, observe-only symbols, in-flight orders and last cycles; ' +
      'stage 3 adds the orders by status and frozen symbols, stage 4 its mode, risk state, degrade level and ' +
      'override, unknown-order freeze and open replace transactions; stage 7 shows the simulation instead: its ' +
      'lease, its own kill switch, params, risk decision, simulated account, equity and last run metrics',
  )
  .exitOverride(usageErrorsExit2)
  .requiredOption('--env <name>', 'environment: the kill switch is /btcbot/<name>/kill-switch')
  .option('--stage <stage>', 'stage3, stage4 or stage7', 'stage3')
  .option('--account <name>', 'account of the lease and state (default BOT_ACCOUNT, else default)')
  .option('--table <name>', 'DynamoDB state table (default STATE_TABLE_NAME)')
  .option('--json', 'print the report as JSON')
  .action(async (options: StatusCommandOptions) => {
    const clients = { dynamodb: new DynamoDBClient({}), ssm: new SSMClient({}) };
    process.exitCode = await statusCommand(clients, commandEnvironment(), options, io);
  });

const freeze = program
  .command('freeze')
  .description(
    'show or clear the stage 4 unknown-order freeze (spec 3.7): while it is active no stage 4 order is ' +
      'submitted, and only `freeze clear` lifts it',
  )
  .exitOverride(usageErrorsExit2);
const freezeAction = (action: FreezeAction) => async (options: FreezeCommandOptions) => {
  process.exitCode = await freezeCommand(
    { dynamodb: new DynamoDBClient({}) },
    commandEnvironment(),
    action,
    options,
    io,
  );
};
freeze
  .command('status')
  .description('print the freeze: active or not, its reason, since when, what triggered it, the last clear')
  .option('--account <name>', 'account (default BOT_ACCOUNT, else default)')
  .option('--table <name>', 'DynamoDB state table (default STATE_TABLE_NAME)')
  .action(freezeAction('status'));
freeze
  .command('clear')
  .description('lift the freeze (after repairing what triggered it) and print what was cleared')
  .option('--reason <text>', 'required: why the freeze may lift, e.g. what was repaired')
  .option('--operator <name>', 'who clears (default USER, else LOGNAME)')
  .option('--account <name>', 'account (default BOT_ACCOUNT, else default)')
  .option('--table <name>', 'DynamoDB state table (default STATE_TABLE_NAME)')
  .action(freezeAction('clear'));

const degrade = program
  .command('degrade')
  .description('show the stage 4 degrade level (spec 3.16), or set or clear the operator override of it')
  .exitOverride(usageErrorsExit2);
const degradeAction = (action: DegradeAction) => async (options: DegradeCommandOptions) => {
  process.exitCode = await degradeCommand(
    { dynamodb: new DynamoDBClient({}) },
    commandEnvironment(),
    action,
    options,
    io,
  );
};
degrade
  .command('status')
  .description('print the degrade level, its reasons, cooldown and step-down, and the override')
  .option('--account <name>', 'account (default BOT_ACCOUNT, else default)')
  .option('--table <name>', 'DynamoDB state table (default STATE_TABLE_NAME)')
  .action(degradeAction('status'));
degrade
  .command('clear')
  .description('remove the override (the level it raised steps down through its cooldown as usual)')
  .option('--reset-level', 'also put the degrade level back to 0 at once (after the cause is repaired)')
  .option('--account <name>', 'account (default BOT_ACCOUNT, else default)')
  .option('--table <name>', 'DynamoDB state table (default STATE_TABLE_NAME)')
  .action(degradeAction('clear'));
degrade
  .command('override')
  .description('make the stage 4 mode at least --mode until the cooldown ends (reason MANUAL_OVERRIDE); never relaxes')
  .option('--mode <mode>', 'required: NORMAL, REDUCE_RISK_ONLY or OBSERVE_ONLY')
  .option('--reason <text>', 'required: why')
  .option('--cooldown-seconds <n>', 'how long the override lasts, whole seconds (default 900)')
  .option('--account <name>', 'account (default BOT_ACCOUNT, else default)')
  .option('--table <name>', 'DynamoDB state table (default STATE_TABLE_NAME)')
  .action(degradeAction('override'));

program
  .command('invoke')
  .description("run a function's real handler on an event file, like sam local invoke, and print its result")
  .addArgument(new Argument('<function>', 'the function, or its CDK logical id').choices(INVOKE_FUNCTION_NAMES))
  .requiredOption('--event <file>', 'event JSON file, e.g. events/stage4-cycle/scheduled.json')
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
