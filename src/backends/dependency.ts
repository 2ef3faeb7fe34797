/** Re-exported for code written before the move; new code imports src/types/dependency.ts. */
export * from '../types/dependency.js';
