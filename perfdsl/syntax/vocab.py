"""The language's words as data.

Every keyword, official label, English alias, comparator spelling and qualitative word lives here, so that
the scanner, the AST builder, `fmt`, the importer, the text backend and the docs read one table and cannot
drift apart. Identifiers in code are the English aliases, which are also the JSON keys.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["word", "year", "date", "flag", "text", "money", "number", "target", "term", "score"]


@dataclass(frozen=True)
class Key:
    """One key of the language: canonical Chinese spelling, official label, English alias, value kind."""

    canonical: str
    field: str
    kind: Kind
    official: str | None = None
    aliases: tuple[str, ...] = ()

    @property
    def spellings(self) -> tuple[str, ...]:
        extra = (self.official,) if self.official and self.official != self.canonical else ()
        return (self.canonical, self.field, *extra, *self.aliases)


# Header keys in the order of the official form; `fmt` prints them in this order.
HEADER_KEYS: tuple[Key, ...] = (
    Key("单位", "unit", "word", "申报单位名称", ("申报单位",)),
    Key("年度", "year", "year"),
    Key("框架", "framework", "word"),
    Key("主管部门", "department", "word", None, ("主管部门及编码", "主管部门代码")),
    Key("实施单位", "implementer", "word", None, ("项目单位", "预算单位")),
    Key("负责人", "manager", "word", "项目负责人", ("项目负责人及电话",)),
    Key("联系电话", "phone", "word"),
    Key("项目属性", "lifecycle", "word"),
    Key("类别", "category", "word", "项目类别"),
    Key("开始", "start", "date", "计划开始日期"),
    Key("完成", "end", "date", "计划完成日期"),
    Key("项目期", "term", "term", None, ("建设周期", "起止时间", "实施周期", "项目周期", "项目期限", "实施期限")),
    Key("政府购买服务", "purchase", "flag", "是否含有政府购买服务"),
    Key("绩效类型", "type", "word"),
    Key("填报单位", "filer", "word", None, ("填报单位（盖章）", "填报单位(盖章)")),
    Key("填表人", "preparer", "word"),
    Key("填报日期", "filed", "date"),
    # the self-evaluation (自评表) and monitoring (监控表) stages: see docs/language.md, "The year's cycle"
    Key("财务负责人", "finance_manager", "word"),
    Key("自评得分", "total_score", "number", None, ("总分",)),
    Key("监控月份", "as_of", "number", None, ("监控截至月份",)),
)

FORM_TEXT_KEYS: tuple[Key, ...] = (
    Key("概况", "overview", "text", "项目概况"),
    Key("立项依据", "basis", "text"),
    Key("必要性", "necessity", "text", "项目设立的必要性"),
    Key("保障措施", "measures", "text", "保证项目实施的制度、措施", ("保证项目实施的制度措施",)),
    Key("实施计划", "plan", "text", "项目实施计划"),
    Key("总目标", "goals", "text", "总目标及阶段性目标", ("总体目标", "项目总体目标")),
    # national forms of multi-year projects set goals for the whole period and for the year apart
    Key("中期目标", "midterm_goals", "text", None, ("实施期目标", "中长期目标", "长期目标")),
    Key("年度目标", "annual_goals", "text", None, ("本年度目标", "年度总体目标")),
)

CONCLUSION_KEYS: tuple[Key, ...] = (
    # the form's 年度总体目标 row sets 预期目标 (the goals) beside 实际完成情况 (this)
    Key("目标完成情况", "achieved", "text", "实际完成情况", ("总体目标完成情况", "年度目标完成情况")),
    Key("评价结论", "conclusion", "text", None, ("自评结论", "结论")),
    Key("存在问题", "problems", "text", None, ("存在的问题",)),
    Key("改进措施", "improvements", "text", None, ("整改措施", "改进建议")),
)
"""The prose of the 自评表 after the indicator table."""

TEXT_KEYS: tuple[Key, ...] = FORM_TEXT_KEYS + CONCLUSION_KEYS

# The official labels carry the unit （元）; people also write them without it or with ASCII brackets.
BUDGET_KEYS: tuple[Key, ...] = (
    # national forms: 中期 (实施期) 资金总额 is the whole project's money, 年度资金总额 this year's; only labels
    # in 元 are read as these keys (a figure under a 万元 label would be read as 元)
    Key("总预算", "total", "money", "项目总预算（元）", ("项目总预算", "项目总预算(元)", "中期资金总额", "中期资金总额（元）",
                                              "中期资金总额(元)", "实施期资金总额", "实施期资金总额（元）", "实施期资金总额(元)")),
    Key("当年预算", "current", "money", "项目当年预算（元）", ("项目当年预算", "项目当年预算(元)", "年度资金总额",
                                                "年度资金总额（元）", "年度资金总额(元)", "年初预算数", "年初预算")),
    Key("上年预算", "prior", "money", "同名项目上年预算额（元）", ("同名项目上年预算额", "同名项目上年预算额(元)")),
    Key(
        "上年执行",
        "prior_executed",
        "money",
        "同名项目上年预算执行数（元）",
        ("同名项目上年预算执行数", "同名项目上年预算执行数(元)"),
    ),
    # monitoring (监控表), as of 监控月份
    Key("执行数", "executed_to_date", "money", "1-N月执行数", ("截至执行数",)),
    Key("预计执行", "forecast_executed", "money", "全年预计执行数", ("全年预计执行",)),
    # the year's execution (自评表): 年初预算数 is 当年预算; 执行率 = 全年执行 / 全年预算 (B/A)
    Key("全年预算", "full_year", "money", "全年预算数（A）", ("全年预算数", "全年预算数(A)", "调整后预算数", "调整后预算")),
    Key("全年执行", "executed", "money", "全年执行数（B）", ("全年执行数", "全年执行数(B)")),
)

# Optional per-indicator attributes of the national tables.
FORM_ATTRIBUTE_KEYS: tuple[Key, ...] = (
    # forms of multi-year projects set the whole period's target beside the year's (two trees side by side)
    Key("中期", "midterm", "target", "中期指标值", ("实施期指标值", "长期指标值", "中期目标值", "实施期目标值")),
    Key("分值", "weight", "number", None, ("权重",)),
    Key("性质", "nature", "word", "指标性质"),
    Key("标准", "standard", "word", "绩效标准", ("指标值确定依据",)),
    Key("解释", "explanation", "text", "指标解释", ("绩效指标描述", "指标说明")),
    Key("方向", "direction", "word", "指标方向", ("指标方向性",)),
    Key("计量单位", "measure", "word", None, ("度量单位",)),
    Key("评分标准", "scoring", "word", "评（扣）分标准", ("扣分标准",)),
    Key("备注", "remark", "word"),
    Key("核心", "core", "flag", "核心指标"),
)

NOT_APPLICABLE = "不适用"
"""The key, and what a 自评表 writes in the 实际完成值 or 得分 cell of an indicator that drops out."""
ACTUAL_KEYS: tuple[Key, ...] = (
    # a target changed during the year: the indicator's own target stays the 年初指标值
    Key("调整后", "adjusted", "target", "调整后指标值", ("调整后目标值",)),
    Key("实际", "actual", "target", "实际完成值", ("全年实际值", "完成值", "实际值", "全年实际完成值")),
    Key("得分", "score", "number", None, ("自评得分数",)),
    # a 定性 indicator's grade, whose band the evaluator's 得分 must fall in
    Key("等级", "grade", "word", "完成等级", ("评价等级",)),
    Key(NOT_APPLICABLE, "not_applicable", "flag"),
    Key("偏差原因", "reason", "text", "偏差原因分析及改进措施", ("未完成原因", "未完成原因分析", "偏差原因分析",
                                                      "原因分析")),
)
"""What the 自评表 adds to an indicator (and, for 得分 and 偏差原因, to the 预算 block)."""

MONITOR_KEYS: tuple[Key, ...] = (
    Key("完成情况", "progress", "target", "1-N月完成情况", ("截至完成情况",)),
    Key("预计完成", "forecast", "target", "全年预计完成情况", ("全年预计完成",)),
    Key("原因类别", "cause", "word", "偏差原因类别", ("偏差类别",)),
    Key("可能性", "likelihood", "word", "完成目标可能性", ("完成可能性",)),
    Key("整改", "rectify", "flag", "是否需要整改"),
)
"""What the 监控表 adds to an indicator, as of the project's 监控月份."""

