// `btcbot config`: validates the configuration, prints the arming banner (spec 1.7) and the effective
// values with secrets masked. Exit code 2 on invalid configuration (spec 1.1).
import {
  configReferenceMarkdown,
  crossChecksMarkdown,
  STAGE3_KNOBS,
  STAGE4_KNOBS,
  STAGE7_KNOBS,
  unsupportedKnobsMarkdown,
} from '../../shared/config/config-reference';
import { describeConfig, type Env, loadConfig } from '../../shared/config/load-config';
import { armingBanner, armingInputsOf, evaluateArming } from '../../shared/domain/arming';
import { ConfigError } from '../../shared/domain/errors';

export interface ConfigCommandOptions {
  readonly json?: boolean;
  readonly reference?: boolean;
  /** With reference: only the stage 3 knobs */
  readonly stage3?: boolean;
  /** With reference: only the knobs the stage 4 cycle reads */
  readonly stage4?: boolean;
  /** With reference: only the knobs the stage 7 cycle reads */
  readonly stage7?: boolean;
  /** With reference: the list of cross-field checks instead of a table */
  readonly crossChecks?: boolean;
  /** With reference: the knobs nothing reads (refused when set) and why, instead of the supported ones */
  readonly unsupported?: boolean;
}

export interface CommandIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

export function configCommand(env: Env, options: ConfigCommandOptions, io: CommandIo): number {
  if (options.reference) {
    if (options.crossChecks) io.out(crossChecksMarkdown());
    else if (options.unsupported) io.out(unsupportedKnobsMarkdown());
    else if (options.stage3) io.out(configReferenceMarkdown(STAGE3_KNOBS));
    else if (options.stage4) io.out(configReferenceMarkdown(STAGE4_KNOBS));
    else if (options.stage7) io.out(configReferenceMarkdown(STAGE7_KNOBS));
    else io.out(configReferenceMarkdown());
    return 0;
  }
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(env);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    io.err(`Invalid configuration (${e.issues.length} problem${e.issues.length === 1 ? '' : 's'}):`);
    for (const issue of e.issues) io.err(`  ${issue.variable}: ${issue.message}`);
    return 2;
  }
  const shown = describeConfig(config);
  if (options.json) {
    io.out(JSON.stringify(shown, null, 2));
    return 0;
  }
  const inputs = armingInputsOf(config);
  io.out(armingBanner(inputs, evaluateArming(inputs)));
  const width = Math.max(...Object.keys(shown).map((k) => k.length));
  for (const [name, value] of Object.entries(shown)) io.out(`${name.padEnd(width)}  ${value}`);
  return 0;
}
