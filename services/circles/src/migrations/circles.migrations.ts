// The service's own tables: read models (rebuildable from the event store) and the weekly-rule ledger.
import type { Migration } from '@hc/event-store';

export const circlesMigrations: readonly Migration[] = [
  {
    id: '202611271100_directory_read_model',
    sql: `
      CREATE TABLE departments (
        id text PRIMARY KEY,
        name text NOT NULL
      );
      CREATE TABLE employees (
        id text PRIMARY KEY,
        full_name text NOT NULL,
        department_id text NOT NULL,
        leader_eligible boolean NOT NULL,
        active boolean NOT NULL
      );
      CREATE INDEX employees_department ON employees (department_id);`,
  },
  {
    id: '202611271101_situations_read_model',
    sql: `
      CREATE TABLE situations (
        id text PRIMARY KEY,
        title text NOT NULL,
        description text NOT NULL,
        category text NOT NULL,
        source text NOT NULL,
        author_id text,
        department_id text,
        complaint_ids text[] NOT NULL,
        status text NOT NULL,
        merged_into text,
        registered_at timestamptz NOT NULL
      );
      CREATE INDEX situations_backlog ON situations (status, registered_at);`,
  },
  {
    id: '202611271102_circles_read_model',
    sql: `
      CREATE TABLE circles (
        id text PRIMARY KEY,
        scheduled_at timestamptz NOT NULL,
        iso_week text NOT NULL,
        leader_id text NOT NULL,
        situation_ids text[] NOT NULL,
        participant_ids text[] NOT NULL DEFAULT '{}',
        status text NOT NULL,
        completed_at timestamptz
      );
      CREATE INDEX circles_week ON circles (iso_week);
      CREATE TABLE wow_solutions (
        circle_id text NOT NULL,
        situation_id text NOT NULL,
        wording text NOT NULL,
        needs_change boolean NOT NULL,
        category text NOT NULL,
        chosen_at timestamptz NOT NULL,
        PRIMARY KEY (circle_id, situation_id)
      );
      CREATE INDEX wow_solutions_category ON wow_solutions (category, chosen_at);`,
  },
  {
    id: '202611271103_knowledge_base',
    sql: `
      CREATE TABLE leaflets (
        id text PRIMARY KEY,
        circle_id text NOT NULL,
        situation_id text NOT NULL,
        title text NOT NULL,
        situation text NOT NULL,
        standard_solution text[] NOT NULL,
        wow_effect text NOT NULL,
        additional_questions text[] NOT NULL,
        category text NOT NULL,
        department_ids text[] NOT NULL,
        complaint_ids text[] NOT NULL,
        completed_at timestamptz NOT NULL,
        document tsvector NOT NULL
      );
      CREATE INDEX leaflets_document ON leaflets USING gin (document);
      CREATE INDEX leaflets_departments ON leaflets USING gin (department_ids);
      CREATE INDEX leaflets_completed ON leaflets (completed_at, id);`,
  },
  {
    // Written by commands in the transaction of the circle's events, under a per employee-week lock:
    // this is what makes the once-a-week rule race-free. Not a read model: never rebuilt.
    id: '202611271104_weekly_enrolments',
    sql: `
      CREATE TABLE weekly_enrolments (
        employee_id text NOT NULL,
        iso_week text NOT NULL,
        circle_id text NOT NULL,
        PRIMARY KEY (employee_id, iso_week, circle_id)
      );
      CREATE TABLE week_volunteers (
        employee_id text NOT NULL,
        iso_week text NOT NULL,
        PRIMARY KEY (employee_id, iso_week)
      );`,
  },
];