# in the order of the year: the target's attributes, then July's monitoring, then the self-evaluation's
ATTRIBUTE_KEYS: tuple[Key, ...] = FORM_ATTRIBUTE_KEYS + MONITOR_KEYS + ACTUAL_KEYS

ATTRIBUTE_FIELDS = tuple(k.field for k in ATTRIBUTE_KEYS)

PROJECT_WORDS = ("项目", "project")
PROJECT_NAME_LABEL = "项目名称"

# --- the fixed words of the printed forms (text, HTML and Markdown backends) ---
FORM_TITLE = "财政项目支出绩效目标表"
"""Title of the Shanghai form (the seed document); national tables print NATIONAL_FORM_TITLE."""
NATIONAL_FORM_TITLE = "项目支出绩效目标表"
YEAR_LINE = "（{year}年度）"
BUDGET_HEADING = "本项目上年度市级财政资金使用情况"
NATIONAL_BUDGET_HEADING = "项目资金情况"
GOALS_HEADING = "{year}年绩效目标"
GOALS_HEADING_NO_YEAR = "绩效目标"
COLUMN_HEADINGS = ("一级目标", "二级目标", "三级目标", "指标目标值")
NATIONAL_COLUMN_HEADINGS = ("一级指标", "二级指标", "三级指标", "指标值")
NATIONAL_LABELS = {"total": "中期资金总额（元）", "current": "年度资金总额（元）", "goals": "总体目标"}
"""What the national forms call 总预算, 当年预算 and 总目标 (each reads back as its key)."""
YEAR_TARGET_HEADING = "年度指标值"
"""The target column's heading when a 中期指标值 column stands beside it."""
SOURCES_LABEL = "其中："
"""Printed before the first source of the year's funds."""
EXECUTION_HEADING = "预算执行情况"
"""The heading of the 自评表's and 监控表's budget rows (with the unit of their figures: `（元）`)."""
BUDGET_WORDS = ("预算", "budget")
LEVEL1_WEIGHT_KEY = Key("分值", "weight", "score")
"""A 分值 in a 一级 block: the points of the whole 一级, a number or a range (`40-50`)."""
SOURCES_WORDS = ("其中", "资金来源")
"""The block of 预算 that lists the sources of the year's funds (the forms' `其中：财政拨款 …`)."""
SOURCE_WORDS = ("财政拨款", "本年财政拨款", "财政资金", "上级资金", "上级补助", "其他资金", "自有资金", "事业收入",
                "单位资金", "财政专户管理资金", "政府性基金")
