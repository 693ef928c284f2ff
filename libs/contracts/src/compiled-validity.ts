// A fast yes/no for "would class-validator accept this plain object?", built once per DTO from the same
// decorator metadata. Every message on a hot path is valid; only a "no" needs class-validator's full run,
// which then explains what is wrong. A "yes" here must never be a "no" there, so anything this checker does
// not model exactly makes it decline to compile, and the DTO is always validated the slow way.
import { createRequire } from 'node:module';
import { getMetadataStorage, ValidationTypes, type ValidationArguments } from 'class-validator';
import type { MetadataStorage as TransformMetadataStorage } from 'class-transformer/types/MetadataStorage.js';
import { isPlainObject, type DtoClass, type PlainObject } from './validation.js';

// class-transformer keeps `@Type` in this storage, which its index does not export: the very module its
// decorators write to (the CommonJS build; the package has no export map, so the path is stable).
const { defaultMetadataStorage } = createRequire(import.meta.url)('class-transformer/cjs/storage.js') as {
  defaultMetadataStorage: TransformMetadataStorage;
};

type Check = (object: PlainObject) => boolean;

interface PropertyRules {
  name: string;
  /** `@IsOptional`, `@ValidateIf`: every one must hold for the other rules to run. */
  conditions: ((object: PlainObject, value: unknown) => boolean)[];
  rules: Rule[];
  nested: Check | null;
}

interface Rule {
  validate: (value: unknown, args: ValidationArguments) => unknown;
  validateIf: ((object: PlainObject, value: unknown) => boolean) | undefined;
  each: boolean;
  constraints: unknown[];
}

const compiled = new WeakMap<DtoClass, Check | null>();

/** The checker of `dto`, or null when its rules use something it cannot decide exactly. */
export function compiledValidity(dto: DtoClass): Check | null {
  if (compiled.has(dto)) return compiled.get(dto)!;
  // A nested DTO may refer back to this one: until compiled, it is treated as not compilable.
  compiled.set(dto, null);
  const check = compile(dto);
  compiled.set(dto, check);
  return check;
}

function compile(dto: DtoClass): Check | null {
  const storage = getMetadataStorage();
  // The same selection validateSync makes without groups.
  const metadatas = storage.getTargetValidationMetadatas(dto, undefined as unknown as string, false, false);
  if (metadatas.length === 0) return null;
  const properties: PropertyRules[] = [];
  for (const [name, group] of Object.entries(storage.groupByPropertyName(metadatas))) {
    const property: PropertyRules = { name, conditions: [], rules: [], nested: null };
    for (const metadata of group) {
      switch (metadata.type) {
        case ValidationTypes.CONDITIONAL_VALIDATION:
          property.conditions.push(metadata.constraints[0] as PropertyRules['conditions'][number]);
          break;
        case ValidationTypes.CUSTOM_VALIDATION: {
          const constraints = storage.getTargetValidatorConstraints(metadata.constraintCls);
          if (constraints.length !== 1 || constraints[0]!.async) return null;
          const instance = constraints[0]!.instance as { validate: Rule['validate'] };
          property.rules.push({
            validate: instance.validate.bind(instance),
            validateIf: metadata.validateIf,
            each: metadata.each,
            constraints: metadata.constraints,
          });
          break;
        }
        case ValidationTypes.NESTED_VALIDATION: {
          const type = defaultMetadataStorage.findTypeMetadata(dto, name);
          const nestedDto = type?.typeFunction() as DtoClass | undefined;
          const nested = nestedDto ? compiledValidity(nestedDto) : null;
          if (!nested || property.nested) return null;
          property.nested = nested;
          break;
        }
        default:
          return null;
      }
    }
    properties.push(property);
  }
  const allowed = new Set(properties.map((property) => property.name));
  const targetName = dto.name;
  return (object) => {
    for (const key in object) if (!allowed.has(key)) return false;
    // One arguments object per check, refilled for each rule: validators read it synchronously and keep nothing.
    const args: ValidationArguments = { targetName, property: '', object, value: undefined, constraints: [] };
    for (const property of properties) {
      const value = object[property.name];
      if (!property.conditions.every((condition) => condition(object, value))) continue;
      for (const rule of property.rules) {
        if (rule.validateIf && !rule.validateIf(object, value)) continue;
        args.property = property.name;
        args.value = value;
        args.constraints = rule.constraints;
        if (rule.each && Array.isArray(value)) {
          if (!value.every((item) => rule.validate(item, args) === true)) return false;
        } else if (rule.validate(value, args) !== true) {
          return false;
        }
      }
      if (property.nested && value !== undefined) {
        const items: unknown[] = Array.isArray(value) ? value : [value];
        if (!items.every((item) => isPlainObject(item) && property.nested!(item))) return false;
      } else if (typeof value === 'object' && value !== null && holdsUnsafeKey(value)) {
        return false;
      }
    }
    return true;
  };
}

/** class-transformer cannot be given these keys at any depth (see `validatePlainObject`), so they are never valid. */
function holdsUnsafeKey(value: object): boolean {
  if (Array.isArray(value))
    return (value as unknown[]).some(
      (item) => typeof item === 'object' && item !== null && holdsUnsafeKey(item),
    );
  for (const key in value) {
    if (key === '__proto__' || key === 'constructor') return true;
    const item = (value as PlainObject)[key];
    if (typeof item === 'object' && item !== null && holdsUnsafeKey(item)) return true;
  }
  return false;
}
