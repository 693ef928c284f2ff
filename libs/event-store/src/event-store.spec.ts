import { formatCheckpoint, parseCheckpoint, START_CHECKPOINT } from './event-store.js';

describe('checkpoints', () => {
  it('round-trips through text', () => {
    const checkpoint = { transactionId: 123456789012n, globalPosition: 42n };
    expect(parseCheckpoint(formatCheckpoint(checkpoint))).toEqual(checkpoint);
    expect(formatCheckpoint(START_CHECKPOINT)).toBe('0:0');
  });

  it('rejects text that is not a checkpoint', () => {
    expect(() => parseCheckpoint('12')).toThrow('Invalid checkpoint');
    expect(() => parseCheckpoint('a:b')).toThrow('Invalid checkpoint');
  });
});
