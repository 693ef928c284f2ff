// The ideas service on real PostgreSQL and Kafka: circles intake (every message delivered twice), the
// lifecycle through the subgraph, the events it publishes, and the trace from complaint to improvement.
import 'reflect-metadata';
import { readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { NestFactory } from '@nestjs/core';
import type { INestApplication } from '@nestjs/common';
import type { Kafka, Producer } from 'kafkajs';
import {
  DLQ_HEADERS,
  circlesEventRegistry,
  decodeIdeasEvent,
  ideaStreamId,
  newEventId,
  type CirclesEventPayloads,
  type CirclesEventType,
  type EventEnvelope,
  type PlainObject,
} from '@hc/contracts';
import { encodeIdentity, loadServiceConfig, type Identity, type ServiceRuntime } from '@hc/service-kit';
import {
  createTestDatabase,
  createTestTopics,
  eventually,
  readTopic,
  testKafka,
  uniqueTopic,
  type TestDatabase,
} from '@hc/testing';
import { createIdeasRuntime, type IdeasWiring } from './ideas.runtime.js';
import { IdeasModule } from './ideas.module.js';
import { ideaIdFromSourceEvent } from './idea/idea-id.js';

const CIRCLE_ID = 'circle-int-1';
const LEAFLET_ID = 'leaflet-int-1';
const SITUATION_ID = 'situation-int-1';
const COMPLAINT_IDS = ['CMP-501', 'CMP-502'];
const ADDITIONAL_QUESTIONS = [
  'Дать операторам доступ к статусу доставки в CRM',
  'Согласовать с логистикой единый срок ответа по претензиям',
  'Добавить в IVR пункт о статусе заказа',
];

// Business time is set per caller (simulation mode), so dates in the assertions are fixed.
const MARCH_1 = '2027-03-01T10:00:00+03:00';
const at = (subject: string, roles: Identity['roles'], businessTime = MARCH_1): Identity => ({
  subject,
  roles,
  departmentId: 'DEP-CC',
  businessTime,
});
const COORDINATOR = at('COORD-1', ['coordinator']);
const PARTICIPANT = at('EMP-3', ['participant']);
const OWNER = at('EMP-7', ['participant']);

interface GraphQLResponse<T> {
  data?: T;
  errors?: { message: string; extensions?: { code?: string; field?: string; ids?: string[] } }[];
}

describe('ideas service', () => {
  let db: TestDatabase;
  let kafka: Kafka;
  let producer: Producer;
  let runtime: ServiceRuntime;
  let app: INestApplication;
  let url: string;
  let wiring: IdeasWiring;
  let secret: string;
  const schemaFile = join(tmpdir(), `ideas-schema-${newEventId()}.graphql`);
  let streamVersion = 0;

  function envelope<T extends CirclesEventType>(type: T, payload: CirclesEventPayloads[T]): EventEnvelope {
    // The test speaks the circles contract exactly: its registry must accept what is sent.
    circlesEventRegistry.assertValidPayload(type, payload);
    return {
      eventId: newEventId(),
      type,
      schemaVersion: 1,
      streamId: `circle-${CIRCLE_ID}`,
      streamVersion: ++streamVersion,
      occurredAt: '2027-03-01T12:00:00+03:00',
      correlationId: `corr-${streamVersion}`,
      causationId: null,
      actor: { id: 'LEAD-1', roles: ['leader'] },
      payload,
    };
  }

  /** Every circles message is delivered twice, as Kafka may after a rebalance. */
  async function publishTwice(events: EventEnvelope[]): Promise<void> {
    const messages = events.map((event) => ({ key: event.streamId, value: JSON.stringify(event) }));
    await producer.send({ topic: wiring.circlesTopic, messages });
    await producer.send({ topic: wiring.circlesTopic, messages });
  }

  async function gql<T>(query: string, variables: PlainObject = {}, identity: Identity | null = COORDINATOR) {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(identity ? encodeIdentity(identity, secret) : {}) },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as GraphQLResponse<T>;
  }

  async function mutate<T>(
    query: string,
    variables: PlainObject,
    identity: Identity = COORDINATOR,
  ): Promise<T> {
    const result = await gql<T>(query, variables, identity);
    if (result.errors) throw new Error(JSON.stringify(result.errors));
    return result.data!;
  }

  const IDEA_FIELDS = `id title status scope targetDepartmentId ownerId dueDate overdue statusReason
    origin { kind circleId leafletId situationId sourceEventId complaintIds category }
    improvement { description scope }`;

  beforeAll(async () => {
    db = await createTestDatabase('ideas');
    kafka = await testKafka('ideas-int');
    wiring = {
      ideasTopic: uniqueTopic('ideas.events.v1'),
      circlesTopic: uniqueTopic('circles.events.v1'),
      intakeGroup: uniqueTopic('ideas.intake'),
    };
    await createTestTopics(kafka, [
      { topic: wiring.circlesTopic, numPartitions: 3 },
      { topic: `${wiring.circlesTopic}.dlq`, numPartitions: 3 },
    ]);
    const config = { ...loadServiceConfig('ideas', 0), databaseUrl: db.url, port: 0, simulationMode: true };
    secret = config.identitySecret;
    runtime = createIdeasRuntime(config, wiring);
    await runtime.start();
    app = await NestFactory.create(IdeasModule.forRuntime(runtime, { schemaFile, revisitEveryMs: 200 }), {
      logger: ['error'],
    });
    await app.listen(0, '127.0.0.1');
    url = `${await app.getUrl()}/graphql`;
    producer = kafka.producer();
    await producer.connect();
  });

  afterAll(async () => {
    await producer?.disconnect();
    await app?.close();
    await runtime?.stop();
    await db?.drop();
    if (process.env.KEEP_SCHEMA !== 'true') await rm(schemaFile, { force: true });
  });

  describe('intake from circles', () => {
    const proposals: EventEnvelope[] = [];
    let wowNeedingChange: EventEnvelope;

    beforeAll(async () => {
      proposals.push(
        ...ADDITIONAL_QUESTIONS.map((text, index) =>
          envelope('ImprovementProposed', {
            circleId: CIRCLE_ID,
            situationId: SITUATION_ID,
            leafletId: LEAFLET_ID,
            proposalId: `${LEAFLET_ID}-q${index + 1}`,
            text,
            category: 'claims',
            complaintIds: COMPLAINT_IDS,
            proposedBy: 'LEAD-1',
            departmentId: 'DEP-CC',
          }),
        ),
      );
      wowNeedingChange = envelope('WowSolutionChosen', {
        circleId: CIRCLE_ID,
        situationId: SITUATION_ID,
        ideaIds: ['brainstorm-1'],
        wording: 'Перезванивать клиенту сразу после решения по претензии',
        needsChange: true,
        category: 'claims',
      });
      const ignored = [
        envelope('WowSolutionChosen', {
          circleId: CIRCLE_ID,
          situationId: 'situation-int-2',
          ideaIds: ['brainstorm-2'],
          wording: 'Извиниться и объяснить сроки',
          needsChange: false,
          category: 'claims',
        }),
        envelope('CircleStarted', { circleId: CIRCLE_ID, startedAt: '2027-03-01T11:00:00+03:00' }),
      ];
      // Breaks the circles contract (no leaflet id): dead-lettered, never an idea, and the rest goes on.
      const { leafletId: _leafletId, ...withoutLeaflet } = proposals[0]!.payload as PlainObject;
      const broken = { ...proposals[0]!, eventId: newEventId(), payload: withoutLeaflet };
      await publishTwice([...ignored, broken, wowNeedingChange, ...proposals]);
      await eventually(
        () => {
          const stats = runtime.consumerRunners[0]!.stats;
          return stats.applied + stats.duplicates + stats.ignored + stats.deadLettered >= 14
            ? stats
            : undefined;
        },
        { what: 'every circles message (twice) to be consumed' },
      );
    });

    it('creates each proposal’s idea once, however often it arrives', async () => {
      // The read model follows the event store once every open transaction on the server has ended.
      const rows = await eventually(
        async () => {
          const { rows: kinds } = await db.pool.query<{ origin_kind: string; n: string }>(
            'SELECT origin_kind, count(*) AS n FROM ideas GROUP BY origin_kind ORDER BY origin_kind',
          );
          return kinds.reduce((sum, kind) => sum + Number(kind.n), 0) >= 4 ? kinds : undefined;
        },
        { what: 'the ideas read model to hold the proposals' },
      );
      expect(rows).toEqual([
        { origin_kind: 'circle_proposal', n: '3' },
        { origin_kind: 'wow_solution', n: '1' },
      ]);
      // Events that propose nothing are acknowledged without a transaction or a record.
      expect(runtime.consumerRunners[0]!.stats).toMatchObject({
        applied: 4,
        duplicates: 4,
        ignored: 4,
        deadLettered: 2,
      });
      const events = await runtime.store.readAllAfter({ transactionId: 0n, globalPosition: 0n }, 100);
      expect(events.map((event) => event.type)).toEqual(Array(4).fill('IdeaRegistered'));
    });

    it('dead-letters a proposal that breaks the circles contract, naming the field', async () => {
      const dead = await readTopic(kafka, `${wiring.circlesTopic}.dlq`, 2);
      expect(dead.map((message) => message.headers[DLQ_HEADERS.reason])).toEqual([
        'invalid_payload',
        'invalid_payload',
      ]);
      expect(dead[0]!.headers[DLQ_HEADERS.detail]).toContain('payload.leafletId');
    });

    it('keeps the origin: circle, leaflet, situation, complaints, category and source event', async () => {
      const result = await gql<{ ideas: { nodes: { title: string; origin: PlainObject }[] } }>(
        `query ($filter: IdeasFilter) { ideas(filter: $filter) { nodes { ${IDEA_FIELDS} } } }`,
        { filter: { leafletId: LEAFLET_ID } },
        PARTICIPANT,
      );
      const nodes = result.data!.ideas.nodes;
      expect(nodes.map((node) => node.title).sort()).toEqual([...ADDITIONAL_QUESTIONS].sort());
      const first = nodes.find((node) => node.title === ADDITIONAL_QUESTIONS[0])!;
      expect(first).toMatchObject({
        id: ideaIdFromSourceEvent(proposals[0]!.eventId),
        status: 'proposed',
        origin: {
          kind: 'circle_proposal',
          circleId: CIRCLE_ID,
          leafletId: LEAFLET_ID,
          situationId: SITUATION_ID,
          sourceEventId: proposals[0]!.eventId,
          complaintIds: COMPLAINT_IDS,
          category: 'claims',
        },
      });
    });

    it('takes in a WOW solution that needs a change, and no other circles event', async () => {
      const result = await gql<{ ideas: { nodes: { origin: PlainObject; title: string }[] } }>(
        `{ ideas(filter: { circleId: "${CIRCLE_ID}" }) { nodes { ${IDEA_FIELDS} } } }`,
      );
      const wow = result.data!.ideas.nodes.filter((node) => node.origin.kind === 'wow_solution');
      expect(wow).toEqual([
        expect.objectContaining({
          title: 'Перезванивать клиенту сразу после решения по претензии',
          origin: expect.objectContaining({
            sourceEventId: wowNeedingChange.eventId,
            situationId: SITUATION_ID,
          }),
        }),
      ]);
    });

    it('the lifecycle emits IdeaSubmitted and ImprovementImplemented; the trace is queryable', async () => {
      const ideaId = ideaIdFromSourceEvent(proposals[1]!.eventId);
      await mutate(`mutation ($id: ID!) { startIdeaReview(id: $id) { id } }`, { id: ideaId });
      const approved = await mutate<{ approveIdea: PlainObject }>(
        `mutation ($input: ApproveIdeaInput!) { approveIdea(input: $input) { ${IDEA_FIELDS} } }`,
        { input: { id: ideaId, scope: 'other_department', targetDepartmentId: 'DEP-LOGISTICS' } },
      );
      expect(approved.approveIdea).toMatchObject({
        status: 'approved',
        scope: 'other_department',
        targetDepartmentId: 'DEP-LOGISTICS',
      });
      await mutate(`mutation ($input: AssignIdeaOwnerInput!) { assignIdeaOwner(input: $input) { id } }`, {
        input: { id: ideaId, ownerId: OWNER.subject, dueDate: '2027-03-20' },
      });
      const notOwner = await gql(
        `mutation ($id: ID!) { startIdeaImplementation(id: $id) { id } }`,
        { id: ideaId },
        PARTICIPANT,
      );
      expect(notOwner.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      await mutate(`mutation ($id: ID!) { startIdeaImplementation(id: $id) { id } }`, { id: ideaId }, OWNER);
      const done = await mutate<{ completeIdeaImplementation: PlainObject }>(
        `mutation ($input: CompleteIdeaImplementationInput!) {
           completeIdeaImplementation(input: $input) { ${IDEA_FIELDS} } }`,
        { input: { id: ideaId, description: 'Единый срок ответа по претензиям — 5 рабочих дней' } },
        OWNER,
      );
      expect(done.completeIdeaImplementation).toMatchObject({
        status: 'implemented',
        improvement: {
          description: 'Единый срок ответа по претензиям — 5 рабочих дней',
          scope: 'other_department',
        },
      });

      // 4 registrations + review, approval, submission, owner, start, implementation.
      const published = (await readTopic(kafka, wiring.ideasTopic, 10)).map((message) => {
        const decoded = decodeIdeasEvent(message.value);
        if (!decoded.ok) throw new Error(decoded.detail);
        return { key: message.key, event: decoded.value };
      });
      const ofIdea = published.filter(({ event }) => event.payload.ideaId === ideaId);
      expect(ofIdea.every(({ key }) => key === `idea-${ideaId}`)).toBe(true);
      expect(ofIdea.map(({ event }) => event.type)).toEqual([
        'IdeaRegistered',
        'IdeaReviewStarted',
        'IdeaApproved',
        'IdeaSubmitted',
        'IdeaOwnerAssigned',
        'IdeaImplementationStarted',
        'ImprovementImplemented',
      ]);
      expect(ofIdea.find(({ event }) => event.type === 'IdeaSubmitted')!.event.payload).toEqual({
        ideaId,
        targetDepartmentId: 'DEP-LOGISTICS',
        departmentId: 'DEP-CC',
        category: 'claims',
        submittedBy: 'COORD-1',
      });
      expect(ofIdea.find(({ event }) => event.type === 'ImprovementImplemented')!.event).toMatchObject({
        causationId: null,
        actor: { id: 'EMP-7' },
        payload: {
          ideaId,
          scope: 'other_department',
          description: 'Единый срок ответа по претензиям — 5 рабочих дней',
          complaintIds: COMPLAINT_IDS,
          category: 'claims',
          implementedBy: 'EMP-7',
        },
      });

      // complaint → situation → leaflet → idea → improvement
      const trace = await gql<{ ideas: { nodes: PlainObject[] } }>(
        `{ ideas(filter: { complaintId: "CMP-502", status: implemented }) { nodes { ${IDEA_FIELDS} } } }`,
        {},
        PARTICIPANT,
      );
      expect(trace.data!.ideas.nodes).toEqual([
        expect.objectContaining({
          id: ideaId,
          origin: expect.objectContaining({
            situationId: SITUATION_ID,
            leafletId: LEAFLET_ID,
            complaintIds: COMPLAINT_IDS,
          }),
          improvement: {
            description: 'Единый срок ответа по претензиям — 5 рабочих дней',
            scope: 'other_department',
          },
        }),
      ]);
      const viaLeaflet = await gql<{ _entities: ({ ideas: PlainObject[] } & PlainObject)[] }>(
        `query ($representations: [_Any!]!) {
           _entities(representations: $representations) {
             ... on Leaflet { ideas { id status improvement { description } } }
             ... on Idea { id status circle { id } leaflet { id } proposer { id } }
           }
         }`,
        {
          representations: [
            { __typename: 'Leaflet', id: LEAFLET_ID },
            { __typename: 'Idea', id: ideaId },
          ],
        },
        PARTICIPANT,
      );
      expect(viaLeaflet.data!._entities[0]!.ideas).toHaveLength(3);
      expect(viaLeaflet.data!._entities[1]).toEqual({
        id: ideaId,
        status: 'implemented',
        circle: { id: CIRCLE_ID },
        leaflet: { id: LEAFLET_ID },
        proposer: { id: 'LEAD-1' },
      });
      expect(viaLeaflet.data!._entities[0]!.ideas).toContainEqual({
        id: ideaId,
        status: 'implemented',
        improvement: { description: 'Единый срок ответа по претензиям — 5 рабочих дней' },
      });
    });
  });

  describe('through the subgraph', () => {
    const PROPOSE = `mutation ($input: ProposeIdeaInput!) { proposeImprovementIdea(input: $input) { ${IDEA_FIELDS} proposedBy } }`;
    const propose = async (title: string, description = title, identity: Identity = PARTICIPANT) =>
      (
        await mutate<{ proposeImprovementIdea: { id: string } & PlainObject }>(
          PROPOSE,
          { input: { title, description } },
          identity,
        )
      ).proposeImprovementIdea;

    it('requires an identity', async () => {
      const result = await gql(`{ ideas { nodes { id } } }`, {}, null);
      expect(result.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      const mutation = await gql(PROPOSE, { input: { title: 'x', description: 'y' } }, null);
      expect(mutation.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    });

    it('proposes directly, validating input and returning the new state', async () => {
      const idea = await propose('Шаблоны ответов на частые вопросы', 'Собрать шаблоны в базе знаний');
      expect(idea).toMatchObject({
        status: 'proposed',
        proposedBy: 'EMP-3',
        origin: { kind: 'direct', complaintIds: [] },
      });
      const invalid = await gql(PROPOSE, { input: { title: '   ', description: 'y' } }, PARTICIPANT);
      expect(invalid.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'title' });
    });

    it('answers ACCEPTED_NOT_YET_VISIBLE naming a stored idea its read model has not applied in time', async () => {
      const title = 'Перезванивать клиенту в тот же день';
      // Stopped until the answer, so the idea's events are stored and nobody applies them. (Holding a lock
      // in a transaction would hold back the commit horizon of every database on the server.)
      for (const projector of runtime.projectors) await projector.stop();
      let ideaId: string | undefined;
      try {
        const answer = await gql<{ proposeImprovementIdea: PlainObject }>(
          PROPOSE,
          { input: { title, description: title } },
          PARTICIPANT,
        );
        expect(answer.data?.proposeImprovementIdea ?? null).toBeNull();
        expect(answer.errors).toHaveLength(1);
        expect(answer.errors![0]!.extensions?.code).toBe('ACCEPTED_NOT_YET_VISIBLE');
        expect(answer.errors![0]!.message).toContain('read again shortly instead of repeating the mutation');
        ideaId = answer.errors![0]!.extensions?.ids?.[0];
        const { rows } = await db.pool.query<{ type: string }>(
          'SELECT type FROM events WHERE stream_id = $1',
          [ideaStreamId(ideaId!)],
        );
        expect(rows.map((row) => row.type)).toEqual(['IdeaRegistered']);
      } finally {
        for (const projector of runtime.projectors) await projector.start();
      }
      const idea = await eventually(
        async () =>
          (
            await gql<{ idea: PlainObject | null }>(
              `query ($id: ID!) { idea(id: $id) { id title status } }`,
              {
                id: ideaId,
              },
            )
          ).data?.idea ?? undefined,
        { timeoutMs: 20_000, what: 'the idea to be readable once the read model catches up' },
      );
      expect(idea).toEqual({ id: ideaId, title, status: 'proposed' });
    });

    it('refuses an illegal transition naming the current state, and a role that may not act', async () => {
      const idea = await propose('Отдельная линия для VIP-клиентов');
      const forbidden = await gql(
        `mutation ($id: ID!) { startIdeaReview(id: $id) { id } }`,
        { id: idea.id },
        PARTICIPANT,
      );
      expect(forbidden.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      await mutate(`mutation ($id: ID!) { startIdeaReview(id: $id) { id } }`, { id: idea.id });
      await mutate(`mutation ($input: IdeaReasonInput!) { rejectIdea(input: $input) { id } }`, {
        input: { id: idea.id, reason: 'Нет ресурсов' },
      });
      const refused = await gql(
        `mutation ($input: ApproveIdeaInput!) { approveIdea(input: $input) { id } }`,
        { input: { id: idea.id, scope: 'contact_centre' } },
      );
      expect(refused.errors?.[0]).toMatchObject({
        message: 'Idea is rejected; it cannot be approved',
        extensions: { code: 'CONFLICT' },
      });
    });

    it('offers similar ideas by Russian full-text, matching inflected forms', async () => {
      const waiting = await propose(
        'Сократить ожидание ответа на звонки клиентов',
        'Очередь на линии растёт по утрам',
      );
      await propose('Парковка для сотрудников ночной смены', 'Не хватает мест у офиса');
      const result = await gql<{ similarIdeas: { idea: { id: string; title: string }; rank: number }[] }>(
        `query ($text: String!) { similarIdeas(text: $text) { rank idea { id title } } }`,
        { text: 'Клиент долго ждёт, ожиданий много: ответов на звонок нет' },
        PARTICIPANT,
      );
      const found = result.data!.similarIdeas;
      expect(found[0]?.idea.id).toBe(waiting.id);
      expect(found[0]!.rank).toBeGreaterThan(0);
      expect(found.map((match) => match.idea.title)).not.toContain('Парковка для сотрудников ночной смены');
    });

    it('merges a duplicate, keeping both histories', async () => {
      const target = await propose('Обучить операторов работе с претензиями');
      const duplicate = await propose('Обучение операторов по претензиям', 'Тренинг раз в квартал', OWNER);
      await mutate(`mutation ($input: CommentOnIdeaInput!) { commentOnIdea(input: $input) { id } }`, {
        input: { id: duplicate.id, text: 'Нужен тренер' },
      });
      const merged = await mutate<{
        mergeIdeas: { id: string; mergedIdeas: { id: string; status: string }[] };
      }>(
        `mutation ($input: MergeIdeasInput!) { mergeIdeas(input: $input) { id mergedIdeas { id status } } }`,
        { input: { targetId: target.id, mergedId: duplicate.id } },
      );
      expect(merged.mergeIdeas).toEqual({
        id: target.id,
        mergedIdeas: [{ id: duplicate.id, status: 'merged' }],
      });
      const histories = await gql<{
        a: { history: { type: string }[] };
        b: { history: { type: string }[]; comments: PlainObject[] };
      }>(
        `query ($a: ID!, $b: ID!) {
           a: idea(id: $a) { history { type } }
           b: idea(id: $b) { history { type } comments { authorId text } }
         }`,
        { a: target.id, b: duplicate.id },
      );
      expect(histories.data!.a.history.map((entry) => entry.type)).toEqual(['IdeaRegistered', 'IdeasMerged']);
      expect(histories.data!.b.history.map((entry) => entry.type)).toEqual([
        'IdeaRegistered',
        'IdeaCommented',
        'IdeaMergedInto',
      ]);
      expect(histories.data!.b.comments).toEqual([{ authorId: 'COORD-1', text: 'Нужен тренер' }]);
      const again = await gql(`mutation ($input: MergeIdeasInput!) { mergeIdeas(input: $input) { id } }`, {
        input: { targetId: target.id, mergedId: duplicate.id },
      });
      expect(again.errors?.[0]).toMatchObject({
        message: 'Idea is merged; it cannot be merged into another idea',
        extensions: { code: 'CONFLICT' },
      });
      // Nothing half-written: the refused merge appended nothing to the target either.
      const target2 = await gql<{ idea: { history: PlainObject[] } }>(
        `query ($id: ID!) { idea(id: $id) { history { type } } }`,
        {
          id: target.id,
        },
      );
      expect(target2.data!.idea.history).toHaveLength(2);
    });

    it('counts supporters once each', async () => {
      const idea = await propose('Чек-лист для новых операторов');
      const SUPPORT = `mutation ($id: ID!) { supportIdea(id: $id) { id supportCount supporterIds } }`;
      await mutate(SUPPORT, { id: idea.id }, OWNER);
      const twice = await mutate<{ supportIdea: PlainObject }>(SUPPORT, { id: idea.id }, OWNER);
      expect(twice.supportIdea).toMatchObject({ supportCount: 1, supporterIds: ['EMP-7'] });
    });

    it('lists overdue ideas in company-local time, and pages with cursors', async () => {
      const idea = await propose('Обновить скрипт приветствия');
      await mutate(`mutation ($input: AssignIdeaOwnerInput!) { assignIdeaOwner(input: $input) { id } }`, {
        input: { id: idea.id, ownerId: OWNER.subject, dueDate: '2027-03-05' },
      });
      const OVERDUE = `{ ideas(filter: { overdue: true }) { nodes { id overdue dueDate } } }`;
      const onTime = await gql<{ ideas: { nodes: PlainObject[] } }>(
        OVERDUE,
        {},
        at('COORD-1', ['coordinator'], '2027-03-05T23:30:00+03:00'),
      );
      expect(onTime.data!.ideas.nodes).toEqual([]);
      // 21:30 UTC on the 5th is already the 6th in Moscow.
      const late = await gql<{ ideas: { nodes: PlainObject[] } }>(
        OVERDUE,
        {},
        at('COORD-1', ['coordinator'], '2027-03-05T21:30:00Z'),
      );
      expect(late.data!.ideas.nodes).toEqual([{ id: idea.id, overdue: true, dueDate: '2027-03-05' }]);

      const PAGE = `query ($after: String) { ideas(first: 2, after: $after, filter: { status: proposed }) {
        nodes { id } pageInfo { endCursor hasNextPage } } }`;
      const seen: string[] = [];
      let after: string | null = null;
      for (let page = 0; page < 20; page++) {
        const result: GraphQLResponse<{
          ideas: { nodes: { id: string }[]; pageInfo: { endCursor: string | null; hasNextPage: boolean } };
        }> = await gql(PAGE, { after });
        seen.push(...result.data!.ideas.nodes.map((node) => node.id));
        if (!result.data!.ideas.pageInfo.hasNextPage) break;
        after = result.data!.ideas.pageInfo.endCursor;
      }
      const { rows } = await db.pool.query<{ id: string }>(
        `SELECT id FROM ideas WHERE status = 'proposed' ORDER BY position DESC`,
      );
      expect(seen).toEqual(rows.map((row) => row.id));
      expect(seen.length).toBeGreaterThan(2);
    });

    it('returns deferred ideas to review when their revisit date comes', async () => {
      const idea = await propose('Голосовой бот для статуса заказа');
      await mutate(`mutation ($input: DeferIdeaInput!) { deferIdea(input: $input) { id } }`, {
        input: { id: idea.id, reason: 'После перехода на новую АТС', revisitOn: '2027-03-10' },
      });
      const RETURN = `mutation { returnDueIdeasToReview }`;
      const byParticipant = await gql(RETURN, {}, PARTICIPANT);
      expect(byParticipant.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      expect(
        (
          await mutate<{ returnDueIdeasToReview: number }>(
            RETURN,
            {},
            at('COORD-1', ['coordinator'], '2027-03-09T12:00:00+03:00'),
          )
        ).returnDueIdeasToReview,
      ).toBe(0);
      expect(
        (
          await mutate<{ returnDueIdeasToReview: number }>(
            RETURN,
            {},
            at('COORD-1', ['coordinator'], '2027-03-10T08:00:00+03:00'),
          )
        ).returnDueIdeasToReview,
      ).toBe(1);
      const after = await gql<{ idea: PlainObject }>(
        `query ($id: ID!) { idea(id: $id) { status revisitOn } }`,
        { id: idea.id },
      );
      expect(after.data!.idea).toEqual({ status: 'under_review', revisitOn: null });
    });

    it('a timer in the service returns due ideas to review without anyone asking', async () => {
      const january = (subject: string, roles: Identity['roles']) =>
        at(subject, roles, '2026-01-01T10:00:00+03:00');
      const idea = await propose(
        'Памятка по возвратам',
        'Памятка по возвратам',
        january('EMP-3', ['participant']),
      );
      await mutate(
        `mutation ($input: DeferIdeaInput!) { deferIdea(input: $input) { id } }`,
        { input: { id: idea.id, reason: 'До нового года', revisitOn: '2026-01-10' } },
        january('COORD-1', ['coordinator']),
      );
      const returned = await eventually(
        async () => {
          const result = await gql<{
            idea: { status: string; history: { type: string; actorId: string | null }[] };
          }>(`query ($id: ID!) { idea(id: $id) { status history { type actorId } } }`, { id: idea.id });
          return result.data?.idea.status === 'under_review' ? result.data.idea : undefined;
        },
        { what: 'the timer to return the idea', timeoutMs: 10_000 },
      );
      expect(returned.history.at(-1)).toEqual({ type: 'IdeaReturnedToReview', actorId: null });
    });

    it('generates the committed SDL with the federation entities', async () => {
      const generated = await readFile(schemaFile, 'utf8');
      const committed = await readFile(new URL('../schema.graphql', import.meta.url), 'utf8');
      expect(generated).toContain('type Idea @key(fields: "id")');
      expect(generated).toContain('type Leaflet @key(fields: "id")');
      expect(committed).toBe(generated);
    });
  });
});
