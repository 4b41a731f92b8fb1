#!/usr/bin/env node
// The operator CLI: `npm run btcbot -- <command> --help`
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SSMClient } from '@aws-sdk/client-ssm';
import { Argument, Command } from 'commander';
import { alertsCommand, type RawAlertsOptions } from './commands/alerts-command';
import { backtestCommand, type RawBacktestOptions } from './commands/backtest-command';
import { type ConfigCommandOptions, configCommand } from './commands/config-command';
import { type DegradeAction, type DegradeCommandOptions, degradeCommand } from './commands/degrade-command';
import { doctorCommand } from './commands/doctor-command';
import { commandEnvironment } from './commands/environment';
import { exportCommand, type RawExportOptions } from './commands/export-command';
import { type FreezeAction, type FreezeCommandOptions, freezeCommand } from './commands/freeze-command';
import { INVOKE_FUNCTION_NAMES, type InvokeCommandOptions, invokeCommand } from './commands/invoke-command';
import {
  KILL_SWITCH_ACTIONS,
  type KillSwitchAction,
  type KillSwitchCommandOptions,
  killSwitchCommand,
} from './commands/kill-switch-command';
import { localCommand } from './commands/local-command';
import { parityCommand, type RawParityOptions } from './commands/parity-command';
import {
  type RawReplayOptions,
  replayCaptureCommand,
  replayImportCommand,
  replayInitCommand,
  replayValidateCommand,
} from './commands/replay-command';
import { type RawReportOptions, reportCommand } from './commands/report-command';
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
  .option('--symbols <list>', "TRY pairs to trade (with --dataset: the dataset's)", 'BTCTRY,ETHTRY')
  .option(
    '--dataset <dir>',
    'replay dataset (btcbot replay): the simulator replays its tickers from its first row, for --stages stage7; ' +
      '<out>/stage7 then matches `btcbot backtest --include-adaptation` of it (btcbot parity)',
  )
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

program
  .command('report')
  .description(
    'report a stage 7 run folder (btcbot backtest, or btcbot local --stages stage7): summary (return, drawdown, ' +
      'Sharpe, Sortino, win rate, profit factor, fees, exposure), SLO status, fail-closed financial validations ' +
      '(exit 1 when one fails), daily and weekly rollups, pairs and the last cycles; --html also writes report.html',
  )
  .exitOverride(usageErrorsExit2)
  .requiredOption('--run <dir>', 'the run folder: run.json and cycles.jsonl')
  .option('--last <n>', 'cycles in the table (default 10; every other figure covers the whole run)')
  .option('--json', 'print the report as one JSON document instead of text')
  .option('--html [file]', 'also write the report as a self-contained page (default <run>/report.html)')
  .action((options: RawReportOptions) => {
    process.exitCode = reportCommand(options, commandEnvironment(), io);
  });

program
  .command('export')
  .description("export a stage 7 run folder's last cycles as flat run-metrics rows (CSV, JSON or JSON lines)")
  .exitOverride(usageErrorsExit2)
  .requiredOption('--run <dir>', 'the run folder: run.json and cycles.jsonl')
  .option('--last <n>', 'rows, newest last (default 50)')
  .option('--format <format>', 'csv, json, jsonl, or both (CSV and JSON: needs --out) (default csv)')
  .option('--out <file>', 'write here instead of stdout; with --format both, <file>.csv and <file>.json')
  .action((options: RawExportOptions) => {
    process.exitCode = exportCommand(options, io);
  });

program
  .command('alerts')
  .description('print the most recent cycles of a stage 7 run folder that raised an alert flag (spec 4.14)')
  .exitOverride(usageErrorsExit2)
  .requiredOption('--run <dir>', 'the run folder: run.json and cycles.jsonl')
  .option('--last <n>', 'alerting cycles to print, newest last (default 50)')
  .action((options: RawAlertsOptions) => {
    process.exitCode = alertsCommand(options, io);
  });

