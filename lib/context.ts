// The cdk.json context keys this app reads (`btcbot:*`), validated once so a typo fails the synth
import type { App } from 'aws-cdk-lib';
import { z } from 'zod';
import { KNOBS } from '../shared/config/knobs';
import { loadConfig } from '../shared/config/load-config';
import { armingInputsOf, evaluateArming } from '../shared/domain/arming';
import { ConfigError } from '../shared/domain/errors';
import { LONGEST_CYCLE_TIMEOUT } from './function-timeouts';
import { credentialsSecretName } from './stateful-stack';

export interface ScheduleSettings {
  /** EventBridge Scheduler rate expression, e.g. `rate(1 minute)` */
  readonly rate: string;
  /** The rate in minutes: the heartbeat alarm's window is derived from it */
  readonly minutes: number;
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
  /** Never enabled together with stage3Schedule (readContext refuses it) */
  readonly stage4Schedule: ScheduleSettings;
  /** May run beside stage 3 or stage 4: stage 7 simulates under its own lease and never trades */
  readonly stage7Schedule: ScheduleSettings;
  /** `btcbot:functionEnvironment`: knob values (shared/config/knobs.ts) given to every function */
  readonly functionEnvironment: Readonly<Record<string, string>>;
  /** Every gate of functionEnvironment allows live orders: only the kill switch parameter can stop them */
  readonly armedForLive: boolean;
  /**
   * RECONCILE_MAX_RECEIVES of btcbot:functionEnvironment, else its default: the reconcile queue's
   * maxReceiveCount AND the reconcile function's last delivery, read from this one value so they agree
   */
  readonly reconcileMaxReceives: number;
  /** `btcbot:alarmEmail`: subscribed to the alarm topic when set (the recipient confirms by e-mail) */
  readonly alarmEmail: string | undefined;
}

const DEFAULT_SCHEDULES = {
  stage3: { rate: 'rate(1 minute)', enabled: false, maxRetries: 2 },
  stage4: { rate: 'rate(1 minute)', enabled: false, maxRetries: 2 },
  // the spec gives stage 7 no cadence; every cycle stores a run row, so a slower default keeps what a
  // forgotten schedule adds to the table small
  stage7: { rate: 'rate(5 minutes)', enabled: false, maxRetries: 2 },
} as const satisfies Record<string, Omit<ScheduleSettings, 'minutes'>>;
type ScheduledStage = keyof typeof DEFAULT_SCHEDULES;
const SCHEDULED_STAGES = Object.keys(DEFAULT_SCHEDULES) as ScheduledStage[];

const MINUTES_PER_UNIT = { minute: 1, hour: 60, day: 1440 } as const;

/**
 * Minutes between two firings of an EventBridge Scheduler rate expression. A cron or at expression is refused:
 * the heartbeat alarm needs a fixed interval to know when a cycle is overdue.
 */
function rateMinutes(stage: ScheduledStage, rate: unknown): number {
  const match = typeof rate === 'string' ? /^rate\(([1-9]\d*) (minute|hour|day)(s?)\)$/.exec(rate) : null;
  const count = Number(match?.[1]);
  // the scheduler takes the singular unit for 1 and the plural for more
  if (!match || (count === 1) !== (match[3] === ''))
    throw new Error(
      `btcbot:schedules.${stage}.rate must be rate(1 minute|hour|day) or rate(<n> minutes|hours|days), was ${JSON.stringify(rate)}: the heartbeat alarm derives its window from the rate`,
    );
  return count * MINUTES_PER_UNIT[match[2] as keyof typeof MINUTES_PER_UNIT];
}

function scheduleOf(stage: ScheduledStage, raw: Partial<ScheduleSettings> | undefined): ScheduleSettings {
  const settings = { ...DEFAULT_SCHEDULES[stage], ...raw };
  if (typeof settings.enabled !== 'boolean') throw new Error(`btcbot:schedules.${stage}.enabled must be true or false`);
  return {
    rate: settings.rate,
    minutes: rateMinutes(stage, settings.rate),
    enabled: settings.enabled,
    maxRetries: Number(settings.maxRetries),
  };
}

