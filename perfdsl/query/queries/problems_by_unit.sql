-- errors and warnings of perfdsl check by unit, most errors first
SELECT unit, count(*) FILTER (WHERE severity = 'error') AS errors,
       count(*) FILTER (WHERE severity = 'warning') AS warnings
FROM diagnostics
GROUP BY unit
ORDER BY errors DESC, warnings DESC, unit;
