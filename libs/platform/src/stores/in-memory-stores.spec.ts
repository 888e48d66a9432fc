import { storesContract } from '../../../../test/support/stores.contract';
import { inMemoryStores } from './in-memory-stores';

storesContract('in memory (standalone mode)', async () => inMemoryStores());
