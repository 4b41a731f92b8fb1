// Stage 7 risk budget v2 (spec 4.4): every step with its boundary (>= against >), the mode combination, the
// HIGH_VOL caps, the cooldown and its carry-over, the inputs hash, refusals, and that the decision is the
// Stage7CycleRisk the risk policy (4.9) reads.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../../shared/config/load-config';
import { ValidationError } from '../../../../shared/domain/errors';
import { hashCanonical } from '../../../../shared/domain/hashing';
import { Dec, dec, ZERO } from '../../../../shared/domain/money';
import type { Stage7Intent } from '../../../../shared/domain/oms/stage7-intent';
import type { Mode } from '../../../../shared/domain/risk/mode';
import {
  decideStage7RiskBudget,
  type Stage7RiskBudgetSettings,
  type Stage7RiskDecision,
  type Stage7RiskInputs,
  stage7RiskInputsHash,
} from '../../../../shared/domain/risk/stage7-risk-budget';
import { applyStage7RiskPolicy, type Stage7CycleRisk } from '../../../../shared/domain/risk/stage7-risk-policy';

/** The knob defaults, as the loader parses them: the settings interface takes the config as it is */
const DEFAULTS: Stage7RiskBudgetSettings = loadConfig({});
/** 2024-01-01T00:00:00Z */
const NOW = 1_704_067_200_000;
const EXPOSURE = hashCanonical({ per_symbol_exposure_try: { BTCTRY: '100' } });

const CALM: Stage7RiskInputs = {
  killSwitch: false,
  exchangeDegraded: false,
  marketDataAgeMs: 0,
  staleAgeMs: 0,
  dailyPnlTry: ZERO,
  drawdownRatio: ZERO,
  feeBurnTodayTry: ZERO,
  spreadBps: dec('10'),
  quoteVolumeTry: dec('1000000'),
  rejectRate: ZERO,
  exposureHash: EXPOSURE,
  previous: undefined,
};

const decide = (
  inputs: Partial<Stage7RiskInputs> = {},
  settings: Partial<Stage7RiskBudgetSettings> = {},
  nowMs = NOW,
): Stage7RiskDecision => decideStage7RiskBudget({ ...CALM, ...inputs }, nowMs, { ...DEFAULTS, ...settings });
const modeOf = (inputs: Partial<Stage7RiskInputs>, settings: Partial<Stage7RiskBudgetSettings> = {}) => {
  const d = decide(inputs, settings);
  return [d.mode, d.reasons];
};
const caps = (d: Stage7RiskDecision) => [
  d.maxOrderNotionalTry.toFixed(),
  d.maxOrdersPerCycle,
  d.maxSymbolExposureTry.toFixed(),
];

describe('start (spec 4.4): NORMAL, ["OK"], caps min(MAX_ORDER_NOTIONAL_TRY, NOTIONAL_CAP_TRY_PER_CYCLE)', () => {
  it('with the knob defaults: min(3000, 1000) = 1000, 2 orders, 8000 exposure; limits echoed; both allowed', () => {
    const d = decide();
    expect([d.mode, d.reasons]).toEqual(['NORMAL', ['OK']]);
    expect(caps(d)).toEqual(['1000', 2, '8000']);
    expect([d.dailyLossLimitTry.toFixed(), d.maxDrawdownBps.toFixed(), d.feeBurnLimitTry.toFixed()]).toEqual([
      '500',
      '2500',
      '150',
    ]);
    expect([d.allowSubmit, d.allowCancel, d.cooldownUntilMs, d.decidedAtMs]).toEqual([true, true, undefined, NOW]);
  });

  it('the order notional cap is the smaller of the two knobs, either way round', () => {
    expect(decide({}, { MAX_ORDER_NOTIONAL_TRY: dec('400') }).maxOrderNotionalTry.toFixed()).toBe('400');
    expect(decide({}, { NOTIONAL_CAP_TRY_PER_CYCLE: dec('5000') }).maxOrderNotionalTry.toFixed()).toBe('3000');
  });
});

