"""Tables pasted with their cells unmarked (spaces, a cell per line, one run of text): the guesses are said
where they are made, and `--strict` makes them errors."""

from __future__ import annotations

from perfdsl import ast
from perfdsl.diagnostics import Severity
from perfdsl.importers.documents import read_document
from perfdsl.syntax.values import write_target

HEAD = "项目支出绩效目标表\n（2024年度）\n项目名称 示范项目 实施单位 示范中心\n总体目标 完成示范工作。\n"


def _read(text: str, strict: bool = False) -> tuple[list[ast.Indicator], list[tuple[str, int, Severity]]]:
    read = read_document(text.encode("utf-8"), "表.txt", strict)
    said = [*read.diagnostics, *(d for one in read.imported for d in one.diagnostics)]
    indicators = [i for one in read.imported for l1 in one.spec.projects[0].sections for l2 in l1.sections
                  for i in l2.indicators]
    return indicators, [(d.code, d.span.line, d.severity) for d in said]


def _targets(indicators: list[ast.Indicator]) -> dict[str, str]:
    return {i.name: write_target(i.target) for i in indicators}


def test_a_cell_broken_over_the_next_line_is_joined_and_said() -> None:
    text = HEAD + ("一级指标 二级指标 三级指标 指标值\n产出指标 数量指标 培训人次 >=500人次\n"
                   "效益指标 社会效益指标 群众办事便利度 明显\n改善\n满意度指标 服务对象满意度指标 满意度 >=90%\n")
    indicators, said = _read(text)
    assert _targets(indicators) == {"培训人次": ">= 500人次", "群众办事便利度": "明显改善", "满意度": ">= 90%"}
    assert ("I150", 8, Severity.warning) in said
    _, strict = _read(text, strict=True)
    assert ("I150", 8, Severity.error) in strict


def test_a_figure_target_is_whole_so_the_next_line_goes_on_the_name() -> None:
    text = HEAD + "一级指标 二级指标 三级指标 指标值\n产出指标 数量指标 完成培训的 >=500人次\n学员人次\n"
    indicators, said = _read(text)
    assert _targets(indicators) == {"完成培训的学员人次": ">= 500人次"}
    assert ("I150", 7, Severity.warning) in said


def test_a_name_with_spaces_takes_the_cells_no_column_holds() -> None:
    text = HEAD + "一级指标 二级指标 三级指标 指标值 分值\n产出指标 数量指标 Python 课程 门数 >=3门 10\n"
    indicators, said = _read(text)
    assert _targets(indicators) == {"Python 课程 门数": ">= 3门"} and indicators[0].weight is not None
    assert ("I151", 6, Severity.warning) in said


def test_an_empty_cell_of_a_typed_column_is_left_out_not_shifted() -> None:
    # no 指标方向 and no 计量单位 for the 定性 row: its 分值 is still the 分值
    text = HEAD + ("一级指标 二级指标 三级指标 指标方向 指标值 计量单位 分值\n"
                   "产出指标 数量指标 培训人次 大于等于 500 人次 50\n效益指标 社会效益指标 便利度 明显改善 50\n")
    indicators, _ = _read(text)
    assert _targets(indicators) == {"培训人次": ">= 500人次", "便利度": "明显改善"}
    assert [i.weight.value if i.weight else None for i in indicators] == [50, 50]


def test_one_run_of_text_is_cut_by_names_targets_and_units() -> None:
    text = ("项目支出绩效目标表（2024年度）项目名称：示范项目实施单位：示范中心总体目标：完成示范工作。"
            "一级指标二级指标三级指标指标值产出指标数量指标培训人次≥500人次质量指标培训合格率≥95%"
            "时效指标完成时间2024年12月底前效益指标社会效益指标群众办事便利度明显改善"
            "满意度指标服务对象满意度指标学员满意度≥90%\n")
    indicators, said = _read(text)
    assert _targets(indicators) == {"培训人次": ">= 500人次", "培训合格率": ">= 95%", "完成时间": "<= 2024-12",
                                    "群众办事便利度": "明显改善", "学员满意度": ">= 90%"}
    assert not [s for s in said if s[2] is Severity.error], said


def test_a_figure_followed_by_no_known_unit_is_said() -> None:
    text = ("项目支出绩效目标表（2024年度）项目名称：示范项目实施单位：示范中心总体目标：完成示范工作。"
            "一级指标二级指标三级指标指标值产出指标数量指标发放手册≥500本质量指标合格率≥95%\n")
    indicators, said = _read(text)
    # 本 is no unit the list knows: the characters before the next cell (质量指标) are taken for it, and said
    assert _targets(indicators) == {"发放手册": ">= 500本", "合格率": ">= 95%"}
    assert ("I153", 1, Severity.warning) in said


def test_a_cell_per_line_rows_end_where_a_cell_fits_no_column() -> None:
    cells = ["一级指标", "二级指标", "三级指标", "指标值", "分值", "产出指标", "数量指标", "培训人次 |", ">=500人次",
             "20", "质量指标", "合格率", ">=95%", "20 |", "效益指标", "社会效益指标", "便利度", "明显改善",
             "满意度指标", "服务对象满意度指标", "学员满意度", ">=90%", "10"]
    indicators, said = _read(HEAD + "\n".join(cells) + "\n")
    assert _targets(indicators) == {"培训人次": ">= 500人次", "合格率": ">= 95%", "便利度": "明显改善",
                                    "学员满意度": ">= 90%"}
    assert [i.weight.value if i.weight else None for i in indicators] == [20, 20, None, 10]


def test_a_mapping_file_adds_units() -> None:
    from perfdsl.importers.tables import Vocabulary

    text = ("项目支出绩效目标表（2024年度）项目名称：示范项目实施单位：示范中心总体目标：完成示范工作。"
            "一级指标二级指标三级指标指标值产出指标数量指标巡航≥500架次质量指标合格率≥95%\n")
    read = read_document(text.encode("utf-8"), "表.txt", vocabulary=Vocabulary.load([{"units": {"known": ["架次"]}}]))
    assert [d.code for d in read.diagnostics] == []
    (one,) = read.imported
    assert _targets([i for l1 in one.spec.projects[0].sections for l2 in l1.sections for i in l2.indicators]) == {
        "巡航": ">= 500架次", "合格率": ">= 95%"}


def test_edited_unmarked_tables_never_raise_and_every_diagnostic_has_its_place() -> None:
    """Random edits of the three shapes (lines lost, doubled, swapped, characters changed, the text cut)."""
    import random

    from tests.import_mutations import check_import, mutate_text
    from tests.test_import_formats import unmarked

    seeds = [unmarked(shape) for shape in ("spaces", "cells", "run")]
    for i in range(150):
        rng = random.Random(f"unmarked-{i}")
        text = mutate_text(rng.choice(seeds), rng)
        read = read_document(text.encode("utf-8"), "fuzz.txt", strict=i % 3 == 0)
        said = [*read.diagnostics, *(d for one in read.imported for d in one.diagnostics)]
        check_import([one.spec for one in read.imported], said, "fuzz.txt", text)
