""""Kết quả đạt được" and "Khó khăn, bất cập": what the directives ask a report going up the chain to say,
derived from the data so that the official starts from facts and edits the wording in the .docx.

From unit results (the appraisal): criteria most often at zero or blocking recognition, inputs most often
missing or invalid (by their label), areas farthest from the national target. From a provincial summary
(engine.aggregate tables): the same, as far as result files record it."""
from __future__ import annotations

from collections import Counter

from engine.reports.common import input_label, zero_criteria
from engine.reports.document import bullets, heading, number, para, percent, vi_decimal
from engine.results.model import DECIDED, UnitResult
from engine.criteria.model import CriteriaSet

TOP = 5  # the few items worth a sentence each; the tables hold the rest


def section(title: str, achieved: list[str], difficulties: list[str]) -> list:
    return [heading(title), para("1. Kết quả đạt được", "heading"), *bullets(achieved or ["(Chưa có.)"]),
            para("2. Khó khăn, bất cập", "heading"),
            *bullets(difficulties or ["Không phát hiện khó khăn, bất cập nào từ số liệu."])]


def _counted(counter: Counter, label, unit_word: str = "đơn vị") -> str:
    return "; ".join(f"{label(key)} ({number(count)} {unit_word})"
                     for key, count in sorted(counter.items(), key=lambda x: (-x[1], str(x[0])))[:TOP])


def from_units(units: list[UnitResult], criteria: CriteriaSet, targets=None) -> tuple[list[str], list[str]]:
    names = {c.number: c.name.vi for c in criteria.criteria}
    criterion = lambda n: f"tiêu chí {n} ({names.get(n, '')})"  # noqa: E731
    total = len(units)
    decided = [u for u in units if u.status in DECIDED]
    recognised = [u for u in units if u.status == "recognized"]
    achieved, difficulties = [], []
    if total:
        achieved.append(f"{number(len(recognised))}/{number(total)} đơn vị ({percent(len(recognised) / total * 100)}) "
                        f"đạt đủ {number(len(criteria.criteria))} tiêu chí và ngưỡng điểm, đủ điều kiện đề nghị công nhận.")
    if decided:
        full = [c.number for c in criteria.criteria
                if all(x.points == x.max_points for u in decided for x in u.criteria if x.number == c.number)]
        if full:
            achieved.append(f"Mọi đơn vị đã có kết luận đạt điểm tối đa ở {len(full)} tiêu chí: "
                            + ", ".join(str(n) for n in full) + ".")
    zeros = Counter(n for u in decided for n in zero_criteria(u))
    if zeros:
        difficulties.append("Tiêu chí đạt 0 điểm nhiều nhất: " + _counted(zeros, criterion) + ".")
    blocking = Counter(r.criterion for u in units if u.status == "not_recognized" for r in u.reasons
                       if r.criterion is not None)
    if blocking:
        difficulties.append("Tiêu chí khiến đơn vị không đạt chuẩn nhiều nhất: " + _counted(blocking, criterion) + ".")
    short = [u for u in units if u.status == "not_recognized" and not zero_criteria(u) and u.shortfall]
    if short:
        mean = sum(u.shortfall for u in short) / len(short)
        difficulties.append(f"{number(len(short))} đơn vị không có tiêu chí 0 điểm nhưng tổng điểm dưới ngưỡng "
                            f"(thiếu bình quân {vi_decimal(f'{mean:.1f}')} điểm).")
    missing = Counter(n for u in units for n in u.missing_inputs)
    if missing:
        difficulties.append("Số liệu còn thiếu nhiều nhất: " + _counted(missing, lambda n: input_label(criteria, n))
                            + ".")
    invalid = Counter(e.input for u in units for e in u.error_details if e.input)
    if invalid:
        difficulties.append("Số liệu không hợp lệ nhiều nhất: " + _counted(invalid, lambda n: input_label(criteria, n))
                            + ".")
    elif any(u.status == "invalid" for u in units):
        difficulties.append(f"{number(sum(u.status == 'invalid' for u in units))} đơn vị có số liệu không hợp lệ.")
    difficulties += _areas_far_from_target(units, targets)
    return achieved, difficulties


