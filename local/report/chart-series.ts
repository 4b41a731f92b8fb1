// What report.html plots, folded over the records with flat memory: the cycles are grouped `stride` at a time
// (one plotted point per group, so a month of 1-minute cycles stays a few hundred points), and each point
// carries the equity at the group's end, the worst drawdown reached inside it (a dip between two plotted
// points still shows), each symbol's last mark, and one buy and one sell marker per symbol for the group's
// fills of that side, at their volume-weighted price.
import type { Stage7RunRecord } from '../../shared/application/stage7/run-record';
import { type Dec, dec, minDec, toPlain, ZERO } from '../../shared/domain/money';
import type { ChartMarker } from '../runner/svg-chart';

/** Plotted points at most (the stride is chosen from the run's cycle count) */
export const MAX_POINTS = 600;

export interface PriceSeries {
  readonly symbol: string;
  /** Marks at the plotted points from the symbol's first mark on (a group without one repeats the last) */
  readonly marks: readonly string[];
  readonly markers: readonly ChartMarker[];
  readonly firstTs: string;
  readonly lastTs: string;
}

export interface ChartData {
  /** Cycles per plotted point */
  readonly stride: number;
  /** The opening balance, then one point per group */
  readonly equityTry: readonly string[];
  /** Percent below the running peak (<= 0), aligned with equityTry */
  readonly drawdownPct: readonly string[];
  readonly firstTs: string | null;
  readonly lastTs: string | null;
  readonly prices: readonly PriceSeries[];
}

interface SideFills {
  qty: Dec;
  notional: Dec;
  count: number;
}

interface SymbolTrack {
  readonly firstTs: string;
  lastTs: string;
  readonly marks: string[];
  readonly markers: ChartMarker[];
  mark: string | undefined;
  buys: SideFills | undefined;
  sells: SideFills | undefined;
}

export const strideFor = (cycles: number): number => Math.max(1, Math.ceil(cycles / MAX_POINTS));

export class ChartSeries {
  readonly #stride: number;
  readonly #equity: string[] = [];
  readonly #drawdown: string[] = ['0'];
  readonly #symbols = new Map<string, SymbolTrack>();
  #peak: Dec | undefined;
  #inGroup = 0;
  #groupEquity: Dec = ZERO;
  #groupWorst: Dec = ZERO;
  #groupTs = '';
  #firstTs: string | null = null;

  constructor(stride: number) {
    this.#stride = stride;
  }

  add(r: Stage7RunRecord): void {
    const equity = dec(r.equityTry);
    if (this.#peak === undefined) {
      const opening = equity.sub(dec(r.netPnlTry));
      this.#equity.push(toPlain(opening));
      this.#peak = opening;
      this.#firstTs = r.ts;
    }
    if (equity.gt(this.#peak)) this.#peak = equity;
    const drawdown = this.#peak.isZero() ? ZERO : equity.sub(this.#peak).div(this.#peak).mul(100);
    this.#groupWorst = this.#inGroup === 0 ? drawdown : minDec(this.#groupWorst, drawdown);
    this.#groupEquity = equity;
    this.#groupTs = r.ts;
    this.#inGroup += 1;
    for (const [symbol, mark] of Object.entries(r.marks)) this.#track(symbol, r.ts).mark = mark;
    for (const f of r.fills) {
      const t = this.#track(f.symbol, r.ts);
      const side = f.side === 'BUY' ? 'buys' : 'sells';
      const s = t[side] ?? { qty: ZERO, notional: ZERO, count: 0 };
      t[side] = {
        qty: s.qty.add(dec(f.qty)),
        notional: s.notional.add(dec(f.qty).mul(dec(f.price))),
        count: s.count + 1,
      };
    }
    if (this.#inGroup === this.#stride) this.#closeGroup();
  }

  data(): ChartData {
    if (this.#inGroup > 0) this.#closeGroup();
    return {
      stride: this.#stride,
      equityTry: [...this.#equity],
      drawdownPct: [...this.#drawdown],
      firstTs: this.#firstTs,
      lastTs: this.#groupTs || null,
      prices: [...this.#symbols.entries()]
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([symbol, t]) => ({
          symbol,
          marks: [...t.marks],
          markers: [...t.markers],
          firstTs: t.firstTs,
          lastTs: t.lastTs,
        })),
    };
  }

  #track(symbol: string, ts: string): SymbolTrack {
    const known = this.#symbols.get(symbol);
    if (known) return known;
    const fresh: SymbolTrack = {
      firstTs: ts,
      lastTs: ts,
      marks: [],
      markers: [],
      mark: undefined,
      buys: undefined,
      sells: undefined,
    };
    this.#symbols.set(symbol, fresh);
    return fresh;
  }

  #closeGroup(): void {
    this.#equity.push(toPlain(this.#groupEquity));
    this.#drawdown.push(toPlain(this.#groupWorst.toDecimalPlaces(4)));
    for (const [symbol, t] of this.#symbols) {
      // a symbol whose fills came before any mark is plotted from its first fill's price
      const mark = t.mark ?? vwap(t.buys ?? t.sells);
      if (mark === undefined) continue;
      t.mark = mark;
      t.marks.push(mark);
      t.lastTs = this.#groupTs;
      const at = t.marks.length - 1;
      for (const side of ['buys', 'sells'] as const) {
        const fills = t[side];
        if (fills === undefined) continue;
        const price = vwap(fills) ?? mark;
        const word = side === 'buys' ? 'BUY' : 'SELL';
        t.markers.push({
          at,
          value: price,
          side: side === 'buys' ? 'buy' : 'sell',
          label: `${word} ${toPlain(fills.qty)} ${symbol} @ ${price} (${fills.count} fill${fills.count === 1 ? '' : 's'}) by ${this.#groupTs}`,
        });
        t[side] = undefined;
      }
    }
    this.#inGroup = 0;
  }
}

const vwap = (s: SideFills | undefined): string | undefined =>
  s === undefined || s.qty.isZero() ? undefined : toPlain(s.notional.div(s.qty).toDecimalPlaces(8));
