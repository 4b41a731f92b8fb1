// Item codecs of the stage 7 cycle state: the version-guarded documents (DOC#<name>: the simulated account,
// the token bucket, and the universe state and risk decision kept as opaque canonical JSON) and the cycle
// traces (TRACE#<cycle>). A stored document is read only if it means something: balances and token counts
// >= 0, JSON that is canonical and holds integers only.
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import * as z from 'zod';
import type { Stage7Document, Stage7DocumentName, Stage7Documents } from '../../ports/stage7-store';
import {
  account,
  builtOnce,
  checkedItem,
  D,
  type Item,
  keyIssue,
  literal,
  nonEmpty,
  nonNegative,
  parseItem,
  rule,
  S,
  str,
  version,
} from './attributes';
import { checkedBy, decodedOnce } from './dynamodb-stage7-decoded';
import { canonicalDocumentText, jsonText } from './dynamodb-stage7-json';
import { stage7Keys } from './dynamodb-stage7-keys';
import { num } from './dynamodb-stage7-oms-codec';

/** Whole numbers and fractions as JavaScript writes them (token counts refill fractionally): S, never a float N */
const plainNumber = rule(
  str,
  (s) => /^\d+(\.\d+)?(e[-+]?\d+)?$/.test(s) && String(Number(s)) === s,
  'a finite number >= 0 as JavaScript writes it',
).transform(Number);

const balance = z.object({ M: z.object({ free: nonNegative, locked: nonNegative }) }).transform((v) => v.M);
const bucket = z
  .object({ M: z.object({ tokens: plainNumber, updatedAtMs: plainNumber, cooldownUntilMs: plainNumber }) })
  .transform((v) => v.M);

const DOCUMENT_VALUES = {
  account: z.object({ M: z.record(z.string().regex(/^[A-Z0-9]{1,20}$/), balance) }).transform((v) => v.M),
  tokenBucket: z.object({ M: z.record(z.string().min(1), bucket) }).transform((v) => v.M),
  universe: canonicalDocumentText,
  riskDecision: canonicalDocumentText,
} satisfies { [K in Stage7DocumentName]: z.ZodType<Stage7Documents[K], unknown> };

export const STAGE7_DOCUMENT_NAMES = Object.keys(DOCUMENT_VALUES) as Stage7DocumentName[];

/** One schema per document, built on first use (zod compiles a schema at its first parse) */
const documentSchema = builtOnce((name: Stage7DocumentName) =>
  z
    .object({ pk: str, sk: str, account, name: literal([name]), version, value: DOCUMENT_VALUES[name] as z.ZodType })
    .superRefine(({ pk, sk, account: acct }, ctx) => {
      const key = stage7Keys.document(acct, name);
      keyIssue(ctx, 'pk', pk, key.pk);
      keyIssue(ctx, 'sk', sk, key.sk);
    }),
);

/** @throws CorruptStateError the item is not the named document */
export function parseStage7Document<K extends Stage7DocumentName>(
  name: K,
  item: Item,
): { readonly value: Stage7Documents[K]; readonly version: number } {
  const { value, version: v } = documentDecoder(name)(item);
  return { value: value as Stage7Documents[K], version: v };
}

/** One remembered decode per document: the same item read as another document is refused, never remembered */
const documentDecoder = builtOnce((name: Stage7DocumentName) =>
  decodedOnce((item) => parseItem(documentSchema(name), item)),
);

function documentValue<K extends Stage7DocumentName>(name: K, value: Stage7Documents[K]): AttributeValue {
  if (name === 'account') {
    const balances = value as Stage7Documents['account'];
    return {
      M: Object.fromEntries(
        Object.entries(balances).map(([asset, b]) => [asset, { M: { free: D(b.free), locked: D(b.locked) } }]),
      ),
    };
  }
  if (name === 'tokenBucket') {
    const buckets = value as Stage7Documents['tokenBucket'];
    return {
      M: Object.fromEntries(
        Object.entries(buckets).map(([group, b]) => [
          group,
          {
            M: {
              tokens: S(String(b.tokens)),
              updatedAtMs: S(String(b.updatedAtMs)),
              cooldownUntilMs: S(String(b.cooldownUntilMs)),
            },
          },
        ]),
      ),
    };
  }
  return S(jsonText(value));
}

/** @throws CorruptStateError the document is not one the store may hold (a negative balance, a float...) */
export function stage7DocumentItem<K extends Stage7DocumentName>(
  acct: string,
  name: K,
  value: Stage7Documents[K],
  nextVersion: number,
): Item {
  const key = stage7Keys.document(acct, name);
  return checkedBy(documentDecoder(name), {
    pk: S(key.pk),
    sk: S(key.sk),
    account: S(acct),
    name: S(name),
    version: num(nextVersion),
    value: documentValue(name, value),
  });
}

const traceSchema = z
  .object({ pk: str, sk: str, account, cycleId: nonEmpty, trace: canonicalDocumentText })
  .superRefine(({ pk, sk, account: acct, cycleId }, ctx) => {
    const key = stage7Keys.trace(acct, cycleId);
    keyIssue(ctx, 'pk', pk, key.pk);
    keyIssue(ctx, 'sk', sk, key.sk);
  })
  .transform(({ trace }): Stage7Document => trace);

/** @throws CorruptStateError the item is not a cycle trace */
export const parseStage7Trace = (item: Item): Stage7Document => parseItem(traceSchema, item);

/** @throws CorruptStateError the trace is not a JSON object of strings, integers, booleans and nulls */
export function stage7TraceItem(acct: string, cycleId: string, trace: Stage7Document): Item {
  const key = stage7Keys.trace(acct, cycleId);
  // checked, not remembered: a trace is written once and read back by no cycle
  return checkedItem(traceSchema, {
    pk: S(key.pk),
    sk: S(key.sk),
    account: S(acct),
    cycleId: S(cycleId),
    trace: S(jsonText(trace)),
  });
}