def _areas_far_from_target(units: list[UnitResult], targets) -> list[str]:
    """Districts (or provinces, when the units span several) whose recognition rate is farthest below the
    national target in force for the units' (latest) period; none before the first target is due."""
    if targets is None or not units:
        return []
    from engine.aggregate.tables import period_year

    years = [year for year in (period_year(u.period) for u in units) if year is not None]
    goal = targets.in_force(max(years)) if years else None
    if goal is None:
        return []
    provinces = {u.province for u in units}
    key = (lambda u: u.province or "(không rõ tỉnh)") if len(provinces) > 1 else (
        lambda u: u.district or u.province or "(không rõ địa bàn)")
    groups: dict[str, list[UnitResult]] = {}
    for unit in units:
        groups.setdefault(key(unit), []).append(unit)
    rates = {area: sum(u.status == "recognized" for u in members) / len(members) * 100
             for area, members in groups.items()}
    below = sorted((rate - goal.percent, area) for area, rate in rates.items() if rate < goal.percent)
    if not below:
        return []
    listed = "; ".join(f"{area} ({percent(goal.percent + gap)})" for gap, area in below[:TOP])
    return [f"Địa bàn có tỷ lệ đạt chuẩn thấp nhất so với mục tiêu {goal.percent:g}% vào năm {goal.year}: {listed}."]


def from_summary(summary, criteria: CriteriaSet) -> tuple[list[str], list[str]]:
    """The same findings from engine.aggregate's tables (latest period)."""
    from engine import aggregate as agg

    achieved, difficulties = [], []
    area, keys = summary.tables["area"], summary.keys
    periods = list(dict.fromkeys(area[agg.PERIOD]))
    latest = periods[-1] if periods else None
    totals = area[(area[keys[0]] == agg.ALL_AREAS) & (area[agg.PERIOD] == latest)]
    for _, row in totals.iterrows():
        recognised = int(row[agg.STATUS_VI["recognized"]])
        achieved.append(f"Kỳ {latest}: {number(recognised)}/{number(int(row[agg.UNITS]))} đơn vị đạt chuẩn "
                        f"({percent(row[agg.RATE], 2)}).")
        problems = int(row[agg.STATUS_VI["incomplete"]]) + int(row[agg.STATUS_VI["invalid"]])
        if problems:
            difficulties.append(f"{number(problems)} đơn vị chưa kết luận được vì số liệu thiếu "
                                f"({number(int(row[agg.STATUS_VI['incomplete']]))}) hoặc không hợp lệ "
                                f"({number(int(row[agg.STATUS_VI['invalid']]))}).")
    change = summary.tables["change"]
    if not change.empty:
        overall = change[change[keys[0]] == agg.ALL_AREAS]
        for _, row in overall.tail(1).iterrows():
            delta = row["Thay đổi tỷ lệ (điểm %)"]
            word = "tăng" if delta > 0 else "giảm" if delta < 0 else "không đổi"
            achieved.append(f"So với kỳ {row['Kỳ trước']}, tỷ lệ đạt chuẩn {word}"
                            + (f" {vi_decimal(f'{abs(delta):.2f}')} điểm phần trăm." if delta else "."))
    criteria_table = summary.tables["criteria"]
    if not criteria_table.empty:
        now = criteria_table[criteria_table[agg.PERIOD] == latest]
        zero = now[now["Số đơn vị 0 điểm"] > 0].sort_values(["Số đơn vị 0 điểm", "Tiêu chí"], ascending=[False, True])
        if len(zero):
            difficulties.append("Tiêu chí đạt 0 điểm nhiều nhất (mỗi tiêu chí 0 điểm làm đơn vị không được công "
                                "nhận): " + "; ".join(f"tiêu chí {int(r['Tiêu chí'])} ({r['Tên tiêu chí']}, "
                                                     f"{number(int(r['Số đơn vị 0 điểm']))} đơn vị)"
                                                     for _, r in zero.head(TOP).iterrows()) + ".")
        full = now[now["Số đơn vị dưới điểm tối đa"] == 0]
        if len(full):
            achieved.append("Mọi đơn vị đã có kết luận đạt điểm tối đa ở tiêu chí: "
                            + ", ".join(str(int(n)) for n in full["Tiêu chí"]) + ".")
    target = summary.tables["target"]  # the latest period's rows, against the target in force for it
    rows = target[(target[agg.PERIOD] == latest) & (target[keys[0]] != agg.ALL_AREAS)
                  & (target["Chênh lệch (điểm %)"] < 0)] if not target.empty else target
    if len(rows):
        rows = rows.sort_values("Chênh lệch (điểm %)").head(TOP)
        goal = rows.iloc[0]  # every row of a period has the same target
        name = (lambda r: str(r[keys[-1]])) if len(keys) == 1 else (lambda r: f"{r[keys[1]]} ({r[keys[0]]})")
        difficulties.append(f"Địa bàn xa mục tiêu {goal['Mục tiêu (%)']:g}% vào năm {int(goal['Mục tiêu năm'])} "
                            "nhất: " + "; ".join(f"{name(r)}: {percent(r[agg.RATE], 2)}, cần thêm "
                                                 f"{number(int(r['Số đơn vị cần đạt thêm']))} đơn vị"
                                                 for _, r in rows.iterrows()) + ".")
    return achieved, difficulties
