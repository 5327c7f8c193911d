import { strToU8, zipSync } from 'fflate';
import { escapeXml } from '../open311/xml.ts';
import type { CaseStats, CaseStatsRow } from './case-stats.ts';

/** Column headers (Chinese first, English beside) and how each cell is read from a row. */
const COLUMNS: [string, (r: CaseStatsRow) => string | number | null][] = [
  ['范围 / scope', (r) => r.scope],
  ['编码 / key', (r) => r.key],
  ['名称 / name', (r) => r.name],
  ['受理数 / filed', (r) => r.filed],
  ['误报 / rejected', (r) => r.rejected],
  ['办结数 / resolved', (r) => r.resolved],
  ['在办 / open', (r) => r.open],
  ['办结率 / closure rate', (r) => r.closureRate],
  ['按时受理率 / accept on time', (r) => r.acceptOnTimeRate],
  ['按时派遣率 / dispatch on time', (r) => r.dispatchOnTimeRate],
  ['按时办结率 / resolve on time', (r) => r.resolveOnTimeRate],
  ['基层化解率 / grassroots share', (r) => r.grassrootsShare],
];

function allRows(s: CaseStats): CaseStatsRow[] {
  return [s.overall, ...s.byDepartment, ...s.byCategory];
}

/** One CSV cell, quoted where needed and defused against spreadsheet formula injection. */
export function csvCell(v: string | number | null): string {
  if (v === null) return '';
  const s = typeof v === 'number' ? String(Math.round(v * 1e6) / 1e6) : v;
  // A leading = + - @ tab or CR would be read as a formula by spreadsheets (OWASP CSV injection): prefix '.
  const safe = /^[=+\-@\t\r]/.test(s) && typeof v === 'string' ? `'${s}` : s;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** The statistics as CSV (UTF-8 with BOM so that Excel opens the Chinese headers correctly). */
export function statsToCsv(s: CaseStats): string {
  const lines = [COLUMNS.map(([h]) => csvCell(h)).join(',')];
  for (const r of allRows(s)) lines.push(COLUMNS.map(([, f]) => csvCell(f(r))).join(','));
  return `\uFEFF# ${s.from} – ${s.to}\r\n${lines.join('\r\n')}\r\n`;
}

function colName(i: number): string {
  let n = i + 1;
  let s = '';
  while (n > 0) {
    const m = (n - 1) % 26;
    s = String.fromCharCode(65 + m) + s;
    n = Math.floor((n - 1) / 26);
  }
  return s;
}

function sheetXml(rows: (string | number | null)[][]): string {
  const body = rows
    .map((cells, ri) => {
      const cs = cells
        .map((v, ci) => {
          const ref = `${colName(ci)}${ri + 1}`;
          if (v === null) return '';
          if (typeof v === 'number') return `<c r="${ref}"><v>${v}</v></c>`;
          return `<c r="${ref}" t="inlineStr"><is><t xml:space="preserve">${escapeXml(v)}</t></is></c>`;
        })
        .join('');
      return `<row r="${ri + 1}">${cs}</row>`;
    })
    .join('');
  return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>${body}</sheetData></worksheet>`;
}

/**
 * The statistics as an XLSX workbook (Office Open XML, one sheet, inline strings), zipped with fflate:
 * opens in Excel, WPS and LibreOffice without a spreadsheet library.
 */
export function statsToXlsx(s: CaseStats): Uint8Array {
  const rows: (string | number | null)[][] = [
    [`统计区间 / period`, s.from, s.to],
    COLUMNS.map(([h]) => h),
    ...allRows(s).map((r) => COLUMNS.map(([, f]) => f(r))),
  ];
  const files: Record<string, Uint8Array> = {
    '[Content_Types].xml': strToU8(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>`),
    '_rels/.rels': strToU8(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`),
    'xl/workbook.xml': strToU8(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="案件统计" sheetId="1" r:id="rId1"/></sheets></workbook>`),
    'xl/_rels/workbook.xml.rels': strToU8(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`),
    'xl/worksheets/sheet1.xml': strToU8(sheetXml(rows)),
  };
  return zipSync(files);
}
