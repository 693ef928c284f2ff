// Starts the metrics service: migrations, topics and consumers, then the subgraph on METRICS_PORT (default 4003).
import 'reflect-metadata';
import { fileURLToPath } from 'node:url';
import { runService } from '@hc/service-kit';
import { loadMetricsConfig } from './metrics.config.js';
import { MetricsModule } from './metrics.module.js';
import { createMetricsRuntime } from './metrics.runtime.js';

const metrics = createMetricsRuntime(loadMetricsConfig());
const schemaFile = metrics.config.production
  ? false
  : fileURLToPath(new URL('../schema.graphql', import.meta.url));
await runService(metrics.runtime, MetricsModule.forRuntime(metrics, { schemaFile }));
