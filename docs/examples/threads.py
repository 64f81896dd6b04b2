from concurrent.futures import ThreadPoolExecutor

import rubric

anhui = rubric.load("rubrics/anhui_2019.rub")  # compile once
base = rubric.load_facts("unit.json")
units = [dict(base, households_aided=n) for n in range(20, 31)]

one_by_one = [anhui.score(f).to_json() for f in units]
with ThreadPoolExecutor(max_workers=8) as pool:
    at_once = list(pool.map(lambda f: anhui.score(f).to_json(), units))

print(at_once == one_by_one)
print([str(anhui.score(f).total) for f in units[::5]])
