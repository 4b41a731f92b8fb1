// report.html of a real short local run (both bots live on the simulator under lost responses, the first submit's
// answer dropped for certain) opened in headless Chromium (Debian's, driven by playwright-core): it loads with no
// console error and no request beyond its own file, the sections are there, the order history table shows the
// step into UNKNOWN and the step out of it, each bot's equity chart carries its fills as markers, and the
// screenshot (under the test's temp dir) is a real picture: mostly paper, many colours, the equity line's blue
// and the buy markers' green in it (sampled by decoding the PNG in the browser).
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseLocalOptions } from '../../local/runner/options';
import { runLocal } from '../../local/runner/run-local';
import { assembleWorld } from '../../local/runner/world';
import { chromiumOrSkip, type OpenedReport, openReport, samplePixels } from '../support/chromium';

const executablePath = chromiumOrSkip('the local run report.html in headless Chromium');

describe.skipIf(executablePath === null)('the local run report.html in headless Chromium', () => {
  const dir = mkdtempSync(join(tmpdir(), 'btcbot-local-report-html-'));
  const html = join(dir, 'report.html');
  const png = join(dir, 'report.png');
  let opened: OpenedReport | undefined;
  let page: Page;

  beforeAll(async () => {
    const options = parseLocalOptions({
      cycles: '6',
      stages: 'stage3,stage4',
      faults: 'lost-responses',
      seed: '2',
      out: dir,
    });
    const run = await runLocal(options, { out: () => {}, err: () => {} }, undefined, async (o) => {
      const world = await assembleWorld(o);
      world.sim.control.injectNext({ kind: 'drop', method: 'POST', path: '/api/v1/order' });
      return world;
    });
    expect(run.code).toBe(0);
    opened = await openReport(executablePath ?? '', html, png);
    page = opened.page;
  });

  afterAll(async () => {
    await opened?.browser.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('renders every section, the UNKNOWN step of the order history and the fill markers, offline and without errors', async () => {
    expect(opened?.problems).toEqual([]);
    expect(opened?.requests).toEqual([`file://${html}`]);
    for (const id of ['what-happened', 'equity', 'cycles', 'order-history', 'faults', 'requests']) {
      expect([id, await page.locator(`section#${id}`).isVisible()]).toEqual([id, true]);
    }
    expect(await page.locator('#what-happened').innerText()).toContain('went UNKNOWN');

    // the history table's rows as their cells: [client order id, stage, order, time, from, to, event, by, cause]
    // (typed by hand: this project's TypeScript has no DOM types)
    type Row = { readonly children: ArrayLike<{ readonly textContent: string | null }> };
    const rows = await page
      .locator('#order-history tbody tr')
      .evaluateAll((trs: Row[]) => trs.map((tr) => Array.from(tr.children, (td) => td.textContent ?? '')));
    const intoUnknown = rows.find((r) => r[4] === 'PENDING_SUBMIT' && r[5] === 'UNKNOWN');
    expect(intoUnknown?.[6]).toBe('SUBMIT_UNCERTAIN');
    const outOfUnknown = rows.find((r) => r[0] === intoUnknown?.[0] && r[4] === 'UNKNOWN' && r[5] !== 'UNKNOWN');
    expect(outOfUnknown?.[7]).toBe('reconcile');
    expect(outOfUnknown?.[8]).toMatch(/^reconciled: found by client id/);

    expect(await page.locator('[data-chart="equity"] svg').count()).toBe(2);
    const markers = page.locator('[data-chart="equity"] path.marker');
    expect(await markers.count()).toBeGreaterThan(0);
    expect(await page.locator('[data-chart="equity"] path.marker-buy title').first().textContent()).toMatch(
      /^BUY [\d.]+ [A-Z]+TRY @ [\d.]+ \(\d+ fills?\) by 2026-/,
    );
  });

  it('screenshots to a PNG that is a real picture: mostly paper, many colours, the chart colours in it', async () => {
    const bytes = readFileSync(png);
    expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(statSync(png).size).toBeGreaterThan(50_000);
    if (opened === undefined) throw new Error('the report did not open');
    const sample = await samplePixels(opened.browser, png);
    expect(sample.width).toBe(1200);
    expect(sample.height).toBeGreaterThan(1500);
    expect(sample.whiteShare).toBeGreaterThan(0.5);
    expect(sample.whiteShare).toBeLessThan(0.99);
    expect(sample.colours).toBeGreaterThan(20);
    expect([sample.equityBlue, sample.buyGreen]).toEqual([true, true]);
  });
});
