-- floors set below what the same indicator reached the year before
SELECT t.unit, t.project, t.year, t.name, t.target, a.actual AS last_actual, t.file, t.line
FROM indicators t
JOIN indicators a ON a.unit = t.unit AND a.project = t.project AND a.name = t.name AND a.year = t.year - 1
WHERE t.comparator IN ('>=', '>') AND a.actual_unit = t.target_unit AND t.value < a.actual_value
ORDER BY t.unit, t.project, t.year, t.name;
