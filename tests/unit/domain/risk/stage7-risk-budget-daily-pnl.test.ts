// Spec 9.2.16: the stage 7 risk budget's daily loss input is the realized + unrealized PnL change since 00:00
// UTC (net PnL now - net PnL at the last mark before the day start), not the cumulative net PnL. The day
// start mark rolls forward cycle by cycle in constant space; the result agrees with the ledger's `today`
// block plus the unrealized change.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../../shared/config/load-config';
import { ValidationError } from '../../../../shared/domain/errors';
import { ledgerReport } from '../../../../shared/domain/ledger/ledger-report';
import { DAY_MS, replayLedger, utcDayStart } from '../../../../shared/domain/ledger/ledger-state';
import { Dec, dec, ZERO } from '../../../../shared/domain/money';
import { decideStage7RiskBudget, type Stage7RiskInputs } from '../../../../shared/domain/risk/stage7-risk-budget';
import {
  dailyPnlSince,
  dayStartMark,
  type NetPnlMark,
} from '../../../../shared/domain/risk/stage7-risk-budget-daily-pnl';
import { DAY0, tradeEvents } from '../ledger/ledger-events';

const H = 3_600_000;
const mark = (atMs: number, net: string): NetPnlMark => ({ atMs, netPnlTry: dec(net) });
const refused = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(ValidationError);
    return (e as ValidationError).issues.map((i) => i.path);
  }
  throw new Error('expected a ValidationError');
};

describe('dailyPnlSince: net PnL now minus net PnL at the day start', () => {
  it('yesterday 23:00 the ledger stood at +100; now (10:00) at +40: the day lost 60', () => {
    expect(dailyPnlSince(mark(DAY0 - H, '100'), dec('40'), DAY0 + 10 * H).toFixed()).toBe('-60');
  });

  it('no mark before today (the account started today at 0): the net PnL itself', () => {
    expect(dailyPnlSince(undefined, dec('-12.5'), DAY0 + H).toFixed()).toBe('-12.5');
  });

  it('a mark from 00:00 today or later is refused: it would hide the PnL made since midnight', () => {
    expect(refused(() => dailyPnlSince(mark(DAY0, '0'), dec('1'), DAY0 + H))).toEqual(['dayStart.atMs']);
    expect(dailyPnlSince(mark(DAY0 - 1, '0'), dec('1'), DAY0 + H).toFixed()).toBe('1');
  });

  it('refuses a mark after now, a non-finite amount, a bad now', () => {
    expect(refused(() => dailyPnlSince(mark(DAY0 + 2 * H, '0'), dec('1'), DAY0 + H))).toEqual([
      'dayStart.atMs',
      'dayStart.atMs',
    ]);
    expect(refused(() => dailyPnlSince(undefined, new Dec('NaN'), DAY0))).toEqual(['netPnlNowTry']);
    expect(refused(() => dailyPnlSince({ atMs: DAY0 - 1, netPnlTry: new Dec('Infinity') }, ZERO, DAY0))).toEqual([
      'dayStart.netPnlTry',
    ]);
    expect(refused(() => dailyPnlSince(undefined, ZERO, Number.NaN))).toEqual(['nowMs']);
  });
});

describe('the fix against the reference quirk (spec 4.2 step 8 passed the cumulative net PnL)', () => {
  const settings = loadConfig({});
  const inputs = (dailyPnlTry: Dec): Stage7RiskInputs => ({
    killSwitch: false,
    exchangeDegraded: false,
    marketDataAgeMs: 0,
    staleAgeMs: 0,
    dailyPnlTry,
    drawdownRatio: ZERO,
    feeBurnTodayTry: ZERO,
    spreadBps: ZERO,
    quoteVolumeTry: ZERO,
    rejectRate: ZERO,
    exposureHash: '0'.repeat(64),
    previous: undefined,
  });
  const modeFor = (daily: Dec) => decideStage7RiskBudget(inputs(daily), DAY0 + H, settings).reasons;

  it('-600 lost over past days, +50 today: the cumulative figure would say LOSS_LIMIT, the daily one says OK', () => {
    const daily = dailyPnlSince(mark(DAY0 - H, '-650'), dec('-600'), DAY0 + H);
    expect(daily.toFixed()).toBe('50');
    expect(modeFor(dec('-600'))).toEqual(['LOSS_LIMIT']);
    expect(modeFor(daily)).toEqual(['OK']);
  });

  it('+1000 made over past days, 500 lost today: the cumulative +500 hides it, the daily -500 triggers LOSS_LIMIT', () => {
    const daily = dailyPnlSince(mark(DAY0 - H, '1000'), dec('500'), DAY0 + H);
    expect(modeFor(dec('500'))).toEqual(['OK']);
    expect(modeFor(daily)).toEqual(['LOSS_LIMIT']);
  });
});

