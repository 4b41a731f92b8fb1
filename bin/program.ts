// The operator CLI's commands, options and help. Defining them loads no command: each action imports its
// command module (and the SDK clients it needs) when it runs, so `--help`, `--version` and a usage error cost
// only commander. Every usage error commander finds (unknown command or option, a missing or bad argument,
// too many arguments) exits 2 with its one line on stderr; --help and --version exit 0.
import { readFileSync } from 'node:fs';
import { Argument, Command, InvalidArgumentError, Option, type OutputConfiguration } from 'commander';
import type { RawLocalOptions } from '../local/runner/options';
import { accountNameProblem, envNameProblem, tableNameProblem } from '../shared/config/resource-names';
import type { RawAlertsOptions } from './commands/alerts-command';
import type { RawBacktestOptions } from './commands/backtest-command';
import type { CommandIo, ConfigCommandOptions } from './commands/config-command';
import type { DegradeAction, DegradeCommandOptions } from './commands/degrade-command';
import type { DeployCommandOptions } from './commands/deploy-command';
import type { RawExportOptions } from './commands/export-command';
import type { FreezeAction, FreezeCommandOptions } from './commands/freeze-command';
import type { InvokeCommandOptions } from './commands/invoke-command';
import { INVOKE_FUNCTION_NAMES } from './commands/invoke-functions';
import { KILL_SWITCH_ACTIONS, type KillSwitchAction } from './commands/kill-switch-actions';
import type { KillSwitchCommandOptions } from './commands/kill-switch-command';
import type { RawParityOptions } from './commands/parity-command';
import type { RawReplayOptions } from './commands/replay-command';
import type { RawReportOptions } from './commands/report-command';
import type { StatusCommandOptions } from './commands/status-command';

export interface ProgramRuntime {
  /** What the commands print */
  readonly io: CommandIo;
  /** Ends the process with commander's outcome: 0 after --help or --version, 2 for every usage error */
  readonly exit: (code: 0 | 2) => never;
  /** Where commander writes help and usage errors (default stdout and stderr) */
  readonly output?: OutputConfiguration;
}

/** The version of package.json, the one place it is written */
function packageVersion(): string {
  const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version?: unknown;
  };
  if (typeof version !== 'string' || !/^\d+\.\d+\.\d+(?:[-+][\w.+-]+)?$/.test(version)) {
    throw new Error(`package.json: expected a semver "version", was ${JSON.stringify(version)}`);
  }
  return version;
}

/** A commander argument parser from one of the configuration's name checks: a bad value is a usage error */
const checked =
  (problem: (value: string) => string | undefined) =>
  (value: string): string => {
    const found = problem(value);
    if (found !== undefined) throw new InvalidArgumentError(found);
    return value;
  };

const tableOption = (
  description = "DynamoDB state table (default STATE_TABLE_NAME, else the --env stack's StateTableName output)",
) => new Option('--table <name>', description).argParser(checked(tableNameProblem));
const accountOption = (what = 'account') =>
  new Option('--account <name>', `${what} (default BOT_ACCOUNT, else default)`).argParser(checked(accountNameProblem));
const envOption = (description: string, required = false) => {
  const option = new Option('--env <name>', description).argParser(checked(envNameProblem));
  return required ? option.makeOptionMandatory() : option;
};
const STACK_ENV = 'deployed environment: names missing from flags and variables come from stack Btcbot-<name>-Stateful';

