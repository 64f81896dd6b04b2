"""Rubrics the limit and facts tests share with the benchmarks: any size, and a few small ones."""

from __future__ import annotations

# Each form is one indicator worth 4 points: its facts, then its lines. {i} is its number.
_FORMS = (
    (
        'fact b{i}: bool "制度{i}已建立"\nfact c{i}: count "检查{i}次数" unit "次"\n',
        "  +2 if b{i}   # 制度健全\n  +2 if c{i} >= 3 and b{i}\n",
    ),
    (
        'fact d{i}: count "拨付{i}所用工作日数" unit "个工作日"\n',
        "  points by d{i}:\n    <= 20 -> 4\n    <= 30 -> 2\n    otherwise -> 0\n",
    ),
    (
        'fact s{i}: set of {{living "生活救助", education "子女助学", medical "医疗救助", '
        'other "其他"}} "已量化的项目{i}"\n',
        "  +1 for each of s{i}, at most 4\n",
    ),
    (
        'fact a{i}: count "实际帮扶户数{i}" unit "户"\n'
        'fact t{i}: count >= 1 "帮扶目标任务数{i}" unit "户"\n',
        '  let r{i} "完成率{i}" = a{i} / t{i} * 100 unit "%"\n  start from full marks\n'
        "  -0.5 per 1 of r{i} short of 100, proportionally\n",
    ),
)
POINTS = 4  # what each indicator is worth


def rubric_text(indicators: int, per_group: int = 10) -> str:
    """A valid rubric of `indicators` indicators, `per_group` to a group, every form in turn."""
    facts, body = [], []
    groups = -(-indicators // per_group)
    for g in range(groups):
        members = range(g * per_group, min(indicators, (g + 1) * per_group))
        body.append(f'\ngroup g{g} "第{g}组" max {POINTS * len(members)}\n')
        for i in members:
            declared, lines = _FORMS[i % len(_FORMS)]
            facts.append(declared.format(i=i))
            body.append(f'indicator g{g}.i{i} "指标{i}" max {POINTS}\n{lines.format(i=i)}')
    head = (
        f'rubric generated "生成的评价指标" max {POINTS * indicators}\n'
        "round indicators to 2 places half up\n"
        "grade 优秀 if total >= 85\ngrade 合格 otherwise\n\n"
    )
    return head + "".join(facts) + "".join(body)


# A `one of` group whose applicable part is a scaled group with every child not applicable.
ONE_OF = """rubric r "题" max 20
fact x: count "数"
fact a: bool "甲"
group g "择一" max 10, one of
  group g.s "分组" max 10, scaled
    not applicable if x <= 1
    indicator g.s.i "子项一" max 5
      +5 if a
      not applicable if x > 1
    indicator g.s.j "子项二" max 5
      +5 if a
      not applicable if x > 2
  indicator g.k "单项" max 10
    +10 if a
    not applicable if x > 1
group h "其他" max 10
  indicator h.i "其他项" max 10
    +6 if a
    +4 if x > 3
"""

# One indicator reading a fact of every type, for what validating facts finds.
SMALL = (
    'rubric demo "示例" max 10\n'
    'fact ok: bool "合规"\n'
    'fact n: count >= 1 "任务数"\n'
    'fact done: count <= n "完成数"\n'
    'fact rate: number >= 0 and <= 100 "比率"\n'
    'fact media: level {none "无", national "国家级"} "媒体报道"\n'
    'fact areas: set of {living, medical} "项目"\n'
    'fact factors: set "因素"\n'
    'indicator q "质量" max 10\n'
    "  +1 if ok\n  +1 per 1 of done / n, proportionally\n  +1 per 1 of rate, proportionally\n"
    "  points by media: national -> 1, otherwise -> 0\n"
    "  +1 for each of areas\n  +1 for each of factors\n"
)
