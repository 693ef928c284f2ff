// Shared validation building blocks: precise rule decorators, error flattening, and DTO validation of parsed JSON.
// class-transformer's @Type reads design-time types through the Reflect metadata API.
import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import {
  ValidateBy,
  validateSync,
  type ValidationArguments,
  type ValidationError,
  type ValidationOptions,
} from 'class-validator';
import { compiledValidity } from './compiled-validity.js';
import { isUuid } from './ids.js';

export type PlainObject = Record<string, unknown>;

export function isPlainObject(value: unknown): value is PlainObject {
  return Object.prototype.toString.call(value) === '[object Object]';
}

/**
 * Length in Unicode code points: what a person counts as characters in Russian text or emoji,
 * unlike `.length` (UTF-16 units) or byte counts.
 */
export function codePointLength(value: string): number {
  let length = 0;
  for (const _ of value) length++;
  return length;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function isLeapYear(year: number): boolean {
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
}

/** Year 0000 is refused: PostgreSQL has no year 0 (it would fail every write of the value). */
function isRealCalendarDay(year: number, month: number, day: number): boolean {
  if (year < 1 || month < 1 || month > 12 || day < 1) return false;
  return day <= (month === 2 && isLeapYear(year) ? 29 : DAYS_IN_MONTH[month - 1]!);
}

/** The number written by `count` ASCII digits from `start`, or -1 when one of them is not a digit. */
function digitsAt(value: string, start: number, count: number): number {
  let number = 0;
  for (let index = start; index < start + count; index++) {
    const digit = value.charCodeAt(index) - 48;
    if (!(digit >= 0 && digit <= 9)) return -1;
    number = number * 10 + digit;
  }
  return number;
}

/** `YYYY-MM-DD` naming a day that exists (no 2026-02-30). */
export function isCalendarDate(value: unknown): value is string {
  if (typeof value !== 'string' || value.length !== 10) return false;
  if (value[4] !== '-' || value[7] !== '-') return false;
  return isRealCalendarDay(digitsAt(value, 0, 4), digitsAt(value, 5, 2), digitsAt(value, 8, 2));
}

/**
 * An RFC 3339 date-time (the ISO-8601 profile JSON Schema's `date-time` means) that names its offset:
 * a time without an offset is ambiguous across the company's time zones, so it is rejected. Read character
 * by character: every CRM event carries one, and a regular expression's captures cost more than the rest of
 * its envelope's checks.
 */
export function isIsoDateTimeWithOffset(value: unknown): value is string {
  // `YYYY-MM-DDTHH:MM:SS`, then an optional fraction of 1 to 9 digits, then `Z` or `±HH:MM`.
  if (typeof value !== 'string' || value.length < 20) return false;
  if (value[4] !== '-' || value[7] !== '-' || value[10] !== 'T' || value[13] !== ':' || value[16] !== ':')
    return false;
  const hour = digitsAt(value, 11, 2);
  const minute = digitsAt(value, 14, 2);
  const second = digitsAt(value, 17, 2);
  if (!(hour >= 0 && hour <= 23 && minute >= 0 && minute <= 59 && second >= 0 && second <= 59)) return false;
  if (!isRealCalendarDay(digitsAt(value, 0, 4), digitsAt(value, 5, 2), digitsAt(value, 8, 2))) return false;
  let index = 19;
  if (value[index] === '.') {
    const fractionStart = index + 1;
    index = fractionStart;
    while (index < value.length && digitsAt(value, index, 1) >= 0) index++;
    if (index === fractionStart || index - fractionStart > 9) return false;
  }
  if (value[index] === 'Z') return index + 1 === value.length;
  if (value[index] !== '+' && value[index] !== '-') return false;
  if (value.length !== index + 6 || value[index + 3] !== ':') return false;
  const offsetHour = digitsAt(value, index + 1, 2);
  const offsetMinute = digitsAt(value, index + 4, 2);
  return offsetHour >= 0 && offsetHour <= 23 && offsetMinute >= 0 && offsetMinute <= 59;
}

/** Options of the rule decorators below; `validateIf` makes one rule conditional (class-validator 0.15). */
export type RuleOptions = Pick<ValidationOptions, 'validateIf'>;

/** Says "is required" for a missing value and states the rule otherwise. */
function ruleOptions(rule: string, options: RuleOptions): ValidationOptions {
  return {
    ...options,
    message: (args: ValidationArguments) => (args.value === undefined ? 'is required' : rule),
  };
}

export function isPresent(_object: object, value: unknown): boolean {
  return value !== undefined && value !== null;
}

export interface StringRule {
  minLength?: number;
  maxLength: number;
}

/** Text PostgreSQL can store: well-formed UTF-16 (no unpaired surrogates) and no NUL. */
export function isStorableText(value: string): boolean {
  return value.isWellFormed() && !value.includes('\u0000');
}

/** Why a text someone typed cannot be recorded as it is (empty, not storable, too long), or null. */
export function textProblem(value: string, maxLength: number): string | null {
  if (value.trim() === '') return 'must not be empty';
  if (!isStorableText(value)) return 'must be well-formed text without NUL characters';
  if (codePointLength(value) > maxLength) return `must be at most ${maxLength} characters`;
  return null;
}

/**
 * A string whose length in code points is within bounds. Unpaired surrogates are rejected: they have no UTF-8
 * form; so is NUL, which PostgreSQL text and jsonb cannot store.
 */
export function IsTextOfLength(
  { minLength = 0, maxLength }: StringRule,
  options: RuleOptions = {},
): PropertyDecorator {
  const rule =
    minLength > 0
      ? `must be a string of ${minLength}..${maxLength} characters`
      : `must be a string of at most ${maxLength} characters`;
  return ValidateBy(
    {
      name: 'isTextOfLength',
      constraints: [minLength, maxLength],
      validator: {
        validate: (value: unknown) => {
          if (typeof value !== 'string' || !isStorableText(value)) return false;
          const length = codePointLength(value);
          return length >= minLength && length <= maxLength;
        },
      },
    },
    ruleOptions(rule, options),
  );
}

export const MAX_ID_LENGTH = 200;

/** An identifier: a non-empty string of at most 200 characters, taken as is (nothing trimmed). */
export function IsIdentifier(options: RuleOptions = {}): PropertyDecorator {
  return IsTextOfLength({ minLength: 1, maxLength: MAX_ID_LENGTH }, options);
}

export function IsOneOf(values: readonly string[], options: RuleOptions = {}): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isOneOf',
      constraints: [values],
      validator: { validate: (value: unknown) => typeof value === 'string' && values.includes(value) },
    },
    ruleOptions(`must be one of ${values.join(', ')}`, options),
  );
}

