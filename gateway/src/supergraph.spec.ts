import { composeSupergraph, isStale, rootFieldOwners, SUPERGRAPH_HEADER } from './supergraph.js';

const link =
  'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@shareable"])';

const circles = {
  name: 'circles',
  url: 'http://127.0.0.1:4001/graphql',
  sdl: `${link}
    type Circle @key(fields: "id") { id: ID! title: String! }
    type Query { circles: [Circle!]! }
    type Mutation { scheduleCircle(title: String!): Circle! }`,
};
const ideas = {
  name: 'ideas',
  url: 'http://127.0.0.1:4002/graphql',
  sdl: `${link}
    type Circle @key(fields: "id") { id: ID! ideas: [String!]! }
    type Query { ideas: [String!]! }`,
};
const metrics = {
  name: 'metrics',
  url: 'http://127.0.0.1:4003/graphql',
  sdl: `${link}
    type Figures @shareable { held: Int! }
    type Query { figures: Figures! }`,
};

describe('composeSupergraph', () => {
  it('composes subgraphs that share an entity into one supergraph', () => {
    const result = composeSupergraph([circles, ideas, metrics]);
    if (!result.ok) throw new Error(result.errors.join('\n'));
    expect(result.supergraphSdl.startsWith(SUPERGRAPH_HEADER)).toBe(true);
    expect(result.supergraphSdl).toContain(
      '@join__graph(name: "ideas", url: "http://127.0.0.1:4002/graphql")',
    );
    expect(result.supergraphSdl).toMatch(/type Circle[^{]*\{[^}]*title: String![^}]*ideas: \[String!\]!/s);
  });

  it('reports composition errors instead of a supergraph', () => {
    const clash = {
      ...metrics,
      sdl: `${link} type Circle @key(fields: "id") { id: ID! title: Int! } type Query { x: Int }`,
    };
    const result = composeSupergraph([circles, clash]);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.join('\n')).toContain('Circle.title');
  });

  it('names the subgraph whose SDL does not parse', () => {
    const result = composeSupergraph([circles, { ...ideas, sdl: 'type Query {' }]);
    expect(result).toMatchObject({ ok: false });
    if (!result.ok) expect(result.errors[0]).toMatch(/^\[ideas\] Syntax Error/);
  });

  it('returns hints alongside a successful composition', () => {
    // The same shareable field, non-null in one subgraph and nullable in the other: compatible, but worth a hint.
    const inconsistent = {
      ...ideas,
      sdl: `${link} type Figures @shareable { held: Int } type Query { more: Figures }`,
    };
    const result = composeSupergraph([metrics, inconsistent]);
    if (!result.ok) throw new Error(result.errors.join('\n'));
    expect(result.hints.some((hint) => hint.startsWith('[INCONSISTENT_BUT_COMPATIBLE_FIELD_TYPE]'))).toBe(
      true,
    );
  });
});

describe('isStale', () => {
  it('is stale when the committed file is missing or differs, not for line endings', () => {
    expect(isStale(undefined, 'a\n')).toBe(true);
    expect(isStale('a\n', 'b\n')).toBe(true);
    expect(isStale('a\r\n', 'a\n')).toBe(false);
  });
});

describe('rootFieldOwners', () => {
  it('maps each root field to the subgraphs that resolve it', () => {
    const result = composeSupergraph([circles, ideas, metrics]);
    if (!result.ok) throw new Error(result.errors.join('\n'));
    const owners = rootFieldOwners(result.supergraphSdl);
    expect(owners.get('Query.circles')).toEqual(['circles']);
    expect(owners.get('Query.figures')).toEqual(['metrics']);
    expect(owners.get('Mutation.scheduleCircle')).toEqual(['circles']);
  });
});