"""Sources of funds the forms print (completion offers them; any other name is kept as written)."""
BUDGET_WEIGHT_KEY = Key("分值", "weight", "number", "预算执行分值")
"""A 分值 in the 预算 block: the weight of 预算执行, outside the indicator tree. Written `分值` as an indicator's
is (the block says which), printed and imported under its own label."""

# Keys that may stand at file level and then apply to every project of the file.
FILE_LEVEL_FIELDS = ("unit", "year", "framework")

ALL_KEYS: tuple[Key, ...] = HEADER_KEYS + TEXT_KEYS + BUDGET_KEYS + ATTRIBUTE_KEYS
BUDGET_ATTRIBUTE_KEYS = tuple(k for k in ACTUAL_KEYS if k.field in ("score", "reason"))
"""Attributes the 预算 block takes too: the 得分 of 预算执行 and the reason its 执行率 fell short."""
BUDGET_ATTRIBUTE_FIELDS = tuple(k.field for k in BUDGET_ATTRIBUTE_KEYS)
GRADE_WORDS = ("达成", "部分达成并具有一定效果", "未达成且效果较差")
"""A 定性 indicator's grades, best first (the bands of its 得分 are the rule set's)."""
GRADE_ALIASES = {"部分达成": "部分达成并具有一定效果", "未达成": "未达成且效果较差"}
CAUSE_WORDS = ("经费保障", "制度保障", "人员保障", "硬件保障", "其他")
LIKELIHOOD_WORDS = ("确定能", "有可能", "完全不可能")
EXECUTION_SOURCE_WORDS = {"调整": "adjusted_sources", "执行": "executed_sources"}
"""Blocks of 预算 giving 全年预算 (A) and 全年执行 (B) per source, as 其中 gives 年初预算."""
KEY_BY_SPELLING: dict[str, Key] = {s: k for k in ALL_KEYS for s in k.spellings}
KEY_BY_FIELD: dict[str, Key] = {k.field: k for k in ALL_KEYS}

