// Full-text search of completed leaflets (PostgreSQL `russian` configuration), ranked, highlighted, keyset-paged.
import type { Pool } from 'pg';
import type { SituationCategory } from '@hc/contracts';

export interface LeafletRow {
  id: string;
  circleId: string;
  situationId: string;
  title: string;
  situation: string;
  standardSolution: string[];
  wowEffect: string;
  additionalQuestions: string[];
  category: SituationCategory;
  departmentIds: string[];
  complaintIds: string[];
  completedAt: Date;
}

export interface SearchHit extends LeafletRow {
  rank: number;
  headline: string;
}

export interface SearchRequest {
  query: string;
  category: string | null;
  departmentId: string | null;
  /** Company-local dates, inclusive. */
  from: string | null;
  to: string | null;
  first: number;
  after: Cursor | null;
  timeZone: string;
}

export interface Cursor {
  rank: number;
  id: string;
}

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify([cursor.rank, cursor.id]), 'utf8').toString('base64url');
}

export function decodeCursor(text: string): Cursor | null {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (Array.isArray(parsed) && typeof parsed[0] === 'number' && typeof parsed[1] === 'string')
      return { rank: parsed[0], id: parsed[1] };
  } catch {
    // Not a cursor of ours: reported as bad input by the caller.
  }
  return null;
}

const LEAFLET_COLUMNS = `id, circle_id AS "circleId", situation_id AS "situationId", title, situation,
  standard_solution AS "standardSolution", wow_effect AS "wowEffect", additional_questions AS "additionalQuestions",
  category, department_ids AS "departmentIds", complaint_ids AS "complaintIds", completed_at AS "completedAt"`;

export async function findLeaflet(pool: Pool, id: string): Promise<LeafletRow | null> {
  const { rows } = await pool.query<LeafletRow>(`SELECT ${LEAFLET_COLUMNS} FROM leaflets WHERE id = $1`, [
    id,
  ]);
  return rows[0] ?? null;
}

/** Best matches first (ties: newest first); without a query, newest first. Fetches one extra row to tell if more follow. */
export async function searchLeaflets(pool: Pool, request: SearchRequest): Promise<SearchHit[]> {
  const { rows } = await pool.query<SearchHit>(
    `WITH search AS (SELECT websearch_to_tsquery('russian', $1) AS query)
     SELECT ${LEAFLET_COLUMNS}, rank,
       CASE WHEN $1 = '' THEN title ELSE ts_headline('russian',
         title || '. ' || situation || '. ' || array_to_string(standard_solution, '; ') || '. ' || wow_effect,
         search.query, 'StartSel=<b>, StopSel=</b>, MaxFragments=2, MaxWords=30, MinWords=8') END AS headline
     FROM (
       SELECT leaflets.*, CASE WHEN $1 = '' THEN 0::real ELSE ts_rank(document, search.query) END AS rank
       FROM leaflets, search
       WHERE ($1 = '' OR document @@ search.query)
         AND ($2::text IS NULL OR category = $2)
         AND ($3::text IS NULL OR $3 = ANY(department_ids))
         AND ($4::date IS NULL OR (completed_at AT TIME ZONE $8)::date >= $4)
         AND ($5::date IS NULL OR (completed_at AT TIME ZONE $8)::date <= $5)
     ) ranked, search
     WHERE $6::real IS NULL OR rank < $6::real OR (rank = $6::real AND id < $7)
     ORDER BY rank DESC, id DESC
     LIMIT $9`,
    [
      request.query.trim(),
      request.category,
      request.departmentId,
      request.from,
      request.to,
      request.after?.rank ?? null,
      request.after?.id ?? null,
      request.timeZone,
      request.first + 1,
    ],
  );
  return rows;
}
