export * from './errors.js';
export * from './event-store.js';
export * from './event-store.migrations.js';
export * from './migrations.js';
export * from './polling.js';
export * from './transaction.js';
