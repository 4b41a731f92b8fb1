// The stage 4 state documents on DynamoDB (moto_server): the same suite as on memory, and what a cycle's
// state read costs: one GetItem per document, nothing else.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DynamoDocumentStore } from '../../shared/adapters/dynamodb/dynamodb-document-store';
import { DynamoRequestCounter } from '../../shared/adapters/dynamodb/request-counter';
import { loadStage4State } from '../../shared/application/stage4/state/load-stage4-state';
import { saveDocument } from '../../shared/application/stage4/state/stage4-document';
import { oneRequestAtATime } from '../contract/state-store-serial-moto';
import { emulator, emulatorClientConfig, motoEndpoint } from '../support/aws';
import { CASES, stage4StateSuite } from '../unit/application/stage4/state/stage4-state.suite';

const endpoint = motoEndpoint();

// Skipped only outside CI when moto_server is not installed; the global setup prints that loudly and fails under CI
describe.skipIf(endpoint === null)('stage 4 state on DynamoDB (moto_server)', () => {
  const client = () => oneRequestAtATime(new DynamoDBClient(emulatorClientConfig(endpoint as string)));
  const table = () => emulator(endpoint as string).freshTable('stage4-state');

  stage4StateSuite('dynamodb', async () => new DynamoDocumentStore(client(), await table()), 10);

  it('reads a stored stage 4 state in seven GetItems and no other request', async () => {
    const counted = client();
    const counter = new DynamoRequestCounter();
    counter.attach(counted);
    const documents = new DynamoDocumentStore(counted, await table());
    for (const { codec, value } of CASES) {
      await saveDocument(documents, 'default', codec, fc.sample(value, { numRuns: 1, seed: 3 })[0], 0);
    }
    counter.reset();
    await loadStage4State(documents, 'default');
    const stats = counter.snapshot();
    expect(Object.fromEntries(Object.entries(stats).map(([op, s]) => [op, s.requests]))).toEqual({ GetItem: 7 });
    console.log(`stage 4 state read: 7 GetItem, ${stats.GetItem?.itemBytesRead} item bytes`);
  });
});
