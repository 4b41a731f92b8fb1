// The faults the simulator injected during a run and what each one caused, from the requests the recorder
// saw (report-recorder.ts): a read is retried by the gateway (the same endpoint called again within a few
// simulated seconds); a write is never sent twice, so a lost submit answer leaves its order UNKNOWN until
// reconcile finds it by client id (the order whose history went UNKNOWN at that time). Also the requests
// per endpoint as the simulator counted them.
import type { OrderStep, SimRequestSeen } from './report-recorder';

/** A retry follows its failure after the retry policy's back-off: well within this, in simulated time */
export const RETRY_WINDOW_MS = 5_000;

export interface FaultRow {
  readonly atIso: string;
  readonly endpoint: string;
  readonly kind: string;
  readonly what: string;
  /** `retried after n ms`, `not retried`, or what became of the order a faulted write concerned */
  readonly followUp: string;
  /** The order that went UNKNOWN because of it (a faulted submit), when one did */
  readonly clientOrderId?: string;
}

export interface FaultsSummary {
  /** API requests the simulator answered during the run (its own audit after the run excluded) */
  readonly requests: number;
  readonly injected: number;
  /** Faulted reads the gateway sent again */
  readonly retried: number;
  readonly byKind: Readonly<Record<string, number>>;
  readonly list: readonly FaultRow[];
}

export interface OrderWithSteps {
  readonly clientOrderId: string;
  readonly status: string;
  readonly steps: readonly OrderStep[];
}

const isRead = (endpoint: string) => endpoint.startsWith('GET ');

function followUpOf(
  requests: readonly SimRequestSeen[],
  at: number,
  orders: readonly OrderWithSteps[],
  claimed: Set<string>,
): { text: string; retried: boolean; clientOrderId?: string } {
  const r = requests[at];
  if (r === undefined) return { text: 'not retried', retried: false };
  if (isRead(r.endpoint)) {
    const again = requests
      .slice(at + 1)
      .find((n) => n.endpoint === r.endpoint && n.atMs - r.atMs <= RETRY_WINDOW_MS && n.atMs >= r.atMs);
    return again
      ? { text: `retried after ${again.atMs - r.atMs} ms`, retried: true }
      : { text: 'not retried', retried: false };
  }
  // one order per faulted submit: the first not yet claimed whose UNKNOWN step came right after the fault
  const went = orders.find(
    (o) =>
      !claimed.has(o.clientOrderId) &&
      o.steps.some((s) => s.to === 'UNKNOWN' && s.atMs >= r.atMs && s.atMs - r.atMs <= RETRY_WINDOW_MS),
  );
  if (went) claimed.add(went.clientOrderId);
  const base = 'not re-sent (a write is never sent twice)';
  return went
    ? {
        text: `${base}; order ${went.clientOrderId} went UNKNOWN, now ${went.status}`,
        retried: false,
        clientOrderId: went.clientOrderId,
      }
    : { text: base, retried: false };
}

export function faultsSummary(requests: readonly SimRequestSeen[], orders: readonly OrderWithSteps[]): FaultsSummary {
  const list: FaultRow[] = [];
  const byKind: Record<string, number> = {};
  let retried = 0;
  const claimed = new Set<string>();
  requests.forEach((r, i) => {
    if (r.fault === null) return;
    byKind[r.fault.kind] = (byKind[r.fault.kind] ?? 0) + 1;
    const follow = followUpOf(requests, i, orders, claimed);
    if (follow.retried) retried += 1;
    list.push({
      atIso: new Date(r.atMs).toISOString(),
      endpoint: r.endpoint,
      kind: r.fault.kind,
      what: r.fault.what,
      followUp: follow.text,
      ...(follow.clientOrderId ? { clientOrderId: follow.clientOrderId } : {}),
    });
  });
  return { requests: requests.length, injected: list.length, retried, byKind, list };
}

/** Requests per `METHOD /path`, sorted by endpoint */
export function requestsByEndpoint(requests: readonly SimRequestSeen[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of [...requests].sort((a, b) => a.endpoint.localeCompare(b.endpoint)))
    counts[r.endpoint] = (counts[r.endpoint] ?? 0) + 1;
  return counts;
}
