// Replace grouping (spec 3.18): per (symbol, side), the `replace_cancel` CANCELs and `replace_submit` SUBMITs
// form one replace group, executed as a replace transaction. Only the group's last SUBMIT is kept (one
// replacement per group: two would rest side by side); a group with only one half is no replace, and its
// actions run as regular ones.
import { actionDecision, type Decision } from '../decision';
import type { Side } from '../exchange-rules';
import type { NewReplaceTransaction } from './replace-transaction';
import type { CancelAction, Stage4Action, SubmitAction } from './stage4-action';

export interface ReplaceGroup {
  readonly symbol: string;
  readonly side: Side;
  readonly cancels: readonly CancelAction[];
  readonly submit: SubmitAction;
}

export interface ReplaceGrouping {
  /** In the order their first action came */
  readonly groups: readonly ReplaceGroup[];
  /** Every other action, in the order given: non-replace actions and the halves of incomplete groups */
  readonly regular: readonly Stage4Action[];
  /** One `replace_multiple_submits_coalesced` per SUBMIT dropped in favour of its group's last */
  readonly decisions: readonly Decision[];
}

const isReplaceHalf = (a: Stage4Action): boolean =>
  a.kind === 'CANCEL' ? a.reason === 'replace_cancel' : a.reason === 'replace_submit';

export function groupReplaces(actions: readonly Stage4Action[]): ReplaceGrouping {
  const halves = new Map<string, { cancels: CancelAction[]; submits: SubmitAction[] }>();
  for (const a of actions) {
    if (!isReplaceHalf(a)) continue;
    const key = `${a.symbol}|${a.side}`;
    const group = halves.get(key) ?? { cancels: [], submits: [] };
    if (a.kind === 'CANCEL') group.cancels.push(a);
    else group.submits.push(a);
    halves.set(key, group);
  }
  const groups: ReplaceGroup[] = [];
  const grouped = new Set<Stage4Action>();
  const decisions: Decision[] = [];
  for (const { cancels, submits } of halves.values()) {
    const submit = submits.at(-1);
    if (submit === undefined || cancels.length === 0) continue;
    groups.push({ symbol: submit.symbol, side: submit.side, cancels, submit });
    for (const a of [...cancels, ...submits]) grouped.add(a);
    for (const dropped of submits.slice(0, -1))
      decisions.push(actionDecision('execution', dropped, 'DROP', 'replace_multiple_submits_coalesced'));
  }
  return { groups, regular: actions.filter((a) => !grouped.has(a)), decisions };
}

/** The replace transaction a group asks for */
export const replaceRequestOf = (group: ReplaceGroup, account: string, cycleId: string): NewReplaceTransaction => ({
  account,
  symbol: group.symbol,
  side: group.side,
  newClientOrderId: group.submit.clientOrderId,
  oldClientOrderIds: group.cancels.map((c) => c.clientOrderId),
  price: group.submit.price,
  qty: group.submit.qty,
  cycleId,
});
