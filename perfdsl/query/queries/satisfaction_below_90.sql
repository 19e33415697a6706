-- 满意度 targets below 90 %
SELECT unit, year, project, name, target, file, line
FROM indicators
WHERE level2 LIKE '%满意度%' AND kind = 'quantitative' AND target_unit = '%' AND value < 90
ORDER BY unit, year, project, name;
