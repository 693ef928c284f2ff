#!/usr/bin/env node
// Writes the circles and ideas messages of asyncapi.yaml from code, so the document cannot drift from it:
// - payload shapes (types, required fields, nullability, enums, JSDoc descriptions) from the payload interfaces of
//   src/circles/circles.events.ts and src/ideas/ideas.events.ts, through ts-json-schema-generator;
// - limits (lengths, list sizes, integer ranges, patterns, date formats) from the class-validator DTOs of
//   circlesEventRegistry and ideasEventRegistry, read from their metadata;
// - the schemaVersion of each type from its registry.
// Only the generated parts are rewritten: the channels' and operations' message lists of circles and ideas and
// the generated blocks of components.messages and components.schemas. Everything else (CRM part, comments,
// folding) is kept byte for byte.
//
// Usage: node scripts/generate-asyncapi.mjs          rewrites asyncapi.yaml when it is out of date
//        node scripts/generate-asyncapi.mjs --check  exits 1, with a summary, when asyncapi.yaml is out of date
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { registerHooks } from 'node:module';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { transformSync } from '@swc/core';
import * as prettier from 'prettier';
import { createGenerator } from 'ts-json-schema-generator';
import { Document, isMap, isSeq, parseDocument, visit } from 'yaml';

const LIB_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const DOCUMENT_PATH = resolve(LIB_ROOT, 'asyncapi.yaml');

/** The domains whose events are generated: each one's channel, payload interfaces and registry. */
const DOMAINS = [
  {
    channel: 'circlesEvents',
    eventsFile: 'src/circles/circles.events.ts',
    payloadsInterface: 'CirclesEventPayloads',
    registryFile: 'src/circles/circles.registry.ts',
    registryExport: 'circlesEventRegistry',
    dtosExport: 'CIRCLES_PAYLOAD_DTOS',
  },
  {
    channel: 'ideasEvents',
    eventsFile: 'src/ideas/ideas.events.ts',
    payloadsInterface: 'IdeasEventPayloads',
    registryFile: 'src/ideas/ideas.registry.ts',
    registryExport: 'ideasEventRegistry',
    dtosExport: 'IDEAS_PAYLOAD_DTOS',
  },
];

const GENERIC_MESSAGE = 'DomainEvent';
const ENVELOPE_SCHEMA_REF = '#/components/schemas/DomainEventEnvelope';
const DATE_TIME_REF = '#/components/schemas/DateTimeWithOffset';
const MARKER = '# Generated from the circles and ideas events by scripts/generate-asyncapi.mjs: do not edit.';

// ---------------------------------------------------------------------------------------------------------------
// Loading the TypeScript sources: decorators need a transform, which Node's type stripping does not do.

let hooksRegistered = false;

function registerTypeScriptHooks() {
  if (hooksRegistered) return;
  hooksRegistered = true;
  registerHooks({
    resolve(specifier, context, nextResolve) {
      if (specifier.startsWith('.') && specifier.endsWith('.js') && context.parentURL?.endsWith('.ts')) {
        const url = new URL(specifier.replace(/\.js$/, '.ts'), context.parentURL);
        if (existsSync(fileURLToPath(url))) return { url: url.href, shortCircuit: true };
      }
      return nextResolve(specifier, context);
    },
    load(url, context, nextLoad) {
      if (!url.startsWith('file:') || !url.endsWith('.ts')) return nextLoad(url, context);
      const filename = fileURLToPath(url);
      const { code } = transformSync(readFileSync(filename, 'utf8'), {
        filename,
        jsc: {
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true },
          target: 'es2023',
          keepClassNames: true,
        },
        module: { type: 'es6' },
      });
      return { format: 'module', source: code, shortCircuit: true };
    },
  });
}

async function importSource(file) {
  registerTypeScriptHooks();
  return import(pathToFileURL(resolve(LIB_ROOT, file)).href);
}

// ---------------------------------------------------------------------------------------------------------------
// Payload schemas from the interfaces.

