export * from './consumer-runner.js';
export * from './kafka.js';
export * from './logger.js';
export * from './messaging.metrics.js';
export * from './messaging.migrations.js';
export * from './outbox-relay.js';
export * from './shutdown.js';
export * from './telemetry.js';
