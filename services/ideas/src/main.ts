// Starts the ideas service (port IDEAS_PORT, default 4002).
import 'reflect-metadata';
import { fileURLToPath } from 'node:url';
import { loadServiceConfig, runService } from '@hc/service-kit';
import { createIdeasRuntime } from './ideas.runtime.js';
import { IdeasModule } from './ideas.module.js';

const config = loadServiceConfig('ideas', 4002);
const runtime = createIdeasRuntime(config);
// The SDL is regenerated in development only: production images serve what was committed.
const schemaFile = config.production ? false : fileURLToPath(new URL('../schema.graphql', import.meta.url));
const revisitEveryMs = Number(process.env.IDEAS_REVISIT_INTERVAL_MS ?? 60 * 60 * 1000);
await runService(runtime, IdeasModule.forRuntime(runtime, { schemaFile, revisitEveryMs }));
