/** Park-local calendar facts for the demo generator: weekdays and China's 2025 holidays. */

export const DAY_MS = 86_400_000;

/** Day types that drive working patterns. */
export type DayType = 'workday' | 'saturday' | 'rest';

/**
 * Public holidays and swapped working days (调休) of 2025, per the State Council notice 国办发明电〔2024〕12号;
 * other years use plain weekends.
 */
const HOLIDAYS_2025 = [
  '2025-01-01',
  '2025-01-28',
  '2025-01-29',
  '2025-01-30',
  '2025-01-31',
  '2025-02-01',
  '2025-02-02',
  '2025-02-03',
  '2025-02-04',
  '2025-04-04',
  '2025-04-05',
  '2025-04-06',
  '2025-05-01',
  '2025-05-02',
  '2025-05-03',
  '2025-05-04',
  '2025-05-05',
  '2025-05-31',
  '2025-06-01',
  '2025-06-02',
  '2025-10-01',
  '2025-10-02',
  '2025-10-03',
  '2025-10-04',
  '2025-10-05',
  '2025-10-06',
  '2025-10-07',
  '2025-10-08',
];
const SWAPPED_WORKDAYS_2025 = ['2025-01-26', '2025-02-08', '2025-04-27', '2025-09-28', '2025-10-11'];
const toDayNumber = (date: string) => Date.parse(`${date}T00:00:00Z`) / DAY_MS;
const HOLIDAY_DAYS = new Set(HOLIDAYS_2025.map(toDayNumber));
const SWAPPED_DAYS = new Set(SWAPPED_WORKDAYS_2025.map(toDayNumber));

/** Monday = 0 … Sunday = 6 for a local day number (1970-01-01 was a Thursday). */
export const weekdayOf = (dayNumber: number): number => (((dayNumber + 3) % 7) + 7) % 7;

/** Whether a local day is a workday, a Saturday-like half day, or a rest day (Sunday or public holiday). */
export function dayTypeOf(dayNumber: number): DayType {
  if (HOLIDAY_DAYS.has(dayNumber)) return 'rest';
  if (SWAPPED_DAYS.has(dayNumber)) return 'workday';
  const weekday = weekdayOf(dayNumber);
  return weekday === 6 ? 'rest' : weekday === 5 ? 'saturday' : 'workday';
}
