import { describe, expect, it } from 'vitest';
import { csvCell } from './export.ts';

describe('csvCell', () => {
  it('defuses every spreadsheet formula trigger OWASP lists', () => {
    for (const lead of ['=', '+', '-', '@', '\t', '\r']) {
      expect(csvCell(`${lead}HYPERLINK("x")`).replace(/^"/, '')).toMatch(/^'/);
    }
  });

  it('leaves plain text and numbers alone and quotes separators', () => {
    expect(csvCell('生态环境局')).toBe('生态环境局');
    expect(csvCell(-3.5)).toBe('-3.5');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell(null)).toBe('');
  });
});