export function IsIntegerInRange(
  min: number,
  max = Number.MAX_SAFE_INTEGER,
  options: RuleOptions = {},
): PropertyDecorator {
  const rule =
    max === Number.MAX_SAFE_INTEGER ? `must be an integer >= ${min}` : `must be an integer ${min}..${max}`;
  return ValidateBy(
    {
      name: 'isIntegerInRange',
      constraints: [min, max],
      validator: {
        validate: (value: unknown) =>
          typeof value === 'number' && Number.isSafeInteger(value) && value >= min && value <= max,
      },
    },
    ruleOptions(rule, options),
  );
}

export function IsStrictBoolean(options: RuleOptions = {}): PropertyDecorator {
  return ValidateBy(
    { name: 'isStrictBoolean', validator: { validate: (value: unknown) => typeof value === 'boolean' } },
    ruleOptions('must be a boolean', options),
  );
}

export function IsUuidString(options: RuleOptions = {}): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isUuidString',
      validator: { validate: isUuid },
    },
    ruleOptions('must be a UUID', options),
  );
}

export function IsDateTimeWithOffset(options: RuleOptions = {}): PropertyDecorator {
  return ValidateBy(
    { name: 'isDateTimeWithOffset', validator: { validate: isIsoDateTimeWithOffset } },
    ruleOptions(
      'must be an ISO-8601 date-time with an offset or Z (e.g. 2026-05-14T10:22:00+03:00) naming a real time',
      options,
    ),
  );
}

