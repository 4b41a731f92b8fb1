// `btcbot replay capture` (spec 4.19): polls the venue's public ticker and order book through the real gateway
// every interval, `seconds / interval` times, and writes the three files per symbol (nothing half written:
// DatasetBuilder), plus the venue's own exchangeinfo body as exchangeinfo.json, then validates. Each row is stamped
// when this process received it (the data's age before that is not kept). A capture sees no trades: its candle rows
// are the ticker's last price at each poll (open = high = low = close) with volume 0. A poll that came late leaves a
// gap in the candles, listed in gaps.csv (it really happened); the slots that fell due meanwhile are skipped, not
// polled in a burst. A failed read ends the capture with nothing written.
import type { Dispatcher } from 'undici';
import { createBtcturkAgent } from '../../shared/adapters/btcturk/btcturk-agent';
import { createBtcturkGateway, type GatewaySettings } from '../../shared/adapters/btcturk/create-gateway';
import { sendHttp } from '../../shared/adapters/btcturk/http-transport';
import { ConfigError, ValidationError } from '../../shared/domain/errors';
import type { PairMetadata } from '../../shared/domain/exchange-rules';
import { ZERO } from '../../shared/domain/money';
import type { Clock } from '../../shared/ports/clock';
import type { OrderBookTop, Ticker } from '../../shared/ports/exchange';
import { DatasetBuilder } from './dataset-builder';
import { EXCHANGE_INFO_FILE } from './exchange-info-file';
import type { DatasetReport } from './validate-dataset';

/** What a capture reads from the venue: public data only */
export interface CaptureVenue {
  exchangeInfo(): Promise<PairMetadata[]>;
  tickers(): Promise<Ticker[]>;
  orderBookTop(symbol: string): Promise<OrderBookTop>;
  /** The exchangeinfo response body as the venue sent it */
  exchangeInfoBody(): Promise<string>;
  /** Releases the connections */
  close(): Promise<void>;
}

export interface CaptureOptions {
  readonly dataset: string;
  /** Canonical, at least one */
  readonly symbols: readonly string[];
  /** > 0 */
  readonly seconds: number;
  /** > 0, at most `seconds` */
  readonly intervalSeconds: number;
}

export interface CaptureResult {
  /** Polls made: seconds / interval, less those skipped because an earlier one ran late */
  readonly polls: number;
  readonly slots: number;
  readonly gaps: number;
  readonly report: DatasetReport;
}

/**
 * @throws ValidationError a symbol the venue does not list, or a poll whose ticker list lacks one
 * @throws whatever the gateway throws for a failed read (after its own retries)
 */
export async function captureDataset(o: CaptureOptions, venue: CaptureVenue, clock: Clock): Promise<CaptureResult> {
  const listed = new Set((await venue.exchangeInfo()).map((p) => p.symbol.toUpperCase().replaceAll('_', '')));
  const unknown = o.symbols.filter((s) => !listed.has(s));
  if (unknown.length > 0)
    throw new ValidationError('--symbols', [
      { path: 'symbols', message: `the venue does not list ${unknown.join(', ')}` },
    ]);
  let gaps = 0;
  const builder = new DatasetBuilder(o.dataset, () => {
    gaps += 1;
  });
  try {
    builder.text(EXCHANGE_INFO_FILE, await venue.exchangeInfoBody());
    const slots = Math.floor(o.seconds / o.intervalSeconds);
    const startMs = clock.nowMs();
    const dueMs = (k: number) => startMs + Math.round(k * o.intervalSeconds * 1000);
    let polls = 0;
    for (let k = 0; k < slots; k++) {
      const waitMs = dueMs(k) - clock.nowMs();
      if (waitMs > 0) await clock.sleep(waitMs);
      // the next slot is already due (a poll or a wait ran late): skip this one rather than poll in a burst
      if (k + 1 < slots && clock.nowMs() >= dueMs(k + 1)) continue;
      await poll(o.symbols, venue, builder);
      polls += 1;
    }
    // commit finds the gaps of a short series: count them after it
    const report = builder.commit();
    return { polls, slots, gaps, report };
  } catch (e) {
    builder.abort();
    throw e;
  }
}

async function poll(symbols: readonly string[], venue: CaptureVenue, builder: DatasetBuilder): Promise<void> {
  const tickers = await venue.tickers();
  for (const symbol of symbols) {
    const t = tickers.find((x) => x.symbol === symbol);
    if (!t)
      throw new ValidationError('btcturk ticker', [
        { path: symbol, message: 'expected a ticker row, the venue sent none' },
      ]);
    const book = await venue.orderBookTop(symbol);
    const tsMs = t.receivedAtMs;
    builder.candle(symbol, { tsMs, open: t.last, high: t.last, low: t.last, close: t.last, volume: ZERO }, undefined);
    builder.ticker(symbol, { tsMs, last: t.last, high: t.high, low: t.low, volume: t.volume });
    builder.book(symbol, { tsMs: book.receivedAtMs, bid: book.bid, ask: book.ask });
  }
}

/**
 * The real gateway (no credentials: a capture reads public data only) and a raw exchangeinfo read, over
 * `dispatcher` (the simulator's in a test) or an agent of its own, closed by close()
 */
export function gatewayCaptureVenue(settings: GatewaySettings, clock: Clock, dispatcher?: Dispatcher): CaptureVenue {
  const noCredentials = {
    get: () =>
      Promise.reject(
        new ConfigError([{ variable: 'BTCTURK_API_KEY', message: 'replay capture reads public data only' }]),
      ),
  };
  const own =
    dispatcher === undefined
      ? createBtcturkAgent({
          connections: settings.BTCTURK_HTTP_MAX_CONNECTIONS,
          connectTimeoutMs: settings.BTCTURK_CONNECT_TIMEOUT_MS,
          keepAliveTimeoutMs: 4_000,
        })
      : undefined;
  const via = dispatcher ?? (own as Dispatcher);
  // every poll reads the venue: a cached book would be recorded again under its old time
  const gateway = createBtcturkGateway({ ...settings, ORDERBOOK_TTL_MS: 0 }, noCredentials, clock, via);
  return {
    exchangeInfo: () => gateway.exchangeInfo(),
    tickers: () => gateway.tickers(),
    orderBookTop: (symbol) => gateway.orderBookTop(symbol),
    async exchangeInfoBody() {
      const reply = await sendHttp(
        via,
        settings.BTCTURK_BASE_URL,
        { headersTimeoutMs: settings.BTCTURK_HEADERS_TIMEOUT_MS, bodyTimeoutMs: settings.BTCTURK_BODY_TIMEOUT_MS },
        { method: 'GET', path: '/api/v2/server/exchangeinfo', headers: {} },
      );
      if (reply.status !== 200)
        throw new ValidationError('btcturk exchangeinfo', [
          { path: '', message: `expected HTTP 200, was ${reply.status}` },
        ]);
      return reply.text;
    },
    close: async () => {
      await own?.close();
    },
  };
}
