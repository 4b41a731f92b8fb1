// The shape of summary.json, for tests and for anyone reading a run's result: parse the file with
// LocalRunSummarySchema. Money, prices, quantities, equity and percentages are decimal strings (never JSON
// numbers); counts are integers. Objects whose fields belong to other modules (the run options, the stage
// counters) keep the fields the reports read and let the rest through unchecked.
import * as z from 'zod';
import { isDecimalString } from '../../shared/domain/money';

const Decimal = z.string().refine(isDecimalString, 'expected a plain decimal string');
const Count = z.number().int().min(0);
const Iso = z.iso.datetime();
const Counts = z.record(z.string(), Count);
const Strings = z.array(z.string());
const TradingStage = z.enum(['stage3', 'stage4']);

const Options = z.looseObject({
  cycles: Count,
  stages: z.array(z.enum(['stage3', 'stage4', 'stage7'])),
  symbols: Strings,
  seed: Count,
  faults: z.string(),
  liveSim: z.boolean(),
  intervalMs: Count,
  out: z.string(),
});

const CycleBase = {
  index: Count,
  cycleId: z.string(),
  timeIso: Iso,
  status: z.string(),
  mode: z.string(),
  error: z.string().optional(),
};

const TradingBase = {
  ...CycleBase,
  unknown: Count,
  fills: Count,
  equity: Decimal,
  pnl: Decimal,
  reconcile: z.object({ delivered: Count, failed: Count, deadLettered: Count }),
  reconciled: Count,
};

const Cycle = z.discriminatedUnion('stage', [
  z.object({ stage: z.literal('stage3'), ...TradingBase, counters: Counts.optional() }),
  z.object({
    stage: z.literal('stage4'),
    ...TradingBase,
    counters: Counts.optional(),
    execution: z.looseObject({ submitted: Count, simulated: Count, canceled: Count, unknown: Count }).optional(),
    decisions: Strings,
    reasonsNoAction: Strings,
    riskMode: z.string().optional(),
    freezeActive: z.boolean(),
  }),
  z.object({
    stage: z.literal('stage7'),
    ...CycleBase,
    record: z.looseObject({ equityTry: Decimal, netPnlTry: Decimal }).optional(),
    ledgerEvents: Count,
    requests: Counts,
  }),
]);

const TimelineRow = z.object({
  stage: TradingStage,
  index: Count,
  cycleId: z.string(),
  timeIso: Iso,
  status: z.string(),
  mode: z.string(),
  intents: Count,
  submitted: Count,
  simulated: Count,
  uncertain: Count,
  rejected: Count,
  fills: Count,
  reconciled: Count,
  decisions: Strings,
  why: Strings,
});

const StageOutcome = { cycles: Count, errors: Count, reconciled: Count, unknownOutstanding: Count, duplicates: Count };

const Stage7Totals = z.looseObject({
  cycles: Count,
  errors: Count,
  intentsPlanned: Count,
  ordersSubmitted: Count,
  ordersFilled: Count,
  feesTry: Decimal,
  equity: z.object({ start: Decimal, end: Decimal, netPnl: Decimal }),
  maxDrawdownPct: Decimal,
  privateRequests: Count,
  series: z.array(z.looseObject({ index: Count, timeIso: Iso, equityTry: Decimal, netPnlTry: Decimal })),
});

const OrderStep = z.object({
  atIso: Iso,
  from: z.string().nullable(),
  to: z.string(),
  event: z.string(),
  by: z.string(),
  cause: z.string(),
});

const Order = z.object({
  clientOrderId: z.string(),
  stage: z.enum(['stage3', 'stage4', 'stage7']),
  cycleId: z.string(),
  symbol: z.string(),
  side: z.enum(['BUY', 'SELL']),
  price: Decimal,
  qty: Decimal,
  filledQty: Decimal,
  status: z.string(),
  exchangeOrderId: z.string().nullable(),
  history: z.array(OrderStep),
});

const Fill = z.object({
  stage: TradingStage,
  tradeId: z.string().nullable(),
  clientOrderId: z.string().nullable(),
  symbol: z.string(),
  side: z.enum(['BUY', 'SELL']),
  price: Decimal,
  qty: Decimal,
  fee: Decimal,
  feeAsset: z.string(),
  timeIso: Iso,
});

const Faults = z.object({
  requests: Count,
  injected: Count,
  retried: Count,
  byKind: Counts,
  list: z.array(
    z.object({
      atIso: Iso,
      endpoint: z.string(),
      kind: z.string(),
      what: z.string(),
      followUp: z.string(),
      clientOrderId: z.string().optional(),
    }),
  ),
});

export const LocalRunSummarySchema = z.object({
  whatHappened: Strings.min(1),
  config: z.object({
    options: Options,
    mode: z.string(),
    appRole: z.string(),
    dryRun: z.boolean(),
    killSwitch: z.boolean(),
    account: z.string(),
    stage7Account: z.string().nullable(),
    simulatorUrl: z.string(),
    state: z.looseObject({ mode: z.enum(['embedded', 'moto']) }),
    startIso: Iso,
  }),
  cycles: z.array(Cycle),
  timeline: z.array(TimelineRow),
  stages: z.object({
    stage3: z.looseObject({ ...StageOutcome, intents: Count, submitted: Count, simulated: Count }).optional(),
    stage4: z
      .looseObject({
        ...StageOutcome,
        planned: Count,
        placed: Count,
        simulated: Count,
        riskModes: Counts,
        reasonsNoAction: Counts,
      })
      .optional(),
    stage7: Stage7Totals.optional(),
  }),
  orders: z.array(Order),
  fills: z.array(Fill),
  positions: z.array(
    z.object({
      stage: TradingStage,
      symbol: z.string(),
      qty: Decimal,
      avgCost: Decimal,
      realizedPnl: Decimal,
      mark: Decimal,
    }),
  ),
  bots: z.array(
    z.object({
      stage: TradingStage,
      account: z.string(),
      equity: z.object({ start: Decimal, end: Decimal, pnl: Decimal }),
      equitySeries: z.array(z.object({ timeIso: Iso, equity: Decimal, pnl: Decimal })),
    }),
  ),
  equity: z.object({ start: Decimal, end: Decimal, pnl: Decimal }),
  equitySeries: z.array(z.object({ timeIso: Iso, equity: Decimal, pnl: Decimal })),
  faults: Faults,
  requests: z.object({ bots: Counts, stage7: Counts.nullable(), simulator: Counts }),
  outcome: z.object({
    unknown: Count,
    failed: Count,
    journalByStatus: Counts,
    reconcileLeft: Count,
    deadLetters: Count,
    drainRounds: Count,
    stoppedEarly: z.boolean(),
    warnings: Count,
    errors: Count,
  }),
  exchange: z.object({
    orders: Count,
    distinctClientIds: Count,
    duplicateClientIds: Strings,
    journalOrders: Count,
    restingDuplicates: z.array(
      z.object({
        kind: z.string(),
        key: z.string(),
        stage: z.string(),
        venueOrderIds: z.array(Count),
        atIso: Iso,
      }),
    ),
    reconciled: z.object({ agree: Count, lagging: Strings, disagree: Strings }),
  }),
});

export type ParsedLocalRunSummary = z.infer<typeof LocalRunSummarySchema>;
