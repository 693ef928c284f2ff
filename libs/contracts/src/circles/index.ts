export * from './circles.events.js';
export * from './circles.payloads.js';
export * from './circles.registry.js';
