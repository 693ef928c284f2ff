export * from './database.js';
export * from './infra.js';
export * from './kafka.js';
export * from './redis.js';
export * from './wait.js';
export * from './stack.js';
export * from './fault-proxy.js';
