export * from './config.js';
export * from './decider.js';
export * from './errors.js';
export * from './folded-state-cache.js';
export * from './graphql.js';
export * from './identity.js';
export * from './runtime.js';
export * from './projector.js';
export * from './observability/http.js';
export * from './observability/logging.js';
export * from './observability/metrics.js';
export * from './observability/tracing.js';
// The correlation and trace-context helpers live with the Kafka plumbing; the gateway reaches them here.
export {
  TRACER_NAME,
  acceptCorrelationId,
  activeTraceIds,
  correlationIdOrNew,
  currentCorrelationId,
  runWithCorrelation,
  traceHeadersOf,
} from '@hc/messaging';
