"""Valid rubrics of any size, built from the forms a real table uses, for limits and benchmarks."""

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
