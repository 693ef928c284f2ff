import { Directive, Field, Float, ID, InputType, Int, ObjectType } from '@nestjs/graphql';
import type { SituationCategory, Stage } from '@hc/contracts';
import { CircleStatusEnum, SituationCategoryEnum, StageEnum } from '../../graphql/enums.js';

@ObjectType()
export class Participant {
  @Field(() => ID) employeeId!: string;
  @Field(() => ID) departmentId!: string;
}

@ObjectType({ description: 'One run of a stage; server-side times' })
export class StageRun {
  @Field(() => ID) situationId!: string;
  @Field(() => StageEnum) stage!: Stage;
  @Field() startedAt!: string;
  @Field(() => Int) plannedMinutes!: number;
  @Field({ description: 'startedAt + plannedMinutes: what timers count down to' }) deadline!: string;
  @Field(() => String, { nullable: true }) endedAt!: string | null;
  @Field(() => Int, { nullable: true, description: 'Seconds past the deadline (0 when on time)' })
  overrunSeconds!: number | null;
  @Field({ description: 'The leader stepped back out of this stage' }) steppedBack!: boolean;
}

@ObjectType({ description: 'A brainstorm idea; there is deliberately no way to criticise or down-vote' })
export class BrainstormIdea {
  @Field(() => ID) id!: string;
  @Field(() => ID) situationId!: string;
  @Field(() => ID) authorId!: string;
  @Field(() => ID) authorDepartmentId!: string;
  @Field() text!: string;
  @Field(() => ID, { nullable: true, description: 'The idea this one builds on' }) parentIdeaId!:
    string | null;
  @Field(() => Int) praiseCount!: number;
  @Field(() => [ID]) praisedBy!: string[];
  @Field(() => [BrainstormIdea], { description: 'Ideas that build on this one' }) buildOns!: BrainstormIdea[];
}

@ObjectType()
export class WowSolution {
  @Field(() => ID) situationId!: string;
  @Field(() => [ID]) ideaIds!: string[];
  @Field() wording!: string;
  @Field({ description: 'Needs a change to a process or system elsewhere' }) needsChange!: boolean;
  @Field(() => SituationCategoryEnum) category!: SituationCategory;
}

@ObjectType({ description: 'A WOW solution of an earlier circle, shown during preparation' })
export class EarlierWowSolution {
  @Field(() => ID) circleId!: string;
  @Field(() => ID) situationId!: string;
  @Field() wording!: string;
  @Field(() => SituationCategoryEnum) category!: SituationCategory;
  @Field() chosenAt!: Date;
}

@ObjectType({ description: 'The leaflet a circle fills in for a situation' })
@Directive('@key(fields: "id")')
export class Leaflet {
  @Field(() => ID) id!: string;
  @Field(() => ID) circleId!: string;
  @Field(() => ID) situationId!: string;
  @Field() title!: string;
  @Field() situation!: string;
  @Field(() => [String], { description: 'Ordered steps' }) standardSolution!: string[];
  @Field() wowEffect!: string;
  @Field(() => [String]) additionalQuestions!: string[];
  @Field(() => SituationCategoryEnum) category!: SituationCategory;
  @Field(() => [ID]) departmentIds!: string[];
  @Field(() => [ID]) complaintIds!: string[];
}

@ObjectType({ description: 'A hospitality circle: one meeting of a leader and 3–7 participants' })
@Directive('@key(fields: "id")')
export class Circle {
  @Field(() => ID) id!: string;
  @Field(() => CircleStatusEnum) status!: string;
  @Field() scheduledAt!: string;
  @Field() isoWeek!: string;
  @Field(() => ID) leaderId!: string;
  @Field(() => ID) leaderDepartmentId!: string;
  @Field(() => [ID]) situationIds!: string[];
  @Field(() => [ID]) invitedIds!: string[];
  @Field(() => [Participant]) participants!: Participant[];
  @Field({ description: 'True outside the recommended 4–5 participants (flagged, not refused)' })
  rosterWarning!: boolean;
  @Field(() => String, { nullable: true }) startedAt!: string | null;
  @Field(() => StageRun, { nullable: true, description: 'The stage in progress, with its deadline' })
  currentStage!: StageRun | null;
  @Field(() => [StageRun]) stages!: StageRun[];
  @Field(() => [BrainstormIdea], { description: 'Every brainstorm idea, in proposal order' })
  brainstormIdeas!: BrainstormIdea[];
  @Field(() => [BrainstormIdea], { description: 'Ideas that build on no other, each with its build-on tree' })
  ideaTree!: BrainstormIdea[];
  @Field(() => [WowSolution]) wowSolutions!: WowSolution[];
  @Field(() => [Leaflet]) leaflets!: Leaflet[];
  @Field(() => [Participant], { nullable: true }) attendees!: Participant[] | null;
  @Field(() => String, { nullable: true }) completedAt!: string | null;
  @Field(() => Int) pulseAnswers!: number;
}

@ObjectType()
export class MyWeek {
  @Field() isoWeek!: string;
  @Field(() => [Circle], { description: 'Circles the caller leads or takes part in this week' })
  circles!: Circle[];
  @Field({ description: 'The caller marked themselves available for this week' }) volunteered!: boolean;
}

@InputType()
export class ScheduleCircleInput {
  @Field({ description: 'ISO-8601 with an offset, e.g. 2026-05-14T13:00:00+03:00' }) scheduledAt!: string;
  @Field(() => ID) leaderId!: string;
  @Field(() => [ID], { description: '1 or 2 open situations' }) situationIds!: string[];
}

@InputType()
export class ChooseWowSolutionInput {
  @Field(() => ID) circleId!: string;
  @Field(() => [ID]) ideaIds!: string[];
  @Field() wording!: string;
  @Field({ defaultValue: false }) needsChange!: boolean;
}

@InputType()
export class LeafletInput {
  @Field(() => ID) circleId!: string;
  @Field(() => ID) situationId!: string;
  @Field() title!: string;
  @Field() situation!: string;
  @Field(() => [String]) standardSolution!: string[];
  @Field() wowEffect!: string;
  @Field(() => [String], { defaultValue: [] }) additionalQuestions!: string[];
}

@InputType()
export class PulseInput {
  @Field(() => ID) circleId!: string;
  @Field() seesPracticalBenefit!: boolean;
  @Field(() => Int) usefulness!: number;
  @Field(() => String, { nullable: true }) comment!: string | null;
}

@ObjectType()
export class KnowledgeBaseHit {
  @Field(() => Leaflet) leaflet!: Leaflet;
  @Field(() => Float) rank!: number;
  @Field({ description: 'Matches highlighted with <b>…</b>' }) headline!: string;
  @Field() completedAt!: Date;
}

@ObjectType()
export class KnowledgeBasePage {
  @Field(() => [KnowledgeBaseHit]) hits!: KnowledgeBaseHit[];
  @Field(() => String, { nullable: true, description: 'Pass as `after` for the next page' })
  nextCursor!: string | null;
}

@ObjectType()
export class RosterSuggestion {
  @Field() isoWeek!: string;
  @Field(() => [ID]) employeeIds!: string[];
  @Field(() => Int, { description: 'How many departments the roster mixes' }) departmentCount!: number;
}
