// GraphQL types of ideas: the Idea entity, its origin, comments and history, lists and inputs.
import { Directive, Field, Float, ID, InputType, ObjectType, registerEnumType } from '@nestjs/graphql';
import {
  IDEA_ORIGIN_KINDS,
  IDEA_SCOPES,
  IDEA_STATUSES,
  SITUATION_CATEGORIES,
  type IdeaOriginKind,
  type IdeaScope,
  type IdeaStatus,
  type SituationCategory,
} from '@hc/contracts';

const enumOf = <T extends string>(values: readonly T[]): Record<T, T> =>
  Object.fromEntries(values.map((value) => [value, value])) as Record<T, T>;

export const IdeaStatusEnum = enumOf(IDEA_STATUSES);
export const IdeaScopeEnum = enumOf(IDEA_SCOPES);
export const IdeaOriginKindEnum = enumOf(IDEA_ORIGIN_KINDS);
export const SituationCategoryEnum = enumOf(SITUATION_CATEGORIES);
registerEnumType(IdeaStatusEnum, { name: 'IdeaStatus' });
registerEnumType(IdeaScopeEnum, {
  name: 'IdeaScope',
  description:
    'contact_centre: the division makes the change itself; other_department: submitted to another department',
});
registerEnumType(IdeaOriginKindEnum, { name: 'IdeaOriginKind' });
registerEnumType(SituationCategoryEnum, { name: 'SituationCategory' });

@ObjectType({ description: 'Where an idea came from; through the situation, the CRM complaints it answers.' })
export class IdeaOrigin {
  @Field(() => IdeaOriginKindEnum) kind!: IdeaOriginKind;
  @Field(() => ID, { nullable: true }) circleId!: string | null;
  @Field(() => ID, { nullable: true }) leafletId!: string | null;
  @Field(() => ID, { nullable: true }) situationId!: string | null;
  @Field(() => ID, { nullable: true, description: 'The circles event the idea was taken in from.' })
  sourceEventId!: string | null;
  @Field(() => [ID]) complaintIds!: string[];
  @Field(() => SituationCategoryEnum, { nullable: true }) category!: SituationCategory | null;
}

@ObjectType()
export class IdeaComment {
  @Field(() => ID) id!: string;
  @Field(() => ID) authorId!: string;
  @Field() text!: string;
  @Field() commentedAt!: Date;
}

@ObjectType({ description: 'One event of the idea’s own stream.' })
export class IdeaHistoryEntry {
  @Field(() => ID) eventId!: string;
  @Field() type!: string;
  @Field(() => ID, { nullable: true }) actorId!: string | null;
  @Field() occurredAt!: Date;
  @Field({ description: 'The event payload as JSON.' }) payload!: string;
}

@ObjectType({ description: 'What an implemented idea changed.' })
export class Improvement {
  @Field() description!: string;
  @Field() implementedAt!: Date;
  @Field(() => IdeaScopeEnum) scope!: IdeaScope;
}

@ObjectType()
@Directive('@key(fields: "id")')
export class Idea {
  @Field(() => ID) id!: string;
  @Field() title!: string;
  @Field() description!: string;
  @Field(() => IdeaStatusEnum) status!: IdeaStatus;
  @Field(() => IdeaScopeEnum, { nullable: true }) scope!: IdeaScope | null;
  @Field(() => ID, { nullable: true, description: 'The department it was submitted to.' })
  targetDepartmentId!: string | null;
  @Field(() => ID, { description: 'The proposing department.' }) departmentId!: string;
  @Field(() => ID) proposedBy!: string;
  @Field(() => IdeaOrigin) origin!: IdeaOrigin;
  @Field(() => ID, { nullable: true }) ownerId!: string | null;
  @Field(() => String, { nullable: true, description: 'YYYY-MM-DD' }) dueDate!: string | null;
  @Field(() => String, { nullable: true, description: 'YYYY-MM-DD: a deferred idea returns to review then.' })
  revisitOn!: string | null;
  @Field(() => String, {
    nullable: true,
    description: 'Why it was rejected, deferred, withdrawn or returned.',
  })
  statusReason!: string | null;
  @Field(() => ID, { nullable: true }) mergedIntoId!: string | null;
  @Field(() => Improvement, { nullable: true }) improvement!: Improvement | null;
  @Field({ description: 'Past its due date (company-local) and not closed.' }) overdue!: boolean;
  @Field() createdAt!: Date;
  @Field() updatedAt!: Date;
}

@ObjectType()
export class IdeaPageInfo {
  @Field(() => String, { nullable: true }) endCursor!: string | null;
  @Field() hasNextPage!: boolean;
}

@ObjectType()
export class IdeaConnection {
  @Field(() => [Idea]) nodes!: Idea[];
  @Field(() => IdeaPageInfo) pageInfo!: IdeaPageInfo;
}

@ObjectType()
export class SimilarIdea {
  @Field(() => Idea) idea!: Idea;
  @Field(() => Float, { description: 'ts_rank of the match (Russian full-text).' }) rank!: number;
}

@InputType()
export class IdeasFilter {
  @Field(() => IdeaStatusEnum, { nullable: true }) status?: IdeaStatus | null;
  @Field(() => IdeaScopeEnum, { nullable: true }) scope?: IdeaScope | null;
  @Field(() => ID, { nullable: true, description: 'Proposing or target department.' }) departmentId?:
    string | null;
  @Field(() => ID, { nullable: true, description: 'The circle the idea came from.' }) circleId?:
    string | null;
  @Field(() => ID, { nullable: true }) leafletId?: string | null;
  @Field(() => ID, { nullable: true, description: 'A CRM complaint the idea answers.' }) complaintId?:
    string | null;
  @Field(() => ID, { nullable: true }) proposedBy?: string | null;
  @Field(() => ID, { nullable: true }) ownerId?: string | null;
  @Field(() => Boolean, { nullable: true }) overdue?: boolean | null;
}

@InputType()
export class ProposeIdeaInput {
  @Field() title!: string;
  @Field() description!: string;
}

@InputType()
export class ApproveIdeaInput {
  @Field(() => ID) id!: string;
  @Field(() => IdeaScopeEnum) scope!: IdeaScope;
  @Field(() => ID, { nullable: true, description: 'Required for other_department.' })
  targetDepartmentId?: string | null;
}

@InputType()
export class IdeaReasonInput {
  @Field(() => ID) id!: string;
  @Field() reason!: string;
}

@InputType()
export class DeferIdeaInput {
  @Field(() => ID) id!: string;
  @Field() reason!: string;
  @Field({ description: 'YYYY-MM-DD, after today' }) revisitOn!: string;
}

@InputType()
export class CompleteIdeaImplementationInput {
  @Field(() => ID) id!: string;
  @Field({ description: 'What changed.' }) description!: string;
}

@InputType()
export class AssignIdeaOwnerInput {
  @Field(() => ID) id!: string;
  @Field(() => ID) ownerId!: string;
  @Field({ description: 'YYYY-MM-DD, not in the past' }) dueDate!: string;
}

@InputType()
export class CommentOnIdeaInput {
  @Field(() => ID) id!: string;
  @Field() text!: string;
}

@InputType()
export class MergeIdeasInput {
  @Field(() => ID, { description: 'The idea that stays.' }) targetId!: string;
  @Field(() => ID, { description: 'The idea merged into the target; it keeps its history.' })
  mergedId!: string;
}

export const MAX_PAGE_SIZE = 100;
