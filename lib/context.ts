// The cdk.json context keys this app reads (`btcbot:*`), validated once so a typo fails the synth
import type { App } from 'aws-cdk-lib';
import { KNOBS } from '../shared/config/knobs';
import { loadConfig } from '../shared/config/load-config';
import { ConfigError } from '../shared/domain/errors';

export interface ScheduleSettings {
  /** EventBridge Scheduler expression, e.g. `rate(1 minute)` */
  readonly rate: string;
  /** Disabled by default: a fresh deployment never trades on its own */
  readonly enabled: boolean;
  /** Scheduler retries of one firing (same execution id, so the same cycle id) */
  readonly maxRetries: number;
}

export interface BtcbotContext {
  readonly envName: string;
  /** `btcbot:secretExists`: reference the secret `btcbot/<env>/btcturk` instead of creating it */
  readonly secretExists: boolean;
  readonly stage3Schedule: ScheduleSettings;
  /** `btcbot:functionEnvironment`: knob values (shared/config/knobs.ts) given to both functions */
  readonly functionEnvironment: Readonly<Record<string, string>>;
  /**
   * RECONCILE_MAX_RECEIVES of btcbot:functionEnvironment, else its default: the reconcile queue's
   * maxReceiveCount AND the reconcile function's last delivery, read from this one value so they agree
   */
  readonly reconcileMaxReceives: number;
}

const DEFAULT_STAGE3: ScheduleSettings = { rate: 'rate(1 minute)', enabled: false, maxRetries: 2 };

function knobEnvironment(raw: unknown): Record<string, string> {
  const entries = Object.entries((raw ?? {}) as Record<string, unknown>);
  for (const [name] of entries) {
    const knob = (KNOBS as Record<string, { secret?: boolean }>)[name];
    if (!knob) throw new Error(`btcbot:functionEnvironment: ${name} is not a configuration knob`);
    if (knob.secret) throw new Error(`btcbot:functionEnvironment: ${name} is a secret; use the Secrets Manager secret`);
  }
  const environment = Object.fromEntries(entries.map(([name, value]) => [name, String(value)]));
  // the functions load the same values at cold start: every range, cross-check and unread-knob refusal
  // fails the synth instead of a deployed function
  try {
    loadConfig(environment);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    throw new Error(`btcbot:functionEnvironment: ${e.issues.map((i) => `${i.variable}: ${i.message}`).join('; ')}`);
  }
  return environment;
}

function reconcileMaxReceives(functionEnvironment: Readonly<Record<string, string>>): number {
  const knob = KNOBS.RECONCILE_MAX_RECEIVES;
  const parsed = knob.schema.safeParse(functionEnvironment.RECONCILE_MAX_RECEIVES ?? knob.default);
  if (!parsed.success) {
    const why = parsed.error.issues.map((i) => i.message).join('; ');
    throw new Error(`btcbot:functionEnvironment: RECONCILE_MAX_RECEIVES: ${why}`);
  }
  return parsed.data;
}

export function readContext(app: App): BtcbotContext {
  const ctx = (key: string): unknown => app.node.tryGetContext(key);
  const schedules = (ctx('btcbot:schedules') ?? {}) as { stage3?: Partial<ScheduleSettings> };
  const stage3 = { ...DEFAULT_STAGE3, ...schedules.stage3 };
  if (typeof stage3.enabled !== 'boolean') throw new Error('btcbot:schedules.stage3.enabled must be true or false');
  const functionEnvironment = knobEnvironment(ctx('btcbot:functionEnvironment'));
  return {
    envName: String(ctx('btcbot:env') ?? 'dev'),
    secretExists: ctx('btcbot:secretExists') === true || ctx('btcbot:secretExists') === 'true',
    stage3Schedule: { rate: stage3.rate, enabled: stage3.enabled, maxRetries: Number(stage3.maxRetries) },
    functionEnvironment,
    reconcileMaxReceives: reconcileMaxReceives(functionEnvironment),
  };
}
