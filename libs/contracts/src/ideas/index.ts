export * from './ideas.events.js';
export * from './ideas.payloads.js';
export * from './ideas.registry.js';
