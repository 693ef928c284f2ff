// GraphQL enums of the circles schema, from the contract's lists.
import { registerEnumType } from '@nestjs/graphql';
import { SITUATION_CATEGORIES, STAGES } from '@hc/contracts';

const asEnum = <T extends string>(values: readonly T[]) =>
  Object.fromEntries(values.map((value) => [value, value])) as { [K in T]: K };

export const SituationCategoryEnum = asEnum(SITUATION_CATEGORIES);
export const StageEnum = asEnum(STAGES);
export const SITUATION_STATUSES = ['open', 'scheduled', 'discussed', 'archived'] as const;
export const SituationStatusEnum = asEnum(SITUATION_STATUSES);
export const CircleStatusEnum = asEnum(['scheduled', 'running', 'completed'] as const);

registerEnumType(SituationCategoryEnum, { name: 'SituationCategory' });
registerEnumType(StageEnum, { name: 'Stage', description: 'The four timeboxed stages, in order' });
registerEnumType(SituationStatusEnum, { name: 'SituationStatus' });
registerEnumType(CircleStatusEnum, { name: 'CircleStatus' });
