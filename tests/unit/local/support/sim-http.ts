// Test-side HTTP helpers for the simulator suites: our own BTCTurk signing (BTCTURK_API.md 3) and a small
// undici wrapper, independent of the production client so the simulator is checked against the spec.
import { createHmac } from 'node:crypto';
import { request } from 'undici';
import type { Candle } from '../../../../local/market/candle';

export const KEY = 'test-public-key';
export const SECRET = 'dGVzdC1zZWNyZXQta2V5LWZvci11bml0LXRlc3Rz';
export const T0 = 1_767_225_600_000;

export const sign = (key: string, secret: string, stamp: string) =>
  createHmac('sha256', Buffer.from(secret, 'base64'))
    .update(key + stamp)
    .digest('base64');

export interface Answer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly text: string;
  readonly json: unknown;
}

export interface CallOptions {
  readonly body?: unknown;
  /** Stamp to sign with; omitted means an unsigned (public) call */
  readonly stamp?: number | string;
  readonly signature?: string;
  readonly timeoutMs?: number;
}

export async function call(baseUrl: string, method: string, path: string, o: CallOptions = {}): Promise<Answer> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (o.stamp !== undefined) {
    headers['x-pck'] = KEY;
    headers['x-stamp'] = String(o.stamp);
    headers['x-signature'] = o.signature ?? sign(KEY, SECRET, String(o.stamp));
  }
  const res = await request(`${baseUrl}${path}`, {
    method: method as 'GET',
    headers,
    body: o.body === undefined ? undefined : JSON.stringify(o.body),
    headersTimeout: o.timeoutMs ?? 10_000,
    bodyTimeout: o.timeoutMs ?? 10_000,
  });
  const text = await res.body.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.statusCode, headers: res.headers, text, json };
}

const c = (i: number, open: string, high: string, low: string, close: string, volume: string): Candle => ({
  timeMs: T0 + i * 60_000,
  open,
  high,
  low,
  close,
  volume,
  spreadBps: '2',
});

/** BTCTRY at 3,000,000 (bid 2,999,700 / ask 3,000,300), dipping to 2,990,000 and 2,994,000, then flat */
export const BTC_CANDLES: readonly Candle[] = [
  c(0, '3000000', '3001000', '2999000', '3000000', '1'),
  c(1, '3000000', '3000500', '2990000', '2998000', '2'),
  c(2, '2998000', '3000000', '2994000', '3000000', '2'),
  ...Array.from({ length: 10 }, (_, i) => c(3 + i, '3000000', '3000100', '2999900', '3000000', '1')),
];
