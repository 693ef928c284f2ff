import { describe, expect, it } from '@jest/globals';
import { logLevel } from 'kafkajs';
import { kafkaLogCreator } from './kafka.js';
import type { Logger } from './logger.js';

describe("kafkajs' log lines", () => {
  it('go to the process logger at their level, with their fields and namespace', () => {
    const lines: [string, object, string][] = [];
    const logger: Logger = {
      info: (context, message) => lines.push(['info', context, message]),
      warn: (context, message) => lines.push(['warn', context, message]),
      error: (context, message) => lines.push(['error', context, message]),
      debug: (context, message) => lines.push(['debug', context, message]),
    };
    const log = kafkaLogCreator(logger)(logLevel.DEBUG);
    const entry = (level: logLevel, message: string) => ({
      namespace: 'Consumer',
      level,
      label: 'X',
      log: { timestamp: 't', logger: 'kafkajs', message, groupId: 'g' },
    });
    log(entry(logLevel.ERROR, 'crashed'));
    log(entry(logLevel.WARN, 'rebalancing'));
    log(entry(logLevel.INFO, 'joined'));
    log(entry(logLevel.DEBUG, 'fetch'));
    expect(lines).toEqual([
      ['error', { groupId: 'g', namespace: 'kafkajs.Consumer' }, 'crashed'],
      ['warn', { groupId: 'g', namespace: 'kafkajs.Consumer' }, 'rebalancing'],
      ['info', { groupId: 'g', namespace: 'kafkajs.Consumer' }, 'joined'],
      ['debug', { groupId: 'g', namespace: 'kafkajs.Consumer' }, 'fetch'],
    ]);
  });
});
