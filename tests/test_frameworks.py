"""Builtin indicator frameworks and the framework loader."""

from __future__ import annotations

from pathlib import Path

import pytest

from perfdsl.frameworks import (
    DEFAULT_FRAMEWORK,
    Framework,
    FrameworkError,
    best_fit,
    builtin,
    builtin_names,
    load_framework,
    normalise,
)

BUILTINS = ["national-2013", "national-2015", "national-2021", "shanghai-2020", "shanghai-2025"]


def structure(fw: Framework) -> list[tuple[str, list[str]]]:
    return [(l1.name, l1.level2_names) for l1 in fw.level1]


def all_builtins() -> list[Framework]:
    return [builtin(n) for n in builtin_names()]


def test_builtin_names() -> None:
    assert builtin_names() == BUILTINS
    assert DEFAULT_FRAMEWORK in builtin_names()


@pytest.mark.parametrize("name", BUILTINS)
def test_builtins_built_without_validation_equal_validated_ones(name: str) -> None:
    # builtins skip pydantic's validation for start-up time; they must be exactly what validation makes
    path = Path(__import__("perfdsl.frameworks").frameworks.__file__).parent / f"{name}.toml"
    validated = load_framework(path)
    assert builtin(name) == validated
    assert repr(builtin(name)) == repr(validated)  # tuples where validation makes tuples, not lists
    assert [type(l1.level2) for l1 in builtin(name).level1] == [tuple] * len(validated.level1)


@pytest.mark.parametrize("name", BUILTINS)
def test_every_builtin_loads(name: str) -> None:
    fw = builtin(name)
    assert fw.name == name
    assert fw.title and fw.source
    # the unit: 单位, or in national tables the 实施单位 printed in its place
    assert "年度" in fw.required and ("总目标" in fw.required or ("总目标", "年度目标") in fw.required) and ({"单位"} & set(fw.required) or ("单位", "实施单位") in fw.required)
    assert builtin(name) is fw  # cached


def test_shanghai_2020() -> None:
    fw = builtin("shanghai-2020")
    assert structure(fw) == [
        ("投入与管理", ["投入管理", "财务管理", "实施管理"]),
        ("产出", ["数量", "质量", "时效", "成本"]),
        ("效果", ["社会效益", "满意度", "经济效益", "生态效益", "可持续影响"]),
        ("影响力", ["长效管理", "人力资源", "信息共享", "档案管理", "硬件条件", "部门协作", "制度建设"]),
    ]
    assert [l1.heading for l1 in fw.level1] == ["投入与管理", "产出目标", "效果目标", "影响力目标"]
    effect, impact = fw.level1[2], fw.level1[3]
    assert {l2.name for l2 in effect.level2 if l2.status == "confirmed"} == {"社会效益", "满意度"}
    assert {l2.name for l2 in impact.level2 if l2.status == "confirmed"} == {"长效管理", "人力资源"}
    assert impact.complete is False
    assert fw.required == (
        "单位", "年度", "类别", "开始", "完成", "政府购买服务", "绩效类型",
        "概况", "立项依据", "必要性", "保障措施", "实施计划", "总目标",
        "总预算", "当年预算",
    )


def test_national_2015() -> None:
    fw = builtin("national-2015")
    assert structure(fw) == [
        ("产出指标", ["数量指标", "质量指标", "时效指标", "成本指标"]),
        ("效益指标", ["经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标"]),
        ("满意度指标", ["服务对象满意度指标"]),
    ]
    assert fw.level1[1].level2[2].aliases == ("环境效益指标", "生态文明效益指标")
    assert fw.level1[2].level2[0].aliases == ("社会公众或服务对象满意度指标",)


def test_national_2013_has_satisfaction_under_benefit() -> None:
    fw = builtin("national-2013")
    assert structure(fw) == [
        ("产出指标", ["数量指标", "质量指标", "时效指标", "成本指标"]),
        ("效益指标", ["经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标", "社会公众或服务对象满意度指标"]),
    ]
    assert fw.match_level1("满意度指标") is None


def test_national_2021_puts_cost_first() -> None:
    fw = builtin("national-2021")
    assert fw.level1[0].name == "成本指标"
    assert structure(fw) == [
        ("成本指标", ["经济成本指标", "社会成本指标", "生态环境成本指标"]),
        ("产出指标", ["数量指标", "质量指标", "时效指标"]),
        ("效益指标", ["经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标"]),
        ("满意度指标", ["服务对象满意度指标"]),
    ]


@pytest.mark.parametrize("name", BUILTINS)
def test_headings_read_back(name: str) -> None:
    fw = builtin(name)
    for l1 in fw.level1:
        assert fw.match_level1(l1.heading) is l1


def test_normalise() -> None:
    assert normalise(" 数量 指标 ") == "数量"
    assert normalise("数量\u3000") == "数量"
    assert normalise("指标") == "指标"


def test_suffix_is_optional() -> None:
    national, shanghai = builtin("national-2015"), builtin("shanghai-2020")
    output = national.match_level1("产出")
    assert output is not None and output.name == "产出指标"
    quantity = output.match_level2("数量")
    assert quantity is not None and quantity.name == "数量指标"
    assert output.match_level2(" 数量指标 ") is quantity
    sh_output = shanghai.match_level1("产出指标")
    assert sh_output is not None and sh_output.name == "产出"
    assert sh_output.match_level2("质量指标") is sh_output.level2[1]


