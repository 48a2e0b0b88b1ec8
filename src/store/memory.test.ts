import { createMemoryStore } from './memory.js';
import { storeContract } from './contract.test-helper.js';

storeContract('memory', async () => createMemoryStore());
