import { describe, expect, it } from '@jest/globals';
import { differenceInDifferences, outcomeWindow, outcomeWindows } from './change-outcome.js';

const counts = (categoryComplaints: number, otherComplaints: number, contactsHandled: number) => ({
  from: '2026-05-01',
  to: '2026-05-07',
  categoryComplaints,
  otherComplaints,
  contactsHandled,
  csiAnswers: 2,
  csiSum: 9,
});

describe('change outcome', () => {
  it('takes N whole weeks before and after, leaving out the day of the change', () => {
    expect(outcomeWindows('2026-05-15', 2)).toEqual({
      before: ['2026-05-01', '2026-05-14'],
      after: ['2026-05-16', '2026-05-29'],
    });
  });

  it('rates complaints per 1000 contacts, with the CSI of the window', () => {
    expect(outcomeWindow(counts(3, 6, 2000))).toMatchObject({ categoryRate: 1.5, controlRate: 3, csi: 87.5 });
    expect(outcomeWindow(counts(3, 6, 0))).toMatchObject({ categoryRate: null, controlRate: null });
  });

  it('subtracts the control trend from the category trend', () => {
    // Category 2 → 1 per 1000, control 4 → 5 per 1000: −1 − (+1) = −2.
    expect(
      differenceInDifferences(outcomeWindow(counts(2, 4, 1000)), outcomeWindow(counts(1, 5, 1000))),
    ).toBe(-2);
    expect(
      differenceInDifferences(outcomeWindow(counts(2, 4, 0)), outcomeWindow(counts(1, 5, 1000))),
    ).toBeNull();
  });
});