function interfaceSchemas(domain) {
  const generator = createGenerator({
    path: resolve(LIB_ROOT, domain.eventsFile),
    tsconfig: resolve(LIB_ROOT, 'tsconfig.json'),
    type: domain.payloadsInterface,
    expose: 'none',
    topRef: false,
    jsDoc: 'extended',
    additionalProperties: false,
    skipTypeCheck: true,
  });
  const schema = generator.createSchema(domain.payloadsInterface);
  if (JSON.stringify(schema).includes('"$ref"'))
    throw new Error(`${domain.payloadsInterface}: expected every type inlined, found a $ref`);
  return schema.properties;
}

// ---------------------------------------------------------------------------------------------------------------
// DTO limits, from class-validator and class-transformer metadata.

function typesOf(schema) {
  return Array.isArray(schema.type) ? schema.type : schema.type === undefined ? [] : [schema.type];
}

function withTypes(schema, types) {
  schema.type = types.length === 1 ? types[0] : types;
}

function expectType(schema, type, where) {
  if (!typesOf(schema).includes(type))
    throw new Error(
      `${where}: the DTO validates a ${type}, the interface says ${JSON.stringify(schema.type)}`,
    );
}

/**
 * Carries one class-validator rule into `schema` (the interface's schema of the property, or of its items for
 * `each`). Throws on a rule it does not know, so a new rule decorator cannot be silently left out.
 */
function applyRule(schema, rule, where, context) {
  const [a, b, c, d] = rule.constraints ?? [];
  switch (rule.name) {
    case 'isTextOfLength':
      expectType(schema, 'string', where);
      if (a > 0) schema.minLength = a;
      schema.maxLength = b;
      return;
    case 'isOneOf': {
      const values = [...a];
      const nullable = typesOf(schema).includes('null');
      const fromInterface = (schema.enum ?? []).filter((value) => value !== null);
      if (schema.enum && !isDeepStrictEqual([...fromInterface].sort(), [...values].sort()))
        throw new Error(
          `${where}: the DTO allows ${values.join(', ')}; the interface ${fromInterface.join(', ')}`,
        );
      schema.enum = nullable ? [...values, null] : values;
      return;
    }
    case 'isIntegerInRange':
      if (!typesOf(schema).includes('number') && !typesOf(schema).includes('integer'))
        throw new Error(
          `${where}: the DTO validates an integer, the interface says ${JSON.stringify(schema.type)}`,
        );
      withTypes(
        schema,
        typesOf(schema).map((type) => (type === 'number' ? 'integer' : type)),
      );
      schema.minimum = a;
      schema.maximum = b;
      return;
    case 'isStrictBoolean':
      expectType(schema, 'boolean', where);
      return;
    case 'isDateTimeWithOffset':
      expectType(schema, 'string', where);
      context.dateTime = true;
      return;
    case 'isCalendarDate':
      expectType(schema, 'string', where);
      schema.format = 'date';
      schema.pattern = '^\\d{4}-\\d{2}-\\d{2}$';
      return;
    case 'matches':
      expectType(schema, 'string', where);
      if (!(a instanceof RegExp) || a.flags !== '')
        throw new Error(`${where}: only a RegExp without flags maps`);
      schema.pattern = a.source;
      return;
    case 'isStringList':
      // IsStringList({ minItems, maxItems }, { minLength, maxLength }) of circles.payloads.ts.
      expectType(schema, 'array', where);
      if (a > 0) schema.minItems = a;
      schema.maxItems = b;
      expectType(schema.items, 'string', `${where}[]`);
      if (c > 0) schema.items.minLength = c;
      schema.items.maxLength = d;
      return;
    case 'isIdentifierList':
      // IsIdentifierList() of ideas.payloads.ts: identifiers, any number of them.
      expectType(schema, 'array', where);
      expectType(schema.items, 'string', `${where}[]`);
      schema.items.minLength = 1;
      schema.items.maxLength = context.maxIdLength;
      return;
    case 'isArray':
      expectType(schema, 'array', where);
      return;
    case 'arrayMinSize':
      expectType(schema, 'array', where);
      schema.minItems = a;
      return;
    case 'arrayMaxSize':
      expectType(schema, 'array', where);
      schema.maxItems = a;
      return;
    case 'isObject':
      expectType(schema, 'object', where);
      return;
    default:
      throw new Error(
        `${where}: no JSON Schema mapping for the rule ${rule.name ?? rule.type}; add one to scripts/generate-asyncapi.mjs`,
      );
  }
}