describe('dayStartMark: the last mark before 00:00 UTC of now, rolled forward each cycle', () => {
  it('first cycle: none; later cycles of the same day keep none (the account started today)', () => {
    expect(dayStartMark(undefined, undefined, DAY0 + H)).toBeUndefined();
    expect(dayStartMark(undefined, mark(DAY0 + H, '5'), DAY0 + 2 * H)).toBeUndefined();
  });

  it('the first cycle after midnight takes the previous cycle measurement; later ones that day keep it', () => {
    const lastOfDay0 = mark(DAY0 + 23 * H, '30');
    const first = dayStartMark(undefined, lastOfDay0, DAY0 + DAY_MS + 60_000);
    expect(first).toEqual(lastOfDay0);
    expect(dayStartMark(first, mark(DAY0 + DAY_MS + 60_000, '31'), DAY0 + DAY_MS + 2 * H)).toEqual(lastOfDay0);
  });

  it('a measurement taken exactly at 00:00 belongs to the new day: the mark before it is kept', () => {
    const lastOfDay0 = mark(DAY0 + 23 * H, '30');
    expect(dayStartMark(lastOfDay0, mark(DAY0 + DAY_MS, '31'), DAY0 + DAY_MS + H)).toEqual(lastOfDay0);
    expect(dayStartMark(undefined, mark(DAY0 + DAY_MS - 1, '31'), DAY0 + DAY_MS)).toEqual(
      mark(DAY0 + DAY_MS - 1, '31'),
    );
  });

  it('after days without a cycle, the last measurement, however old, is the day start mark', () => {
    const old = mark(DAY0 + H, '7');
    expect(dayStartMark(undefined, old, DAY0 + 5 * DAY_MS)).toEqual(old);
    expect(dayStartMark(mark(DAY0 - H, '1'), old, DAY0 + 5 * DAY_MS)).toEqual(old);
  });

  it('refuses a kept mark not before the day of the latest, a mark after now, a non-finite amount', () => {
    expect(refused(() => dayStartMark(mark(DAY0 + H, '0'), mark(DAY0 + 2 * H, '0'), DAY0 + 3 * H))).toEqual([
      'kept.atMs',
    ]);
    expect(refused(() => dayStartMark(undefined, mark(DAY0 + 2 * H, '0'), DAY0 + H))).toEqual(['latest.atMs']);
    expect(refused(() => dayStartMark(undefined, { atMs: DAY0, netPnlTry: new Dec('NaN') }, DAY0 + H))).toEqual([
      'latest.netPnlTry',
    ]);
    expect(refused(() => dayStartMark(undefined, undefined, -1))).toEqual(['nowMs']);
  });

  it('property: rolled cycle by cycle, it is always the last measurement taken before the day of the cycle', () => {
    const cycles = fc.array(
      fc.record({ gapMs: fc.integer({ min: 1, max: 30 * H }), net: fc.integer({ min: -5000, max: 5000 }) }),
      { minLength: 1, maxLength: 60 },
    );
    fc.assert(
      fc.property(cycles, (cs) => {
        let now = DAY0;
        let kept: NetPnlMark | undefined;
        const measured: NetPnlMark[] = [];
        for (const c of cs) {
          now += c.gapMs;
          kept = dayStartMark(kept, measured.at(-1), now);
          const before = measured.filter((m) => m.atMs < utcDayStart(now));
          expect(kept).toEqual(before.at(-1));
          measured.push(mark(now, String(c.net)));
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe('agrees with the ledger: the day change = the `today` block (realized - fees) + the unrealized change', () => {
  it('bought yesterday, sold half today at a loss with a fee, marks moved', () => {
    const events = [
      ...tradeEvents({ symbol: 'BTCTRY', tradeId: '1', side: 'BUY', qty: '2', price: '100', timestampMs: DAY0 + H }),
      ...tradeEvents({
        symbol: 'BTCTRY',
        tradeId: '2',
        side: 'SELL',
        qty: '1',
        price: '90',
        fee: '0.5',
        timestampMs: DAY0 + DAY_MS + 2 * H,
      }),
    ];
    // the last cycle of day 0 measured at 23:00 with BTC at 110; now (day 1, 05:00) BTC is at 95
    const yesterday = ledgerReport(
      replayLedger(events.slice(0, 1)),
      new Map([['BTCTRY', dec('110')]]),
      ZERO,
      DAY0 + 23 * H,
    );
    const nowMs = DAY0 + DAY_MS + 5 * H;
    const today = ledgerReport(replayLedger(events), new Map([['BTCTRY', dec('95')]]), ZERO, nowMs);
    const daily = dailyPnlSince({ atMs: DAY0 + 23 * H, netPnlTry: yesterday.netTry }, today.netTry, nowMs);
    // yesterday: unrealized (110 - 100) x 2 = 20; today: realized -10, fee 0.5, unrealized (95 - 100) x 1 = -5
    expect([yesterday.netTry.toFixed(), today.netTry.toFixed()]).toEqual(['20', '-15.5']);
    expect(daily.toFixed()).toBe('-35.5');
    expect(daily.eq(today.today.netTry.add(today.unrealizedTry.sub(yesterday.unrealizedTry)))).toBe(true);
    // the reference's cumulative input (-15.5) and stage 4's realized-only figure (-10) both understate it
    expect(today.today.realizedTry.toFixed()).toBe('-10');
  });
});
