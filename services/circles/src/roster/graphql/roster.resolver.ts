// Scheduling and the roster: schedule (coordinator), invite, join and leave (the employee's own act) under the
// weekly rule, volunteering for a week, and a suggested roster.
import { Inject } from '@nestjs/common';
import { Args, ID, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import { circlesStreamId, isIsoDateTimeWithOffset, newEventId } from '@hc/contracts';
import {
  CorrelationId,
  CurrentIdentity,
  SERVICE_RUNTIME,
  badInput,
  forbidden,
  raise,
  type Identity,
  type ServiceRuntime,
} from '@hc/service-kit';
import { CIRCLES_SETTINGS, type CirclesSettings } from '../../circles.config.js';
import { circleDecider, MAX_PARTICIPANTS, type SituationFacts } from '../../circle/circle.decide.js';
import { toCircle } from '../../circle/graphql/circle.mapper.js';
import { Circle, RosterSuggestion, ScheduleCircleInput } from '../../circle/graphql/circle.model.js';
import { isIsoWeek, isoWeekOf } from '../../circle/iso-week.js';
import { enrolForWeek, releaseForWeek } from '../../circle/weekly-rule.js';
import { findEmployee } from '../../directory/directory.queries.js';
import { check, requireIdentity, requireRole } from '../../graphql/caller.js';
import { CommandGateway, CommandRefused } from '../../graphql/command-gateway.js';
import { findSituations } from '../../situations/situations.queries.js';
import { suggestRoster, type Candidate } from '../roster-suggestion.js';

@Resolver()
export class RosterResolver {
  constructor(
    @Inject(SERVICE_RUNTIME) private readonly runtime: ServiceRuntime,
    @Inject(CIRCLES_SETTINGS) private readonly settings: CirclesSettings,
    private readonly gateway: CommandGateway,
  ) {}

  @Mutation(() => Circle)
  async scheduleCircle(
    @Args('input') input: ScheduleCircleInput,
    @CurrentIdentity() identity: Identity | null,
    @CorrelationId() correlationId: string,
  ): Promise<Circle> {
    // AUTH
    const caller = requireRole(identity, 'coordinator');
    // VALIDATION (the rest is the decider's)
    check(
      isIsoDateTimeWithOffset(input.scheduledAt)
        ? null
        : badInput('input.scheduledAt', 'must be an ISO-8601 date-time with an offset'),
    );
    const leader = await findEmployee(this.runtime.pool, input.leaderId);
    const found = await findSituations(this.runtime.pool, { ids: input.situationIds });
    const situations = input.situationIds.map((id): SituationFacts | null => {
      const situation = found.find((candidate) => candidate.id === id);
      return situation ? { ...situation, situationId: situation.id } : null;
    });
    const isoWeek = isoWeekOf(new Date(input.scheduledAt), this.runtime.options.config.timeZone);
    const circleId = newEventId();
    // RESOLUTION: the circle and the leader's place in the week, together.
    const outcome = await this.gateway.transaction(async (client) => {
      const scheduled = await this.gateway.execute(
        client,
        circleDecider,
        circlesStreamId.circle(circleId),
        {
          type: 'ScheduleCircle',
          circleId,
          scheduledAt: input.scheduledAt,
          isoWeek,
          leader: leader && { ...leader, employeeId: leader.id },
          situations,
        },
        { identity: caller, correlationId },
        'input',
      );
      const refused = await enrolForWeek(client, {
        employeeId: input.leaderId,
        isoWeek,
        circleId,
        circlesPerWeek: this.settings.circlesPerWeek,
      });
      if (refused) throw new CommandRefused(refused);
      return scheduled;
    });
    return toCircle(outcome.state);
  }

  @Mutation(() => Circle, {
    description: 'The leader or a coordinator invites; the employee still has to join',
  })
  async inviteParticipant(
    @Args('circleId', { type: () => ID }) circleId: string,
    @Args('employeeId', { type: () => ID }) employeeId: string,
    @CurrentIdentity() identity: Identity | null,
    @CorrelationId() correlationId: string,
  ): Promise<Circle> {
    const caller = requireIdentity(identity);
    const employee = await findEmployee(this.runtime.pool, employeeId);
    const outcome = await this.gateway.transaction((client) =>
      this.gateway.execute(
        client,
        circleDecider,
        circlesStreamId.circle(circleId),
        { type: 'InviteParticipant', employeeId, employeeActive: employee?.active ?? null },
        { identity: caller, correlationId },
      ),
    );
    return toCircle(outcome.state);
  }

  @Mutation(() => Circle, {
    description: `Joins a circle (an invitation accepted, or volunteering): at most ${MAX_PARTICIPANTS} participants and one circle per ISO week`,
  })
  async joinCircle(
    @Args('circleId', { type: () => ID }) circleId: string,
    @CurrentIdentity() identity: Identity | null,
    @CorrelationId() correlationId: string,
  ): Promise<Circle> {
    // AUTH: participation is always the employee's own act.
    const caller = requireIdentity(identity);
    const employee = await findEmployee(this.runtime.pool, caller.subject);
    if (!employee?.active) raise(forbidden('Only active employees of the directory can join a circle'));
    // RESOLUTION: the circle's roster and the employee's week, together.
    const outcome = await this.gateway.transaction(async (client) => {
      const joined = await this.gateway.execute(
        client,
        circleDecider,
        circlesStreamId.circle(circleId),
        { type: 'JoinCircle', departmentId: employee.departmentId },
        { identity: caller, correlationId },
      );
      const refused = await enrolForWeek(client, {
        employeeId: caller.subject,
        isoWeek: joined.state.isoWeek,
        circleId,
        circlesPerWeek: this.settings.circlesPerWeek,
      });
      if (refused) throw new CommandRefused(refused);
      return joined;
    });
    return toCircle(outcome.state);
  }

  @Mutation(() => Circle)
  async leaveCircle(
    @Args('circleId', { type: () => ID }) circleId: string,
    @CurrentIdentity() identity: Identity | null,
    @CorrelationId() correlationId: string,
  ): Promise<Circle> {
    const caller = requireIdentity(identity);
    const outcome = await this.gateway.transaction(async (client) => {
      const left = await this.gateway.execute(
        client,
        circleDecider,
        circlesStreamId.circle(circleId),
        { type: 'LeaveCircle' },
        { identity: caller, correlationId },
      );
      await releaseForWeek(client, { employeeId: caller.subject, isoWeek: left.state.isoWeek, circleId });
      return left;
    });
    return toCircle(outcome.state);
  }

  @Mutation(() => Boolean, {
    description: 'Marks the caller available (or not) for a circle in an ISO week',
  })
  async volunteerForWeek(
    @Args('isoWeek') isoWeek: string,
    @Args('available', { defaultValue: true }) available: boolean,
    @CurrentIdentity() identity: Identity | null,
  ): Promise<boolean> {
    const caller = requireIdentity(identity);
    check(isIsoWeek(isoWeek) ? null : badInput('isoWeek', 'must be an ISO week YYYY-Www'));
    await this.runtime.pool.query(
      available
        ? 'INSERT INTO week_volunteers (employee_id, iso_week) VALUES ($1, $2) ON CONFLICT DO NOTHING'
        : 'DELETE FROM week_volunteers WHERE employee_id = $1 AND iso_week = $2',
      [caller.subject, isoWeek],
    );
    return available;
  }

  @Query(() => RosterSuggestion, {
    description: 'Volunteers of the week still free under the weekly rule, mixing departments',
  })
  async rosterSuggestion(
    @Args('isoWeek') isoWeek: string,
    @Args('size', { type: () => Int, defaultValue: 5 }) size: number,
    @CurrentIdentity() identity: Identity | null,
  ): Promise<RosterSuggestion> {
    requireIdentity(identity);
    check(isIsoWeek(isoWeek) ? null : badInput('isoWeek', 'must be an ISO week YYYY-Www'));
    check(size < 1 || size > MAX_PARTICIPANTS ? badInput('size', `must be 1..${MAX_PARTICIPANTS}`) : null);
    const { rows } = await this.runtime.pool.query<Candidate>(
      `SELECT e.id AS "employeeId", e.department_id AS "departmentId"
       FROM week_volunteers v JOIN employees e ON e.id = v.employee_id
       WHERE v.iso_week = $1 AND e.active
         AND (SELECT count(*) FROM weekly_enrolments w WHERE w.employee_id = e.id AND w.iso_week = $1) < $2
       ORDER BY e.id`,
      [isoWeek, this.settings.circlesPerWeek],
    );
    const roster = suggestRoster(rows, size);
    return {
      isoWeek,
      employeeIds: roster.map((member) => member.employeeId),
      departmentCount: new Set(roster.map((member) => member.departmentId)).size,
    };
  }
}