/** Applies the rules of `dto` to the object schema `schema`, property by property, nested DTOs included. */
function applyDto(schema, dto, where, tools) {
  const { validators, transformer, unlessNull } = tools;
  const rules = validators.getTargetValidationMetadatas(dto, '', true, false);
  const dtoProperties = [...new Set(rules.map((rule) => rule.propertyName))].sort();
  const schemaProperties = Object.keys(schema.properties ?? {}).sort();
  if (!isDeepStrictEqual(dtoProperties, schemaProperties))
    throw new Error(
      `${where}: ${dto.name} validates ${dtoProperties.join(', ')}; the interface has ${schemaProperties.join(', ')}`,
    );
  for (const property of dtoProperties) {
    const at = `${where}.${property}`;
    const propertySchema = schema.properties[property];
    const own = rules.filter((rule) => rule.propertyName === property);
    const conditions = own.filter((rule) => rule.type === 'conditionalValidation');
    const checks = own.filter((rule) => rule.type !== 'conditionalValidation');
    for (const condition of conditions)
      if (condition.constraints?.[0] !== unlessNull)
        throw new Error(`${at}: only ValidateIf(unlessNull) maps`);
    for (const check of checks)
      if (check.validateIf !== undefined && check.validateIf !== unlessNull)
        throw new Error(`${at}: only validateIf: unlessNull maps`);
    const dtoAllowsNull =
      conditions.length > 0 ||
      (checks.length > 0 && checks.every((check) => check.validateIf === unlessNull));
    if (dtoAllowsNull !== typesOf(propertySchema).includes('null'))
      throw new Error(
        `${at}: the DTO ${dtoAllowsNull ? 'allows' : 'rejects'} null; the interface does not agree`,
      );

    const context = { maxIdLength: tools.maxIdLength, dateTime: false };
    for (const check of checks) {
      if (check.type === 'nestedValidation') {
        const nested = transformer.findTypeMetadata(dto, property)?.typeFunction();
        if (!nested) throw new Error(`${at}: @ValidateNested without @Type`);
        const target = check.each ? propertySchema.items : propertySchema;
        expectType(target, 'object', check.each ? `${at}[]` : at);
        applyDto(target, nested, check.each ? `${at}[]` : at, tools);
      } else if (check.type === 'customValidation') {
        const target = check.each ? propertySchema.items : propertySchema;
        if (!target) throw new Error(`${at}: { each: true } on a value that is not a list`);
        applyRule(target, check, check.each ? `${at}[]` : at, context);
      } else {
        throw new Error(`${at}: no JSON Schema mapping for a ${check.type} rule`);
      }
    }
    if (context.dateTime) schema.properties[property] = dateTimeSchema(propertySchema, at);
  }
}

/** A date-time property points at the document's DateTimeWithOffset, keeping its description. */
function dateTimeSchema(schema, where) {
  const { type, description, ...rest } = schema;
  if (Object.keys(rest).length > 0)
    throw new Error(`${where}: a date-time with ${Object.keys(rest).join(', ')}`);
  const ref = { $ref: DATE_TIME_REF };
  const value = typesOf({ type }).includes('null') ? { oneOf: [{ type: 'null' }, ref] } : { allOf: [ref] };
  return description === undefined && value.allOf
    ? ref
    : { ...(description ? { description } : {}), ...value };
}

// ---------------------------------------------------------------------------------------------------------------
// What the generated parts say.

const KEY_ORDER = [
  'type',
  'description',
  'format',
  'pattern',
  'enum',
  'minLength',
  'maxLength',
  'minimum',
  'maximum',
  'minItems',
  'maxItems',
  'additionalProperties',
  'required',
  'properties',
  'items',
];

