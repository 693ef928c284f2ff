export * from './crm.events.js';
export * from './crm.payloads.js';
export * from './crm.decoder.js';
