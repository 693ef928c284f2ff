// The final table: each figure's target next to what the gateway read back.
import type { FigureRow } from './player.js';

const LABELS: Record<FigureRow['figure'], string> = {
  circlesHeld: 'circles held',
  ideasSubmitted: 'ideas submitted',
  improvementsImplemented: 'improvements implemented',
  writtenThanks: 'written thanks',
  practicalBenefitShare: 'practical benefit share %',
};

export function formatTable(rows: FigureRow[]): string {
  const lines = [
    ['figure', 'target', 'read back', 'ok'],
    ...rows.map((row) => [
      LABELS[row.figure],
      String(row.target),
      String(row.readBack ?? '—'),
      row.ok ? 'yes' : 'NO',
    ]),
  ];
  const widths = lines[0]!.map((_, column) => Math.max(...lines.map((line) => line[column]!.length)));
  const format = (line: string[]) =>
    `| ${line.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join(' | ')} |`;
  return [
    format(lines[0]!),
    `|${widths.map((w, c) => (c === 0 ? `:${'-'.repeat(w + 1)}` : `${'-'.repeat(w + 1)}:`)).join('|')}|`,
    ...lines.slice(1).map(format),
  ].join('\n');
}