FLAG_WORDS = {"是": True, "否": False, "yes": True, "no": False, "true": True, "false": False}
FLAG_SPELLING = {True: "是", False: "否"}

# Comparator spellings found in real documents, mapped to the canonical ASCII form. Longest first so that
# `>=` is never read as `>` followed by `=`.
COMPARATORS: dict[str, str] = {
    ">=": ">=", "<=": "<=", "≥": ">=", "≤": "<=", "⩾": ">=", "⩽": "<=",
    "＞＝": ">=", "＜＝": "<=", "＞=": ">=", "＜=": "<=", ">＝": ">=", "<＝": "<=",
    "=": "=", "＝": "=", ">": ">", "<": "<", "＞": ">", "＜": "<",
    "==": "=",
}

# Unit spellings normalised to one form; any other unit is kept as written.
UNIT_ALIASES = {"％": "%", "百分比": "%", "百分之": "%"}

# Qualitative target words seen in published tables (used for completion and the vocabulary check).
QUALITATIVE_WORDS = (
    "合理", "健全", "合规", "有效", "提升", "提高", "完善", "建立", "明确", "规范", "完备", "稳定", "及时",
    "达标", "良好", "显著", "持续", "同比上升", "同比下降", "逐步提升", "有所提升", "持续影响", "长期",
    # phrases the real tables use as often as the words above
    "优良", "效果明显", "明显改善", "显著提升", "有效提升", "持续改善", "巩固提高", "控制在预算内", "不超预算",
    "符合相关规定", "全面覆盖",
)

# Money units: the AST stores 元.
MONEY_UNITS = {"元": 1, "万元": 10000}


def lookup_key(word: str) -> Key | None:
    """Return the key a spelling (canonical, official label or English alias) stands for."""
    return KEY_BY_SPELLING.get(word)


def key_spellings() -> list[str]:
    """Return every spelling of every key (for did-you-mean suggestions)."""
    return list(KEY_BY_SPELLING)


# Comparators written as words, before the number (不低于90%) or after it (95%以上).
COMPARATOR_WORDS = {
    "大于等于": ">=", "大于或等于": ">=", "不低于": ">=", "不少于": ">=", "不小于": ">=",
    "小于等于": "<=", "小于或等于": "<=", "不高于": "<=", "不超过": "<=", "不大于": "<=", "不多于": "<=",
    "等于": "=", "大于": ">", "高于": ">", "超过": ">", "小于": "<", "低于": "<",
}
DEADLINE_WORDS = {"不晚于": "<=", "不迟于": "<=", "截至": "<=", "截止": "<="}
"""Comparators only a date takes (`不晚于2022年12月31日`)."""
COMPARATOR_SUFFIXES = {"及以上": ">=", "以上": ">=", "及以下": "<=", "以下": "<=", "以内": "<="}

# --- words the semantic checks (perfdsl/checks/) look for ---
# Names of an indicator that states the whole project's cost, compared with 当年预算.
TOTAL_COST_NAMES = ("项目成本", "项目总成本", "总成本", "项目支出成本", "项目支出总成本", "项目成本总额", "成本总额")
# A rate whose name says it measures a change may exceed 100% or be negative.
CHANGE_RATE_WORDS = ("增长率", "下降率", "增长", "下降", "降低率", "上升率", "提升率", "增幅", "降幅", "变化率",
                     "变动率", "减少率")
SECTION_WORD_COST = "成本"
SECTION_WORD_TIMELINESS = "时效"
SATISFACTION_WORDS = ("满意度", "满意率")
RATE_ENDING = "率"
NATURE_WORDS = {"正向": ">", "反向": "<"}
"""性质 of an indicator: 正向 targets are floors (more is better), 反向 targets are caps."""
NATURE_KINDS = ("定量", "定性")
"""The other 性质 forms write: whether the target is a number or a word (no direction)."""
STANDARD_WORDS = ("计划标准", "行业标准", "历史标准", "预算支出标准", "其他标准")
DIRECTION_WORDS = ("正向", "反向", "大于等于", "小于等于", "等于", "大于", "小于")
"""指标方向 as forms write it (completion offers them; any other word is kept as written)."""
LIFECYCLE_WORDS = ("新增", "延续", "一次性")
"""项目属性 as forms write it."""
SUPPRESS_MARK = "perfdsl:"
SUPPRESS_WORD = "ignore"
