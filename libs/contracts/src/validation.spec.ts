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
    '0001-01-01T00:00:00Z',
    '2000-02-29T12:00:00+03:00',
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
    '0000-01-01T00:00:00Z', // PostgreSQL has no year 0
    '1900-02-29T00:00:00Z',
    '2026-05-14T10:22:00.Z',
    '2026-05-14T10:22:00.1234567890Z',
    '2026-05-14T10:22:00Z ',
    '2026-05-14T10:22:00+03:00:00',
    '2026-05-14T1a:22:00Z',
    '٢٠٢٦-05-14T10:22:00Z', // digits, but not ASCII ones
  ])('rejects %j', (value) => expect(isIsoDateTimeWithOffset(value)).toBe(false));

  it('rejects non-strings', () => {
    expect(isIsoDateTimeWithOffset(1778743320000)).toBe(false);
    expect(isIsoDateTimeWithOffset(new Date())).toBe(false);
  });

  it('answers as the RFC 3339 pattern does on every one-character change of valid date-times', () => {
    // The pattern and calendar check this reader replaced, with year 0000 refused as PostgreSQL refuses it.
    const pattern =
      /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d{1,9})?(?:Z|[+-](\d{2}):(\d{2}))$/;
    const reference = (value: string): boolean => {
      const match = pattern.exec(value);
      if (!match) return false;
      const [year, month, day, hour, minute, second, offsetHour, offsetMinute] = match
        .slice(1)
        .map((part) => Number(part ?? 0)) as [number, number, number, number, number, number, number, number];
      // The 400-year cycle keeps leap years where they are and steers clear of Date's two-digit years.
      const daysInMonth = new Date(Date.UTC(2000 + (year % 400), month, 0)).getUTCDate();
      return (
        year >= 1 &&
        month >= 1 &&
        month <= 12 &&
        day >= 1 &&
        day <= daysInMonth &&
        hour <= 23 &&
        minute <= 59 &&
        second <= 59 &&
        offsetHour <= 23 &&
        offsetMinute <= 59
      );
    };
    const samples = [
      '2026-05-14T10:22:00+03:00',
      '2028-02-29T23:59:59.123Z',
      '1999-12-31T00:00:00-09:30',
      '2026-01-31T19:09:09.5+14:00',
    ];
    const alphabet = ['0', '1', '2', '3', '4', '5', '9', '-', '+', ':', '.', 'T', 'Z', 'z', ' ', 'Ж', ''];
    let compared = 0;
    for (const sample of samples) {
      for (let index = 0; index <= sample.length; index++) {
        for (const character of alphabet) {
          for (const variant of [
            sample.slice(0, index) + character + sample.slice(index + 1),
            sample.slice(0, index) + character + sample.slice(index),
          ]) {
            expect([variant, isIsoDateTimeWithOffset(variant)]).toEqual([variant, reference(variant)]);
            compared++;
          }
        }
      }
    }
    expect(compared).toBeGreaterThan(3_000);
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
    '0000-01-01',
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
