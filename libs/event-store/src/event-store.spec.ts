import { formatCheckpoint, latestCheckpoint, parseCheckpoint, START_CHECKPOINT } from './event-store.js';

describe('checkpoints', () => {
  it('round-trips through text', () => {
    const checkpoint = { transactionId: 123456789012n, globalPosition: 42n };
    expect(parseCheckpoint(formatCheckpoint(checkpoint))).toEqual(checkpoint);
    expect(formatCheckpoint(START_CHECKPOINT)).toBe('0:0');
  });

  it('picks the latest in commit order, transaction first, skipping nulls', () => {
    const early = { transactionId: 7n, globalPosition: 90n };
    const late = { transactionId: 8n, globalPosition: 3n };
    const later = { transactionId: 8n, globalPosition: 4n };
    expect(latestCheckpoint([null, late, early, later, null])).toEqual(later);
    expect(latestCheckpoint([early, null])).toEqual(early);
    expect(latestCheckpoint([null])).toBeNull();
  });

  it('rejects text that is not a checkpoint', () => {
    expect(() => parseCheckpoint('12')).toThrow('Invalid checkpoint');
    expect(() => parseCheckpoint('a:b')).toThrow('Invalid checkpoint');
  });
});
