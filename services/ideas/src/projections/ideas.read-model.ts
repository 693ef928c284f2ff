// Queries of the ideas read model: lists with filters and cursors, similarity search, details.
import type { Pool } from 'pg';
import type { IdeaOriginKind, IdeaScope, IdeaStatus, SituationCategory } from '@hc/contracts';

export interface IdeaRow {
  id: string;
  position: string;
  title: string;
  description: string;
  status: IdeaStatus;
  scope: IdeaScope | null;
  target_department_id: string | null;
  department_id: string;
  proposed_by: string;
  origin_kind: IdeaOriginKind;
  circle_id: string | null;
  leaflet_id: string | null;
  situation_id: string | null;
  source_event_id: string | null;
  complaint_ids: string[];
  category: SituationCategory | null;
  owner_id: string | null;
  due_date: string | null;
  revisit_on: string | null;
  status_reason: string | null;
  merged_into_id: string | null;
  implementation_description: string | null;
  implemented_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

export interface CommentRow {
  comment_id: string;
  author_id: string;
  text: string;
  commented_at: Date;
}

export interface HistoryRow {
  event_id: string;
  type: string;
  actor_id: string | null;
  occurred_at: Date;
  payload: Record<string, unknown>;
}

export interface IdeaListFilter {
  status?: IdeaStatus | null;
  scope?: IdeaScope | null;
  /** The proposing department or the department the idea was submitted to. */
  departmentId?: string | null;
  circleId?: string | null;
  leafletId?: string | null;
  complaintId?: string | null;
  proposedBy?: string | null;
  ownerId?: string | null;
  /** Only ideas past their due date (true) or only those that are not (false). */
  overdue?: boolean | null;
}

/** Closed ideas are never overdue. */
const CLOSED_STATUSES: readonly IdeaStatus[] = ['implemented', 'rejected', 'withdrawn', 'merged'];

const COLUMNS = `id, position::text AS position, title, description, status, scope, target_department_id, department_id,
  proposed_by, origin_kind, circle_id, leaflet_id, situation_id, source_event_id, complaint_ids, category, owner_id,
  to_char(due_date, 'YYYY-MM-DD') AS due_date, to_char(revisit_on, 'YYYY-MM-DD') AS revisit_on, status_reason,
  merged_into_id, implementation_description, implemented_at, created_at, updated_at`;

export const encodeCursor = (position: string): string =>
  Buffer.from(`idea:${position}`).toString('base64url');

export function decodeCursor(cursor: string): string | null {
  const match = /^idea:(\d{1,19})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  return match ? match[1]! : null;
}

export const isOverdue = (row: IdeaRow, today: string): boolean =>
  row.due_date !== null && row.due_date < today && !CLOSED_STATUSES.includes(row.status);

export class IdeasReadModel {
  constructor(private readonly pool: Pool) {}

  async byId(id: string): Promise<IdeaRow | null> {
    const { rows } = await this.pool.query<IdeaRow>(`SELECT ${COLUMNS} FROM ideas WHERE id = $1`, [id]);
    return rows[0] ?? null;
  }

  /** Newest first; `afterPosition` continues a page. Returns one row more than asked when there is a next page. */
  async list(
    filter: IdeaListFilter,
    today: string,
    first: number,
    afterPosition: string | null,
  ): Promise<IdeaRow[]> {
    const conditions: string[] = [];
    const values: unknown[] = [];
    const add = (sql: (placeholder: string) => string, value: unknown) => {
      values.push(value);
      conditions.push(sql(`$${values.length}`));
    };
    if (filter.status) add((p) => `status = ${p}`, filter.status);
    if (filter.scope) add((p) => `scope = ${p}`, filter.scope);
    if (filter.departmentId)
      add((p) => `(department_id = ${p} OR target_department_id = ${p})`, filter.departmentId);
    if (filter.circleId) add((p) => `circle_id = ${p}`, filter.circleId);
    if (filter.leafletId) add((p) => `leaflet_id = ${p}`, filter.leafletId);
    if (filter.complaintId) add((p) => `complaint_ids @> ARRAY[${p}::text]`, filter.complaintId);
    if (filter.proposedBy) add((p) => `proposed_by = ${p}`, filter.proposedBy);
    if (filter.ownerId) add((p) => `owner_id = ${p}`, filter.ownerId);
    if (filter.overdue !== undefined && filter.overdue !== null) {
      values.push(today, CLOSED_STATUSES);
      const overdue = `(due_date IS NOT NULL AND due_date < $${values.length - 1}::date AND status <> ALL($${values.length}::text[]))`;
      conditions.push(filter.overdue ? overdue : `NOT ${overdue}`);
    }
    if (afterPosition !== null) add((p) => `position < ${p}::bigint`, afterPosition);
    values.push(first + 1);
    const where = conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
    const { rows } = await this.pool.query<IdeaRow>(
      `SELECT ${COLUMNS} FROM ideas ${where} ORDER BY ideas.position DESC LIMIT $${values.length}`,
      values,
    );
    return rows;
  }

  /**
   * Open ideas whose words match `text` (Russian stemming, so inflected forms match), best first.
   * Any shared word counts, so a differently worded duplicate is still offered.
   */
  async similar(text: string, limit: number): Promise<{ row: IdeaRow; rank: number }[]> {
    const { rows } = await this.pool.query<IdeaRow & { rank: number }>(
      `WITH query AS (SELECT replace(plainto_tsquery('russian', $1)::text, ' & ', ' | ')::tsquery AS q)
       SELECT ${COLUMNS}, ts_rank(search, query.q) AS rank
       FROM ideas, query
       WHERE numnode(query.q) > 0 AND search @@ query.q AND status <> ALL($3::text[])
       ORDER BY rank DESC, ideas.position DESC
       LIMIT $2`,
      [text, limit, ['rejected', 'withdrawn', 'merged']],
    );
    return rows.map(({ rank, ...row }) => ({ row, rank }));
  }

  async supporters(ideaId: string): Promise<string[]> {
    const { rows } = await this.pool.query<{ employee_id: string }>(
      'SELECT employee_id FROM idea_supporters WHERE idea_id = $1 ORDER BY supported_at, employee_id',
      [ideaId],
    );
    return rows.map((row) => row.employee_id);
  }

  async comments(ideaId: string): Promise<CommentRow[]> {
    const { rows } = await this.pool.query<CommentRow>(
      'SELECT comment_id, author_id, text, commented_at FROM idea_comments WHERE idea_id = $1 ORDER BY position',
      [ideaId],
    );
    return rows;
  }

  async history(ideaId: string): Promise<HistoryRow[]> {
    const { rows } = await this.pool.query<HistoryRow>(
      'SELECT event_id, type, actor_id, occurred_at, payload FROM idea_history WHERE idea_id = $1 ORDER BY position',
      [ideaId],
    );
    return rows;
  }

  /** Ideas absorbed into this one. */
  async mergedInto(ideaId: string): Promise<IdeaRow[]> {
    const { rows } = await this.pool.query<IdeaRow>(
      `SELECT ${COLUMNS} FROM ideas WHERE merged_into_id = $1 ORDER BY ideas.position`,
      [ideaId],
    );
    return rows;
  }

  /** Deferred ideas whose revisit date has come. */
  async dueForReview(today: string): Promise<string[]> {
    const { rows } = await this.pool.query<{ id: string }>(
      `SELECT id FROM ideas WHERE status = 'deferred' AND revisit_on <= $1::date ORDER BY position`,
      [today],
    );
    return rows.map((row) => row.id);
  }
}
