import { describe, expect, it } from '@jest/globals';
import { loadServiceConfig } from './config.js';

describe('service configuration', () => {
  it('waits 5 s for read-your-writes unless READ_YOUR_WRITES_TIMEOUT_MS says otherwise', () => {
    expect(loadServiceConfig('ideas', 4002, {}).readYourWritesTimeoutMs).toBe(5_000);
    expect(
      loadServiceConfig('ideas', 4002, { READ_YOUR_WRITES_TIMEOUT_MS: '250' }).readYourWritesTimeoutMs,
    ).toBe(250);
  });

  it.each(['abc', '-1', '1.5'])('refuses READ_YOUR_WRITES_TIMEOUT_MS=%s, naming the setting', (value) => {
    expect(() => loadServiceConfig('ideas', 4002, { READ_YOUR_WRITES_TIMEOUT_MS: value })).toThrow(
      `READ_YOUR_WRITES_TIMEOUT_MS must be a non-negative integer, got "${value}"`,
    );
  });
});
