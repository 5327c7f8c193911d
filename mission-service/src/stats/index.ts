export { getCaseStats, type CaseStats, type CaseStatsRow } from './case-stats.ts';
export { statsToCsv, statsToXlsx } from './export.ts';
export { getDetectionStats, chinaDays, type DetectionStats, type DetectionStatsRow } from './detection-stats.ts';
