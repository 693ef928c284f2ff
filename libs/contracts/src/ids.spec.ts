import { describe, expect, it } from '@jest/globals';
import { isUuid, newEventId } from './ids.js';

describe('newEventId', () => {
  it('returns distinct, time-ordered UUID v7s', () => {
    const ids = Array.from({ length: 100 }, () => newEventId());
    expect(new Set(ids).size).toBe(100);
    for (const id of ids)
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect([...ids].sort()).toEqual(ids);
  });
});

describe('isUuid', () => {
  it.each([
    '0196c9a1-7e2b-7c4d-9a0e-2f1b3c4d5e6f',
    '550E8400-E29B-41D4-A716-446655440000',
    '00000000-0000-0000-0000-000000000000',
  ])('accepts %s', (value) => expect(isUuid(value)).toBe(true));
  it.each([
    '',
    'evt-1',
    '0196c9a1-7e2b-7c4d-9a0e-2f1b3c4d5e6',
    '{0196c9a1-7e2b-7c4d-9a0e-2f1b3c4d5e6f}',
    42,
    null,
  ])('rejects %j', (value) => expect(isUuid(value)).toBe(false));
});