def test_aliases_match() -> None:
    shanghai = builtin("shanghai-2020")
    for alias, name in [("产出目标", "产出"), ("效果目标", "效果"), ("影响力目标", "影响力")]:
        l1 = shanghai.match_level1(alias)
        assert l1 is not None and l1.name == name
    benefit = builtin("national-2015").match_level1("效益指标")
    assert benefit is not None
    for alias in ["环境效益指标", "生态文明效益", "生态效益"]:
        l2 = benefit.match_level2(alias)
        assert l2 is not None and l2.name == "生态效益指标"
    assert benefit.match_level2("文化效益指标") is None
    assert builtin("national-2015").match_level1("投入与管理") is None


def test_suggestions() -> None:
    shanghai = builtin("shanghai-2020")
    assert shanghai.suggest_level1("影响") == ["影响力"]
    assert shanghai.suggest_level1("效果目标") == ["效果"]
    assert shanghai.suggest_level1("完全无关的名字") == []
    assert shanghai.suggest_level2("产出", "数良") == ["数量"]
    assert shanghai.suggest_level2(shanghai.level1[3], "长效管里") == ["长效管理"]
    assert shanghai.suggest_level2("不存在", "数量") == []
    benefit = builtin("national-2015").level1[1]
    assert benefit.suggest_level2("环境效益") == ["生态效益指标"]
    assert benefit.suggest_level2("环境效果指标")[0] == "生态效益指标"


def test_best_fit() -> None:
    candidates = all_builtins()
    fit = best_fit(["产出指标", "效益指标", "满意度指标"], candidates)
    assert fit is not None and fit.name == "national-2015"
    fit = best_fit(["投入与管理", "产出", "效果", "影响力"], candidates)
    assert fit is not None and fit.name == "shanghai-2020"
    fit = best_fit(["成本指标", "产出指标", "效益指标", "满意度指标"], candidates)
    assert fit is not None and fit.name == "national-2021"
    fit = best_fit(["产出指标", "效益指标"], candidates)
    assert fit is not None and fit.name == "national-2013"


def test_best_fit_none() -> None:
    candidates = all_builtins()
    assert best_fit(["无关"], candidates) is None
    assert best_fit([], candidates) is None
    assert best_fit(["产出"], []) is None
    # Same framework twice: a tie, so no suggestion.
    assert best_fit(["产出指标"], [builtin("national-2015"), builtin("national-2015")]) is None


USER_FRAMEWORK = """
name = "my-city-2024"
title = "某市项目支出绩效目标表"
source = "某市财政局 2024"
required = ["单位", "年度"]

[[level1]]
name = "产出指标"
aliases = ["产出目标"]

  [[level1.level2]]
  name = "数量指标"

  [[level1.level2]]
  name = "质量指标"
  status = "common"

[[level1]]
name = "效益指标"
heading = "效益目标"
complete = false
"""


def test_user_framework(tmp_path: Path) -> None:
    path = tmp_path / "my.toml"
    path.write_text(USER_FRAMEWORK, encoding="utf-8")
    fw = load_framework(path)
    assert fw.name == "my-city-2024"
    assert fw.required == ("单位", "年度")
    assert structure(fw) == [("产出指标", ["数量指标", "质量指标"]), ("效益指标", [])]
    output = fw.level1[0]
    assert output.heading == "产出指标"  # defaults to the name
    assert output.status == "confirmed" and output.complete is True
    assert output.level2[1].status == "common"
    assert fw.level1[1].heading == "效益目标" and fw.level1[1].complete is False
    assert fw.match_level1("产出目标") is output
    assert fw.match_level1("效益目标") is fw.level1[1]
    assert load_framework(str(path)) == fw
    with pytest.raises(Exception):
        fw.level1[0].name = "x"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("name = ", "invalid TOML"),
        ('name = "x"\ntitle = "t"\nsource = "s"\n', "level1"),
        ('name = "x"\ntitle = "t"\nsource = "s"\nlevel1 = []\n', "at least one"),
        ('name = "x"\ntitle = "t"\nsource = "s"\n[[level1]]\nname = "产出"\nstatus = "maybe"\n', "level1[0].status"),
        ('name = "x"\ntitle = "t"\nsource = "s"\n[[level1]]\nname = "产出"\nalias = ["a"]\n', "level1[0].alias"),
        ('name = "x"\ntitle = "t"\nsource = "s"\n[[level1]]\nname = "产出"\n[[level1]]\nname = "产出指标"\n',
         "both answer to"),
        ('name = "x"\ntitle = "t"\nsource = "s"\n[[level1]]\nname = "产出"\n'
         '[[level1.level2]]\nname = "数量"\n[[level1.level2]]\nname = "质量"\naliases = ["数量指标"]\n',
         "both answer to"),
    ],
)
def test_malformed_file(tmp_path: Path, text: str, fragment: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(FrameworkError) as info:
        load_framework(path)
    assert info.value.path == str(path)
    assert str(path) in str(info.value)
    assert fragment in info.value.message


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nope.toml"
    with pytest.raises(FrameworkError) as info:
        load_framework(path)
    assert info.value.path == str(path)
    assert "cannot read" in info.value.message


def test_unknown_builtin() -> None:
    with pytest.raises(FrameworkError) as info:
        builtin("national-2051")
    assert "national-2015" in info.value.message
