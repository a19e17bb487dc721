import { createMemoryStore } from '../src/core/store/memory.js';
import { storeContract } from './store.contract.js';

storeContract('memory', createMemoryStore);
