// The stage 4 cycle scenarios on in-memory stores.
import { createMemoryStateStores } from '../../../shared/adapters/memory/state-stores';
import { stage4CycleScenarios } from './stage4-scenarios';

stage4CycleScenarios('memory', async () => createMemoryStateStores());
