-- how many projects use a core indicator (核心指标), by year and unit
SELECT year, unit, count(*) AS projects, count(*) FILTER (WHERE core_indicators > 0) AS with_core,
       sum(core_indicators) AS core_indicators
FROM projects
GROUP BY year, unit
ORDER BY year, unit;
