// The ideas read models. Migrations are only ever added, never edited.
import type { Migration } from '@hc/event-store';

export const ideasMigrations: readonly Migration[] = [
  {
    id: '202611271130_idea_read_model',
    sql: `
      CREATE TABLE ideas (
        id text PRIMARY KEY,
        -- Commit order of the registration: the stable order of lists and their cursors.
        position bigint NOT NULL UNIQUE,
        title text NOT NULL,
        description text NOT NULL,
        status text NOT NULL,
        scope text,
        target_department_id text,
        department_id text NOT NULL,
        proposed_by text NOT NULL,
        origin_kind text NOT NULL,
        circle_id text,
        leaflet_id text,
        situation_id text,
        source_event_id text,
        complaint_ids text[] NOT NULL,
        category text,
        owner_id text,
        due_date date,
        revisit_on date,
        status_reason text,
        merged_into_id text,
        implementation_description text,
        implemented_at timestamptz,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        search tsvector GENERATED ALWAYS AS (
          setweight(to_tsvector('russian', title), 'A') || setweight(to_tsvector('russian', description), 'B')
        ) STORED
      );
      CREATE INDEX ideas_search ON ideas USING gin (search);
      CREATE INDEX ideas_status ON ideas (status, position);
      CREATE INDEX ideas_circle ON ideas (circle_id);
      CREATE INDEX ideas_leaflet ON ideas (leaflet_id);
      CREATE INDEX ideas_proposed_by ON ideas (proposed_by);
      CREATE INDEX ideas_owner ON ideas (owner_id);
      CREATE INDEX ideas_complaints ON ideas USING gin (complaint_ids);
      CREATE INDEX ideas_due ON ideas (due_date) WHERE due_date IS NOT NULL;

      CREATE TABLE idea_supporters (
        idea_id text NOT NULL REFERENCES ideas (id),
        employee_id text NOT NULL,
        supported_at timestamptz NOT NULL,
        PRIMARY KEY (idea_id, employee_id)
      );

      CREATE TABLE idea_comments (
        idea_id text NOT NULL REFERENCES ideas (id),
        comment_id text NOT NULL,
        author_id text NOT NULL,
        text text NOT NULL,
        commented_at timestamptz NOT NULL,
        position bigint NOT NULL,
        PRIMARY KEY (idea_id, comment_id)
      );

      -- Every event of every idea's stream, so merged ideas keep their own history.
      CREATE TABLE idea_history (
        event_id uuid PRIMARY KEY,
        idea_id text NOT NULL,
        position bigint NOT NULL,
        type text NOT NULL,
        actor_id text,
        occurred_at timestamptz NOT NULL,
        payload jsonb NOT NULL
      );
      CREATE INDEX idea_history_idea ON idea_history (idea_id, position);
    `,
  },
];
