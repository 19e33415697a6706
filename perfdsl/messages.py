"""The message catalogue: every sentence perfdsl prints, in Chinese (default) and English.

Keeping both languages side by side in one table is what stops them drifting; a test checks that every key
has both and that both take the same placeholders. Keys are diagnostic codes (`P002`), their hints
(`P002.hint`) and a few labels.
"""

from __future__ import annotations

import string
from typing import Any

_MISSING: Any = object()

CATALOGUE: dict[str, tuple[str, str]] = {
    # labels
    "severity.error": ("错误", "error"),
    "severity.warning": ("警告", "warning"),
    "severity.info": ("提示", "info"),
    "label.hint": ("建议", "hint"),
    "summary.clean": ("检查通过：{files} 个文件，{projects} 个项目", "ok: {files} files, {projects} projects"),
    "summary.found": ("{files} 个文件，{projects} 个项目：{errors} 个错误，{warnings} 个警告",
                      "{files} files, {projects} projects: {errors} errors, {warnings} warnings"),
    "cli.no_files": ("没有找到 .perf 文件：{path}", "no .perf files found: {path}"),
    "cli.not_found": ("路径不存在：{path}", "no such file or folder: {path}"),
    # words for what the parser expected
    "expect.VALUE": ("值", "a value"),
    "expect.STRING": ("带引号的文字", "a quoted string"),
    "expect.TEXT": ('文本块 """…"""', 'a text block """…"""'),
    "expect.NAME": ("名称", "a name"),
    "expect.KEY": ("字段名（如 类别、开始）", "a key (such as 类别 or 开始)"),
    "expect.PROJECT": ("“项目 名称 {{”", "`项目 name {{`"),
    "expect.BUDGET": ("“预算 {{”", "`预算 {{`"),
    "expect.LBRACE": ("“{{”", "`{{`"),
    "expect.RBRACE": ("“}}”", "`}}`"),
    "expect._NL": ("行尾", "the end of the line"),
    "expect.$END": ("文件结尾", "the end of the file"),
    "token.VALUE": ("“{text}”", "`{text}`"),
    "token.STRING": ("“\"{text}\"”", '`"{text}"`'),
    "token.TEXT": ("文本块", "a text block"),
    "token.NAME": ("“{text}”", "`{text}`"),
    "token.KEY": ("“{text}”", "`{text}`"),
    "token.PROJECT": ("“{text}”", "`{text}`"),
    "token.BUDGET": ("“{text}”", "`{text}`"),
    "token.LBRACE": ("“{{”", "`{{`"),
    "token.RBRACE": ("“}}”", "`}}`"),
    "token._NL": ("行尾", "the end of the line"),
    "token.$END": ("文件结尾", "the end of the file"),
    # parse and load diagnostics
    "P000": ("无法读取文件：{reason}", "cannot read the file: {reason}"),
    "P000.utf8": ("文件不是 UTF-8 编码：第 {offset} 字节（{byte}）无法解码；看起来像 {guess} 编码",
                  "the file is not UTF-8: byte {offset} ({byte}) cannot be decoded; it looks like {guess}"),
    "P000.utf8.hint": ("请另存为 UTF-8，或用 --encoding {guess} 指定编码",
                       "save it as UTF-8, or give its encoding with --encoding {guess}"),
    "P000.utf16": ("文件是 UTF-16 编码，perfdsl 只读 UTF-8", "the file is UTF-16; perfdsl reads UTF-8"),
    "P000.utf16.hint": ("请另存为 UTF-8，或用 --encoding utf-16 指定编码",
                        "save it as UTF-8, or give --encoding utf-16"),
    "P000.encoding": ("无法按 {encoding} 解码：{reason}", "cannot decode as {encoding}: {reason}"),
    "P001": ("此处不应出现{found}，应为{expected}", "unexpected {found}; expected {expected}"),
    "P002": ("指标“{name}”后缺少目标值", "the indicator `{name}` has no target"),
    "P002.hint": ("在指标名称后写目标值，例如 “>= 90%”、“= 100%” 或 “合理”",
                  "write a target after the indicator name, such as `>= 90%`, `= 100%` or a word such as `合理`"),
    "P003": ("文件结尾缺少 {count} 个“}}”：第 {line} 行打开的“{{”没有关闭",
             "{count} `}}` missing at the end of the file: the `{{` opened on line {line} is never closed"),
    "P003.opened": ("“{{”在这里打开", "the `{{` was opened here"),
    "P003.culprit": ("可能是这里的“{{”缺少对应的“}}”（缩进不一致）",
                     "probably this `{{` lacks its `}}` (the indentation does not match)"),
    "P003.hint": ("在块的末尾加上“}}”", "add a `}}` at the end of the block"),
    "P004": ("多余的“}}”：前面没有与之对应的“{{”", "stray `}}`: no `{{` is open here"),
    "P004.hint": ("删除这个“}}”，或检查上面是否漏写了“{{”", "delete this `}}`, or look for a missing `{{` above"),
    "P005": ('文本块没有结束：这里的 """ 之后没有找到结束的 """',
             'unclosed text block: no closing """ after the """ opened here'),
    "P005.hint": ('在文本末尾单独一行写 """', 'end the text with """ on a line of its own'),
    "P006": ("未知的字段“{name}”", "unknown key `{name}`"),
    "P006.hint": ("是否想写{suggestion}？", "did you mean {suggestion}?"),
    "quoted": ("“{text}”", "`{text}`"),
    "P007": ("日期“{value}”无法识别", "`{value}` is not a date"),
    "P007.hint": ("日期写作 年-月-日，例如 2020-01-01", "write dates as YYYY-MM-DD, for example 2020-01-01"),
    "P008": ("年度“{value}”无法识别", "`{value}` is not a year"),
    "P008.hint": ("年度写作四位数字，例如 2020", "write the year as four digits, for example 2020"),
    "P009": ("金额“{value}”无法识别", "`{value}` is not an amount of money"),
    "P009.hint": ("金额写作数字，可带千分位逗号和单位 元/万元，例如 10,144,000",
                  "write money as a number with optional thousands commas and 元 or 万元, e.g. 10,144,000"),
    "P010": ("指标“{name}”的目标值“{value}”无法识别", "the target `{value}` of `{name}` cannot be read"),
    "P010.hint": ("目标值写作 比较符+数字+单位（如 >= 90%、<= 24小时）或一个词（如 合理、同比下降）；含空格的名称请加引号",
                  "write a comparator, a number and a unit (`>= 90%`, `<= 24小时`) or one word (`合理`, "
                  "`同比下降`); quote names that contain spaces"),
    "P011": ("“{field}”应为 是 或 否，而不是“{value}”", "`{field}` must be 是 or 否, not `{value}`"),
    "P012": ("字段“{field}”重复出现，第 {line} 行已经写过", "`{field}` is given twice; it was already given on line {line}"),
    "P012.hint": ("删除其中一行", "delete one of the two lines"),
    "P013": ("指标“{name}”必须写在二级目标（如 数量 {{ … }}）之内",
             "the indicator `{name}` must stand inside a level-2 section (such as 数量 {{ … }})"),
    "P014": ("“{name}”的层级不对：{where}", "`{name}` is at the wrong level: {where}"),
    "P014.project": ("项目只能写在文件顶层", "a project can only stand at the top of the file"),
    "P014.section": ("这里只能写一级目标之内的二级目标和二级目标之内的指标，目标最多两层",
                     "sections nest two levels deep: level-1 sections in a project, level-2 sections in them"),
    "P014.top": ("一级目标必须写在“项目 名称 {{ … }}”之内", "sections must stand inside a `项目 name {{ … }}` block"),
    "P014.budget": ("“预算 {{ … }}”只能写在项目之内", "a `预算 {{ … }}` block can only stand inside a project"),
    "P014.key": ("“{name}”不能写在这里", "`{name}` cannot stand here"),
    "P015": ("“{field}”后缺少值", "`{field}` has no value"),
    "P015.hint": ("例如：{example}", "for example: {example}"),
    "P016": ("引号没有闭合", "the quoted string is not closed"),
    "P016.hint": ('在结尾加上 "；文字中的引号写作 \\"', 'add the closing "; write a quote inside as \\"'),
    "P017": ("行尾多出了“{text}”", "unexpected `{text}` at the end of the line"),
    "P017.hint": ("一行只写一项；注释以 # 开头", "one item per line; comments start with #"),
    "P018": ("项目缺少名称", "the project has no name"),
    "P018.hint": ("写作：项目 审判辅助人员经费 {{", "write: 项目 审判辅助人员经费 {{"),
    "P019": ("“{field}”是{kind}，不能写在{where}", "`{field}` is {kind} and cannot stand {where}"),
    "P019.hint": ("{fix}", "{fix}"),
    "P020": ("全角字符已按半角理解：“{value}” → “{normal}”", "full-width characters read as half-width: `{value}` -> `{normal}`"),
    "P021": ("文件中没有项目", "the file has no project"),
    "P021.hint": ("写一个项目：项目 名称 {{ … }}", "add a project: 项目 name {{ … }}"),
    "P022": ("“{field}”应为一个词或一行文字，不是文本块", "`{field}` takes a word or one line, not a text block"),
    "P023": ("名称中有不可见字符（{chars}），已删除", "invisible characters ({chars}) removed from a name"),
    "I001": ("无法归入表格的行：“{text}”", "a line that fits nowhere in the table: `{text}`"),
    "I001.hint": ("检查它前面是否缺少一级或二级目标的标题", "check whether a level-1 or level-2 heading is missing above it"),
    "I002": ("指标名称“{text}”之后没有找到目标值", "no target found after the indicator name `{text}`"),
    "I003": ("把“{name}”当作二级目标读入（框架中没有这个名称）",
             "read `{name}` as a level-2 heading (the framework does not list it)"),
    "I003.hint": ("核对原表；--strict 会把这种推测当作错误", "check the original table; --strict makes such guesses errors"),
    "I004": ("无法读取：“{text}”", "cannot read `{text}`"),
    "I005": ("没有找到“财政项目支出绩效目标表”", "no table titled 财政项目支出绩效目标表 was found"),
    # fmt and import
    "fmt.would_change": ("需要格式化：{path}", "would reformat: {path}"),
    "fmt.changed": ("已格式化：{path}", "reformatted: {path}"),
    "fmt.bad_width": ("--width 至少为 20", "--width must be at least 20"),
    "import.wrote": ("已写入：{path}（{projects} 个项目）", "wrote: {path} ({projects} projects)"),
    "import.exists": ("文件已存在且内容不同：{path}（用 --force 覆盖）",
                      "file exists with other content: {path} (use --force to overwrite)"),
    "import.nothing": ("没有写入任何文件", "no file written"),
    "X000": ("内部错误：检查 {check} 失败（{reason}）；请报告此问题", "internal error: check {check} failed ({reason}); please report it"),
    "where.file": ("文件顶层", "at the top of the file"),
    "where.project": ("项目之内", "inside a project"),
    "where.budget": ("“预算”块之内", "inside the 预算 block"),
    "where.section": ("目标之内", "inside a section"),
    "where.indicator": ("指标之内", "inside an indicator"),
    "kind.header": ("项目字段", "a project field"),
    "kind.text": ("文字说明", "a prose section"),
    "kind.money": ("预算金额", "a budget figure"),
    "kind.attribute": ("指标属性", "an indicator attribute"),
    "fix.header": ("把它写在项目之内（单位、年度、框架也可写在文件顶层）",
                   "put it inside the project (单位, 年度 and 框架 may also stand at the top of the file)"),
    "fix.text": ("把它写在项目之内", "put it inside the project"),
    "fix.money": ("把它写在项目的“预算 {{ … }}”块之内", "put it inside the project's 预算 {{ … }} block"),
    "fix.attribute": ("把它写在指标后的“{{ … }}”之内，例如：项目成本 <= 65万元 {{ 分值 10 }}",
                      "put it in the braces after an indicator, e.g. 项目成本 <= 65万元 {{ 分值 10 }}"),
    "example.word": ("类别 其他一次性项目", "类别 其他一次性项目"),
    "example.year": ("年度 2020", "年度 2020"),
    "example.date": ("开始 2020-01-01", "开始 2020-01-01"),
    "example.flag": ("政府购买服务 是", "政府购买服务 是"),
    "example.text": ('概况 """ … """', '概况 """ … """'),
    "example.money": ("总预算 10,144,000", "总预算 10,144,000"),
    "example.number": ("分值 10", "分值 10"),
}


class Phrase:
    """A catalogue entry used as an argument of another: rendered in the reader's language at print time."""

    __slots__ = ("key", "args")

    def __init__(self, key: str, **args: Any) -> None:
        self.key, self.args = key, args

    def render(self, lang: str) -> str:
        return str(say(self.key, lang, **self.args))

    def __repr__(self) -> str:
        return f"Phrase({self.key!r})"


class AnyOf(tuple):  # type: ignore[type-arg]
    """Alternatives rendered as one phrase: `值 或 “{”` / `a value or `{``."""

    def render(self, lang: str) -> str:
        return (" or " if lang == "en" else " 或 ").join(p.render(lang) for p in self)


def say(key: str, lang: str = "zh", default: Any = _MISSING, **args: Any) -> Any:
    """Return the catalogue sentence for `key` in `lang`, filled with `args`."""
    entry = CATALOGUE.get(key)
    if entry is None:
        if default is not _MISSING:
            return default
        raise KeyError(key)
    text = entry[1] if lang == "en" else entry[0]
    return text.format(**{k: v.render(lang) if hasattr(v, "render") else v for k, v in args.items()})


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}
