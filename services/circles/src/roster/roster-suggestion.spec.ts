import { suggestRoster } from './roster-suggestion.js';

const candidate = (employeeId: string, departmentId: string) => ({ employeeId, departmentId });

describe('suggestRoster', () => {
  it('takes one employee per department before a second from any', () => {
    const roster = suggestRoster(
      [
        candidate('a1', 'A'),
        candidate('a2', 'A'),
        candidate('a3', 'A'),
        candidate('b1', 'B'),
        candidate('c1', 'C'),
        candidate('c2', 'C'),
      ],
      4,
    );
    expect(roster.map((member) => member.employeeId)).toEqual(['a1', 'c1', 'b1', 'a2']);
  });

  it('returns everyone when there are fewer candidates than places', () => {
    expect(suggestRoster([candidate('a1', 'A')], 5)).toHaveLength(1);
    expect(suggestRoster([], 5)).toEqual([]);
  });
});
