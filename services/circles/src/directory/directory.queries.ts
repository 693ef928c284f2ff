// Reads of the directory read model.
import type { Pool } from 'pg';

export interface DepartmentRow {
  id: string;
  name: string;
}

export interface EmployeeRow {
  id: string;
  fullName: string;
  departmentId: string;
  leaderEligible: boolean;
  active: boolean;
}

const EMPLOYEE_COLUMNS = `id, full_name AS "fullName", department_id AS "departmentId",
  leader_eligible AS "leaderEligible", active`;

export async function findDepartments(pool: Pool, ids?: string[]): Promise<DepartmentRow[]> {
  const { rows } = await pool.query<DepartmentRow>(
    'SELECT id, name FROM departments WHERE $1::text[] IS NULL OR id = ANY($1) ORDER BY name, id',
    [ids ?? null],
  );
  return rows;
}

export async function findEmployees(
  pool: Pool,
  filter: { ids?: string[]; departmentId?: string | null; activeOnly?: boolean } = {},
): Promise<EmployeeRow[]> {
  const { rows } = await pool.query<EmployeeRow>(
    `SELECT ${EMPLOYEE_COLUMNS} FROM employees
     WHERE ($1::text[] IS NULL OR id = ANY($1)) AND ($2::text IS NULL OR department_id = $2) AND (NOT $3 OR active)
     ORDER BY full_name, id`,
    [filter.ids ?? null, filter.departmentId ?? null, filter.activeOnly ?? false],
  );
  return rows;
}

export async function findEmployee(pool: Pool, id: string): Promise<EmployeeRow | null> {
  return (await findEmployees(pool, { ids: [id] }))[0] ?? null;
}
