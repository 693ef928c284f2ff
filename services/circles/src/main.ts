// Starts the circles service: config from the environment, runtime, then the GraphQL subgraph.
import 'reflect-metadata';
import { fileURLToPath } from 'node:url';
import { loadServiceConfig, runService } from '@hc/service-kit';
import { loadCirclesSettings, type CirclesConfig } from './circles.config.js';
import { circlesAppModule } from './circles.module.js';
import { createCirclesRuntime } from './circles.runtime.js';

const DEFAULT_PORT = 4001;

const config: CirclesConfig = {
  ...loadServiceConfig('circles', DEFAULT_PORT),
  circles: loadCirclesSettings(),
};
const runtime = createCirclesRuntime(config);
const schemaFile = config.production ? false : fileURLToPath(new URL('../schema.graphql', import.meta.url));
await runService(runtime, circlesAppModule(runtime, config.circles, { schemaFile }));
