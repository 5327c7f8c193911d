export {
  WorkingCalendar,
  shanghaiDay,
  addDays,
  type CalendarOverride,
  type WorkingDaysResult,
} from './working-calendar.ts';
export {
  chineseDaysData,
  seedWorkingCalendar,
  loadWorkingCalendar,
  invalidateWorkingCalendar,
  getCalendarYear,
  setCalendarYear,
  type CalendarYear,
  type CalendarReplaced,
} from './calendar-repository.ts';
