// Reads of the situations backlog read model.
import type { Pool } from 'pg';
import type { SituationCategory } from '@hc/contracts';

export interface SituationRow {
  id: string;
  title: string;
  description: string;
  category: SituationCategory;
  source: 'employee' | 'crm';
  authorId: string | null;
  departmentId: string | null;
  complaintIds: string[];
  status: 'open' | 'scheduled' | 'discussed' | 'archived';
  mergedIntoId: string | null;
  registeredAt: Date;
}

export interface BacklogFilter {
  ids?: string[];
  statuses?: string[] | null;
  category?: string | null;
  /** Keyset paging: only situations after this one in backlog order (registered, then id). */
  afterId?: string | null;
}

export async function findSituations(
  pool: Pool,
  filter: BacklogFilter,
  limit = 200,
): Promise<SituationRow[]> {
  const { rows } = await pool.query<SituationRow>(
    `SELECT id, title, description, category, source, author_id AS "authorId", department_id AS "departmentId",
       complaint_ids AS "complaintIds", status, merged_into AS "mergedIntoId", registered_at AS "registeredAt"
     FROM situations
     WHERE ($1::text[] IS NULL OR id = ANY($1)) AND ($2::text[] IS NULL OR status = ANY($2))
       AND ($3::text IS NULL OR category = $3)
       AND ($5::text IS NULL OR (registered_at, id) > (SELECT registered_at, id FROM situations WHERE id = $5))
     ORDER BY registered_at, id
     LIMIT $4`,
    [filter.ids ?? null, filter.statuses ?? null, filter.category ?? null, limit, filter.afterId ?? null],
  );
  return rows;
}

export async function findSituation(pool: Pool, id: string): Promise<SituationRow | null> {
  return (await findSituations(pool, { ids: [id] }, 1))[0] ?? null;
}
