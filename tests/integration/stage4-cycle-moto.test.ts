// The stage 4 cycle scenarios on DynamoDB stores served by moto_server (real SDK wire protocol), a fresh
// table per scenario run.
import { describe } from 'vitest';
import { createDynamoStateStores } from '../../shared/adapters/dynamodb/state-stores';
import { oneRequestAtATime } from '../contract/state-store-serial-moto';
import { emulator, motoEndpoint } from '../support/aws';
import { stage4CycleScenarios } from './stage4/stage4-scenarios';

const endpoint = motoEndpoint();

// Skipped only outside CI when moto_server is not installed; the global setup prints that loudly and fails under CI
describe.skipIf(endpoint === null)('stage 4 on DynamoDB (moto_server)', () => {
  const aws = emulator(endpoint ?? 'http://127.0.0.1:1');
  const client = oneRequestAtATime(aws.dynamodb);
  stage4CycleScenarios('DynamoDB', async () => createDynamoStateStores(client, await aws.freshTable()), {
    crashAfter: 'writes',
  });
});