export function IsCalendarDate(options: RuleOptions = {}): PropertyDecorator {
  return ValidateBy(
    { name: 'isCalendarDate', validator: { validate: isCalendarDate } },
    ruleOptions('must be a real calendar date YYYY-MM-DD', options),
  );
}

export function IsNonEmptyString(options: RuleOptions = {}): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isNonEmptyString',
      validator: { validate: (value: unknown) => typeof value === 'string' && value.length > 0 },
    },
    ruleOptions('must be a non-empty string', options),
  );
}

/** Put on the first of `properties`; fails when all of them are absent or null. */
export function IsAtLeastOnePresent(properties: readonly string[]): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isAtLeastOnePresent',
      constraints: [properties],
      validator: {
        validate: (_value: unknown, args?: ValidationArguments) => {
          const object = (args?.object ?? {}) as PlainObject;
          return properties.some((property) => isPresent(object, object[property]));
        },
      },
    },
    { message: `at least one of ${properties.join(', ')} is required` },
  );
}

export function IsPlainObject(options: RuleOptions = {}): PropertyDecorator {
  return ValidateBy(
    { name: 'isPlainObject', validator: { validate: isPlainObject } },
    ruleOptions('must be a JSON object', options),
  );
}

/** For `@ValidateIf`: a key that must be present but may be null (IsOptional would also let it be absent). */
export function unlessNull(_object: object, value: unknown): boolean {
  return value !== null;
}

function joinPath(parent: string, property: string): string {
  if (parent === '') return property;
  return /^\d+$/.test(property) ? `${parent}[${property}]` : `${parent}.${property}`;
}

/** class-validator's default messages start with the property name; the path already says it. */
function withoutPropertyPrefix(message: string, property: string): string {
  return message.startsWith(`${property} `) ? message.slice(property.length + 1) : message;
}

function describeConstraints(error: ValidationError): string[] {
  const constraints = error.constraints ?? {};
  if (constraints.whitelistValidation !== undefined) return ['is not an allowed field'];
  if (constraints.unknownValue !== undefined) return ['is not a valid object'];
  return Object.values(constraints).map((message) => withoutPropertyPrefix(message, error.property));
}

/**
 * Flattens class-validator errors (nested objects and arrays included) into `path: message` lines,
 * e.g. `payload.summary: must be a string of 1..4000 characters` or `actor.roles[1]: must be a string`.
 */
export function describeValidationErrors(errors: readonly ValidationError[], parentPath = ''): string[] {
  const lines: string[] = [];
  for (const error of errors) {
    const path = joinPath(parentPath, error.property);
    const messages = describeConstraints(error);
    if (messages.length > 0) lines.push(`${path}: ${messages.join('; ')}`);
    if (error.children && error.children.length > 0)
      lines.push(...describeValidationErrors(error.children, path));
  }
  return lines;
}

/**
 * Keys that class-transformer silently drops instead of copying (those that shadow prototype members,
 * such as `constructor` or `toString`), so whitelisting never sees them. They are unknown fields all the same.
 */
function keysDroppedByTransform(plain: PlainObject, instance: object, path: string): string[] {
  const problems: string[] = [];
  for (const key of Object.keys(plain)) {
    const at = joinPath(path, key);
    if (!Object.hasOwn(instance, key)) {
      problems.push(`${at}: is not an allowed field`);
      continue;
    }
    const plainValue = plain[key];
    const instanceValue = (instance as PlainObject)[key];
    if (isPlainObject(plainValue) && isTransformedDto(instanceValue)) {
      problems.push(...keysDroppedByTransform(plainValue, instanceValue, at));
    } else if (Array.isArray(plainValue) && Array.isArray(instanceValue)) {
      plainValue.forEach((item, index) => {
        const transformed: unknown = instanceValue[index];
        if (isPlainObject(item) && isTransformedDto(transformed)) {
          problems.push(...keysDroppedByTransform(item, transformed, joinPath(at, String(index))));
        }
      });
    }
  }
  return problems;
}

