-- targets lowered (looser than last year) in projects whose 当年预算 went up
SELECT t.unit, t.project, t.new_year AS year, t.indicator, t.old, t.new,
       b.old_value AS last_budget, b.new_value AS budget, b.percent AS budget_percent
FROM changes t
JOIN changes b ON b.unit = t.unit AND b.project = t.project AND b.new_year = t.new_year
WHERE t.direction = 'lowered'
  AND b.kind = 'budget_changed' AND b.field = 'current' AND b.delta > 0
ORDER BY b.percent DESC, t.unit, t.project, t.indicator;
