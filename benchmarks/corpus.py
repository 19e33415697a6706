"""Deterministic corpus of realistic specs for the benchmarks (seeded; no network, no data files).

Each project looks like the published ones: header fields, six prose sections of 100–400 characters,
a budget, and 20–40 indicators over the four 一级 sections with every kind of target.
"""

from __future__ import annotations

import random
from pathlib import Path

_PROSE = ("随着法院办案业务量的增加，办案人员的工作强度与工作压力也在不断增加。为进一步提升数字化办案业务能力，"
          "提升全院信息安全性，根据《关于加快建设智慧法院的意见》（法发〔2017〕12号）的要求，统筹安排资金使用，"
          "严格控制各类办案业务的单位成本，确保项目顺利实施，提高法院日常业务的工作效率2020年度。")
_WORDS = ["合理", "健全", "合规", "有效", "提升", "完善", "建立", "明确", "规范", "完备", "稳定"]
# Indicator names with the kinds of target real tables give them: every comparator, unit and word appears.
_STEMS: list[tuple[str, list[str]]] = [
    ("预算执行率", ["= 100%", ">= 95%", ">= 98.5%"]),
    ("支付及时率", ["= 100%", ">= 90%"]),
    ("资金使用合规性", _WORDS[:4]),
    ("运维工作完成率", ["= 100%", "> 95%"]),
    ("案件审结率", [">= 99%", "≥ 95%"]),
    ("全年累计收案数量", [">= 30,000件", "> 1200件", ">= 500人次"]),
    ("设备采购及时率", [">= 98%", "= 100%"]),
    ("人员流失率", ["<= 5%", "< 2%"]),
    ("人员到位率", ["= 100%"]),
    ("档案归档完整性", _WORDS[4:]),
    ("发生信息安全事故", ["= 0次", "<= 1次"]),
    ("运维响应时间", ["<= 24小时", "< 3天"]),
    ("结案平均经费成本", ["同比下降", "<= 1,500元"]),
]
_SATISFACTION = ("办案人员满意度", [">= 90%", ">= 95%", "≥ 85%"])
_SECTIONS = [
    ("投入与管理", ["投入管理", "财务管理", "实施管理"]),
    ("产出", ["数量", "质量", "时效", "成本"]),
    ("效果", ["社会效益", "满意度"]),
    ("影响力", ["长效管理", "人力资源"]),
]


def _prose(rng: random.Random) -> str:
    n = rng.randint(100, 400)
    start = rng.randrange(len(_PROSE))
    text = (_PROSE * 5)[start:start + n]
    return text


def _indicator(rng: random.Random, level2: str, serial: int) -> str:
    stem, targets = _SATISFACTION if level2 == "满意度" else (
        _STEMS[12] if level2 == "成本" else rng.choice(_STEMS[:12]))
    return f"{stem}{serial} {rng.choice(targets)}"


def project(rng: random.Random, index: int) -> str:
    lines = [f"项目 基准项目{index:05d} {{", "  类别 其他一次性项目", "  开始 2020-01-01", "  完成 2020-12-31",
             f"  政府购买服务 {rng.choice('是否')}", "  绩效类型 其他类", ""]
    total = rng.randint(100_000, 50_000_000)
    prior = total - rng.randint(0, 1000)
    lines += ["  预算 {", f"    总预算 {total:,}", f"    当年预算 {total:,}",
              f"    上年预算 {prior:,}", f"    上年执行 {prior - rng.randint(0, 5000):,}", "  }"]
    for key in ("概况", "立项依据", "必要性", "保障措施", "实施计划", "总目标"):
        text = _prose(rng)
        lines += ["", f'  {key} """'] + ["    " + text[i:i + 40] for i in range(0, len(text), 40)] + ['  """']
    count = rng.randint(20, 40)
    per_section = [count // 4 + (1 if i < count % 4 else 0) for i in range(4)]
    serial = 0
    for (level1, level2s), n in zip(_SECTIONS, per_section):
        lines += ["", f"  {level1} {{"]
        groups = [level2s[i % len(level2s)] for i in range(n)]
        for level2 in dict.fromkeys(groups):
            lines.append(f"    {level2} {{")
            for _ in range(groups.count(level2)):
                serial += 1
                lines.append(f"      {_indicator(rng, level2, serial)}")
            lines.append("    }")
        lines.append("  }")
    lines.append("}")
    return "\n".join(lines) + "\n"


def write_corpus(root: Path, projects: int, seed: int = 2020) -> list[Path]:
    """Write `projects` specs (one per file, 100 files a folder) under `root`; returns the files."""
    rng = random.Random(seed)
    files = []
    for i in range(projects):
        folder = root / f"unit{i // 100:03d}"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"p{i:05d}.perf"
        path.write_text("单位 基准单位\n年度 2020\n\n" + project(rng, i), encoding="utf-8")
        files.append(path)
    return files
