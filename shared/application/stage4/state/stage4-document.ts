// One stage 4 state document (`stage4#<account>#<name>`) through the versioned DocumentStore: a zod schema
// decodes the stored JSON into the domain type, `encode` writes it back (decimals as plain strings, maps as
// objects, absent fields omitted), and decode(encode(value)) equals value for every value the domain makes.
//
// A corrupt document stops the cycle (CorruptStateError naming the key) instead of reading as the initial
// state: read as empty, a freeze would lift, a peak equity would reset and a degrade level would drop, and a
// save over it would destroy what the operator must repair. A save re-reads its own text first, so a value
// the next load would refuse is never written. A lost race is the store's ConcurrentUpdateError: the caller
// re-reads and decides again.
import * as z from 'zod';
import { EPOCH_MS_MAX, EPOCH_MS_MIN } from '../../../domain/epoch';
import { CorruptStateError, ValidationError } from '../../../domain/errors';
import { type Dec, toPlain } from '../../../domain/money';
import type { DocumentStore, Versioned } from '../../../ports/state-store';
import {
  DecimalTextSchema,
  NonNegativeDecimalTextSchema,
  PositiveDecimalTextSchema,
  parseInput,
  parseJsonInput,
} from '../../parse-input';

export interface Stage4DocumentCodec<T> {
  /** The `<name>` of the key */
  readonly name: string;
  /** Decodes the parsed JSON; refuses anything the domain could not have made */
  readonly schema: z.ZodType<T>;
  readonly encode: (value: T) => unknown;
  /** The state before the first save */
  readonly initial: T;
}

export const stage4Key = (account: string, name: string): string => `stage4#${account}#${name}`;

const source = (codec: Stage4DocumentCodec<unknown>, key: string) => `stage 4 ${codec.name} document ${key}`;

/** @throws CorruptStateError naming the key and each bad field */
export function decodeDocument<T>(codec: Stage4DocumentCodec<T>, key: string, text: string): T {
  return parseJsonInput(codec.schema, source(codec as Stage4DocumentCodec<unknown>, key), text, CorruptStateError);
}

/** @throws ValidationError naming the key when `value` would not read back (nothing to write) */
export function encodeDocument<T>(codec: Stage4DocumentCodec<T>, key: string, value: T): string {
  const text = JSON.stringify(codec.encode(value));
  parseInput(codec.schema, source(codec as Stage4DocumentCodec<unknown>, key), JSON.parse(text), ValidationError);
  return text;
}

/**
 * The stored value and its version; the codec's initial value at version 0 when there is none.
 * @throws CorruptStateError the stored document is not valid
 */
export async function loadDocument<T>(
  documents: DocumentStore,
  account: string,
  codec: Stage4DocumentCodec<T>,
): Promise<Versioned<T>> {
  const key = stage4Key(account, codec.name);
  const stored = await documents.get(key);
  if (stored === undefined) return { value: codec.initial, version: 0 };
  return { value: decodeDocument(codec, key, stored.value), version: stored.version };
}

/**
 * Writes `value` over the version the caller loaded (0: none yet).
 * @returns the new version
 * @throws ConcurrentUpdateError another writer saved since; nothing was written
 * @throws ValidationError `value` would not read back; nothing was written
 */
export async function saveDocument<T>(
  documents: DocumentStore,
  account: string,
  codec: Stage4DocumentCodec<T>,
  value: T,
  version: number,
): Promise<number> {
  const key = stage4Key(account, codec.name);
  return (await documents.put(key, encodeDocument(codec, key, value), version)).version;
}

// ---------------------------------------------------------------- field schemas shared by the documents

export const anyDecimal = DecimalTextSchema;
export const nonNegativeDecimal = NonNegativeDecimalTextSchema;
export const positiveDecimal = PositiveDecimalTextSchema;
/** Plausible epoch milliseconds, 2010..2100: a time in seconds would read as decades ago */
export const epochMs = z.number().int().min(EPOCH_MS_MIN).max(EPOCH_MS_MAX);
export const count = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
/** Short text such as a reason code or an id: bounded so no field can grow a document without limit */
export const shortText = z.string().min(1).max(200);

/** A decimal as stored: canonical plain text, never an exponent */
export const plain = (x: Dec): string => toPlain(x);

/** Drops undefined fields so the text holds only what is set (JSON has no undefined) */
export const defined = <T extends Record<string, unknown>>(fields: T): Partial<T> =>
  Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as Partial<T>;
