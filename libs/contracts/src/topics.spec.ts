import { describe, expect, it } from '@jest/globals';
import { CRM_TOPIC_DEFAULT } from './crm/crm.events.js';
import { DLQ_HEADERS, TOPICS, deadLetterTopic } from './topics.js';

describe('topics', () => {
  it('names the dead-letter topic after the topic', () => {
    expect(deadLetterTopic(TOPICS.crm)).toBe('crm.events.v1.dlq');
    expect(deadLetterTopic(TOPICS.circles)).toBe('circles.events.v1.dlq');
    expect(deadLetterTopic(TOPICS.ideas)).toBe('ideas.events.v1.dlq');
  });

  it('defaults the CRM topic to the contract', () => {
    expect(TOPICS.crm).toBe(CRM_TOPIC_DEFAULT);
  });

  it('uses distinct header names', () => {
    const names = Object.values(DLQ_HEADERS);
    expect(new Set(names).size).toBe(names.length);
  });
});