program
  .command('backtest')
  .description(
    'run stage 7 over a replay dataset in simulated time (in memory: no AWS, no network) and write a run folder ' +
      '(run.json, cycles.jsonl) for parity, report and export; prints one JSON line: cycles_run, seed, out, ' +
      'started_at, ended_at, param_changes, final_fingerprint. Exit 2 on bad input (nothing written), 1 when a cycle fails',
  )
  .exitOverride(usageErrorsExit2)
  .option('--dataset <dir>', 'the replay dataset (default BTCTBOT_REPLAY_DATASET, else ./data/replay)')
  .requiredOption('--out <dir>', 'the run folder to write (must not hold a run yet)')
  .option('--start <time>', "first cycle: ISO-8601 (naive = UTC) or epoch s/ms (default the dataset's first row)")
  .option('--end <time>', "no cycle after this time (default the dataset's last row)")
  .option('--step-seconds <n>', 'simulated seconds between two cycles (default 60)')
  .option(
    '--seed <n>',
    "recorded and printed (run id bt-seed-<n>); it changes no result: stage 7's simulated fills derive from the " +
      'cycle ids (default 123)',
  )
  .option('--cycles <n>', 'stop after this many cycles')
  .option('--include-adaptation', 'let adaptation change the params during the run (default off)')
  .option(
    '--env <name>',
    'names the cycles as the schedule btcbot-<name>-stage7 does, like a local run (default local)',
  )
  .option(
    '--pair-info-json <file>',
    'pair rules when the dataset has no exchangeinfo.json: an exchangeinfo symbols array',
  )
  .action(async (options: RawBacktestOptions) => {
    const stop = new AbortController();
    const onSigint = () => stop.abort();
    process.on('SIGINT', onSigint);
    try {
      const backtestIo = { ...io, progress: process.stderr, signal: stop.signal };
      process.exitCode = await backtestCommand(options, commandEnvironment(), backtestIo);
    } finally {
      process.off('SIGINT', onSigint);
    }
  });

program
  .command('parity')
  .description(
    'compare the fingerprints of two stage 7 run folders (spec 4.20) and print {"fingerprint_a","fingerprint_b",' +
      '"match"}; exit 0 when they match, 1 when they differ, 2 on bad input',
  )
  .exitOverride(usageErrorsExit2)
  .requiredOption('--a <dir>', 'the first run folder (btcbot backtest --out, or a local run)')
  .requiredOption('--b <dir>', 'the second run folder')
  .option('--start <time>', 'only cycles at or after this time: ISO-8601 (naive = UTC) or epoch s/ms')
  .option('--end <time>', 'only cycles at or before this time')
  .option('--quantize-try <step>', 'round TRY amounts to this positive step (half even) before hashing, e.g. 0.01')
  .option('--include-adaptation', 'also compare the active params version and the change of each cycle')
  .option('--dataset <dir>', 'not accepted: parity compares finished runs (explains and exits 2)')
  .action((options: RawParityOptions) => {
    process.exitCode = parityCommand(options, io);
  });

const replay = program
  .command('replay')
  .description(
    'replay datasets (spec 4.19): candles/, orderbook/ and ticker/ CSVs per symbol that a backtest replays; ' +
      'create one (init), check one (validate), convert candle files you have (import) or record the venue (capture)',
  )
  .exitOverride(usageErrorsExit2);
replay
  .command('init')
  .description("create a dataset folder with its README and schema.json and the spec's 6 synthetic BTCTRY rows")
  .requiredOption('--dataset <dir>', 'the new dataset folder (must not exist, or be empty)')
  .option('--seed <n>', 'seed of the synthetic rows (default 123)')
  .option('--no-synthetic', 'only the folders and documents, no rows')
  .action((options: RawReplayOptions) => {
    process.exitCode = replayInitCommand(options, io);
  });
replay
  .command('validate')
  .description('check every file and row of a dataset; print its problems by code, file and line (exit 0 valid, 2 not)')
  .requiredOption('--dataset <dir>', 'the dataset folder')
  .action((options: RawReplayOptions) => {
    process.exitCode = replayValidateCommand(options, io);
  });
replay
  .command('import')
  .description(
    'turn candle files into a new dataset: Binance kline CSV (gzipped or not, with a header or the headerless ' +
      "12 columns) or Freqtrade JSON. No look-ahead: each row is stamped at its bar's close; book = close -/+ half " +
      'the spread on the tick; ticker = close with the 24 h high, low and volume of the bars closed so far',
  )
  .requiredOption('--dataset <dir>', 'the new dataset folder (must not exist, or be empty)')
  .requiredOption('--from <file...>', 'candle files, in time order (several files of one symbol continue it)')
  .option('--symbol <symbol>', 'the symbol of every file (default: told by each file name, e.g. binance_BTCTRY_1m_...)')
  .option('--spread-bps <bps>', 'book spread around the close, in basis points (default 5)')
  .option('--allow-gaps', "keep the sources' gaps (bars missing) and list them in gaps.csv instead of failing")
  .action(async (options: RawReplayOptions) => {
    process.exitCode = await replayImportCommand(options, io);
  });
replay
  .command('capture')
  .description(
    'poll the public ticker and order book of BTCTURK_BASE_URL and write them as a new dataset (with the ' +
      "venue's exchangeinfo.json); a failed read ends it with nothing written",
  )
  .requiredOption('--dataset <dir>', 'the new dataset folder (must not exist, or be empty)')
  .requiredOption('--symbols <list>', 'pairs to record, comma-separated, e.g. BTCTRY,ETHTRY')
  .option('--seconds <n>', 'how long to record (default 300)')
  .option('--interval-seconds <n>', 'time between two polls (default 1)')
  .action(async (options: RawReplayOptions) => {
    process.exitCode = await replayCaptureCommand(options, io, { env: commandEnvironment() });
  });

await program.parseAsync(process.argv);