/** Free-form objects are copied as plain objects; only DTO instances have a schema of allowed keys. */
function isTransformedDto(value: unknown): value is object {
  return typeof value === 'object' && value !== null && !isPlainObject(value) && !Array.isArray(value);
}

export type DtoClass<T extends object = object> = new () => T;

/**
 * class-transformer reads `constructor` as the class to build (and throws when it is not one) and skips `__proto__`,
 * so an input holding either key anywhere must not reach it. No DTO can declare such a field, so they are unknown.
 * Iterative, so a deeply nested input cannot exhaust the stack here.
 */
function keysUnsafeToTransform(plain: PlainObject, pathPrefix: string): string[] {
  const problems: string[] = [];
  const pending: [unknown, string][] = [[plain, pathPrefix]];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const [value, path] = next;
    if (Array.isArray(value)) {
      value.forEach((item, index) => pending.push([item, joinPath(path, String(index))]));
    } else if (isPlainObject(value)) {
      for (const key of Object.keys(value)) {
        if (key === '__proto__' || key === 'constructor')
          problems.push(`${joinPath(path, key)}: is not an allowed field`);
        else pending.push([value[key], joinPath(path, key)]);
      }
    }
  }
  return problems.sort();
}

export interface ValidatePlainObjectOptions {
  /** Prefix of every reported path, e.g. `payload`. */
  pathPrefix?: string;
  /**
   * Fields whose content the DTO does not describe (an envelope's payload, validated later by its own DTO):
   * only their kind (object, array, …) is validated, so they are neither walked nor copied.
   */
  opaqueFields?: readonly string[];
}

/** Stands in for an opaque field's value: the same kind of JSON value, without its content. */
function shallowStandIn(value: unknown): unknown {
  if (isPlainObject(value)) return {};
  if (Array.isArray(value)) return [];
  return value;
}

/**
 * Validates a parsed JSON object against a class-validator DTO, rejecting unknown fields.
 * Returns `path: message` problems; an empty list means valid.
 * Never throws: a decoder calls it on untrusted input, and a throw there would stop a consumer.
 */
export function validatePlainObject(
  dto: DtoClass,
  plain: PlainObject,
  { pathPrefix = '', opaqueFields = [] }: ValidatePlainObjectOptions = {},
): string[] {
  const subject = { ...plain };
  for (const field of opaqueFields)
    if (Object.hasOwn(subject, field)) subject[field] = shallowStandIn(subject[field]);
  // Valid input, the usual case, is told apart cheaply; only invalid input pays for the explanation.
  if (compiledValidity(dto)?.(subject) === true) return [];
  return explainInvalid(dto, subject, pathPrefix);
}

/** class-validator's full run: the `path: message` problems of `subject` (opaque fields already stood in). */
export function explainInvalid(dto: DtoClass, subject: PlainObject, pathPrefix = ''): string[] {
  const unsafe = keysUnsafeToTransform(subject, pathPrefix);
  if (unsafe.length > 0) return unsafe;
  try {
    const instance: object = plainToInstance(dto, subject);
    const problems = keysDroppedByTransform(subject, instance, pathPrefix);
    const errors = validateSync(instance, { whitelist: true, forbidNonWhitelisted: true });
    problems.push(...describeValidationErrors(errors, pathPrefix));
    return [...new Set(problems)];
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return [`${pathPrefix === '' ? 'value' : pathPrefix}: could not be validated (${message})`];
  }
}
