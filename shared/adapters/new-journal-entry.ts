// The entry every order journal stores on create: PENDING_SUBMIT at version 1, nothing filled or checked yet
import { ZERO } from '../domain/money';
import type { JournalOrder, NewJournalOrder } from '../ports/state-store';

export const newJournalEntry = (order: NewJournalOrder, nowMs: number): JournalOrder => ({
  ...order,
  status: 'PENDING_SUBMIT',
  version: 1,
  updatedAtMs: nowMs,
  filledQty: ZERO,
  notFoundChecks: 0,
});
