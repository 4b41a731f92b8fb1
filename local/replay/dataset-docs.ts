// The README.md and schema.json every dataset this project writes carries (spec 4.19: replay init writes both),
// so a dataset folder explains itself to whoever opens it.
import { DATASET_COLUMNS } from './dataset-rows';

export const DATASET_README = `# Replay dataset (btcbot, spec 4.19)

One file per symbol, named by it (BTCTRY.csv), in three folders:

- candles/<SYMBOL>.csv (required): ts,open,high,low,close,volume
- orderbook/<SYMBOL>.csv (required): ts,best_bid,best_ask
- ticker/<SYMBOL>.csv (optional): ts,last,high,low,volume[,quote_volume]

ts: ISO-8601 (Z, an offset, or naive = UTC), epoch seconds (10 digits) or epoch milliseconds (13 digits).
Rows in time order (equal times allowed). A row is visible to a replay from its ts on: stamp each row when
its data became known (a candle at its close), never earlier.

Optional: exchangeinfo.json (a BTCTurk GET /api/v2/server/exchangeinfo body: the pair rules) and gaps.csv
(symbol,from,to: the known gaps of the candle series; any other step longer than 1.5 bars is an error).

Check it with: btcbot replay validate --dataset <this folder>
`;

export function datasetSchemaJson(): string {
  const schema = {
    version: 1,
    timestamps: 'ISO-8601 (Z, an offset, or naive = UTC), epoch seconds (10 digits) or epoch milliseconds (13 digits)',
    files: {
      'candles/<SYMBOL>.csv': { required: true, columns: DATASET_COLUMNS.candles },
      'orderbook/<SYMBOL>.csv': { required: true, columns: DATASET_COLUMNS.orderbook },
      'ticker/<SYMBOL>.csv': {
        required: false,
        columns: [...DATASET_COLUMNS.ticker, 'quote_volume'],
        optional: ['quote_volume'],
      },
      'exchangeinfo.json': { required: false, format: 'BTCTurk GET /api/v2/server/exchangeinfo response body' },
      'gaps.csv': { required: false, columns: ['symbol', 'from', 'to'] },
    },
  };
  return `${JSON.stringify(schema, null, 2)}\n`;
}