export function createProgram(runtime: ProgramRuntime): Command {
  const { io } = runtime;
  const run = async (code: Promise<number> | number) => {
    process.exitCode = await code;
  };
  const program = new Command('btcbot')
    .description('btcbot-serverless: BTCTurk spot trading bot on AWS Lambda (operator CLI)')
    .version(packageVersion(), '-V, --version', 'print the version (package.json) and exit')
    // set before the subcommands are defined: each copies them (commander's inherited settings)
    .exitOverride((e) => runtime.exit(e.exitCode === 0 ? 0 : 2))
    .showHelpAfterError('(add --help for usage)');
  if (runtime.output) program.configureOutput(runtime.output);

  program
    .command('config')
    .description('validate the configuration and print the arming state and effective values (secrets masked)')
    .option('--json', 'print the effective values as JSON')
    .option('--reference', 'print the configuration reference table (Markdown)')
    .option('--stage3', 'with --reference: only the knobs of the stage 3 and reconcile functions')
    .option('--stage4', 'with --reference: only the knobs the stage 4 cycle reads')
    .option('--stage7', 'with --reference: only the knobs the stage 7 cycle reads')
    .option('--cross-checks', 'with --reference: the cross-field checks the loader applies (Markdown list)')
    .option('--unsupported', "with --reference: the reference bot's knobs nothing reads, refused when set, and why")
    .action(async (options: ConfigCommandOptions) => {
      const [{ configCommand }, { commandEnvironment }] = await Promise.all([
        import('./commands/config-command'),
        import('./commands/environment'),
      ]);
      await run(configCommand(commandEnvironment(), options, io));
    });

  program
    .command('local')
    .description('run the whole system locally on the BTCTurk simulator in simulated time and write a report')
    .option('--cycles <n>', 'scheduled cycles to run, one per simulated minute', '30')
    .option(
      '--stages <list>',
      'stages to schedule each simulated minute, comma-separated (default all): stage3 and stage4 trade two ' +
        'simulator accounts, stage7 only simulates',
    )
    .option('--symbols <list>', "TRY pairs to trade (with --dataset or --market-csv: the files')", 'BTCTRY,ETHTRY')
    .option(
      '--dataset <dir>',
      'replay dataset (btcbot replay): the simulator replays its market from its first row for every stage; ' +
        '<out>/stage7 then matches `btcbot backtest --include-adaptation` of it (btcbot parity)',
    )
    .option(
      '--market-csv <files>',
      'candle files (Binance klines, gz or not, e.g. ../shared/data/market/binance_BTCTRY_1m_*.csv.gz), ' +
        'comma-separated, one symbol each: the simulator replays them for every stage (default: a generated market)',
    )
    .option(
      '--balance-try <amount>',
      "TRY each trading bot's simulator account starts with (stage 3, stage 4)",
      '10000',
    )
    .option('--seed <n>', 'seed of the generated market, the simulator and its faults', '1')
    .option('--speed <x>', "simulated seconds per real second, or 'fast' (no real waiting)", 'fast')
    .option(
      '--faults <profile>',
      'simulator fault profile: none, flaky, lost-responses, rate-limited, clock-skew, slow',
      'none',
    )
    .option('--dry-run', 'send no order: every stage simulates its intents (default: trade the simulator, fake money)')
    .option('--live-sim', 'trade the simulator with every gate armed (the default; kept for older scripts)')
    .option('--aws <mode>', 'state: embedded (in-memory adapters) or moto (real AWS SDK on moto_server)', 'embedded')
    .option(
      '--aws-endpoint <url>',
      'with --aws moto: use this running endpoint (default AWS_ENDPOINT_URL, else start moto_server)',
    )
    .option('--out <dir>', 'where summary.json, report.md and report.html go (checked writable before the run)', 'out')
    .action(async (options: RawLocalOptions) => {
      const { localCommand } = await import('./commands/local-command');
      await run(localCommand(options, { ...io, progress: process.stderr }));
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
    .addOption(
      envOption(
        'environment: the parameter is /btcbot/<name>/kill-switch; the table defaults to its stack output',
        true,
      ),
    )
    .addOption(accountOption('account of the stored kill switch'))
    .addOption(
      tableOption(
        "DynamoDB state table holding the stored kill switch (default STATE_TABLE_NAME, else the --env stack's " +
          'StateTableName output)',
      ),
    )
    .option('--symbol <symbol>', "with clear-stored: lift this symbol's observe-only instead of the kill switch")
    .option('--stage <stage>', "with clear-stored: stage7 clears stage 7's own kill switch (set by its kill chain)")
    .action(async (action: KillSwitchAction, options: KillSwitchCommandOptions) => {
      const [{ killSwitchCommand }, { commandEnvironment }, aws] = await Promise.all([
        import('./commands/kill-switch-command'),
        import('./commands/environment'),
        import('./commands/aws-clients'),
      ]);
      const stored = {
        dynamodb: aws.dynamodbClient(),
        cloudformation: aws.cloudformationClient(),
        env: commandEnvironment(),
      };
      await run(killSwitchCommand(aws.ssmClient(), action, options, io, stored));
    });

  program
    .command('status')
    .description(
      'print the trading lease, both kill switches, observe-only symbols, in-flight orders and last cycles; ' +
        'stage 3 adds the orders by status and frozen symbols, stage 4 its mode, risk state, degrade level and ' +
        'override, unknown-order freeze and open replace transactions; stage 7 shows the simulation instead: its ' +
        'lease, its own kill switch, params, risk decision, simulated account, equity and last run metrics',
    )
    .addOption(envOption('environment: the kill switch is /btcbot/<name>/kill-switch', true))
    .option('--stage <stage>', 'stage3, stage4 or stage7', 'stage3')
    .addOption(accountOption('account of the lease and state'))
    .addOption(tableOption())
    .option('--json', 'print the report as JSON')
    .action(async (options: StatusCommandOptions) => {
      const [{ statusCommand }, { commandEnvironment }, aws] = await Promise.all([
        import('./commands/status-command'),
        import('./commands/environment'),
        import('./commands/aws-clients'),
      ]);
      const clients = {
        dynamodb: aws.dynamodbClient(),
        ssm: aws.ssmClient(),
        cloudformation: aws.cloudformationClient(),
      };
      await run(statusCommand(clients, commandEnvironment(), options, io));
    });

  /** The clients of freeze and degrade: the table, and the --env stack that can name it */
  const stage4Clients = async () => {
    const aws = await import('./commands/aws-clients');
    return { dynamodb: aws.dynamodbClient(), cloudformation: aws.cloudformationClient() };
  };

  const freeze = program
    .command('freeze')
    .description(
      'show or clear the stage 4 unknown-order freeze (spec 3.7): while it is active no stage 4 order is ' +
        'submitted, and only `freeze clear` lifts it',
    );
  const freezeAction = (action: FreezeAction) => async (options: FreezeCommandOptions) => {
    const [{ freezeCommand }, { commandEnvironment }, clients] = await Promise.all([
      import('./commands/freeze-command'),
      import('./commands/environment'),
      stage4Clients(),
    ]);
    await run(freezeCommand(clients, commandEnvironment(), action, options, io));
  };
  freeze
    .command('status')
    .description('print the freeze: active or not, its reason, since when, what triggered it, the last clear')
    .addOption(accountOption())
    .addOption(tableOption())
    .addOption(envOption(STACK_ENV))
    .action(freezeAction('status'));
  freeze
    .command('clear')
    .description('lift the freeze (after repairing what triggered it) and print what was cleared')
    .option('--reason <text>', 'required: why the freeze may lift, e.g. what was repaired')
    .option('--operator <name>', 'who clears (default USER, else LOGNAME)')
    .addOption(accountOption())
    .addOption(tableOption())
    .addOption(envOption(STACK_ENV))
    .action(freezeAction('clear'));

  const degrade = program
    .command('degrade')
    .description('show the stage 4 degrade level (spec 3.16), or set or clear the operator override of it');
  const degradeAction = (action: DegradeAction) => async (options: DegradeCommandOptions) => {
    const [{ degradeCommand }, { commandEnvironment }, clients] = await Promise.all([
      import('./commands/degrade-command'),
      import('./commands/environment'),
      stage4Clients(),
    ]);
    await run(degradeCommand(clients, commandEnvironment(), action, options, io));
  };
  degrade
    .command('status')
    .description('print the degrade level, its reasons, cooldown and step-down, and the override')
    .addOption(accountOption())
    .addOption(tableOption())
    .addOption(envOption(STACK_ENV))
    .action(degradeAction('status'));
  degrade
    .command('clear')
    .description('remove the override (the level it raised steps down through its cooldown as usual)')
    .option('--reset-level', 'also put the degrade level back to 0 at once (after the cause is repaired)')
    .addOption(accountOption())
    .addOption(tableOption())
    .addOption(envOption(STACK_ENV))
    .action(degradeAction('clear'));
  degrade
    .command('override')
    .description(
      'make the stage 4 mode at least --mode until the cooldown ends (reason MANUAL_OVERRIDE); never relaxes',
    )
    .option('--mode <mode>', 'required: NORMAL, REDUCE_RISK_ONLY or OBSERVE_ONLY')
    .option('--reason <text>', 'required: why')
    .option('--cooldown-seconds <n>', 'how long the override lasts, whole seconds (default 900)')
    .addOption(accountOption())
    .addOption(tableOption())
    .addOption(envOption(STACK_ENV))
    .action(degradeAction('override'));

  program
    .command('invoke')
    .description("run a function's real handler on an event file, like sam local invoke, and print its result")
    .addArgument(new Argument('<function>', 'the function, or its CDK logical id').choices(INVOKE_FUNCTION_NAMES))
    .requiredOption('--event <file>', 'event JSON file, e.g. events/stage4-cycle/scheduled.json')
    .option('--local', 'in-memory state and the BTCTurk simulator instead of AWS (AWS_ENDPOINT_URL, e.g. moto_server)')
    .addOption(
      envOption(
        'deployed environment: the table, queue, parameter and secret the environment does not set come from ' +
          'stack Btcbot-<name>-Stateful (not with --local)',
      ),
    )
    .option(
      '--keep-time',
      "keep a scheduled event's own `time` (by default it fires now: a firing older than CYCLE_MAX_EVENT_AGE_SECONDS runs no cycle)",
    )
    .action(async (name: string, options: InvokeCommandOptions) => {
      const [{ invokeCommand }, { commandEnvironment }, aws] = await Promise.all([
        import('./commands/invoke-command'),
        import('./commands/environment'),
        import('./commands/aws-clients'),
      ]);
      await run(invokeCommand(name, options, commandEnvironment(), io, aws.cloudformationClient()));
    });

  program
    .command('doctor')
    .description('check configuration, arming, secret, kill switch, state table, reconcile queue and clock skew')
    .addOption(
      envOption(
        'environment (BOT_ENV): the kill switch is /btcbot/<name>/kill-switch; the secret, table and queue ' +
          'the environment does not set come from stack Btcbot-<name>-Stateful',
      ),
    )
    .action(async (options: { env?: string }) => {
      const [{ doctorCommand }, { commandEnvironment }, aws] = await Promise.all([
        import('./commands/doctor-command'),
        import('./commands/environment'),
        import('./commands/aws-clients'),
      ]);
      const clients = {
        dynamodb: aws.dynamodbClient(),
        ssm: aws.ssmClient(),
        sqs: aws.sqsClient(),
        secrets: aws.secretsManagerClient(),
        cloudformation: aws.cloudformationClient(),
      };
      await run(doctorCommand(clients, commandEnvironment(), options, io));
    });

  program
    .command('report')
    .description(
      'report a stage 7 run folder (btcbot backtest, or btcbot local --stages stage7): summary (return, drawdown, ' +
        'Sharpe, Sortino, win rate, profit factor, fees, exposure), SLO status, fail-closed financial validations ' +
        '(exit 1 when one fails), daily and weekly rollups, pairs and the last cycles; --html also writes report.html',
    )
    .requiredOption('--run <dir>', 'the run folder: run.json and cycles.jsonl')
    .option('--last <n>', 'cycles in the table (default 10; every other figure covers the whole run)')
    .option('--json', 'print the report as one JSON document instead of text')
    .option('--html [file]', 'also write the report as a self-contained page (default <run>/report.html)')
    .action(async (options: RawReportOptions) => {
      const [{ reportCommand }, { commandEnvironment }] = await Promise.all([
        import('./commands/report-command'),
        import('./commands/environment'),
      ]);
      await run(reportCommand(options, commandEnvironment(), io));
    });

  program
    .command('export')
    .description("export a stage 7 run folder's last cycles as flat run-metrics rows (CSV, JSON or JSON lines)")
    .requiredOption('--run <dir>', 'the run folder: run.json and cycles.jsonl')
    .option('--last <n>', 'rows, newest last (default 50)')
    .option('--format <format>', 'csv, json, jsonl, or both (CSV and JSON: needs --out) (default csv)')
    .option('--out <file>', 'write here instead of stdout; with --format both, <file>.csv and <file>.json')
    .action(async (options: RawExportOptions) => {
      const { exportCommand } = await import('./commands/export-command');
      await run(exportCommand(options, io));
    });

  program
    .command('alerts')
    .description('print the most recent cycles of a stage 7 run folder that raised an alert flag (spec 4.14)')
    .requiredOption('--run <dir>', 'the run folder: run.json and cycles.jsonl')
    .option('--last <n>', 'alerting cycles to print, newest last (default 50)')
    .action(async (options: RawAlertsOptions) => {
      const { alertsCommand } = await import('./commands/alerts-command');
      await run(alertsCommand(options, io));
    });

  program
    .command('backtest')
    .description(
      'run stage 7 over a replay dataset in simulated time (in memory: no AWS, no network) and write a run folder ' +
        '(run.json, cycles.jsonl) for parity, report and export; prints one JSON line: cycles_run, seed, out, ' +
        'started_at, ended_at, param_changes, final_fingerprint. Exit 2 on bad input (nothing written), 1 when a cycle fails',
    )
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
      const [{ backtestCommand }, { commandEnvironment }] = await Promise.all([
        import('./commands/backtest-command'),
        import('./commands/environment'),
      ]);
      const stop = new AbortController();
      const onSigint = () => stop.abort();
      process.on('SIGINT', onSigint);
      try {
        const backtestIo = { ...io, progress: process.stderr, signal: stop.signal };
        await run(backtestCommand(options, commandEnvironment(), backtestIo));
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
    .requiredOption('--a <dir>', 'the first run folder (btcbot backtest --out, or a local run)')
    .requiredOption('--b <dir>', 'the second run folder')
    .option('--start <time>', 'only cycles at or after this time: ISO-8601 (naive = UTC) or epoch s/ms')
    .option('--end <time>', 'only cycles at or before this time')
    .option('--quantize-try <step>', 'round TRY amounts to this positive step (half even) before hashing, e.g. 0.01')
    .option('--include-adaptation', 'also compare the active params version and the change of each cycle')
    .option('--dataset <dir>', 'not accepted: parity compares finished runs (explains and exits 2)')
    .action(async (options: RawParityOptions) => {
      const { parityCommand } = await import('./commands/parity-command');
      await run(parityCommand(options, io));
    });

  const replay = program
    .command('replay')
    .description(
      'replay datasets (spec 4.19): candles/, orderbook/ and ticker/ CSVs per symbol that a backtest replays; ' +
        'create one (init), check one (validate), convert candle files you have (import) or record the venue (capture)',
    );
  const replayCommands = () => import('./commands/replay-command');
  replay
    .command('init')
    .description("create a dataset folder with its README and schema.json and the spec's 6 synthetic BTCTRY rows")
    .requiredOption('--dataset <dir>', 'the new dataset folder (must not exist, or be empty)')
    .option('--seed <n>', 'seed of the synthetic rows (default 123)')
    .option('--no-synthetic', 'only the folders and documents, no rows')
    .action(async (options: RawReplayOptions) => {
      await run((await replayCommands()).replayInitCommand(options, io));
    });
  replay
    .command('validate')
    .description(
      'check every file and row of a dataset; print its problems by code, file and line (exit 0 valid, 2 not)',
    )
    .requiredOption('--dataset <dir>', 'the dataset folder')
    .action(async (options: RawReplayOptions) => {
      await run((await replayCommands()).replayValidateCommand(options, io));
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
    .option(
      '--symbol <symbol>',
      'the symbol of every file (default: told by each file name, e.g. binance_BTCTRY_1m_...)',
    )
    .option('--spread-bps <bps>', 'book spread around the close, in basis points (default 5)')
    .option('--allow-gaps', "keep the sources' gaps (bars missing) and list them in gaps.csv instead of failing")
    .action(async (options: RawReplayOptions) => {
      await run((await replayCommands()).replayImportCommand(options, io));
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
      const [{ replayCaptureCommand }, { commandEnvironment }] = await Promise.all([
        replayCommands(),
        import('./commands/environment'),
      ]);
      await run(replayCaptureCommand(options, io, { env: commandEnvironment() }));
    });

  program
    .command('deploy')
    .description(
      'bootstrap and deploy both stacks to a running moto_server with the real CDK CLI, as the deploy test does ' +
        '(to AWS: npx cdk deploy --all, README "Deploy")',
    )
    .addOption(
      new Option('--target <target>', 'where to deploy: moto (AWS deployments use npx cdk deploy)')
        .choices(['moto'])
        .makeOptionMandatory(),
    )
    .addOption(envOption('environment: the stacks Btcbot-<name>-Stateful and Btcbot-<name>-Stateless', true))
    .option('--aws-endpoint <url>', 'http://localhost:<port> of the moto_server (default AWS_ENDPOINT_URL)')
    .option('--out <dir>', 'where the CDK CLI writes the cloud assembly', 'cdk.out')
    .action(async (options: DeployCommandOptions) => {
      const [{ deployCommand }, { commandEnvironment }] = await Promise.all([
        import('./commands/deploy-command'),
        import('./commands/environment'),
      ]);
      await run(deployCommand(options, io, commandEnvironment()));
    });

  return program;
}
