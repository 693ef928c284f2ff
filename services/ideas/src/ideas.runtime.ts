// The ideas service's runtime: its event store and outbox to the ideas topic, the circles intake, the read model.
import { CIRCLES_TOPIC, IDEAS_TOPIC, ideasEventRegistry } from '@hc/contracts';
import { ServiceRuntime, type ServiceConfig } from '@hc/service-kit';
import { circlesIntakeHandler } from './consumers/circles-intake.consumer.js';
import { createIdeaDecider } from './idea/idea.decide.js';
import { ideasMigrations } from './migrations/index.js';
import { ideasProjection } from './projections/ideas.projection.js';

export interface IdeasWiring {
  /** Where this service publishes its events (`IDEAS_TOPIC`). */
  ideasTopic: string;
  /** Where the circles service publishes (`CIRCLES_TOPIC`). */
  circlesTopic: string;
  /** Consumer group of the circles intake. */
  intakeGroup: string;
}

export function ideasWiringFromEnv(env: NodeJS.ProcessEnv = process.env): IdeasWiring {
  return {
    ideasTopic: env.IDEAS_TOPIC ?? IDEAS_TOPIC,
    circlesTopic: env.CIRCLES_TOPIC ?? CIRCLES_TOPIC,
    intakeGroup: env.IDEAS_INTAKE_GROUP ?? 'ideas.intake',
  };
}

export function createIdeasRuntime(
  config: ServiceConfig,
  wiring: IdeasWiring = ideasWiringFromEnv(),
): ServiceRuntime {
  const decider = createIdeaDecider(config.timeZone);
  return new ServiceRuntime({
    config,
    registry: ideasEventRegistry,
    eventTopic: wiring.ideasTopic,
    // The circles topic is provisioned by its owner; this service provisions its own (and its .dlq).
    topics: [{ topic: wiring.ideasTopic }],
    migrations: ideasMigrations,
    consumers: (runtime) => [
      {
        groupId: wiring.intakeGroup,
        topics: [wiring.circlesTopic],
        handler: circlesIntakeHandler(runtime, decider),
        // Nearly every circles event is ignored here, yet each small batch cost a fetch and an offset commit:
        // the broker may gather 64 KiB for up to 200 ms, unnoticeable for an improvement proposal.
        fetch: { minBytes: 64 * 1024, maxWaitTimeInMs: 200 },
      },
    ],
    projections: [ideasProjection],
  });
}
