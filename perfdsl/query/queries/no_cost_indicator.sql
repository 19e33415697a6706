-- projects without a cost indicator (no 二级 named 成本…)
SELECT p.unit, p.year, p.name AS project, p.file, p.line
FROM projects p
WHERE NOT EXISTS (SELECT 1 FROM indicators i
                  WHERE i.file = p.file AND i.project = p.name AND i.level2 LIKE '%成本%')
ORDER BY p.unit, p.year, p.name;