describe('steps 1-3: OBSERVE_ONLY rules, each setting the cooldown now + RISK_COOLDOWN_SEC', () => {
  const COOLDOWN_END = NOW + 900_000;

  it('1. kill switch -> OBSERVE_ONLY KILL_SWITCH, submits refused, cancels allowed', () => {
    const d = decide({ killSwitch: true });
    expect([d.mode, d.reasons, d.cooldownUntilMs]).toEqual(['OBSERVE_ONLY', ['KILL_SWITCH'], COOLDOWN_END]);
    expect([d.allowSubmit, d.allowCancel]).toEqual([false, true]);
  });

  it('2. exchange degraded -> OBSERVE_ONLY EXCHANGE_DEGRADED', () => {
    expect(modeOf({ exchangeDegraded: true })).toEqual(['OBSERVE_ONLY', ['EXCHANGE_DEGRADED']]);
  });

  it('3. max(market data age, stale age) > STAGE7_MAX_DATA_AGE_SEC (60 s) -> STALE_DATA; exactly 60 s is fresh', () => {
    expect(modeOf({ marketDataAgeMs: 60_000 })).toEqual(['NORMAL', ['OK']]);
    expect(modeOf({ marketDataAgeMs: 60_001 })).toEqual(['OBSERVE_ONLY', ['STALE_DATA']]);
    expect(modeOf({ staleAgeMs: 60_001 })).toEqual(['OBSERVE_ONLY', ['STALE_DATA']]);
    expect(decide({ marketDataAgeMs: 5_000, staleAgeMs: 61_000 }).metrics.dataAgeMs).toBe(61_000);
  });

  it('spec 4.2 step 7 without tickers or volume: age STAGE7_MAX_DATA_AGE_SEC + 1 is stale', () => {
    expect(modeOf({ marketDataAgeMs: (60 + 1) * 1000 })).toEqual(['OBSERVE_ONLY', ['STALE_DATA']]);
  });

  it('RISK_COOLDOWN_SEC = 0: OBSERVE_ONLY without a cooldown', () => {
    const d = decide({ killSwitch: true }, { RISK_COOLDOWN_SEC: 0 });
    expect([d.mode, d.cooldownUntilMs]).toEqual(['OBSERVE_ONLY', undefined]);
  });

  it('all three at once: one OBSERVE_ONLY, the reasons in step order, one cooldown', () => {
    const d = decide({ killSwitch: true, exchangeDegraded: true, marketDataAgeMs: 120_000 });
    expect([d.mode, d.reasons, d.cooldownUntilMs]).toEqual([
      'OBSERVE_ONLY',
      ['KILL_SWITCH', 'EXCHANGE_DEGRADED', 'STALE_DATA'],
      COOLDOWN_END,
    ]);
  });
});

