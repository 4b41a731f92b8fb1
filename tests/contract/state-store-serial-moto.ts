// moto_server 5.2 serves requests on threads without a lock around DynamoDB operations, so two conditional
// writes to one item can both pass their condition (seen: two winners of one lease takeover). Real DynamoDB
// applies each request to an item atomically; this middleware restores that on the emulator by letting one
// request at a time reach it. Concurrency stays real at request granularity: multi-request flows interleave.
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

export function oneRequestAtATime(client: DynamoDBClient): DynamoDBClient {
  let tail: Promise<unknown> = Promise.resolve();
  client.middlewareStack.add(
    (next) => (args) => {
      const run = tail.then(() => next(args));
      tail = run.catch(() => undefined);
      return run;
    },
    { step: 'finalizeRequest', priority: 'low', name: 'oneRequestAtATimeForMoto', override: true },
  );
  return client;
}
