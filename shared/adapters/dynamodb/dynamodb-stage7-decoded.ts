// What a stage 7 item decodes to, kept per item object: an item is never changed once built (encoders build a
// new one per write, stores replace rather than edit), so decoding it again would only redo the same zod parse.
// The encoders check every item they build by decoding it, so the in-memory store, which keeps those very
// items, reads each of them back without parsing at all; an item read from DynamoDB is a new object, decoded
// once as before. The decoded value is then shared by every reader, so it is frozen (plain objects and arrays;
// decimals are immutable already): a reader that changed it would change what the store holds. A store that
// keeps items it will not read again forgets their decoded values (forgetDecoded), so memory does not hold both.
import type { Item } from './attributes';

const memos: WeakMap<Item, unknown>[] = [];

/** `decode` remembered per item; a decode that throws is not remembered (the next call throws again) */
export function decodedOnce<T>(decode: (item: Item) => T): (item: Item) => T {
  const decoded = new WeakMap<Item, T>();
  memos.push(decoded);
  return (item) => {
    if (decoded.has(item)) return decoded.get(item) as T;
    const value = deepFreeze(decode(item));
    decoded.set(item, value);
    return value;
  };
}

/** Drops what `item` decoded to (a later read decodes it again) */
export function forgetDecoded(item: Item): void {
  for (const memo of memos) memo.delete(item);
}

/**
 * The item an encoder is about to write, checked by decoding it as it will be read back (and so remembered):
 * attributes.ts checkedItem through a remembered decode.
 * @throws CorruptStateError naming the item's pk/sk and each bad field; nothing was written
 */
export function checkedBy(decode: (item: Item) => unknown, item: Item): Item {
  decode(item);
  return item;
}

function deepFreeze<T>(value: T): T {
  if (value === null || typeof value !== 'object' || Object.isFrozen(value)) return value;
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== Array.prototype && proto !== null) return value;
  Object.freeze(value);
  for (const member of Object.values(value as object)) deepFreeze(member);
  return value;
}