/** Keys in a fixed, readable order; property maps keep the interface's order. */
function ordered(value, inProperties = false) {
  if (Array.isArray(value)) return value.map((item) => ordered(item));
  if (value === null || typeof value !== 'object') return value;
  const keys = Object.keys(value);
  if (!inProperties) {
    const rank = (key) => (KEY_ORDER.includes(key) ? KEY_ORDER.indexOf(key) : KEY_ORDER.length);
    keys.sort((left, right) => rank(left) - rank(right));
  }
  return Object.fromEntries(
    keys.map((key) => [key, ordered(value[key], !inProperties && key === 'properties')]),
  );
}

function title(type) {
  const words = type.match(/[A-Z][a-z0-9]*|[a-z0-9]+/g) ?? [type];
  return [words[0], ...words.slice(1).map((word) => word.toLowerCase())].join(' ');
}

/** Every generated message and payload schema, per domain, in registry order. */
async function generatedParts(domainEventBindings) {
  const validation = await importSource('src/validation.ts');
  const { getMetadataStorage } = await import('class-validator');
  const { defaultMetadataStorage } = await import('class-transformer/cjs/storage.js');
  const tools = {
    validators: getMetadataStorage(),
    transformer: defaultMetadataStorage,
    unlessNull: validation.unlessNull,
    maxIdLength: validation.MAX_ID_LENGTH,
  };
  const parts = [];
  for (const domain of DOMAINS) {
    const module = await importSource(domain.registryFile);
    const registry = module[domain.registryExport];
    const dtos = module[domain.dtosExport];
    const schemas = interfaceSchemas(domain);
    const registered = registry.types();
    const names = registered.map(({ type }) => type);
    if (!isDeepStrictEqual([...names].sort(), Object.keys(schemas).sort()))
      throw new Error(`${domain.registryExport} and ${domain.payloadsInterface} name different event types`);
    const events = registered.map(({ type, schemaVersion }) => {
      const payload = structuredClone(schemas[type]);
      if (!dtos[type]) throw new Error(`${domain.dtosExport} has no DTO for ${type}`);
      applyDto(payload, dtos[type], type, tools);
      const message = {
        name: type,
        title: title(type),
        ...(payload.description ? { summary: payload.description } : {}),
        contentType: 'application/json',
        headers: { $ref: '#/components/schemas/DomainEventHeaders' },
        payload: {
          allOf: [
            { $ref: ENVELOPE_SCHEMA_REF },
            {
              properties: {
                type: { const: type },
                schemaVersion: { const: schemaVersion },
                payload: { $ref: `#/components/schemas/${type}Payload` },
              },
            },
          ],
        },
        bindings: structuredClone(domainEventBindings),
      };
      return { type, message, schema: ordered(payload) };
    });
    parts.push({ domain, events });
  }
  return parts;
}

// ---------------------------------------------------------------------------------------------------------------
// Writing them into the document: text edits at the ranges the yaml Document reports, so nothing else moves.

function toYaml(value) {
  const document = new Document(value);
  visit(document, {
    Pair(_, pair) {
      if (pair.key?.value === 'required' && isSeq(pair.value)) pair.value.flow = true;
    },
  });
  return document.toString({ lineWidth: 0 });
}

function indent(text, column) {
  const pad = ' '.repeat(column);
  return text
    .split('\n')
    .map((line) => (line === '' ? line : pad + line))
    .join('\n');
}

function lineStart(text, index) {
  return text.lastIndexOf('\n', index - 1) + 1;
}

/** Just past the newline ending the line of the last non-blank character before `index`. */
function lineEndAfter(text, index) {
  let end = index;
  while (end > 0 && /\s/.test(text[end - 1])) end--;
  const newline = text.indexOf('\n', end);
  return newline === -1 ? text.length : newline + 1;
}

function blockRange(text, node, where) {
  const start = lineStart(text, node.range[0]);
  if (text.slice(start, node.range[0]).trim() !== '')
    throw new Error(`${where}: expected a block collection`);
  return { start, end: lineEndAfter(text, node.range[1]), column: node.range[0] - start };
}

