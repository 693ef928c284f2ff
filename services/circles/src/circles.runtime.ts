// Builds the circles service's runtime: registry, topics, migrations, the CRM complaints consumer, read models.
import { circlesEventRegistry } from '@hc/contracts';
import type { Logger } from '@hc/messaging';
import { ServiceRuntime } from '@hc/service-kit';
import type { CirclesConfig } from './circles.config.js';
import { complaintLoggedHandler } from './consumers/complaint-logged.consumer.js';
import { circlesMigrations } from './migrations/circles.migrations.js';
import { readModelProjection } from './projections/read-model.projection.js';

export function createCirclesRuntime(config: CirclesConfig, logger?: Logger): ServiceRuntime {
  const { circlesTopic, crmTopic, complaintsGroupId } = config.circles;
  return new ServiceRuntime({
    config,
    registry: circlesEventRegistry,
    eventTopic: circlesTopic,
    // The CRM creates no topics: the consumer side provisions crm.events.v1 and its dead-letter topic.
    topics: [{ topic: circlesTopic }, { topic: crmTopic }],
    migrations: circlesMigrations,
    consumers: (runtime) => [
      {
        groupId: complaintsGroupId,
        topics: [crmTopic],
        handler: complaintLoggedHandler(runtime.commands),
      },
    ],
    projections: [readModelProjection],
    ...(logger ? { logger } : {}),
  });
}
