// What `btcbot status --stage stage4` reports from the state table for one account: the trading lease, the
// last stage 4 cycles as their audits recorded them (risk mode, freeze flag, reasons no order went out),
// the degrade state with its override, the freeze, the risk state, open replace transactions and in-flight
// orders. Reads only (the stores' read methods). A corrupt document or transaction spoils
// only its own part of the report (an operator needs the rest most then); any other failure is thrown.
import * as z from 'zod';
import { CorruptStateError } from '../../../domain/errors';
import type { FreezeState } from '../../../domain/oms/unknown-order-freeze';
import type { JournalStatus } from '../../../domain/order-state';
import { MODES, type Mode } from '../../../domain/risk/mode';
import type { RiskState } from '../../../domain/risk/risk-budget';
import type {
  CycleAudit,
  CycleAuditStore,
  DocumentStore,
  JournalOrder,
  Lease,
  LeaseStore,
  OrderJournal,
  ReplaceTransaction,
  ReplaceTransactionStore,
} from '../../../ports/state-store';
import { parseJsonInput } from '../../parse-input';
import { tradingLeaseName } from '../../trading-lease';
import { loadFreezeState } from '../state/freeze-state';
import { loadRiskState } from '../state/risk-state';
import { type DegradeView, readDegrade } from './degrade-operator';

export interface Stage4StatusStores {
  readonly leases: Pick<LeaseStore, 'read'>;
  readonly journal: Pick<OrderJournal, 'listByStatus'>;
  readonly audits: Pick<CycleAuditStore, 'latest'>;
  /** Read through the state documents' loaders, which take the whole port */
  readonly documents: DocumentStore;
  readonly replaceTransactions: Pick<ReplaceTransactionStore, 'listOpen'>;
}

/** One part of the report: its value, or why it could not be read */
export type Readable<T> = { readonly value: T } | { readonly unreadable: string };

// What runStage4Cycle writes in an audit's summary and the status needs; the rest is not read here
const SummarySchema = z.object({
  status: z.string(),
  risk_mode: z.enum(MODES).optional(),
  freeze_active: z.boolean(),
  reasons_no_action: z.array(z.string()),
});

export interface Stage4CycleView {
  readonly cycleId: string;
  readonly startedAtMs: number;
  /** LIVE, DRY_RUN or BLOCKED */
  readonly mode: string;
  readonly decisions: readonly string[];
  readonly counts: Readonly<Record<string, number>>;
  readonly summary: Readable<{
    readonly status: string;
    /** Undefined when the cycle stopped before deciding it (blocked, stale market, expired) */
    readonly riskMode: Mode | undefined;
    readonly freezeActive: boolean;
    readonly reasonsNoAction: readonly string[];
  }>;
}

/** The trading mode of the newest shown cycle that decided one */
export interface Stage4ModeView {
  readonly mode: Mode;
  readonly cycleId: string;
  readonly atMs: number;
  /** False when later cycles stopped before deciding a mode */
  readonly latest: boolean;
  /** That cycle's risk budget and capital decisions (`layer:code`) */
  readonly reasons: readonly string[];
}

export interface Stage4Status {
  readonly account: string;
  readonly lease: Lease | undefined;
  readonly cycles: readonly Stage4CycleView[];
  readonly mode: Stage4ModeView | undefined;
  readonly degrade: Readable<DegradeView>;
  readonly freeze: Readable<FreezeState>;
  /** Undefined before the first live cycle */
  readonly risk: Readable<RiskState | undefined>;
  /** Non-terminal, oldest first, each with its age */
  readonly replaceTransactions: Readable<readonly (ReplaceTransaction & { readonly ageMs: number })[]>;
  readonly activeOrders: readonly JournalOrder[];
}

const RISK_LAYERS = ['risk_budget:', 'capital:'];

async function readable<T>(read: () => Promise<T>): Promise<Readable<T>> {
  try {
    return { value: await read() };
  } catch (e) {
    if (e instanceof CorruptStateError) return { unreadable: `${e.name}: ${e.message}` };
    throw e;
  }
}

function cycleView(audit: CycleAudit): Stage4CycleView {
  let summary: Stage4CycleView['summary'];
  try {
    const s = parseJsonInput(SummarySchema, `stage 4 audit summary of cycle ${audit.cycleId}`, audit.summary);
    summary = {
      value: {
        status: s.status,
        riskMode: s.risk_mode,
        freezeActive: s.freeze_active,
        reasonsNoAction: s.reasons_no_action,
      },
    };
  } catch (e) {
    summary = { unreadable: `${(e as Error).name}: ${(e as Error).message}` };
  }
  const { cycleId, startedAtMs, mode, decisions, counts } = audit;
  return { cycleId, startedAtMs, mode, decisions, counts, summary };
}

function modeView(cycles: readonly Stage4CycleView[]): Stage4ModeView | undefined {
  for (const [i, cycle] of cycles.entries()) {
    const mode = 'value' in cycle.summary ? cycle.summary.value.riskMode : undefined;
    if (mode === undefined) continue;
    const reasons = cycle.decisions.filter((d) => RISK_LAYERS.some((layer) => d.startsWith(layer)));
    return { mode, cycleId: cycle.cycleId, atMs: cycle.startedAtMs, latest: i === 0, reasons };
  }
  return undefined;
}

/** @throws the stores' errors other than a corrupt document (a missing table, no access) */
export async function readStage4Status(
  stores: Stage4StatusStores,
  account: string,
  options: { readonly nowMs: number; readonly cycles: number; readonly orderStatuses: readonly JournalStatus[] },
): Promise<Stage4Status> {
  const { documents } = stores;
  const [lease, audits, degrade, freeze, risk, replaceTransactions, activeOrders] = await Promise.all([
    stores.leases.read(tradingLeaseName(account)),
    stores.audits.latest('stage4', account, options.cycles),
    readable(() => readDegrade(documents, account, options.nowMs)),
    readable(async () => (await loadFreezeState(documents, account)).value),
    readable(async () => (await loadRiskState(documents, account)).value),
    readable(async () =>
      (await stores.replaceTransactions.listOpen(account)).map((tx) => ({
        ...tx,
        ageMs: options.nowMs - tx.createdAtMs,
      })),
    ),
    stores.journal.listByStatus(account, options.orderStatuses),
  ]);
  const cycles = audits.map(cycleView);
  return {
    account,
    lease,
    cycles,
    mode: modeView(cycles),
    degrade,
    freeze,
    risk,
    replaceTransactions,
    activeOrders,
  };
}
