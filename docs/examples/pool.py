from concurrent.futures import ProcessPoolExecutor

import rubric

anhui = rubric.load("rubrics/anhui_2019.rub")
base = rubric.load_facts("unit.json")
units = [(f"单位{n:03d}", dict(base, households_aided=n % 31)) for n in range(300)]
chunks = [units[i : i + 100] for i in range(0, len(units), 100)]

if __name__ == "__main__":
    with ProcessPoolExecutor(max_workers=2) as pool:
        rows = [row for batch in pool.map(anhui.score_batch, chunks) for row in batch]
    print(len(rows), rows[0].unit, rows[0].total, rows[-1].unit, rows[-1].total)
    print(rows == anhui.score_batch(units))
