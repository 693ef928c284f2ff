import type { Migration } from '@hc/event-store';
import { analyticsMigrations } from './analytics.migrations.js';
import { LIVE_SCHEMA, readModelMigrations } from './read-model.migrations.js';

export const metricsMigrations: readonly Migration[] = [
  ...readModelMigrations(LIVE_SCHEMA),
  ...analyticsMigrations,
];
