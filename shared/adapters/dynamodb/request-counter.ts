// Counts DynamoDB requests per operation with SDK middleware: attempts (retries included), refusals,
// consumed capacity (ReturnConsumedCapacity TOTAL is added to every operation that supports it) and the
// bytes of items written and read, measured with DynamoDB's item-size rule (name + value lengths).
import type { AttributeValue, DynamoDBClient } from '@aws-sdk/client-dynamodb';

export interface OperationStats {
  requests: number;
  failures: number;
  capacityUnits: number;
  itemBytesWritten: number;
  itemBytesRead: number;
}

const WITH_CAPACITY = new Set([
  'GetItemCommand',
  'PutItemCommand',
  'UpdateItemCommand',
  'DeleteItemCommand',
  'QueryCommand',
  'TransactWriteItemsCommand',
]);

type Item = Record<string, AttributeValue>;
type Loose = Record<string, unknown>;

/** DynamoDB sizes a number by its significant digits: sign, point, leading and trailing zeros are free */
const significantDigits = (n: string) => n.replace(/[-.]/g, '').replace(/^0+|0+$/g, '').length || 1;

function valueBytes(value: AttributeValue): number {
  if (value.S !== undefined) return Buffer.byteLength(value.S);
  if (value.N !== undefined) return Math.ceil(significantDigits(value.N) / 2) + 1;
  if (value.BOOL !== undefined || value.NULL !== undefined) return 1;
  if (value.L !== undefined) return 3 + value.L.reduce((sum, v) => sum + 1 + valueBytes(v), 0);
  if (value.M !== undefined) return 3 + itemBytes(value.M) + Object.keys(value.M).length;
  return 0;
}

/** Approximate stored size of an item: attribute name bytes plus value bytes */
export const itemBytes = (item: Item): number =>
  Object.entries(item).reduce((sum, [name, value]) => sum + Buffer.byteLength(name) + valueBytes(value), 0);

function written(input: Loose): Item[] {
  const transact = (input.TransactItems as Loose[] | undefined) ?? [];
  const puts = transact.map((t) => (t.Put as Loose | undefined)?.Item as Item | undefined);
  return [input.Item as Item | undefined, ...puts].filter((item): item is Item => item !== undefined);
}

function read(output: Loose): Item[] {
  const items = (output.Items as Item[] | undefined) ?? [];
  return [output.Item as Item | undefined, output.Attributes as Item | undefined, ...items].filter(
    (item): item is Item => item !== undefined,
  );
}

function capacity(output: Loose): number {
  const consumed = output.ConsumedCapacity as { CapacityUnits?: number } | { CapacityUnits?: number }[] | undefined;
  const list = Array.isArray(consumed) ? consumed : consumed ? [consumed] : [];
  return list.reduce((sum, c) => sum + (c.CapacityUnits ?? 0), 0);
}

export class DynamoRequestCounter {
  #stats = new Map<string, OperationStats>();

  /** Adds the counting middleware to `client` (once per client) */
  attach(client: DynamoDBClient): void {
    client.middlewareStack.add(
      (next, context) => (args) => {
        if (WITH_CAPACITY.has(context.commandName ?? '')) {
          (args.input as Loose).ReturnConsumedCapacity ??= 'TOTAL';
        }
        return next(args);
      },
      { step: 'initialize', name: 'btcbotRequestCapacity', override: true },
    );
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const stats = this.#entry((context.commandName ?? 'Unknown').replace(/Command$/, ''));
        stats.requests += 1;
        stats.itemBytesWritten += written(args.input as Loose).reduce((sum, item) => sum + itemBytes(item), 0);
        try {
          const result = await next(args);
          const output = result.output as unknown as Loose;
          stats.capacityUnits += capacity(output);
          stats.itemBytesRead += read(output).reduce((sum, item) => sum + itemBytes(item), 0);
          return result;
        } catch (error) {
          stats.failures += 1;
          throw error;
        }
      },
      { step: 'finalizeRequest', priority: 'low', name: 'btcbotRequestCounter', override: true },
    );
  }

  /** Stats per operation name (PutItem, TransactWriteItems, ...) since the last reset */
  snapshot(): Record<string, OperationStats> {
    return Object.fromEntries([...this.#stats].map(([name, stats]) => [name, { ...stats }]));
  }

  /** Requests of every operation since the last reset */
  total(): number {
    return [...this.#stats.values()].reduce((sum, s) => sum + s.requests, 0);
  }

  reset(): void {
    this.#stats = new Map();
  }

  #entry(operation: string): OperationStats {
    let stats = this.#stats.get(operation);
    if (stats === undefined) {
      stats = { requests: 0, failures: 0, capacityUnits: 0, itemBytesWritten: 0, itemBytesRead: 0 };
      this.#stats.set(operation, stats);
    }
    return stats;
  }
}