describe('steps 4-6: REDUCE_RISK_ONLY rules (no cooldown), each inclusive at its limit', () => {
  it('4. daily pnl <= -DAILY_LOSS_LIMIT_TRY (-500) -> LOSS_LIMIT; -499.99 is not', () => {
    expect(modeOf({ dailyPnlTry: dec('-499.99') })).toEqual(['NORMAL', ['OK']]);
    expect(modeOf({ dailyPnlTry: dec('-500') })).toEqual(['REDUCE_RISK_ONLY', ['LOSS_LIMIT']]);
    expect(modeOf({ dailyPnlTry: dec('-500.01') })).toEqual(['REDUCE_RISK_ONLY', ['LOSS_LIMIT']]);
    expect(decide({ dailyPnlTry: dec('-600') }).cooldownUntilMs).toBeUndefined();
  });

  it('4. a profit never triggers it, and a limit of 0 fires on a flat day (0 <= -0)', () => {
    expect(modeOf({ dailyPnlTry: dec('10000') })).toEqual(['NORMAL', ['OK']]);
    expect(modeOf({}, { DAILY_LOSS_LIMIT_TRY: ZERO })).toEqual(['REDUCE_RISK_ONLY', ['LOSS_LIMIT']]);
  });

  it('5. drawdown_bps = round(ratio x 10000) >= MAX_DRAWDOWN_BPS (2500) -> DRAWDOWN_LIMIT', () => {
    expect(modeOf({ drawdownRatio: dec('0.2499') })).toEqual(['NORMAL', ['OK']]);
    expect(modeOf({ drawdownRatio: dec('0.25') })).toEqual(['REDUCE_RISK_ONLY', ['DRAWDOWN_LIMIT']]);
    expect(decide({ drawdownRatio: dec('0.25') }).metrics.drawdownBps).toBe(2500);
  });

  it('5. the rounding is half to even (Python Decimal.to_integral_value): 2499.5 -> 2500 fires, 2498.5 -> 2498 not', () => {
    expect(decide({ drawdownRatio: dec('0.24995') }).metrics.drawdownBps).toBe(2500);
    expect(modeOf({ drawdownRatio: dec('0.24995') })).toEqual(['REDUCE_RISK_ONLY', ['DRAWDOWN_LIMIT']]);
    expect(decide({ drawdownRatio: dec('0.24985') }).metrics.drawdownBps).toBe(2498);
    expect(modeOf({ drawdownRatio: dec('0.24985') }, { MAX_DRAWDOWN_BPS: dec('2499') })).toEqual(['NORMAL', ['OK']]);
    expect(decide({ drawdownRatio: dec('0.24994') }).metrics.drawdownBps).toBe(2499);
  });

  it('6. fee burn today >= FEE_BURN_LIMIT_TRY (150) -> FEE_BURN; 149.99 is not', () => {
    expect(modeOf({ feeBurnTodayTry: dec('149.99') })).toEqual(['NORMAL', ['OK']]);
    expect(modeOf({ feeBurnTodayTry: dec('150') })).toEqual(['REDUCE_RISK_ONLY', ['FEE_BURN']]);
  });

  it('all three: REDUCE_RISK_ONLY once, reasons in step order', () => {
    expect(modeOf({ dailyPnlTry: dec('-500'), drawdownRatio: dec('0.3'), feeBurnTodayTry: dec('200') })).toEqual([
      'REDUCE_RISK_ONLY',
      ['LOSS_LIMIT', 'DRAWDOWN_LIMIT', 'FEE_BURN'],
    ]);
  });

  it('a REDUCE rule never relaxes an OBSERVE_ONLY one (combineModes), both reasons kept', () => {
    const d = decide({ exchangeDegraded: true, dailyPnlTry: dec('-900'), feeBurnTodayTry: dec('150') });
    expect([d.mode, d.reasons]).toEqual(['OBSERVE_ONLY', ['EXCHANGE_DEGRADED', 'LOSS_LIMIT', 'FEE_BURN']]);
    expect(d.cooldownUntilMs).toBe(NOW + 900_000);
  });
});

describe('step 7: spread >= HIGH_VOL_THRESHOLD_BPS (250) halves the caps; >= 2 x threshold also REDUCEs', () => {
  it('249.99 bps: untouched', () => {
    const d = decide({ spreadBps: dec('249.99') });
    expect([d.mode, d.reasons, caps(d)]).toEqual(['NORMAL', ['OK'], ['1000', 2, '8000']]);
  });

  it('250 bps: HIGH_VOL, caps halved (1000 -> 500, 8000 -> 4000, 2 orders -> max(1, 2 // 2) = 1), still NORMAL', () => {
    const d = decide({ spreadBps: dec('250') });
    expect([d.mode, d.reasons, caps(d)]).toEqual(['NORMAL', ['HIGH_VOL'], ['500', 1, '4000']]);
    expect([d.allowSubmit, d.cooldownUntilMs]).toEqual([true, undefined]);
  });

  it('499.99 bps is still NORMAL; 500 bps (2 x 250) is REDUCE_RISK_ONLY, HIGH_VOL listed once', () => {
    expect(modeOf({ spreadBps: dec('499.99') })).toEqual(['NORMAL', ['HIGH_VOL']]);
    const d = decide({ spreadBps: dec('500') });
    expect([d.mode, d.reasons, caps(d)]).toEqual(['REDUCE_RISK_ONLY', ['HIGH_VOL'], ['500', 1, '4000']]);
  });

  it('max orders = max(1, N // 2): 5 -> 2, 4 -> 2, 3 -> 1, 1 -> 1', () => {
    const orders = (n: number) => decide({ spreadBps: dec('300') }, { MAX_ORDERS_PER_CYCLE: n }).maxOrdersPerCycle;
    expect([5, 4, 3, 1].map(orders)).toEqual([2, 2, 1, 1]);
  });

  it('deviation: a cap of 0 orders stays 0 (the spec formula would raise it to 1 under high volatility)', () => {
    expect(decide({ spreadBps: dec('300') }, { MAX_ORDERS_PER_CYCLE: 0 }).maxOrdersPerCycle).toBe(0);
    expect(decide({}, { MAX_ORDERS_PER_CYCLE: 0 }).maxOrdersPerCycle).toBe(0);
  });

  it('halving is exact in decimals: min(3000, 333.33) / 2 = 166.665', () => {
    const d = decide({ spreadBps: dec('250') }, { NOTIONAL_CAP_TRY_PER_CYCLE: dec('333.33') });
    expect(d.maxOrderNotionalTry.toFixed()).toBe('166.665');
  });

  it('HIGH_VOL follows the earlier reasons and keeps an OBSERVE_ONLY', () => {
    const d = decide({ killSwitch: true, feeBurnTodayTry: dec('150'), spreadBps: dec('600') });
    expect([d.mode, d.reasons]).toEqual(['OBSERVE_ONLY', ['KILL_SWITCH', 'FEE_BURN', 'HIGH_VOL']]);
  });
});

