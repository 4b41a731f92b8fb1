import { MemoryDocumentStore } from '../../../../../shared/adapters/memory/memory-document-store';
import { stage4StateSuite } from './stage4-state.suite';

stage4StateSuite('memory', async () => new MemoryDocumentStore(), 100);
