// An inline SVG line chart (no external assets). Values arrive as decimal strings and become Numbers
// here only as plot coordinates.
const W = 720;
const H = 220;
const PAD = { left: 90, right: 16, top: 28, bottom: 28 };

const escapeXml = (s: string) => s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');

export function lineChartSvg(title: string, values: readonly string[], color: string, unit: string): string {
  const ys = values.map(Number);
  const min = ys.length > 0 ? Math.min(...ys) : 0;
  const max = ys.length > 0 ? Math.max(...ys) : 0;
  const span = max - min || 1;
  const x = (i: number) => PAD.left + (ys.length > 1 ? (i / (ys.length - 1)) * (W - PAD.left - PAD.right) : 0);
  const y = (v: number) => PAD.top + (1 - (v - min) / span) * (H - PAD.top - PAD.bottom);
  const points = ys.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
  const label = (v: number) => `${v.toLocaleString('en-US', { maximumFractionDigits: 2 })} ${unit}`;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${escapeXml(title)}">`,
    `<rect width="${W}" height="${H}" fill="#fff" stroke="#ddd"/>`,
    `<text x="${PAD.left}" y="18" font-size="13" font-family="sans-serif">${escapeXml(title)}</text>`,
    `<text x="4" y="${PAD.top + 10}" font-size="11" font-family="monospace">${escapeXml(label(max))}</text>`,
    `<text x="4" y="${H - PAD.bottom}" font-size="11" font-family="monospace">${escapeXml(label(min))}</text>`,
    `<line x1="${PAD.left}" y1="${H - PAD.bottom}" x2="${W - PAD.right}" y2="${H - PAD.bottom}" stroke="#999"/>`,
    `<polyline fill="none" stroke="${color}" stroke-width="2" points="${points}"/>`,
    '</svg>',
  ].join('\n');
}
