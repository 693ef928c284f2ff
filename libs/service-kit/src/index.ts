export * from './config.js';
export * from './decider.js';
export * from './errors.js';
export * from './graphql.js';
export * from './identity.js';
export * from './runtime.js';
export * from './projector.js';
