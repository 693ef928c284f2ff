import { formatTable } from './report.js';

describe('the final table', () => {
  it('puts each figure read back next to its target', () => {
    const table = formatTable([
      { figure: 'circlesHeld', target: 402, readBack: 402, ok: true },
      { figure: 'practicalBenefitShare', target: 95, readBack: null, ok: false },
    ]);
    expect(table.split('\n')).toEqual([
      '| figure                    | target | read back |  ok |',
      '|:--------------------------|-------:|----------:|----:|',
      '| circles held              |    402 |       402 | yes |',
      '| practical benefit share % |     95 |         — |  NO |',
    ]);
  });
});
