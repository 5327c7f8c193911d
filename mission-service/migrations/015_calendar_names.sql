-- A working day moved to a weekend (调休上班) is named by its holiday alone, as a holiday is: the row's is_workday
-- says the rest. Seeded names were "元旦 / New Year's Day 调休上班 / adjusted working day", two "中文 / English"
-- pairs in one, which the page could not show in one language.
UPDATE working_calendar
SET name = left(name, length(name) - length(' 调休上班 / adjusted working day'))
WHERE source = 'chinese-days' AND is_workday AND name LIKE '% 调休上班 / adjusted working day';
