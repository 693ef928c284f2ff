import { describe, expect, it } from '@jest/globals';
import { DEFAULT_MAX_MESSAGE_BYTES, MAX_DETAIL_LENGTH, decodeFailure, decodeJson } from './decode.js';

describe('decodeJson', () => {
  it('returns the parsed object', () => {
    expect(decodeJson(Buffer.from('{"summary":"Клиент ждал ответа 3 дня 😡"}'))).toEqual({
      ok: true,
      value: { summary: 'Клиент ждал ответа 3 дня 😡' },
    });
  });

  it('treats null and zero bytes as empty', () => {
    expect(decodeJson(null)).toMatchObject({ ok: false, reason: 'empty' });
    expect(decodeJson(Buffer.alloc(0))).toMatchObject({ ok: false, reason: 'empty' });
  });

  it('checks the size before decoding, with a default of 1 MiB', () => {
    expect(DEFAULT_MAX_MESSAGE_BYTES).toBe(1_048_576);
    const exactly = Buffer.from(`{"a":"${'x'.repeat(DEFAULT_MAX_MESSAGE_BYTES - 8)}"}`);
    expect(exactly.length).toBe(DEFAULT_MAX_MESSAGE_BYTES);
    expect(decodeJson(exactly).ok).toBe(true);
    const over = Buffer.concat([exactly, Buffer.from(' ')]);
    expect(decodeJson(over)).toEqual({
      ok: false,
      reason: 'too_large',
      detail: `value: ${DEFAULT_MAX_MESSAGE_BYTES + 1} bytes exceeds the limit of ${DEFAULT_MAX_MESSAGE_BYTES} bytes`,
    });
    // Oversized garbage is too large, not invalid: size is checked first.
    expect(decodeJson(Buffer.alloc(11, 0xff), { maxBytes: 10 })).toMatchObject({ reason: 'too_large' });
  });

  it('counts the size in bytes, not characters', () => {
    const cyrillic = Buffer.from('{"s":"жжжж"}'); // 4 characters, 8 bytes
    expect(decodeJson(cyrillic, { maxBytes: cyrillic.length }).ok).toBe(true);
    expect(decodeJson(cyrillic, { maxBytes: cyrillic.length - 1 })).toMatchObject({ reason: 'too_large' });
  });

  it.each([
    ['a lone 0xff', [0x7b, 0xff, 0x7d]],
    ['an overlong encoding of "/"', [0x7b, 0xc0, 0xaf, 0x7d]],
    ['a UTF-8-encoded surrogate', [0x22, 0xed, 0xa0, 0x80, 0x22]],
    ['a truncated sequence', [0x22, 0xe2, 0x82, 0x22]],
    ['Windows-1251 Cyrillic', [0x22, 0xcf, 0xf0, 0xe8, 0x22]],
  ])('rejects %s as invalid UTF-8', (_case, bytes) => {
    expect(decodeJson(Buffer.from(bytes))).toEqual({
      ok: false,
      reason: 'invalid_utf8',
      detail: 'value: not valid UTF-8',
    });
  });

  it.each(['{', '{"a":1,}', "{'a':1}", 'undefined', 'NaN', '{"a":1} {"b":2}'])(
    'rejects %j as not JSON',
    (text) => {
      const result = decodeJson(Buffer.from(text));
      expect(result).toMatchObject({ ok: false, reason: 'not_json' });
      if (!result.ok) expect(result.detail).toMatch(/^value: not JSON/);
    },
  );

  it('strips no BOM', () => {
    expect(decodeJson(Buffer.from('\uFEFF{}'))).toMatchObject({ ok: false, reason: 'not_json' });
  });

  it.each([
    ['[]', 'an array'],
    ['null', 'null'],
    ['"text"', 'a string'],
    ['42', 'a number'],
    ['true', 'a boolean'],
  ])('requires a top-level object, not %s', (text, kind) => {
    expect(decodeJson(Buffer.from(text))).toEqual({
      ok: false,
      reason: 'invalid_envelope',
      detail: `value: must be a JSON object, got ${kind}`,
    });
  });

  it('does not overflow on deeply nested JSON', () => {
    const deep = Buffer.from(`{"a":${'['.repeat(100_000)}${']'.repeat(100_000)}}`);
    expect(() => decodeJson(deep)).not.toThrow();
  });
});

describe('decodeFailure', () => {
  it('keeps the detail short enough for a header', () => {
    const failure = decodeFailure('invalid_payload', 'x'.repeat(10_000));
    expect(failure.detail.length).toBe(MAX_DETAIL_LENGTH);
    expect(failure.detail.endsWith('…')).toBe(true);
  });

  it('never cuts a character in half', () => {
    const failure = decodeFailure('invalid_payload', '😡'.repeat(MAX_DETAIL_LENGTH));
    expect(failure.detail.isWellFormed()).toBe(true);
    expect(failure.detail.length).toBeLessThanOrEqual(MAX_DETAIL_LENGTH);
  });
});