describe('step 8: a previous decision whose cooldown is still in the future', () => {
  const previous = (mode: Mode, cooldownUntilMs: number | undefined) => ({ previous: { mode, cooldownUntilMs } });

  it('previous OBSERVE_ONLY -> OBSERVE_ONLY, its cooldown carried (not extended), reasons still ["OK"]', () => {
    const d = decide(previous('OBSERVE_ONLY', NOW + 1));
    expect([d.mode, d.reasons, d.cooldownUntilMs, d.allowSubmit]).toEqual(['OBSERVE_ONLY', ['OK'], NOW + 1, false]);
  });

  it('a fresh OBSERVE rule during the cooldown keeps the ORIGINAL end, not now + RISK_COOLDOWN_SEC (cf. 9.2.13)', () => {
    const d = decide({ ...previous('OBSERVE_ONLY', NOW + 60_000), marketDataAgeMs: 90_000 });
    expect([d.mode, d.reasons, d.cooldownUntilMs]).toEqual(['OBSERVE_ONLY', ['STALE_DATA'], NOW + 60_000]);
  });

  it('the cooldown ends at its instant: cooldown == now is not in the future, so nothing is carried', () => {
    const d = decide(previous('OBSERVE_ONLY', NOW));
    expect([d.mode, d.reasons, d.cooldownUntilMs]).toEqual(['NORMAL', ['OK'], undefined]);
    expect(decide(previous('OBSERVE_ONLY', NOW - 1)).mode).toBe('NORMAL');
  });

  it('after it expires, a condition that persists starts a new cooldown from now', () => {
    const d = decide({ ...previous('OBSERVE_ONLY', NOW), exchangeDegraded: true });
    expect([d.mode, d.cooldownUntilMs]).toEqual(['OBSERVE_ONLY', NOW + 900_000]);
  });

  it('previous REDUCE_RISK_ONLY upgrades NORMAL to REDUCE_RISK_ONLY, never relaxes OBSERVE_ONLY', () => {
    expect(decide(previous('REDUCE_RISK_ONLY', NOW + 5)).mode).toBe('REDUCE_RISK_ONLY');
    const observing = decide({ ...previous('REDUCE_RISK_ONLY', NOW + 5), killSwitch: true });
    expect([observing.mode, observing.cooldownUntilMs]).toEqual(['OBSERVE_ONLY', NOW + 5]);
  });

  it('previous NORMAL with a future cooldown: mode untouched, the cooldown still carried', () => {
    const d = decide({ ...previous('NORMAL', NOW + 5), feeBurnTodayTry: dec('150') });
    expect([d.mode, d.cooldownUntilMs]).toEqual(['REDUCE_RISK_ONLY', NOW + 5]);
  });

  it('a previous decision without a cooldown carries nothing', () => {
    expect(decide(previous('OBSERVE_ONLY', undefined)).mode).toBe('NORMAL');
  });

  it('chained cycles: an OBSERVE_ONLY holds for RISK_COOLDOWN_SEC after its cause clears, then lifts', () => {
    const first = decide({ exchangeDegraded: true });
    const carry = (d: Stage7RiskDecision) => ({ previous: { mode: d.mode, cooldownUntilMs: d.cooldownUntilMs } });
    const during = decide(carry(first), {}, NOW + 899_999);
    expect([during.mode, during.cooldownUntilMs]).toEqual(['OBSERVE_ONLY', NOW + 900_000]);
    const after = decide(carry(during), {}, NOW + 900_000);
    expect([after.mode, after.cooldownUntilMs]).toEqual(['NORMAL', undefined]);
  });
});

