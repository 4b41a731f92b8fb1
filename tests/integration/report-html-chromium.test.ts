// report.html opened in headless Chromium (Debian's, driven by playwright-core): the page loads with no
// console error and no request beyond its own file (self-contained), the summary shows the figures worked out
// by hand and the report's own Sharpe and Sortino, the SVG charts are there with one marker per fill group
// (a buy and a sell on each pair), and its screenshot is a real picture: large, mostly white paper with the
// equity line's blue and the markers' green and red in it (sampled by decoding the PNG in the browser).
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportCommand } from '../../bin/commands/report-command';
import type { RunReport } from '../../local/report/run-report';
import { chromiumOrSkip, type OpenedReport, openReport, samplePixels } from '../support/chromium';
import { EXPECTED, recordsOf, SCENARIO, writeRun } from '../unit/report/run-fixture';

const executablePath = chromiumOrSkip('report.html in headless Chromium');

describe.skipIf(executablePath === null)('report.html in headless Chromium', () => {
  const dir = mkdtempSync(join(tmpdir(), 'btcbot-report-html-'));
  const run = join(dir, 'run');
  const html = join(dir, 'report.html');
  const png = join(dir, 'report.png');
  let opened: OpenedReport | undefined;
  let page: Page;
  let report: RunReport;

  beforeAll(async () => {
    writeRun(run, recordsOf('1000', SCENARIO));
    const out: string[] = [];
    const io = { out: (l: string) => out.push(l), err: () => {} };
    expect(reportCommand({ run, json: true, html }, {}, io)).toBe(0);
    report = JSON.parse(out.join('\n')) as RunReport;
    opened = await openReport(executablePath ?? '', html, png);
    page = opened.page;
  });

  afterAll(async () => {
    await opened?.browser.close();
  });

  it('renders the summary, the status and the charts with their markers, offline and without errors', async () => {
    expect(opened?.problems).toEqual([]);
    expect(opened?.requests).toEqual([`file://${html}`]);

    const metric = (name: string) => page.locator(`[data-metric="${name}"]`).innerText();
    const shown = {
      cycles: await metric('cycles'),
      total_return_pct: await metric('total_return_pct'),
      max_drawdown_pct: await metric('max_drawdown_pct'),
      net_pnl_try: await metric('net_pnl_try'),
      trades: await metric('trades'),
      win_rate_pct: await metric('win_rate_pct'),
      profit_factor: await metric('profit_factor'),
      fills: await metric('fills'),
      fees_try: await metric('fees_try'),
      exposure_pct: await metric('exposure_pct'),
      sharpe: await metric('sharpe'),
      sortino: await metric('sortino'),
      slo_status: await metric('slo_status'),
      validation: await metric('validation'),
    };
    expect(shown).toEqual({
      cycles: String(EXPECTED.cycles),
      total_return_pct: EXPECTED.totalReturnPct,
      max_drawdown_pct: EXPECTED.maxDrawdownPct,
      net_pnl_try: '-0.80',
      trades: String(EXPECTED.trades),
      win_rate_pct: EXPECTED.winRatePct,
      profit_factor: EXPECTED.profitFactor,
      fills: '4 (2 / 2)',
      fees_try: '0.80',
      exposure_pct: EXPECTED.exposurePct,
      sharpe: report.summary?.sharpe,
      sortino: report.summary?.sortino,
      slo_status: 'fail',
      validation: 'pass',
    });
    // the summary's ratios are real numbers of the right sign: the run lost money overall
    expect(Number(shown.sharpe)).toBeLessThan(0);
    expect(Number(shown.sortino)).toBeLessThan(0);

    expect(await page.locator('[data-chart] svg').count()).toBe(4);
    const equityPoints = await page.locator('[data-chart="equity"] polyline').getAttribute('points');
    expect(equityPoints?.trim().split(' ')).toHaveLength(7);
    for (const symbol of ['BTCTRY', 'ETHTRY']) {
      const chart = page.locator(`[data-chart="price"][data-symbol="${symbol}"]`);
      expect(await chart.locator('path.marker-buy').count()).toBe(1);
      expect(await chart.locator('path.marker-sell').count()).toBe(1);
    }
    expect(await page.locator('path.marker-buy title').first().textContent()).toBe(
      'BUY 0.0002 BTCTRY @ 1000000 (1 fill) by 2026-11-22T23:57:00.000Z',
    );
  });

  it('screenshots to a PNG that is a real picture: large, mostly paper, with the chart colours in it', async () => {
    const bytes = readFileSync(png);
    expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(statSync(png).size).toBeGreaterThan(50_000);
    if (opened === undefined) throw new Error('the report did not open');
    const sample = await samplePixels(opened.browser, png);
    expect(sample.width).toBe(1200);
    expect(sample.height).toBeGreaterThan(2000);
    expect(sample.whiteShare).toBeGreaterThan(0.5);
    expect(sample.whiteShare).toBeLessThan(0.99);
    expect(sample.colours).toBeGreaterThan(20);
    expect([sample.equityBlue, sample.buyGreen, sample.sellRed]).toEqual([true, true, true]);
  });
});
