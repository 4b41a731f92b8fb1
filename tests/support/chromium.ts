// Debian's Chromium for the tests that open a page (report.html) in a real browser, driven by playwright-core
// with `executablePath` (playwright's own browser download cannot run here). Under CI=true a missing binary
// fails the suite with the install command; elsewhere the suite is skipped and one loud line says why.
import { existsSync } from 'node:fs';
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