describe('step 10: inputs hash', () => {
  it('is the SHA-256 of the canonical JSON of { nowMs, inputs }, decimals as plain strings', () => {
    expect(decide().inputsHash).toBe(
      hashCanonical({
        nowMs: NOW,
        inputs: {
          killSwitch: false,
          exchangeDegraded: false,
          marketDataAgeMs: 0,
          staleAgeMs: 0,
          dailyPnlTry: '0',
          drawdownRatio: '0',
          feeBurnTodayTry: '0',
          spreadBps: '10',
          quoteVolumeTry: '1000000',
          rejectRate: '0',
          exposureHash: EXPOSURE,
          previous: null,
        },
      }),
    );
    expect(decide().inputsHash).toMatch(/^[0-9a-f]{64}$/);
  });

  // pinned value computed outside this code base: Python's sha256 of json.dumps(sort_keys=True, separators=(',', ':'))
  it('is pinned: the same inputs give the same hash, byte for byte, run after run', () => {
    expect(decide().inputsHash).toBe('7e4f77b3a96a9ddd4262415d9f6163727511faecf98f6303527e07b9a03d5dc3');
    expect(JSON.stringify(decide())).toBe(JSON.stringify(decide()));
  });

  it('changes with now and with every input, including the ones only hashed (volume, reject rate)', () => {
    const base = decide().inputsHash;
    const variants: Partial<Stage7RiskInputs>[] = [
      { killSwitch: true },
      { exchangeDegraded: true },
      { marketDataAgeMs: 1 },
      { staleAgeMs: 1 },
      { dailyPnlTry: dec('-1') },
      { drawdownRatio: dec('0.01') },
      { feeBurnTodayTry: dec('1') },
      { spreadBps: dec('11') },
      { quoteVolumeTry: dec('999999') },
      { rejectRate: dec('0.5') },
      { exposureHash: 'f'.repeat(64) },
      { previous: { mode: 'NORMAL', cooldownUntilMs: undefined } },
      { previous: { mode: 'NORMAL', cooldownUntilMs: NOW } },
    ];
    const hashes = variants.map((v) => decide(v).inputsHash);
    expect(new Set([base, ...hashes, decide({}, {}, NOW + 1).inputsHash]).size).toBe(variants.length + 2);
  });

  it('hashes decimals by value: 10 and 10.00 bps are the same input', () => {
    expect(decide({ spreadBps: dec('10.00') }).inputsHash).toBe(decide().inputsHash);
  });

  it('does not depend on the settings (they are recorded as caps, step 11)', () => {
    expect(decide({}, { MAX_ORDERS_PER_CYCLE: 7 }).inputsHash).toBe(stage7RiskInputsHash(CALM, NOW));
  });
});

describe('the decision is the Stage7CycleRisk the risk policy reads (spec 4.9)', () => {
  const intent: Stage7Intent = {
    cycleId: 'c1',
    symbol: 'BTCTRY',
    side: 'BUY',
    orderType: 'LIMIT',
    price: dec('100'),
    qty: dec('1'),
    notionalTry: dec('100'),
    clientOrderId: 's7:c1:BTCTRY:BUY:000000000001',
    reason: 'rebalance',
    skipped: false,
  };
  const policy = (risk: Stage7CycleRisk) =>
    applyStage7RiskPolicy({ actions: [], intents: [intent], positions: new Map(), risk }).decisions.map((x) => x.code);

  it('NORMAL accepts the BUY; OBSERVE_ONLY refuses it with RISK_SUBMIT_DISABLED; REDUCE with RISK_REDUCE_ONLY_BLOCKED', () => {
    expect(policy(decide())).toEqual(['accepted']);
    expect(policy(decide({ killSwitch: true }))).toEqual(['RISK_SUBMIT_DISABLED']);
    expect(policy(decide({ feeBurnTodayTry: dec('150') }))).toEqual(['RISK_REDUCE_ONLY_BLOCKED']);
  });

  it('the HIGH_VOL caps reach the policy: 0 orders allowed refuses with RISK_CAP_MAX_ORDERS', () => {
    expect(policy(decide({ spreadBps: dec('300') }, { MAX_ORDERS_PER_CYCLE: 0 }))).toEqual(['RISK_CAP_MAX_ORDERS']);
    expect(policy(decide({}, { MAX_ORDER_NOTIONAL_TRY: dec('99') }))).toEqual(['RISK_CAP_MAX_NOTIONAL']);
  });
});

