// The fault profiles a chaos schedule runs under; a seed picks one (seed modulo the slots, so every profile
// gets a fixed share of a run) and draws the rest of its schedule from the seed. `mixed` draws a random
// combination of every fault and behaviour, for the interactions the single profiles miss.
import type { FaultSettings } from '../../../local/btcturk-sim/fault-settings';
import type { Prng } from '../../../local/market/prng';
import type { ChaosStage } from './chaos-world';

export const PROFILE_NAMES = [
  'lost-responses',
  '5xx',
  '429-bursts',
  'accept-then-429',
  'accept-then-5xx',
  'clock-ahead',
  'clock-behind',
  'kill-switch',
  'concurrent-reconcile',
  'foreign-orders',
  'vanishing-orders',
  'mixed',
] as const;

export type ProfileName = (typeof PROFILE_NAMES)[number];

/** What the schedule does besides the venue's faults */
export interface Behaviours {
  /** The kill switch goes on during a cycle (and off again before the final drain) */
  readonly killSwitch: boolean;
  /** Reconcile drains run concurrently with cycles, with duplicated (at-least-once) deliveries */
  readonly concurrentReconcile: boolean;
  /** Someone else books orders on the account */
  readonly foreignOrders: boolean;
  /** The venue stops listing some of the bot's orders */
  readonly vanishingOrders: boolean;
}

export interface Profile {
  readonly name: ProfileName;
  readonly faults: Partial<FaultSettings>;
  /** Faults that stay when the others are turned off for the final drain (a venue clock stays skewed) */
  readonly lasting: Partial<FaultSettings>;
  /** The venue's documented quotas (only where 429s are the point: they slow the harness down) */
  readonly rateLimits: boolean;
  readonly behaviours: Behaviours;
}

const NONE: Behaviours = {
  killSwitch: false,
  concurrentReconcile: false,
  foreignOrders: false,
  vanishingOrders: false,
};
/** Some uncertain submits, so the behaviour under test meets orders in flight */
const LIGHT_LOSS = { dropRate: 0.03, submitTimeoutRate: 0.1, submitTimeoutMode: 'destroy' } as const;

const lostResponses = (rng: Prng): Partial<FaultSettings> => ({
  dropRate: 0.05 + rng.next() * 0.1,
  submitTimeoutRate: 0.2 + rng.next() * 0.3,
  submitTimeoutMode: rng.next() < 0.5 ? 'destroy' : 'hold',
});

function mixed(rng: Prng): Profile {
  const on = () => rng.next() < 0.5;
  const skew = on() ? { clockSkewMs: Math.round((rng.next() * 2 - 1) * 15_000) } : {};
  const limited = on();
  const faults: Partial<FaultSettings> = {
    ...(on() ? lostResponses(rng) : LIGHT_LOSS),
    ...(on() ? { errorRate: 0.05 + rng.next() * 0.1 } : {}),
    ...(limited ? { rateLimitEvery: 6 + rng.int(8), rateLimitBurst: 1 + rng.int(2) } : {}),
    ...(on() ? { acceptThen429Rate: 0.05 + rng.next() * 0.2 } : {}),
    ...(on() ? { acceptThen5xxRate: 0.05 + rng.next() * 0.2 } : {}),
    ...skew,
  };
  // the kill-switch check orders writes after the flip by request: a concurrent drain would blur that
  const killSwitch = rng.next() < 0.25;
  const behaviours = {
    killSwitch,
    concurrentReconcile: !killSwitch && on(),
    foreignOrders: on(),
    vanishingOrders: on(),
  };
  return { name: 'mixed', faults, lasting: skew, rateLimits: limited, behaviours };
}

/** The seed's profile by slot: each single profile one slot, `mixed` (where interactions hide) four */
const SLOTS: readonly ProfileName[] = [...PROFILE_NAMES, 'mixed', 'mixed', 'mixed'];

/** A third of the seeds run stage 4, as many with every profile (the profile is the seed's slot) */
export const stageOf = (seed: number): ChaosStage => (Math.floor(seed / SLOTS.length) % 3 === 2 ? 'stage4' : 'stage3');

export function profileOf(seed: number, rng: Prng): Profile {
  const name = SLOTS[seed % SLOTS.length] as ProfileName;
  const base = { name, lasting: {}, rateLimits: false, behaviours: NONE };
  switch (name) {
    case 'lost-responses':
      return { ...base, faults: lostResponses(rng) };
    case '5xx':
      return { ...base, faults: { errorRate: 0.1 + rng.next() * 0.15 } };
    case '429-bursts':
      return { ...base, rateLimits: true, faults: { rateLimitEvery: 5 + rng.int(6), rateLimitBurst: 1 + rng.int(3) } };
    case 'accept-then-429':
      return { ...base, faults: { acceptThen429Rate: 0.2 + rng.next() * 0.3 } };
    case 'accept-then-5xx':
      return { ...base, faults: { acceptThen5xxRate: 0.2 + rng.next() * 0.3 } };
    // with lost submits: an uncertain order is then looked up across the two clocks
    case 'clock-ahead':
    case 'clock-behind': {
      const skew = { clockSkewMs: name === 'clock-ahead' ? 15_000 : -15_000 };
      const lost = { submitTimeoutRate: 0.3, submitTimeoutMode: 'destroy', dropRate: 0.03 } as const;
      return { ...base, faults: { ...skew, ...lost }, lasting: skew };
    }
    case 'concurrent-reconcile':
      return {
        ...base,
        faults: { submitTimeoutRate: 0.3, submitTimeoutMode: 'destroy', dropRate: 0.03, errorRate: 0.05 },
        behaviours: { ...NONE, concurrentReconcile: true },
      };
    case 'kill-switch':
      return { ...base, faults: LIGHT_LOSS, behaviours: { ...NONE, killSwitch: true } };
    case 'foreign-orders':
      return { ...base, faults: LIGHT_LOSS, behaviours: { ...NONE, foreignOrders: true } };
    case 'vanishing-orders':
      return { ...base, faults: LIGHT_LOSS, behaviours: { ...NONE, vanishingOrders: true } };
    case 'mixed':
      return mixed(rng);
  }
}
