// Running a meeting: stages (leader only), brainstorm, WOW solution, leaflet, attendance, completion, pulse.
// Every mutation answers with the circle's new state, folded from its stream.
import { Inject } from '@nestjs/common';
import { Args, ID, Mutation, Resolver } from '@nestjs/graphql';
import { circlesStreamId, newEventId, type SituationCategory } from '@hc/contracts';
import {
  CorrelationId,
  CurrentIdentity,
  SERVICE_RUNTIME,
  badInput,
  raise,
  type Identity,
  type ServiceRuntime,
} from '@hc/service-kit';
import { CIRCLES_SETTINGS, type CirclesSettings } from '../../circles.config.js';
import { requireIdentity } from '../../graphql/caller.js';
import { CommandGateway } from '../../graphql/command-gateway.js';
import { findSituations } from '../../situations/situations.queries.js';
import { circleDecider, type CircleCommand } from '../circle.decide.js';
import { requireCircle } from './circle-access.js';
import { toCircle } from './circle.mapper.js';
import { ChooseWowSolutionInput, Circle, LeafletInput, PulseInput } from './circle.model.js';

@Resolver(() => Circle)
export class MeetingResolver {
  constructor(
    @Inject(SERVICE_RUNTIME) private readonly runtime: ServiceRuntime,
    @Inject(CIRCLES_SETTINGS) private readonly settings: CirclesSettings,
    private readonly gateway: CommandGateway,
  ) {}

  @Mutation(() => Circle, { description: 'Leader: starts the preparation of the first situation' })
  startCircle(
    @Args('circleId', { type: () => ID }) circleId: string,
    @CurrentIdentity() identity: Identity | null,
    @CorrelationId() correlationId: string,
  ): Promise<Circle> {
    return this.run(
      circleId,
      { type: 'StartCircle', plannedMinutes: this.settings.plannedMinutes },
      identity,
      correlationId,
    );
  }

  @Mutation(() => Circle, { description: 'Leader: ends the current stage and starts the next one' })
  advanceStage(
    @Args('circleId', { type: () => ID }) circleId: string,
    @CurrentIdentity() identity: Identity | null,
    @CorrelationId() correlationId: string,
  ): Promise<Circle> {
    return this.run(
      circleId,
      { type: 'AdvanceStage', plannedMinutes: this.settings.plannedMinutes },
      identity,
      correlationId,
    );
  }

  @Mutation(() => Circle, { description: 'Leader: goes back one stage (recorded, never erased)' })
  stepBackStage(
    @Args('circleId', { type: () => ID }) circleId: string,
    @CurrentIdentity() identity: Identity | null,
    @CorrelationId() correlationId: string,
  ): Promise<Circle> {
    return this.run(
      circleId,
      { type: 'StepBackStage', plannedMinutes: this.settings.plannedMinutes },
      identity,
      correlationId,
    );
  }

  @Mutation(() => Circle, {
    description: 'During the exchange of opinions: a new idea, possibly building on another',
  })
  proposeIdea(
    @Args('circleId', { type: () => ID }) circleId: string,
    @Args('text') text: string,
    @Args('parentIdeaId', { type: () => ID, nullable: true }) parentIdeaId: string | null,
    @CurrentIdentity() identity: Identity | null,
    @CorrelationId() correlationId: string,
  ): Promise<Circle> {
    return this.run(
      circleId,
      { type: 'ProposeIdea', ideaId: newEventId(), text, parentIdeaId: parentIdeaId ?? null },
      identity,
      correlationId,
    );
  }

  @Mutation(() => Circle, {
    description: "Praises an idea's author: once per person per idea, never one's own",
  })
  praiseIdea(
    @Args('circleId', { type: () => ID }) circleId: string,
    @Args('ideaId', { type: () => ID }) ideaId: string,
    @CurrentIdentity() identity: Identity | null,
    @CorrelationId() correlationId: string,
  ): Promise<Circle> {
    return this.run(circleId, { type: 'PraiseIdea', ideaId }, identity, correlationId);
  }

  @Mutation(() => Circle, {
    description: 'Leader, in the WOW-solution stage: the solution from one or more ideas',
  })
  async chooseWowSolution(
    @Args('input') input: ChooseWowSolutionInput,
    @CurrentIdentity() identity: Identity | null,
    @CorrelationId() correlationId: string,
  ): Promise<Circle> {
    requireIdentity(identity);
    const circle = await requireCircle(this.runtime, input.circleId);
    const situations = await findSituations(this.runtime.pool, { ids: circle.situationIds });
    const categories: Record<string, SituationCategory> = Object.fromEntries(
      situations.map((situation) => [situation.id, situation.category]),
    );
    return this.run(
      input.circleId,
      {
        type: 'ChooseWowSolution',
        ideaIds: input.ideaIds,
        wording: input.wording,
        needsChange: input.needsChange,
        categories,
      },
      identity,
      correlationId,
      'input',
    );
  }

  @Mutation(() => Circle, {
    description:
      'Leader: the leaflet of a situation; each additional question becomes an improvement proposal',
  })
  async completeLeaflet(
    @Args('input') input: LeafletInput,
    @CurrentIdentity() identity: Identity | null,
    @CorrelationId() correlationId: string,
  ): Promise<Circle> {
    requireIdentity(identity);
    const [situation] = await findSituations(this.runtime.pool, { ids: [input.situationId] });
    if (!situation) raise(badInput('input.situationId', 'is not a known situation'));
    const { circleId, ...leaflet } = input;
    return this.run(
      circleId,
      {
        type: 'CompleteLeaflet',
        leafletId: newEventId(),
        leaflet,
        category: situation.category,
        complaintIds: situation.complaintIds,
      },
      identity,
      correlationId,
      'input',
    );
  }

  @Mutation(() => Circle, { description: 'Leader: who actually took part' })
  recordAttendance(
    @Args('circleId', { type: () => ID }) circleId: string,
    @Args('employeeIds', { type: () => [ID] }) employeeIds: string[],
    @CurrentIdentity() identity: Identity | null,
    @CorrelationId() correlationId: string,
  ): Promise<Circle> {
    return this.run(circleId, { type: 'RecordAttendance', employeeIds }, identity, correlationId);
  }

  @Mutation(() => Circle, { description: 'Leader: the circle was held' })
  completeCircle(
    @Args('circleId', { type: () => ID }) circleId: string,
    @CurrentIdentity() identity: Identity | null,
    @CorrelationId() correlationId: string,
  ): Promise<Circle> {
    return this.run(circleId, { type: 'CompleteCircle' }, identity, correlationId);
  }

  @Mutation(() => Circle, { description: "A participant's short feedback after the circle" })
  answerPulse(
    @Args('input') input: PulseInput,
    @CurrentIdentity() identity: Identity | null,
    @CorrelationId() correlationId: string,
  ): Promise<Circle> {
    return this.run(
      input.circleId,
      {
        type: 'AnswerPulse',
        seesPracticalBenefit: input.seesPracticalBenefit,
        usefulness: input.usefulness,
        comment: input.comment ?? null,
      },
      identity,
      correlationId,
      'input',
    );
  }

  private async run(
    circleId: string,
    command: CircleCommand,
    identity: Identity | null,
    correlationId: string,
    fieldPrefix?: string,
  ): Promise<Circle> {
    const caller = requireIdentity(identity);
    const outcome = await this.gateway.run(
      circleDecider,
      circlesStreamId.circle(circleId),
      command,
      { identity: caller, correlationId },
      fieldPrefix,
    );
    return toCircle(outcome.state);
  }
}
