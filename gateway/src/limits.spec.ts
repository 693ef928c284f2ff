import { buildSchema, parse, type OperationDefinitionNode } from 'graphql';
import type { LimitsConfig } from './config.js';
import { LimitExceededError, measureOperation } from './limits.js';
import { describeOperation, fragmentsOf, selectedOperation } from './operation.js';

const schema = buildSchema(`
  type Circle { id: ID! title: String! related(first: Int): [Circle!]! host: Employee }
  type Employee { id: ID! name: String! }
  type Query { circles(first: Int): [Circle!]! circle(id: ID!): Circle }
  type Mutation { scheduleCircle(title: String!): Circle! }
`);

const limits: LimitsConfig = {
  maxDepth: 5,
  maxCost: 200,
  maxDocumentBytes: 1000,
  maxRequestBytes: 10_000,
  maxBatchSize: 10,
  maxAliases: 3,
  assumedListSize: 10,
};

function measure(query: string, variables: Record<string, unknown> = {}) {
  const document = parse(query);
  const operation = selectedOperation(document, undefined) as OperationDefinitionNode;
  return measureOperation(schema, operation, fragmentsOf(document), variables, limits);
}

function refusal(query: string): unknown {
  try {
    measure(query);
  } catch (error) {
    if (error instanceof LimitExceededError) return error.extensions.code;
    throw error;
  }
  return undefined;
}

describe('measureOperation', () => {
  it('counts depth, list-multiplied cost and aliases', () => {
    expect(measure('{ circle(id: "1") { id host { name } } }')).toEqual({ depth: 3, cost: 4, aliases: 0 });
    // circles: 1, each of 10 circles: id + related (20), each of 10×10 related: id (100)
    expect(measure('{ circles { id related { id } } }')).toEqual({ depth: 3, cost: 121, aliases: 0 });
  });

  it('sizes lists by first/last/limit arguments, literal or variable', () => {
    expect(measure('{ circles(first: 2) { id } }').cost).toBe(3);
    expect(measure('query Q($n: Int) { circles(first: $n) { id } }', { n: 3 }).cost).toBe(4);
  });

  it('expands fragments where they are used and skips introspection fields', () => {
    const query = `
      { circle(id: "1") { ...Parts ... on Circle { host { id } } __typename } }
      fragment Parts on Circle { id title }`;
    expect(measure(query)).toEqual({ depth: 3, cost: 5, aliases: 0 });
  });

  it('refuses depth, cost and aliases over the limits', () => {
    expect(
      refusal(
        '{ circle(id: "1") { related(first: 1) { related(first: 1) { related(first: 1) { related(first: 1) { id } } } } } }',
      ),
    ).toBe('QUERY_TOO_DEEP');
    expect(refusal('{ circles { related { related { id } } } }')).toBe('QUERY_TOO_COMPLEX');
    expect(
      refusal(
        '{ a: circle(id: "1") { id } b: circle(id: "2") { id } c: circle(id: "3") { id } d: circle(id: "4") { id } }',
      ),
    ).toBe('TOO_MANY_ALIASES');
    expect(
      refusal('{ a: circle(id: "1") { id } b: circle(id: "2") { id } c: circle(id: "3") { id } }'),
    ).toBeUndefined();
  });

  it('stops a fragment bomb at the cost limit', () => {
    const levels = Array.from(
      { length: 12 },
      (_, level) => `fragment F${level} on Circle { ...F${level + 1} host { ...E } title ...F${level + 1} }`,
    ).join('\n');
    const query = `{ circle(id: "1") { ...F0 } } ${levels} fragment F12 on Circle { id } fragment E on Employee { id }`;
    expect(refusal(query)).toBe('QUERY_TOO_COMPLEX');
  });
});

describe('describeOperation', () => {
  it('names the kind and root fields of the selected operation', () => {
    const query = 'query A { circles { id } __typename } mutation B { scheduleCircle(title: "x") { id } }';
    expect(describeOperation({ query, operationName: 'A' })).toEqual({
      kind: 'query',
      rootFields: ['Query.circles'],
    });
    expect(describeOperation({ query, operationName: 'B' })).toEqual({
      kind: 'mutation',
      rootFields: ['Mutation.scheduleCircle'],
    });
  });

  it('answers a document seen before the same way, whatever a caller did with the earlier answer', () => {
    const query = 'query A { circles { id } } mutation B { scheduleCircle(title: "x") { id } }';
    describeOperation({ query, operationName: 'A' }).rootFields.push('Query.tampered');
    expect(describeOperation({ query, operationName: 'A' })).toEqual({
      kind: 'query',
      rootFields: ['Query.circles'],
    });
    expect(describeOperation({ query, operationName: 'B' }).kind).toBe('mutation');
    expect(describeOperation({ query }).kind).toBe('unknown');
  });

  it('is unknown without a document or when it does not parse', () => {
    expect(describeOperation({ extensions: { persistedQuery: {} } }).kind).toBe('unknown');
    expect(describeOperation({ query: '{ broken' }).kind).toBe('unknown');
    expect(describeOperation({ query: 'query A { x } query B { y }' }).kind).toBe('unknown');
  });
});
