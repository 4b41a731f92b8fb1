// Debian's Chromium for the tests that open a page (report.html) in a real browser, driven by playwright-core
// with `executablePath` (playwright's own browser download cannot run here). Under CI=true a missing binary
// fails the suite with the install command; elsewhere the suite is skipped and one loud line says why.
import { existsSync, readFileSync } from 'node:fs';
import { type Browser, chromium, type Page } from 'playwright-core';
import { findTool } from '../../local/aws/find-tool';

export const CHROMIUM_INSTALL = 'apt-get install -y chromium';

/** As root, in a closed network: no sandbox, no GPU, and none of Chromium's background connections */
export const CHROMIUM_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const isCi = () => /^(1|true|yes)$/i.test(process.env.CI ?? '');

/** Debian's /usr/bin/chromium, else `chromium` or `chromium-browser` on PATH, or null */
export function findChromium(): string | null {
  if (existsSync('/usr/bin/chromium')) return '/usr/bin/chromium';
  return findTool('chromium') ?? findTool('chromium-browser');
}

/**
 * The binary, or null after printing why the suite skips.
 * @throws Error under CI=true when Chromium is missing
 */
export function chromiumOrSkip(suite: string): string | null {
  const path = findChromium();
  if (path !== null) return path;
  const why = `${suite} needs Chromium, which is not installed (install: ${CHROMIUM_INSTALL})`;
  if (isCi()) throw new Error(`CI=true: ${why}`);
  console.error(`\n!!! SKIPPING: ${why} !!!\n`);
  return null;
}

/** What SAMPLE_PIXELS measures of a screenshot */
export interface PixelSample {
  readonly width: number;
  readonly height: number;
  readonly whiteShare: number;
  readonly colours: number;
  readonly equityBlue: boolean;
  readonly buyGreen: boolean;
  readonly sellRed: boolean;
}

// Runs in the page (as text: this project's TypeScript has no DOM types): decodes the screenshot shown in
// #shot through a canvas, counts white and distinct colours over every 7th pixel, and looks for the equity
// line's blue (#1565c0) and the markers' green (#2e7d32) and red (#c62828)
const SAMPLE_PIXELS = `(async () => {
  const img = document.getElementById('shot');
  await img.decode();
  const canvas = document.createElement('canvas');
  canvas.width = img.naturalWidth;
  canvas.height = img.naturalHeight;
  const ctx = canvas.getContext('2d');
  ctx.drawImage(img, 0, 0);
  const data = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
  const near = (r, g, b) => {
    for (let i = 0; i < data.length; i += 4) {
      if (Math.abs(data[i] - r) + Math.abs(data[i + 1] - g) + Math.abs(data[i + 2] - b) < 30) return true;
    }
    return false;
  };
  let white = 0;
  let sampled = 0;
  const colours = new Set();
  for (let i = 0; i < data.length; i += 28) {
    sampled += 1;
    if (data[i] === 255 && data[i + 1] === 255 && data[i + 2] === 255) white += 1;
    colours.add(data[i] + ',' + data[i + 1] + ',' + data[i + 2]);
  }
  return {
    width: canvas.width,
    height: canvas.height,
    whiteShare: white / sampled,
    colours: colours.size,
    equityBlue: near(0x15, 0x65, 0xc0),
    buyGreen: near(0x2e, 0x7d, 0x32),
    sellRed: near(0xc6, 0x28, 0x28),
  };
})()`;

/** A report page open in headless Chromium, screenshotted, with what it logged as errors and every URL it asked for */
export interface OpenedReport {
  readonly browser: Browser;
  readonly page: Page;
  readonly problems: readonly string[];
  readonly requests: readonly string[];
}

/** Opens `html` (a file) at 1200x900 in `executablePath` and writes its full-page screenshot to `png` */
export async function openReport(executablePath: string, html: string, png: string): Promise<OpenedReport> {
  const problems: string[] = [];
  const requests: string[] = [];
  const browser = await chromium.launch({ executablePath, args: [...CHROMIUM_ARGS] });
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(e.message));
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(`file://${html}`);
  await page.screenshot({ path: png, fullPage: true });
  return { browser, page, problems, requests };
}

/** Decodes the PNG at `png` in a page of `browser` and measures it (SAMPLE_PIXELS) */
export async function samplePixels(browser: Browser, png: string): Promise<PixelSample> {
  const decoder = await browser.newPage();
  await decoder.setContent(`<img id="shot" src="data:image/png;base64,${readFileSync(png).toString('base64')}">`);
  const sample = (await decoder.evaluate(SAMPLE_PIXELS)) as PixelSample;
  await decoder.close();
  return sample;
}
