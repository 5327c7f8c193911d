/**
 * China Standard Time, the one place its offset lives: Asia/Shanghai is UTC+8 all year (no daylight saving since
 * 1991), so working days, daily statistics and Open311 timestamps compute it without a time-zone database. The
 * SQL side has the same constant in `case_stats_day_no` (migration 005).
 */
import { CHINA_ISO_OFFSET } from '../contract/paging.ts';

export const CHINA_OFFSET_MS = 8 * 3_600_000;
export const DAY_MS = 86_400_000;

/** The China calendar date (`YYYY-MM-DD`) of an instant. */
export function chinaDate(at: Date): string {
  return new Date(at.getTime() + CHINA_OFFSET_MS).toISOString().slice(0, 10);
}

/** The China wall-clock time of an instant, as a Date whose UTC fields read it. */
export function chinaWallClock(at: Date): Date {
  return new Date(at.getTime() + CHINA_OFFSET_MS);
}

/** The instant of a China wall-clock time given as UTC fields (the inverse of {@link chinaWallClock}). */
export function fromChinaWallClock(wall: number): Date {
  return new Date(wall - CHINA_OFFSET_MS);
}

/** W3C / ISO 8601 in China time, e.g. 2026-02-13T10:00:00+08:00 (Open311's datetimes). */
export function w3cChina(at: Date): string {
  return `${chinaWallClock(at).toISOString().slice(0, 19)}${CHINA_ISO_OFFSET}`;
}
