import { describe, expect, it } from '@jest/globals';
import {
  CORRELATION_ID_HEADER,
  acceptCorrelationId,
  correlationIdOrNew,
  currentCorrelationId,
  headerText,
  logContextFields,
  runWithCorrelation,
} from './telemetry.js';

describe('correlation ids', () => {
  it.each(['a', 'req-1', 'A.b_c:d', '0196c9a1-7e2b-7c4d-9a0e-2f1b3c4d5e6f', 'x'.repeat(128)])(
    'accepts %s',
    (value) => {
      expect(acceptCorrelationId(value)).toBe(value);
    },
  );

  it.each([
    ['empty', ''],
    ['129 characters', 'x'.repeat(129)],
    ['a space', 'a b'],
    ['a slash', 'a/b'],
    ['a newline', 'abc\n{"level":"error"}'],
    ['JSON', '{"a":1}'],
    ['non-ASCII letters', 'кружок'],
    ['a number', 42],
    ['an array', ['a', 'b']],
    ['undefined', undefined],
  ])('refuses %s', (_what, value) => {
    expect(acceptCorrelationId(value)).toBeUndefined();
  });

  it('generates a UUID for what it refuses and keeps what it accepts', () => {
    expect(correlationIdOrNew('a b')).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(correlationIdOrNew('req-7')).toBe('req-7');
    expect(correlationIdOrNew(undefined)).not.toBe(correlationIdOrNew(undefined));
  });
});

describe('the correlation scope', () => {
  it('is visible inside the run, across awaits, and gone after it', async () => {
    expect(currentCorrelationId()).toBeUndefined();
    const seen = await runWithCorrelation('corr-1', async () => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      return [currentCorrelationId(), logContextFields()];
    });
    expect(seen).toEqual(['corr-1', { correlationId: 'corr-1' }]);
    expect(currentCorrelationId()).toBeUndefined();
    expect(logContextFields()).toEqual({});
  });

  it('keeps concurrent runs apart', async () => {
    const ids = await Promise.all(
      ['a', 'b', 'c'].map((id) =>
        runWithCorrelation(id, async () => {
          await new Promise((resolve) => setTimeout(resolve, 3 - id.charCodeAt(0) + 97));
          return currentCorrelationId();
        }),
      ),
    );
    expect(ids).toEqual(['a', 'b', 'c']);
  });
});

describe('Kafka header text', () => {
  it('reads Buffers, strings and the first of repeated headers', () => {
    const headers = {
      [CORRELATION_ID_HEADER]: Buffer.from('corr-9'),
      plain: 'text',
      repeated: [Buffer.from('first'), Buffer.from('second')],
      missing: undefined,
    };
    expect(headerText(headers, CORRELATION_ID_HEADER)).toBe('corr-9');
    expect(headerText(headers, 'plain')).toBe('text');
    expect(headerText(headers, 'repeated')).toBe('first');
    expect(headerText(headers, 'missing')).toBeUndefined();
    expect(headerText(undefined, 'plain')).toBeUndefined();
  });
});