/** The address alarms are mailed to, if any; a malformed one fails the synth instead of a silent subscription */
function alarmEmail(raw: unknown): string | undefined {
  if (raw === undefined || raw === null || raw === '') return undefined;
  const parsed = z.email().safeParse(raw);
  if (!parsed.success) throw new Error(`btcbot:alarmEmail must be an e-mail address, was ${JSON.stringify(raw)}`);
  return parsed.data;
}

/** The knob values, and whether they arm the trading cycles for live orders (the kill switch parameter aside) */
function knobEnvironment(
  raw: unknown,
  envName: string,
): { environment: Record<string, string>; armedForLive: boolean } {
  const entries = Object.entries((raw ?? {}) as Record<string, unknown>);
  for (const [name] of entries) {
    const knob = (KNOBS as Record<string, { secret?: boolean }>)[name];
    if (!knob) throw new Error(`btcbot:functionEnvironment: ${name} is not a configuration knob`);
    if (knob.secret) throw new Error(`btcbot:functionEnvironment: ${name} is a secret; use the Secrets Manager secret`);
  }
  const environment = Object.fromEntries(entries.map(([name, value]) => [name, String(value)]));
  // the functions load the same values at cold start: every range, cross-check and unread-knob refusal
  // fails the synth instead of a deployed function. The stack adds what the cross-checks also read: the
  // secret's name (live trading needs credentials) and each cycle's timeout (the lease must outlive it).
  try {
    const config = loadConfig({
      ...environment,
      BTCTURK_SECRET_ID: credentialsSecretName(envName),
      FUNCTION_TIMEOUT_SECONDS: String(LONGEST_CYCLE_TIMEOUT.toSeconds()),
    });
    return { environment, armedForLive: evaluateArming(armingInputsOf(config)).allowed };
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    throw new Error(`btcbot:functionEnvironment: ${e.issues.map((i) => `${i.variable}: ${i.message}`).join('; ')}`);
  }
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
  const rawSchedules = ctx('btcbot:schedules') ?? {};
  // `-c key=value` passes a string, which would otherwise leave every schedule at its default unseen
  if (typeof rawSchedules !== 'object')
    throw new Error(
      'btcbot:schedules must be an object { "stage3": {...}, "stage4": {...}, "stage7": {...} }; set it in cdk.json',
    );
  // a misspelt stage would otherwise leave that stage's schedule at its default (disabled) unseen
  const unknown = Object.keys(rawSchedules).filter((key) => !(SCHEDULED_STAGES as string[]).includes(key));
  if (unknown.length > 0)
    throw new Error(
      `btcbot:schedules: ${unknown.join(', ')} is not a scheduled stage; expected ${SCHEDULED_STAGES.join(', ')}`,
    );
  const schedules = rawSchedules as Partial<Record<ScheduledStage, Partial<ScheduleSettings>>>;
  const stage3Schedule = scheduleOf('stage3', schedules.stage3);
  const stage4Schedule = scheduleOf('stage4', schedules.stage4);
  // both cycles take the account's one trading lease, so they never run at once, but each would plan from
  // the same balances and open orders and undo what the other's strategy did. Stage 7 is not in this rule:
  // it holds its own lease and only simulates, so it plans beside either without touching their orders.
  if (stage3Schedule.enabled && stage4Schedule.enabled)
    throw new Error(
      "btcbot:schedules.stage3.enabled and btcbot:schedules.stage4.enabled are both true: the two strategies would fight over one account's orders; enable one of them",
    );
  const envName = String(ctx('btcbot:env') ?? 'dev');
  // it is part of stack, alarm, dashboard, parameter and secret names: the narrowest of their alphabets
  if (!/^[A-Za-z0-9-]{1,32}$/.test(envName))
    throw new Error(`btcbot:env must be 1-32 characters of A-Z a-z 0-9 -, was ${JSON.stringify(envName)}`);
  const { environment: functionEnvironment, armedForLive } = knobEnvironment(
    ctx('btcbot:functionEnvironment'),
    envName,
  );
  return {
    envName,
    secretExists: ctx('btcbot:secretExists') === true || ctx('btcbot:secretExists') === 'true',
    stage3Schedule,
    stage4Schedule,
    stage7Schedule: scheduleOf('stage7', schedules.stage7),
    functionEnvironment,
    armedForLive,
    reconcileMaxReceives: reconcileMaxReceives(functionEnvironment),
    alarmEmail: alarmEmail(ctx('btcbot:alarmEmail')),
  };
}
