// The once-a-week rule, race-free: an employee's enrolments of one ISO week are counted and written under a
// transaction-scoped lock on (employee, week), in the transaction that appends the circle's events.
import type { PoolClient } from 'pg';
import { conflict, type DomainError } from '@hc/service-kit';

export async function enrolForWeek(
  client: PoolClient,
  {
    employeeId,
    isoWeek,
    circleId,
    circlesPerWeek,
  }: { employeeId: string; isoWeek: string; circleId: string; circlesPerWeek: number },
): Promise<DomainError | null> {
  await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [
    `enrolment:${employeeId}:${isoWeek}`,
  ]);
  const { rows } = await client.query<{ circle_id: string }>(
    'SELECT circle_id FROM weekly_enrolments WHERE employee_id = $1 AND iso_week = $2',
    [employeeId, isoWeek],
  );
  const others = rows.filter((row) => row.circle_id !== circleId);
  if (others.length >= circlesPerWeek) {
    const limit = circlesPerWeek === 1 ? 'one circle' : `${circlesPerWeek} circles`;
    return conflict(
      `Employee ${employeeId} already takes part in a circle in week ${isoWeek} (circle ${others[0]!.circle_id}); ` +
        `each employee takes part in at most ${limit} per ISO week`,
    );
  }
  await client.query(
    'INSERT INTO weekly_enrolments (employee_id, iso_week, circle_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING',
    [employeeId, isoWeek, circleId],
  );
  return null;
}

export async function releaseForWeek(
  client: PoolClient,
  { employeeId, isoWeek, circleId }: { employeeId: string; isoWeek: string; circleId: string },
): Promise<void> {
  await client.query(
    'DELETE FROM weekly_enrolments WHERE employee_id = $1 AND iso_week = $2 AND circle_id = $3',
    [employeeId, isoWeek, circleId],
  );
}