function pairRange(text, pair) {
  const start = lineStart(text, pair.key.range[0]);
  return { start, end: lineEndAfter(text, pair.value.range[1]), column: pair.key.range[0] - start };
}

/** Replaces the generated pairs of a block map by `entries`; new ones go after `anchor` (or at the map's end). */
function replacePairs(text, map, owned, entries, anchor, where) {
  if (!isMap(map)) throw new Error(`${where}: expected a map`);
  const mine = map.items.filter((pair) => owned.has(pair.key.value));
  const edits = [];
  let column;
  let at;
  if (mine.length > 0) {
    const ranges = mine.map((pair) => pairRange(text, pair));
    column = ranges[0].column;
    let start = ranges[0].start;
    const markerLine = text.lastIndexOf('\n', start - 2) + 1;
    if (text.slice(markerLine, start).trim() === MARKER) start = markerLine;
    edits.push({ start, end: ranges[0].end, text: null });
    for (const range of ranges.slice(1)) edits.push({ ...range, text: '' });
    at = edits[0];
  } else {
    const after = map.items.find((pair) => pair.key.value === anchor) ?? map.items.at(-1);
    const range = pairRange(text, after);
    column = range.column;
    at = { start: range.end, end: range.end, text: null, leading: '\n' };
    edits.push(at);
  }
  const body = entries.map(([key, value]) => indent(toYaml({ [key]: value }), column)).join('\n');
  at.text = `${at.leading ?? ''}${' '.repeat(column)}${MARKER}\n${body}`;
  return edits;
}

function applyEdits(text, edits) {
  const sorted = [...edits].sort((left, right) => right.start - left.start);
  for (let index = 1; index < sorted.length; index++)
    if (sorted[index].end > sorted[index - 1].start) throw new Error('overlapping edits');
  return sorted.reduce(
    (result, edit) => result.slice(0, edit.start) + edit.text + result.slice(edit.end),
    text,
  );
}

/** The document as the generator writes it, from the text of the current one. */
export async function render(text) {
  const document = parseDocument(text);
  if (document.errors.length > 0) throw new Error(`asyncapi.yaml: ${document.errors[0].message}`);
  const bindings = document.getIn(['components', 'messages', GENERIC_MESSAGE, 'bindings'])?.toJSON();
  if (!bindings) throw new Error(`asyncapi.yaml: components.messages.${GENERIC_MESSAGE} has no bindings`);
  const parts = await generatedParts(bindings);

  // Generated before: every message of a domain channel but the generic one.
  const previously = new Set();
  for (const { domain } of parts) {
    const messages = document.getIn(['channels', domain.channel, 'messages'], true);
    if (!isMap(messages)) throw new Error(`asyncapi.yaml: channels.${domain.channel}.messages is not a map`);
    for (const pair of messages.items) if (pair.key.value !== GENERIC_MESSAGE) previously.add(pair.key.value);
  }
  const names = parts.flatMap(({ events }) => events.map(({ type }) => type));
  if (new Set(names).size !== names.length) throw new Error('circles and ideas share an event type name');
  const componentMessages = document.getIn(['components', 'messages'], true);
  const componentSchemas = document.getIn(['components', 'schemas'], true);
  for (const name of names) {
    if (previously.has(name)) continue;
    if (componentMessages.has(name))
      throw new Error(`components.messages.${name} exists and is not generated`);
    if (componentSchemas.has(`${name}Payload`))
      throw new Error(`components.schemas.${name}Payload exists and is not generated`);
  }
  const owned = new Set([...previously, ...names]);

  const edits = [];
  for (const { domain, events } of parts) {
    const node = document.getIn(['channels', domain.channel, 'messages'], true);
    const range = blockRange(text, node, `channels.${domain.channel}.messages`);
    const channelMessages = {
      [GENERIC_MESSAGE]: node.get(GENERIC_MESSAGE)?.toJSON() ?? {
        $ref: `#/components/messages/${GENERIC_MESSAGE}`,
      },
      ...Object.fromEntries(events.map(({ type }) => [type, { $ref: `#/components/messages/${type}` }])),
    };
    edits.push({ ...range, text: indent(toYaml(channelMessages), range.column) });

    const operations = document.get('operations', true);
    const mine = operations.items.filter(
      (pair) => pair.value.getIn(['channel', '$ref']) === `#/channels/${domain.channel}`,
    );
    if (mine.length === 0) throw new Error(`no operation on channels.${domain.channel}`);
    for (const pair of mine) {
      const list = pair.value.get('messages', true);
      const where = `operations.${pair.key.value}.messages`;
      if (!isSeq(list)) throw new Error(`${where} is not a list`);
      const listRange = blockRange(text, list, where);
      const refs = [GENERIC_MESSAGE, ...events.map(({ type }) => type)].map((name) => ({
        $ref: `#/channels/${domain.channel}/messages/${name}`,
      }));
      edits.push({ ...listRange, text: indent(toYaml(refs), listRange.column) });
    }
  }
  const all = parts.flatMap(({ events }) => events);
  edits.push(
    ...replacePairs(
      text,
      componentMessages,
      owned,
      all.map(({ type, message }) => [type, message]),
      GENERIC_MESSAGE,
      'components.messages',
    ),
    ...replacePairs(
      text,
      componentSchemas,
      new Set([...owned].map((name) => `${name}Payload`)),
      all.map(({ type, schema }) => [`${type}Payload`, schema]),
      undefined,
      'components.schemas',
    ),
  );
  const edited = applyEdits(text, edits);
  const options = (await prettier.resolveConfig(DOCUMENT_PATH)) ?? {};
  return prettier.format(edited, { ...options, filepath: DOCUMENT_PATH });
}

