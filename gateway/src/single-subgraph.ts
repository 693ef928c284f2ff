// Operations one subgraph answers whole are forwarded to it as the client wrote them (ADR 0017): Apollo's
// plan executor, response merging and re-serialisation cost about half of the gateway's CPU per mutation,
// for an answer the subgraph already shapes exactly as the client asked.
import { AsyncLocalStorage } from 'node:async_hooks';
import { Supergraph } from '@apollo/federation-internals';
import type { QueryPlan } from '@apollo/query-planner';
import {
  BREAK,
  getVariableValues,
  OperationTypeNode,
  validate,
  visit,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import { isSubgraphName, type SubgraphName } from './config.js';
import { fragmentsOf, selectedOperation, type RawOperation } from './operation.js';
import type { FetcherResponse, SubgraphResponse } from './subgraph-fetcher.js';

/** A subgraph's answer the gateway did not return as it is: Apollo makes the client's answer from it. */
export type SubgraphOutcome =
  { kind: 'response'; response: FetcherResponse } | { kind: 'error'; error: Error };

/** An operation the planner sends whole to one subgraph, as the gateway keeps it for the next requests. */
export interface SingleSubgraphRoute {
  subgraph: SubgraphName;
  operation: OperationDefinitionNode;
  fragments: Map<string, FragmentDefinitionNode>;
}

/** What the gateway learns about an operation from the query plan Apollo made for it. */
export interface PlannedOperation {
  queryPlan: QueryPlan;
  query: string | undefined;
  operationName: string | null | undefined;
  document: DocumentNode | undefined;
}

/** Documents remembered, eligible or not; the oldest is forgotten first. */
const MAX_REMEMBERED_DOCUMENTS = 1_000;

function keyOf(query: string, operationName: string | null | undefined): string {
  return `${operationName ?? ''}\u0000${query}`;
}

/** Introspection is answered by the gateway, and @defer/@stream by its incremental delivery. */
function needsTheGateway(document: DocumentNode): boolean {
  let found = false;
  visit(document, {
    Field(node) {
      if (node.name.value === '__schema' || node.name.value === '__type') {
        found = true;
        return BREAK;
      }
      return undefined;
    },
    Directive(node) {
      if (node.name.value === 'defer' || node.name.value === 'stream') {
        found = true;
        return BREAK;
      }
      return undefined;
    },
  });
  return found;
}

/**
 * Remembers, per document, whether its query plan is one fetch from one subgraph whose schema accepts the
 * document as it is. Such a document is shaped by that subgraph exactly as Apollo would shape it, so it can
 * skip Apollo's executor. Apollo validates, plans and checks every document the first time; only documents
 * it planned are ever forwarded.
 */
export class SingleSubgraphRoutes {
  private readonly routes = new Map<string, SingleSubgraphRoute | null>();
  private readonly subgraphSchemas = new Map<string, GraphQLSchema>();
  readonly apiSchema: GraphQLSchema;
  /** False when the supergraph has types whose subgraph view differs from the API's (`@interfaceObject`). */
  readonly enabled: boolean;

  constructor(supergraphSdl: string) {
    const supergraph = Supergraph.build(supergraphSdl);
    this.apiSchema = supergraph.apiSchema().toGraphQLJSSchema();
    for (const subgraph of supergraph.subgraphs())
      this.subgraphSchemas.set(subgraph.name, subgraph.schema.toGraphQLJSSchema());
    this.enabled = !/isInterfaceObject:\s*true/.test(supergraphSdl);
  }

  learn({ queryPlan, query, operationName, document }: PlannedOperation): void {
    if (!this.enabled || query === undefined || document === undefined) return;
    const key = keyOf(query, operationName);
    if (this.routes.has(key)) return;
    this.remember(key, this.routeFor(queryPlan, operationName, document));
  }

  /** The route of a request the gateway may forward, or undefined when Apollo must execute it. */
  routeOf(operation: RawOperation): SingleSubgraphRoute | undefined {
    const { query, operationName, variables, extensions } = operation;
    if (typeof query !== 'string' || extensions !== undefined) return undefined;
    if (operationName !== undefined && operationName !== null && typeof operationName !== 'string')
      return undefined;
    if (
      variables !== undefined &&
      variables !== null &&
      (typeof variables !== 'object' || Array.isArray(variables))
    )
      return undefined;
    return this.routes.get(keyOf(query, operationName)) ?? undefined;
  }

  /** True when the variables coerce against the API schema; Apollo explains them when they do not. */
  acceptsVariables(route: SingleSubgraphRoute, variables: unknown): boolean {
    const given = (variables ?? {}) as Record<string, unknown>;
    return (
      getVariableValues(this.apiSchema, route.operation.variableDefinitions ?? [], given).errors === undefined
    );
  }

  private routeFor(
    queryPlan: QueryPlan,
    operationName: string | null | undefined,
    document: DocumentNode,
  ): SingleSubgraphRoute | null {
    const fetch = queryPlan.node;
    if (fetch?.kind !== 'Fetch') return null;
    const subgraph = fetch.serviceName;
    if (!isSubgraphName(subgraph)) return null;
    if (
      fetch.requires ||
      fetch.inputRewrites ||
      fetch.outputRewrites ||
      fetch.contextRewrites ||
      fetch.hasDefers
    )
      return null;
    const operation = selectedOperation(document, operationName);
    if (!operation || operation.operation === OperationTypeNode.SUBSCRIPTION || needsTheGateway(document))
      return null;
    const subgraphSchema = this.subgraphSchemas.get(subgraph);
    if (!subgraphSchema || validate(subgraphSchema, document).length > 0) return null;
    return { subgraph, operation, fragments: fragmentsOf(document) };
  }

  private remember(key: string, route: SingleSubgraphRoute | null): void {
    if (this.routes.size >= MAX_REMEMBERED_DOCUMENTS) {
      const oldest = this.routes.keys().next();
      if (!oldest.done) this.routes.delete(oldest.value);
    }
    this.routes.set(key, route);
  }
}

/**
 * A subgraph answer the gateway received but did not return as it is (errors, a refusal, a failure): Apollo's
 * executor runs the request with this answer in place of its own fetch, so the client gets exactly the
 * answer Apollo gives for it, without the subgraph executing the operation a second time.
 */
const replayed = new AsyncLocalStorage<{ outcome: SubgraphOutcome; used: boolean }>();

export function withReplayedOutcome<T>(outcome: SubgraphOutcome, run: () => Promise<T>): Promise<T> {
  return replayed.run({ outcome, used: false }, run);
}

/** The outcome to answer the next subgraph fetch of this request with, once; undefined outside a replay. */
export function takeReplayedOutcome(): SubgraphOutcome | undefined {
  const store = replayed.getStore();
  if (!store) return undefined;
  if (store.used) return { kind: 'error', error: new Error('a replayed request asked a subgraph twice') };
  store.used = true;
  return store.outcome;
}

/**
 * A 200 JSON answer with data only is returned as it is. Anything that may hold errors or extensions is
 * handed to Apollo; a text value that merely contains these words costs that detour, never a wrong answer.
 */
export function isPlainDataAnswer(response: SubgraphResponse, body: string): boolean {
  return (
    response.status === 200 &&
    response.contentType.startsWith('application/json') &&
    body.startsWith('{"data":') &&
    !body.includes('"errors"') &&
    !body.includes('"extensions"')
  );
}
