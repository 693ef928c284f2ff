// What the HTTP layer needs to know about a request before executing it: its operations, their kind and root fields.
import {
  Kind,
  parse,
  type DocumentNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';

/** One GraphQL request as sent over HTTP (a POST body item or GET search parameters), fields unchecked. */
export interface RawOperation {
  query?: unknown;
  operationName?: unknown;
  variables?: unknown;
  extensions?: unknown;
}

export interface OperationInfo {
  /** Unknown when the document is absent (a persisted-query hash only) or does not parse. */
  kind: 'query' | 'mutation' | 'subscription' | 'unknown';
  /** Root fields as `Query.field`, `__`-prefixed meta fields left out. */
  rootFields: string[];
}

/** The operations of a request: a batch array, a single POST body, or GET search parameters. */
export function operationsOf(method: string, body: unknown, search: string): RawOperation[] {
  if (method === 'GET') {
    const params = new URLSearchParams(search);
    return [
      { query: params.get('query') ?? undefined, operationName: params.get('operationName') ?? undefined },
    ];
  }
  if (Array.isArray(body))
    return body.map((item) => (typeof item === 'object' && item !== null ? (item as RawOperation) : {}));
  return [typeof body === 'object' && body !== null ? body : {}];
}

export function selectedOperation(
  document: DocumentNode,
  operationName: unknown,
): OperationDefinitionNode | undefined {
  const operations = document.definitions.filter(
    (definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION,
  );
  if (typeof operationName === 'string')
    return operations.find((operation) => operation.name?.value === operationName);
  return operations.length === 1 ? operations[0] : undefined;
}

export function fragmentsOf(document: DocumentNode): Map<string, FragmentDefinitionNode> {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  return fragments;
}

const ROOT_TYPE = { query: 'Query', mutation: 'Mutation', subscription: 'Subscription' } as const;

/** Root fields of an operation, through fragments on the root type. */
export function rootFieldsOf(
  operation: OperationDefinitionNode,
  fragments: Map<string, FragmentDefinitionNode>,
): string[] {
  const rootType = ROOT_TYPE[operation.operation];
  const names = new Set<string>();
  const visited = new Set<string>();
  const collect = (selectionSet: SelectionSetNode): void => {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        if (!selection.name.value.startsWith('__')) names.add(`${rootType}.${selection.name.value}`);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        collect(selection.selectionSet);
      } else if (!visited.has(selection.name.value)) {
        visited.add(selection.name.value);
        const fragment = fragments.get(selection.name.value);
        if (fragment) collect(fragment.selectionSet);
      }
    }
  };
  collect(operation.selectionSet);
  return [...names];
}

/** Clients send the same few documents again and again; each is parsed once (a bounded number of them). */
const MAX_DESCRIBED = 1_000;
const MAX_DESCRIBED_LENGTH = 16 * 1024;
const described = new Map<string, OperationInfo>();

export function describeOperation(operation: RawOperation): OperationInfo {
  if (typeof operation.query !== 'string') return { kind: 'unknown', rootFields: [] };
  if (operation.query.length > MAX_DESCRIBED_LENGTH)
    return describeDocument(operation.query, operation.operationName);
  const key = `${typeof operation.operationName === 'string' ? operation.operationName : ''}\n${operation.query}`;
  let info = described.get(key);
  if (!info) {
    info = describeDocument(operation.query, operation.operationName);
    // Oldest first out: a Map keeps insertion order.
    if (described.size >= MAX_DESCRIBED) described.delete(described.keys().next().value!);
    described.set(key, info);
  }
  return { kind: info.kind, rootFields: [...info.rootFields] };
}

function describeDocument(query: string, operationName: unknown): OperationInfo {
  let document: DocumentNode;
  try {
    document = parse(query);
  } catch {
    return { kind: 'unknown', rootFields: [] };
  }
  const selected = selectedOperation(document, operationName);
  if (!selected) return { kind: 'unknown', rootFields: [] };
  return { kind: selected.operation, rootFields: rootFieldsOf(selected, fragmentsOf(document)) };
}