// ---------------------------------------------------------------------------------------------------------------
// --check: what differs, briefly.

function summarize(current, next) {
  const lines = [];
  const before = parseDocument(current).toJSON() ?? {};
  const after = parseDocument(next).toJSON() ?? {};
  for (const section of ['messages', 'schemas']) {
    const old = before.components?.[section] ?? {};
    const now = after.components?.[section] ?? {};
    for (const key of Object.keys(now)) {
      if (!(key in old)) lines.push(`  + components.${section}.${key}`);
      else if (!isDeepStrictEqual(old[key], now[key])) lines.push(`  ~ components.${section}.${key}`);
    }
    for (const key of Object.keys(old)) if (!(key in now)) lines.push(`  - components.${section}.${key}`);
  }
  for (const section of ['channels', 'operations'])
    for (const key of Object.keys(after[section] ?? {}))
      if (!isDeepStrictEqual(before[section]?.[key], after[section][key]))
        lines.push(`  ~ ${section}.${key}`);
  const oldLines = current.split('\n');
  const newLines = next.split('\n');
  const first = newLines.findIndex((line, index) => line !== oldLines[index]);
  const at = first === -1 ? Math.min(oldLines.length, newLines.length) : first;
  lines.push(`  first difference at line ${at + 1}:`);
  lines.push(`    - ${oldLines[at] ?? '(end of file)'}`);
  lines.push(`    + ${newLines[at] ?? '(end of file)'}`);
  return lines.slice(0, 40).join('\n') + (lines.length > 40 ? `\n  … ${lines.length - 40} more` : '');
}

async function main() {
  const check = process.argv.includes('--check');
  const current = readFileSync(DOCUMENT_PATH, 'utf8');
  const next = await render(current);
  const shown = relative(process.cwd(), DOCUMENT_PATH);
  if (next === current) {
    console.log(`${shown} is up to date`);
    return;
  }
  if (check) {
    console.error(
      `${shown} is out of date; run npm run asyncapi -w @hc/contracts\n${summarize(current, next)}`,
    );
    process.exitCode = 1;
    return;
  }
  writeFileSync(DOCUMENT_PATH, next);
  console.log(`${shown} written`);
}

if (import.meta.main) {
  await main().catch((error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 2;
  });
}
