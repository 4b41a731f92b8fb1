// The HTML pieces every local report shares: text escaped for an element or an attribute, and a plain table
// (null cells empty). Used by btcbot local's report.html, the stage 7 run report and the SVG charts.

export const escapeHtml = (s: string): string =>
  s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');

export const htmlTable = (head: readonly string[], rows: readonly (readonly (string | number | null)[])[]): string =>
  `<table><thead><tr>${head.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(String(c ?? ''))}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`;
