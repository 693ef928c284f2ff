// Depth, cost and alias limits of an operation, checked once it is parsed and validated (persisted queries too).
import {
  getNamedType,
  GraphQLError,
  isInterfaceType,
  isListType,
  isNonNullType,
  isObjectType,
  Kind,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLOutputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import type { LimitsConfig } from './config.js';

export type LimitCode = 'QUERY_TOO_DEEP' | 'QUERY_TOO_COMPLEX' | 'TOO_MANY_ALIASES';

export interface OperationMeasure {
  depth: number;
  cost: number;
  aliases: number;
}

/** Arguments whose value bounds the length of a returned list. */
const LIST_SIZE_ARGUMENTS = new Set(['first', 'last', 'limit', 'take', 'pageSize']);

export class LimitExceededError extends GraphQLError {
  constructor(code: LimitCode, message: string, limit: number) {
    super(message, { extensions: { code, limit, http: { status: 400 } } });
  }
}

function listSize(field: FieldNode, variables: Record<string, unknown>, assumed: number): number {
  for (const argument of field.arguments ?? []) {
    if (!LIST_SIZE_ARGUMENTS.has(argument.name.value)) continue;
    const value = argument.value;
    const size =
      value.kind === Kind.INT
        ? Number(value.value)
        : value.kind === Kind.VARIABLE
          ? variables[value.name.value]
          : undefined;
    if (typeof size === 'number' && Number.isFinite(size)) return Math.max(1, size);
  }
  return assumed;
}

/** How many times each item of a field's value repeats below it: the product over its list wrappers. */
function multiplierOf(type: GraphQLOutputType, size: number): number {
  let multiplier = 1;
  let current: GraphQLOutputType = type;
  for (;;) {
    if (isNonNullType(current)) current = current.ofType;
    else if (isListType(current)) {
      multiplier *= size;
      current = current.ofType;
    } else return multiplier;
  }
}

/**
 * Measures an operation with fragments expanded where they are used: depth in fields, cost as the number of
 * fields the response can hold (each list multiplies what is below it by its size), and aliases.
 * The walk stops as soon as a limit is passed, so a fragment bomb costs no more than the limit.
 */
export function measureOperation(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  fragments: Map<string, FragmentDefinitionNode>,
  variables: Record<string, unknown>,
  limits: LimitsConfig,
): OperationMeasure {
  const measure: OperationMeasure = { depth: 0, cost: 0, aliases: 0 };
  const rootType = schema.getRootType(operation.operation);
  if (!rootType) return measure;

  const walk = (
    selectionSet: SelectionSetNode,
    parent: GraphQLCompositeType,
    depth: number,
    multiplier: number,
  ): void => {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        const condition = selection.typeCondition
          ? schema.getType(selection.typeCondition.name.value)
          : parent;
        walk(
          selection.selectionSet,
          (condition as GraphQLCompositeType | undefined) ?? parent,
          depth,
          multiplier,
        );
        continue;
      }
      if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const fragment = fragments.get(selection.name.value);
        if (!fragment) continue;
        const condition = schema.getType(fragment.typeCondition.name.value) as
          GraphQLCompositeType | undefined;
        walk(fragment.selectionSet, condition ?? parent, depth, multiplier);
        continue;
      }
      // Introspection answers from the gateway's own schema; it is bounded by the schema, not by data.
      if (selection.name.value.startsWith('__')) continue;
      if (selection.alias) {
        measure.aliases += 1;
        if (measure.aliases > limits.maxAliases) {
          throw new LimitExceededError(
            'TOO_MANY_ALIASES',
            `The operation uses more than ${limits.maxAliases} aliases`,
            limits.maxAliases,
          );
        }
      }
      const fieldDepth = depth + 1;
      measure.depth = Math.max(measure.depth, fieldDepth);
      if (fieldDepth > limits.maxDepth) {
        throw new LimitExceededError(
          'QUERY_TOO_DEEP',
          `The operation is nested deeper than ${limits.maxDepth} levels`,
          limits.maxDepth,
        );
      }
      measure.cost += multiplier;
      if (measure.cost > limits.maxCost) {
        throw new LimitExceededError(
          'QUERY_TOO_COMPLEX',
          `The operation may return more than ${limits.maxCost} fields (lists count ${limits.assumedListSize} items unless sized by first/last/limit)`,
          limits.maxCost,
        );
      }
      if (!selection.selectionSet) continue;
      const definition =
        isObjectType(parent) || isInterfaceType(parent)
          ? parent.getFields()[selection.name.value]
          : undefined;
      if (!definition) continue;
      const childType = getNamedType(definition.type) as GraphQLCompositeType;
      const childMultiplier =
        multiplier * multiplierOf(definition.type, listSize(selection, variables, limits.assumedListSize));
      walk(selection.selectionSet, childType, fieldDepth, childMultiplier);
    }
  };
  walk(operation.selectionSet, rootType, 0, 1);
  return measure;
}
