import { describe, expect, it } from '@jest/globals';
import { seriesCsv } from './series-csv.controller.js';

describe('seriesCsv', () => {
  it('writes a header and one CRLF row per period, a null figure as an empty value', () => {
    expect(
      seriesCsv('csi', [
        { periodStart: '2026-05-11', value: 62.5, sampleSize: 4 },
        { periodStart: '2026-05-18', value: null, sampleSize: 0 },
      ]),
    ).toBe('metric,periodStart,value,sampleSize\r\ncsi,2026-05-11,62.5,4\r\ncsi,2026-05-18,,0\r\n');
  });

  it('leaves the sample size empty for counts', () => {
    expect(seriesCsv('complaints', [{ periodStart: '2026-05-01', value: 7, sampleSize: null }])).toBe(
      'metric,periodStart,value,sampleSize\r\ncomplaints,2026-05-01,7,\r\n',
    );
  });
});
