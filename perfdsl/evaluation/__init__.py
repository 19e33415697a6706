"""The rest of the year: scoring a self-evaluation (自评表) and the traffic lights of a monitoring record (监控表).

Passes over the one AST, as the checks are: `score.score_project` turns a project's actuals into scores with
the arithmetic that made each, under a rule set (`rules`); `monitor.lights` turns a monitoring record into a
light per indicator. The checks (perfdsl/checks/evaluation.py), `perfdsl score` and the backends only read
what these return, so every figure has one source.
"""
