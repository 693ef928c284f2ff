// Settings of the circles service beyond the common ones: topics, the weekly rule and stage timeboxes.
import { CIRCLES_TOPIC, CRM_TOPIC_DEFAULT, type Stage } from '@hc/contracts';
import type { ServiceConfig } from '@hc/service-kit';

export interface CirclesSettings {
  circlesTopic: string;
  crmTopic: string;
  /** How many circles one employee may take part in per ISO week. */
  circlesPerWeek: number;
  plannedMinutes: Record<Stage, number>;
  /** Consumer group of the CRM complaints consumer. */
  complaintsGroupId: string;
}

export interface CirclesConfig extends ServiceConfig {
  circles: CirclesSettings;
}

function positiveInteger(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const parsed = Number(value);
  if (!Number.isSafeInteger(parsed) || parsed < 1) throw new Error(`${name} must be a positive integer`);
  return parsed;
}

export function loadCirclesSettings(env: NodeJS.ProcessEnv = process.env): CirclesSettings {
  return {
    circlesTopic: env.CIRCLES_TOPIC ?? CIRCLES_TOPIC,
    crmTopic: env.CRM_TOPIC ?? CRM_TOPIC_DEFAULT,
    complaintsGroupId: env.CIRCLES_COMPLAINTS_GROUP ?? 'circles.complaints',
    circlesPerWeek: positiveInteger('CIRCLES_PER_WEEK', env.CIRCLES_PER_WEEK, 1),
    plannedMinutes: {
      preparation: positiveInteger('STAGE_MINUTES_PREPARATION', env.STAGE_MINUTES_PREPARATION, 3),
      standard_solution: positiveInteger(
        'STAGE_MINUTES_STANDARD_SOLUTION',
        env.STAGE_MINUTES_STANDARD_SOLUTION,
        5,
      ),
      exchange_of_opinions: positiveInteger(
        'STAGE_MINUTES_EXCHANGE_OF_OPINIONS',
        env.STAGE_MINUTES_EXCHANGE_OF_OPINIONS,
        15,
      ),
      wow_solution: positiveInteger('STAGE_MINUTES_WOW_SOLUTION', env.STAGE_MINUTES_WOW_SOLUTION, 5),
    },
  };
}

/** Nest injection token of the CirclesSettings. */
export const CIRCLES_SETTINGS = Symbol('CirclesSettings');
