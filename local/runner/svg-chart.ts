// An inline SVG line chart (no external assets). Values arrive as decimal strings and become Numbers
// here only as plot coordinates. Optional buy/sell markers sit on the points they name (a price chart's
// fills), and optional labels name the first and last point of the x axis (a time range).
import { escapeHtml } from './html';

const W = 720;
const H = 220;
const PAD = { left: 90, right: 16, top: 28, bottom: 28 };

/** A buy (upward triangle) or sell (downward triangle) at point `at` of the series, drawn at `value` */
export interface ChartMarker {
  readonly at: number;
  readonly value: string;
  readonly side: 'buy' | 'sell';
  /** Tooltip text */
  readonly label: string;
}

export interface ChartOptions {
  readonly markers?: readonly ChartMarker[];
  /** Labels under the first and the last point */
  readonly xLabels?: readonly [string, string];
}

const MARKER_COLOR = { buy: '#2e7d32', sell: '#c62828' } as const;

export function lineChartSvg(
  title: string,
  values: readonly string[],
  color: string,
  unit: string,
  options: ChartOptions = {},
): string {
  const ys = values.map(Number);
  const markers = options.markers ?? [];
  // markers widen the range so a fill away from the mark stays inside the plot
  const all = [...ys, ...markers.map((m) => Number(m.value))];
  const min = all.length > 0 ? Math.min(...all) : 0;
  const max = all.length > 0 ? Math.max(...all) : 0;
  const span = max - min || 1;
  const x = (i: number) => PAD.left + (ys.length > 1 ? (i / (ys.length - 1)) * (W - PAD.left - PAD.right) : 0);
  const y = (v: number) => PAD.top + (1 - (v - min) / span) * (H - PAD.top - PAD.bottom);
  const points = ys.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
  // a narrow range gets more decimals, so its two labels differ; never a "-0"
  const digits = span < 1 ? 4 : 2;
  const label = (v: number) =>
    `${v.toLocaleString('en-US', { maximumFractionDigits: digits }).replace(/^-0$/, '0')} ${unit}`;
  const xLabels = options.xLabels
    ? [
        `<text x="${PAD.left}" y="${H - 8}" font-size="11" font-family="monospace">${escapeHtml(options.xLabels[0])}</text>`,
        `<text x="${W - PAD.right}" y="${H - 8}" font-size="11" font-family="monospace" text-anchor="end">${escapeHtml(options.xLabels[1])}</text>`,
      ]
    : [];
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${escapeHtml(title)}">`,
    `<rect width="${W}" height="${H}" fill="#fff" stroke="#ddd"/>`,
    `<text x="${PAD.left}" y="18" font-size="13" font-family="sans-serif">${escapeHtml(title)}</text>`,
    `<text x="4" y="${PAD.top + 10}" font-size="11" font-family="monospace">${escapeHtml(label(max))}</text>`,
    `<text x="4" y="${H - PAD.bottom}" font-size="11" font-family="monospace">${escapeHtml(label(min))}</text>`,
    `<line x1="${PAD.left}" y1="${H - PAD.bottom}" x2="${W - PAD.right}" y2="${H - PAD.bottom}" stroke="#999"/>`,
    ...xLabels,
    `<polyline fill="none" stroke="${color}" stroke-width="2" points="${points}"/>`,
    ...markers.map((m) => markerSvg(m, x(m.at), y(Number(m.value)))),
    '</svg>',
  ].join('\n');
}

function markerSvg(m: ChartMarker, cx: number, cy: number): string {
  const [tip, base] = m.side === 'buy' ? [cy - 5, cy + 5] : [cy + 5, cy - 5];
  const d = `M${cx.toFixed(1)},${tip.toFixed(1)} L${(cx - 5).toFixed(1)},${base.toFixed(1)} L${(cx + 5).toFixed(1)},${base.toFixed(1)} Z`;
  return `<path class="marker marker-${m.side}" d="${d}" fill="${MARKER_COLOR[m.side]}"><title>${escapeHtml(m.label)}</title></path>`;
}
