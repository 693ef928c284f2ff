import { describe, expect, it } from '@jest/globals';
import { decodeCursor, encodeCursor, isOverdue, type IdeaRow } from './ideas.read-model.js';

describe('ideas read model helpers', () => {
  it('round-trips a cursor and refuses anything else', () => {
    expect(decodeCursor(encodeCursor('12345'))).toBe('12345');
    expect(decodeCursor('bm90LWEtY3Vyc29y')).toBeNull();
    expect(decodeCursor(Buffer.from('idea:1; DROP TABLE ideas').toString('base64url'))).toBeNull();
  });

  it.each([
    ['in_progress', '2027-03-05', '2027-03-06', true],
    ['in_progress', '2027-03-05', '2027-03-05', false],
    ['approved', null, '2027-03-06', false],
    ['implemented', '2027-03-05', '2027-03-06', false],
    ['rejected', '2027-03-05', '2027-03-06', false],
    ['withdrawn', '2027-03-05', '2027-03-06', false],
    ['merged', '2027-03-05', '2027-03-06', false],
    ['deferred', '2027-03-05', '2027-03-06', true],
  ] as const)('%s due %s is overdue on %s: %s', (status, dueDate, today, overdue) => {
    expect(isOverdue({ status, due_date: dueDate } as IdeaRow, today)).toBe(overdue);
  });
});
