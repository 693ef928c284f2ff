import { describe, expect, it } from '@jest/globals';
import { Type } from 'class-transformer';
import { IsArray, IsString, ValidateNested, validateSync } from 'class-validator';
import {
  IsIdentifier,
  codePointLength,
  describeValidationErrors,
  isCalendarDate,
  isIsoDateTimeWithOffset,
  validatePlainObject,
} from './validation.js';

class LineDto {
  @IsIdentifier()
  sku!: string;
}

class OrderDto {
  @IsIdentifier()
  id!: string;

  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => LineDto)
  lines!: LineDto[];

  @IsString({ each: true })
  tags!: string[];
}

describe('codePointLength', () => {
  it('counts characters, not UTF-16 units or bytes', () => {
    expect(codePointLength('Клиент')).toBe(6);
    expect(codePointLength('😡👍🏽')).toBe(3); // the skin tone modifier is a code point of its own
    expect(codePointLength('')).toBe(0);
  });
});

describe('isIsoDateTimeWithOffset', () => {
  it.each([
    '2026-05-14T10:22:00+03:00',
    '2026-05-14T07:22:00Z',
    '2026-05-14T07:22:00.5Z',
    '2026-05-14T07:22:00.123456789-09:30',
    '2028-02-29T23:59:59+14:00',
    '2026-05-14T10:22:00-00:00',
  ])('accepts %s', (value) => expect(isIsoDateTimeWithOffset(value)).toBe(true));

  it.each([
    '2026-05-14T10:22:00', // no offset: ambiguous
    '2026-05-14 10:22:00+03:00',
    '2026-05-14t10:22:00z',
    '2026-05-14T10:22+03:00',
    '2026-05-14T10:22:00+0300',
    '2026-05-14T10:22:00+03',
    '2026-02-29T10:22:00Z', // 2026 is not a leap year
    '2026-04-31T10:22:00Z',
    '2026-13-01T10:22:00Z',
    '2026-05-14T24:00:00Z',
    '2026-05-14T10:60:00Z',
    '2026-05-14T10:22:60Z',
    '2026-05-14T10:22:00+24:00',
    '2026-05-14',
    '',
    ' 2026-05-14T10:22:00Z',
  ])('rejects %j', (value) => expect(isIsoDateTimeWithOffset(value)).toBe(false));

  it('rejects non-strings', () => {
    expect(isIsoDateTimeWithOffset(1778743320000)).toBe(false);
    expect(isIsoDateTimeWithOffset(new Date())).toBe(false);
  });
});

describe('isCalendarDate', () => {
  it.each(['2026-05-14', '2028-02-29', '2000-02-29', '2026-12-31'])('accepts %s', (value) =>
    expect(isCalendarDate(value)).toBe(true),
  );
  it.each([
    '2026-02-29',
    '1900-02-29',
    '2026-06-31',
    '2026-00-10',
    '2026-05-00',
    '2026-5-14',
    '2026-05-14Z',
    20260514,
  ])('rejects %j', (value) => expect(isCalendarDate(value)).toBe(false));
});

describe('describeValidationErrors', () => {
  it('flattens nested objects and arrays into path: message lines', () => {
    const plain = { id: '', lines: [{ sku: 'A-1' }, { sku: '' }], tags: ['a', 7] };
    const errors = validateSync(
      Object.assign(new OrderDto(), {
        ...plain,
        lines: plain.lines.map((l) => Object.assign(new LineDto(), l)),
      }),
    );
    expect(describeValidationErrors(errors, 'payload')).toEqual([
      'payload.id: must be a string of 1..200 characters',
      'payload.lines[1].sku: must be a string of 1..200 characters',
      'payload.tags: each value in tags must be a string',
    ]);
  });
});

describe('IsTextOfLength', () => {
  it('refuses text PostgreSQL cannot store: NUL and unpaired surrogates', () => {
    const line = (sku: string) =>
      describeValidationErrors(validateSync(Object.assign(new LineDto(), { sku })));
    expect(line('Полис 7')).toEqual([]);
    expect(line('Полис \u0000 7')).toEqual(['sku: must be a string of 1..200 characters']);
    expect(line('Полис \ud800 7')).toEqual(['sku: must be a string of 1..200 characters']);
  });
});

describe('validatePlainObject', () => {
  it('rejects unknown fields at every level of a DTO', () => {
    expect(
      validatePlainObject(OrderDto, { id: 'o', lines: [{ sku: 'A', qty: 1 }], tags: [], note: 'x' }),
    ).toEqual(['note: is not an allowed field', 'lines[0].qty: is not an allowed field']);
  });

  it('rejects keys that would subvert the transformer, wherever they are', () => {
    const plain = JSON.parse('{"id":"o","lines":[{"sku":"A","__proto__":{"x":1}}],"tags":[]}') as Record<
      string,
      unknown
    >;
    expect(validatePlainObject(OrderDto, plain)).toEqual(['lines[0].__proto__: is not an allowed field']);
    expect(
      validatePlainObject(OrderDto, { id: 'o', lines: [{ sku: 'A', constructor: 'x' }], tags: [] }),
    ).toEqual(['lines[0].constructor: is not an allowed field']);
  });

  it('reports missing required fields as required', () => {
    expect(validatePlainObject(LineDto, {}, { pathPrefix: 'payload' })).toEqual(['payload.sku: is required']);
  });

  it('does not throw on deep nesting', () => {
    let deep: unknown = [];
    for (let i = 0; i < 50_000; i++) deep = [deep];
    expect(() => validatePlainObject(OrderDto, { id: 'o', lines: [], tags: deep })).not.toThrow();
  });
});
