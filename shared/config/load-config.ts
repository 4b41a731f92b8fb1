// Loads the frozen Config from an environment map (spec 1.1): names are case-insensitive, the first name
// of a knob is canonical over its aliases, empty values count as unset, and every problem is reported at
// once by variable name. Secret values never appear in an error or in `describeConfig`. A knob that nothing
// reads yet is refused when set (spec 9.2.17): a setting without effect must not load silently.
import { ConfigError, type ConfigIssue } from '../domain/errors';
import { type Dec, dec, maxDec, sumDec, toPlain } from '../domain/money';
import { CROSS_FIELD_RULES } from './cross-field';
import { isRead, KNOB_READERS } from './knob-readers';
import { KNOBS, type KnobName, type KnobValues, type WeightEntry } from './knobs';

export type Config = Readonly<
  Omit<KnobValues, 'PORTFOLIO_TARGETS'> & {
    /** Normalized to sum 1; equal weights over SYMBOLS when unset (spec 1.4 item 12) */
    readonly PORTFOLIO_TARGETS: readonly WeightEntry[];
  }
>;

export type Env = Readonly<Record<string, string | undefined>>;

const FORBIDDEN = ['SETTINGS_ENV_FILE'] as const;
const KNOB_NAMES = Object.keys(KNOBS) as KnobName[];

function upperCaseKeys(env: Env): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined || value.trim() === '') continue;
    const upper = key.toUpperCase();
    // an exact upper-case spelling wins over another casing of the same name
    if (!out.has(upper) || key === upper) out.set(upper, value);
  }
  return out;
}

interface RawValue {
  readonly variable: string;
  readonly raw: string | undefined;
  /** The environment set it (false: the default) */
  readonly set: boolean;
}

/** The raw value a knob reads and the variable it came from (canonical name, else the first alias set) */
function rawValue(env: Map<string, string>, name: KnobName): RawValue {
  const spec = KNOBS[name] as { aliases?: readonly string[]; default?: string };
  for (const variable of [name, ...(spec.aliases ?? [])]) {
    const raw = env.get(variable);
    if (raw !== undefined) return { variable, raw, set: true };
  }
  return { variable: name, raw: spec.default, set: false };
}

/** Refused when set: nothing reads the knob yet, so its value would change nothing */
function unreadIssue(name: KnobName, variable: string): ConfigIssue | undefined {
  const readBy = KNOB_READERS[name];
  if (isRead(readBy)) return undefined;
  return { variable, message: `${variable} is not read by any function yet (${readBy.why}); remove it` };
}

export function loadConfig(env: Env): Config {
  const vars = upperCaseKeys(env);
  const issues: ConfigIssue[] = FORBIDDEN.filter((f) => vars.has(f)).map((variable) => ({
    variable,
    message: 'a custom settings file is forbidden; set variables in the environment (spec 1.1)',
  }));
  const parsed: Partial<Record<KnobName, unknown>> = {};
  for (const name of KNOB_NAMES) {
    const { variable, raw, set } = rawValue(vars, name);
    const unread = set ? unreadIssue(name, variable) : undefined;
    if (unread) issues.push(unread);
    const result = KNOBS[name].schema.safeParse(raw);
    if (result.success) parsed[name] = result.data;
    // the value of a knob that must go anyway is not worth a second complaint
    else if (!unread) for (const i of result.error.issues) issues.push({ variable, message: i.message });
  }
  const values = parsed as KnobValues;
  for (const rule of CROSS_FIELD_RULES) {
    if (rule.reads.every((r) => r in parsed)) issues.push(...rule.check(values));
  }
  if (issues.length > 0) throw new ConfigError(issues);
  return Object.freeze({ ...values, ...derived(values) });
}

/** Values the spec derives from others at load time (1.4 items 10 and 12) */
function derived(v: KnobValues): Pick<Config, 'STAGE5_BOOTSTRAP_NOTIONAL_TRY' | 'PORTFOLIO_TARGETS'> {
  const bootstrap = v.STAGE5_BOOTSTRAP_NOTIONAL_TRY.gt(0)
    ? maxDec(v.STAGE5_BOOTSTRAP_NOTIONAL_TRY, v.MIN_ORDER_NOTIONAL_TRY)
    : v.STAGE5_BOOTSTRAP_NOTIONAL_TRY;
  return { STAGE5_BOOTSTRAP_NOTIONAL_TRY: bootstrap, PORTFOLIO_TARGETS: normalizedTargets(v) };
}

function normalizedTargets(v: KnobValues): WeightEntry[] {
  const given = v.PORTFOLIO_TARGETS;
  if (given === undefined) {
    const equal = dec('1').div(v.SYMBOLS.length);
    return v.SYMBOLS.map((key) => ({ key, weight: equal }));
  }
  const total = sumDec(given.map((t) => t.weight));
  return given.map((t) => ({ key: t.key, weight: t.weight.div(total) }));
}

const render = (value: unknown): string => {
  if (value === undefined) return '(unset)';
  if (Array.isArray(value)) return value.map(render).join(',');
  if (typeof value === 'object' && value !== null && 'key' in value && 'weight' in value) {
    return `${String(value.key)}:${toPlain(value.weight as Dec)}`;
  }
  if (typeof value === 'object' && value !== null && 'toFixed' in value) return toPlain(value as Dec);
  return String(value);
};

/**
 * Every supported knob (one some code reads) as display text, secrets replaced by `***` when set; safe to print or
 * log. A knob nothing reads is left out: its value does nothing, and setting it fails the load.
 */
export function describeConfig(config: Config): Partial<Record<KnobName, string>> {
  const out: Partial<Record<KnobName, string>> = {};
  for (const name of KNOB_NAMES) {
    if (!isRead(KNOB_READERS[name])) continue;
    const value = config[name];
    out[name] = (KNOBS[name] as { secret?: boolean }).secret && value !== undefined ? '***' : render(value);
  }
  return out;
}
