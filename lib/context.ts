// The cdk.json context keys this app reads (`btcbot:*`), validated once so a typo fails the synth
import type { App } from 'aws-cdk-lib';
import { KNOBS } from '../shared/config/knobs';

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
}

const DEFAULT_STAGE3: ScheduleSettings = { rate: 'rate(1 minute)', enabled: false, maxRetries: 2 };

function knobEnvironment(raw: unknown): Record<string, string> {
  const entries = Object.entries((raw ?? {}) as Record<string, unknown>);
  for (const [name] of entries) {
    const knob = (KNOBS as Record<string, { secret?: boolean }>)[name];
    if (!knob) throw new Error(`btcbot:functionEnvironment: ${name} is not a configuration knob`);
    if (knob.secret) throw new Error(`btcbot:functionEnvironment: ${name} is a secret; use the Secrets Manager secret`);
  }
  return Object.fromEntries(entries.map(([name, value]) => [name, String(value)]));
}

export function readContext(app: App): BtcbotContext {
  const ctx = (key: string): unknown => app.node.tryGetContext(key);
  const schedules = (ctx('btcbot:schedules') ?? {}) as { stage3?: Partial<ScheduleSettings> };
  const stage3 = { ...DEFAULT_STAGE3, ...schedules.stage3 };
  if (typeof stage3.enabled !== 'boolean') throw new Error('btcbot:schedules.stage3.enabled must be true or false');
  return {
    envName: String(ctx('btcbot:env') ?? 'dev'),
    secretExists: ctx('btcbot:secretExists') === true || ctx('btcbot:secretExists') === 'true',
    stage3Schedule: { rate: stage3.rate, enabled: stage3.enabled, maxRetries: Number(stage3.maxRetries) },
    functionEnvironment: knobEnvironment(ctx('btcbot:functionEnvironment')),
  };
}
