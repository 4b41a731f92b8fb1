// A bot's fills as buy/sell markers on its equity chart, whose points are the bot's start, then its account after
// each cycle (stamped with the cycle's start time). A fill sits on the cycle it happened in or after: the last
// cycle that started at or before it, whose valuation is the first to include it. Fills of one side and symbol
// on one point are one marker, labelled with their total quantity and average price.
import { type Dec, dec, sumDec } from '../../shared/domain/money';
import type { BotView, LocalRunSummary } from './summary';
import type { ChartMarker } from './svg-chart';

type Fill = LocalRunSummary['fills'][number];

/** The chart's equity values: the bot's start, then one per cycle */
export const equityPoints = (bot: BotView): string[] => [bot.equity.start, ...bot.equitySeries.map((p) => p.equity)];

/** The chart point of a fill at `timeIso`: its cycle's, one past the start point */
function pointOf(series: BotView['equitySeries'], timeIso: string): number {
  const after = series.findIndex((p) => p.timeIso > timeIso);
  const cycle = after < 0 ? series.length - 1 : Math.max(0, after - 1);
  return cycle + 1;
}

function label(fills: readonly Fill[]): string {
  const [first] = fills;
  if (first === undefined) return '';
  const qty = sumDec(fills.map((f) => dec(f.qty)));
  const notional: Dec = sumDec(fills.map((f) => dec(f.price).mul(f.qty)));
  const avg = qty.isZero() ? dec(first.price) : notional.div(qty).toDecimalPlaces(2);
  const n = fills.length === 1 ? '1 fill' : `${fills.length} fills`;
  return `${first.side.toUpperCase()} ${qty.toFixed()} ${first.symbol} @ ${avg.toFixed()} (${n}) by ${fills.at(-1)?.timeIso}`;
}

/** The markers of `bot`'s own fills on its equity series */
export function equityMarkers(bot: BotView, fills: readonly Fill[]): ChartMarker[] {
  const series = bot.equitySeries;
  if (series.length === 0) return [];
  const groups = new Map<string, { at: number; fills: Fill[] }>();
  for (const f of fills.filter((x) => x.stage === bot.stage)) {
    const at = pointOf(series, f.timeIso);
    const key = `${at}|${f.side}|${f.symbol}`;
    const group = groups.get(key) ?? { at, fills: [] };
    group.fills.push(f);
    groups.set(key, group);
  }
  const points = equityPoints(bot);
  return [...groups.values()].map(({ at, fills }) => ({
    at,
    value: points[at] ?? '0',
    side: fills[0]?.side.toLowerCase() === 'sell' ? 'sell' : 'buy',
    label: label(fills),
  }));
}