describe('refusals: insane inputs and settings are a ValidationError naming the field, never a decision', () => {
  const refused = (inputs: Partial<Stage7RiskInputs>, settings: Partial<Stage7RiskBudgetSettings> = {}, now = NOW) => {
    try {
      decide(inputs, settings, now);
    } catch (e) {
      expect(e).toBeInstanceOf(ValidationError);
      return (e as ValidationError).issues.map((i) => i.path);
    }
    throw new Error('expected a ValidationError');
  };

  it('NaN, negative, fractional or infinite ages', () => {
    expect(refused({ marketDataAgeMs: Number.NaN })).toEqual(['marketDataAgeMs']);
    expect(refused({ staleAgeMs: -1 })).toEqual(['staleAgeMs']);
    expect(refused({ marketDataAgeMs: 1.5 })).toEqual(['marketDataAgeMs']);
    expect(refused({ staleAgeMs: Number.POSITIVE_INFINITY })).toEqual(['staleAgeMs']);
  });

  it('a negative spread, volume or fee burn; a non-finite daily pnl', () => {
    expect(refused({ spreadBps: dec('-0.01') })).toEqual(['spreadBps']);
    expect(refused({ quoteVolumeTry: dec('-1') })).toEqual(['quoteVolumeTry']);
    expect(refused({ feeBurnTodayTry: dec('-1') })).toEqual(['feeBurnTodayTry']);
    expect(refused({ dailyPnlTry: new Dec('NaN') })).toEqual(['dailyPnlTry']);
    expect(refused({ quoteVolumeTry: new Dec('Infinity') })).toEqual(['quoteVolumeTry']);
  });

  it('a drawdown or reject rate outside [0, 1]', () => {
    expect(refused({ drawdownRatio: dec('-0.01') })).toEqual(['drawdownRatio']);
    expect(refused({ drawdownRatio: dec('1.01') })).toEqual(['drawdownRatio']);
    expect(refused({ rejectRate: dec('1.5') })).toEqual(['rejectRate']);
    expect(decide({ drawdownRatio: dec('1'), rejectRate: dec('1') }).metrics.drawdownBps).toBe(10000);
  });

  it('a malformed exposure hash, a previous decision with an unknown mode or a bad cooldown, a bad now', () => {
    expect(refused({ exposureHash: 'ABC' })).toEqual(['exposureHash']);
    expect(refused({ previous: { mode: 'PANIC' as Mode, cooldownUntilMs: NOW + 1 } })).toEqual(['previous.mode']);
    expect(refused({ previous: { mode: 'NORMAL', cooldownUntilMs: 1.5 } })).toEqual(['previous.cooldownUntilMs']);
    expect(refused({}, {}, -1)).toEqual(['nowMs']);
  });

  it('lists every bad field at once', () => {
    expect(refused({ marketDataAgeMs: Number.NaN, spreadBps: dec('-1') })).toEqual(['marketDataAgeMs', 'spreadBps']);
  });

  it('impossible settings: a negative cap, a fractional order count, a cooldown past the safe range', () => {
    expect(refused({}, { MAX_SYMBOL_EXPOSURE_TRY: dec('-1') })).toEqual(['MAX_SYMBOL_EXPOSURE_TRY']);
    expect(refused({}, { MAX_ORDERS_PER_CYCLE: 1.5 })).toEqual(['MAX_ORDERS_PER_CYCLE']);
    expect(refused({}, { RISK_COOLDOWN_SEC: Number.MAX_SAFE_INTEGER })).toEqual(['RISK_COOLDOWN_SEC']);
  });
});
