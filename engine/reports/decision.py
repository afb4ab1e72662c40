"""Dự thảo quyết định công nhận: the draft decision the recognising authority signs, after the appraisal.

It lists only the recognised units. Its legal bases ("Căn cứ") name the Law on the Organisation of Local
Government (its date left to fill in: the 2015 law was replaced in 2025, and which one applies depends on the
date of signing), the Law on Children of 05/4/2016, the criteria's instrument (from the criteria file) and
the board's appraisal report."""
from __future__ import annotations

from engine.registry.maps import district_label
from engine.reports.appraisal import adjustments_list, complete, recognized_rows
from engine.reports.board import BoardConfig
from engine.reports.common import data_checksum, lower_first, period_phrase, watermark
from engine.reports.document import (Document, NationalHeader, Signatures, esc, markup, number, para,
                                     place_date_line, recipients, signature_block, spacer, table, upper)
from engine.results.model import BatchResult
from engine.criteria.model import CriteriaSet


def legal_bases(criteria: CriteriaSet, office: str) -> list[str]:
    return [
        "Căn cứ Luật Tổ chức chính quyền địa phương ngày ...... tháng ...... năm ........;",
        "Căn cứ Luật Trẻ em ngày 05 tháng 4 năm 2016;",
        f"Căn cứ {criteria.instrument.citation} {lower_first(criteria.instrument.title.vi)};",
        f"Căn cứ Báo cáo thẩm định số ......../BC-...... ngày ...... tháng ...... năm ........ của {office};",
        f"Theo đề nghị của {office}.",
    ]


def document(batch: BatchResult, criteria: CriteriaSet, board: BoardConfig | None = None,
             adjustments: dict[str, list] | None = None) -> Document:
    """`adjustments`: for results appraised on the province server, the figures the board changed for each unit,
    listed after the signature for the units recognised."""
    board = complete(batch.units, board or BoardConfig())
    office, authority, signer = board.get("reviewing_office"), board.get("authority"), board.get("authority_signer")
    period = period_phrase(board.get("period"))
    recognized = [u for u in batch.units if u.status == "recognized"]
    blocks = [
        para("DỰ THẢO", "stamp"),
        NationalHeader(board.authority_parent, authority, "Số: ......../QĐ-......",
                       place_date_line(board.get("place"))),
        spacer(5),
        para("QUYẾT ĐỊNH", "title"),
        para(f"Về việc công nhận xã, phường, thị trấn phù hợp với trẻ em {period}", "subtitle"),
        spacer(4),
        para(upper(f"{signer} {authority}"), "subtitle"),
        spacer(3),
        *[markup(f"<i>{esc(line)}</i>", "body") for line in legal_bases(criteria, office)],
        spacer(2),
        para("QUYẾT ĐỊNH:", "subtitle"),
        spacer(2),
    ]
    # A legal act: no footnote about provisional bands (the appraisal report it rests on carries it).
    if recognized:
        blocks += [
            markup(f"<b>Điều 1.</b> Công nhận {number(len(recognized))} xã, phường, thị trấn sau đây đạt tiêu chuẩn "
                   f"xã, phường, thị trấn phù hợp với trẻ em {esc(period)}:", "body"),
            table(["TT", "Mã đơn vị", "Đơn vị", district_label([u.period for u in recognized]).vi,
                   "Tỉnh, thành phố", "Điểm / ngưỡng"],
                  recognized_rows(recognized), [10, 17, 45, 38, 33, 22]),
        ]
    else:
        blocks.append(markup("<b>Điều 1.</b> (Không có đơn vị nào đủ điều kiện công nhận.)", "body"))
    blocks.append(markup("<b>Điều 2.</b> Quyết định này có hiệu lực kể từ ngày ký.", "body"))
    last_article = markup(f"<b>Điều 3.</b> Chánh Văn phòng {esc(authority)}, Thủ trưởng {esc(office)}, Chủ tịch Ủy "
                          "ban nhân dân các xã, phường, thị trấn có tên tại Điều 1 và các cơ quan, đơn vị có liên quan "
                          "chịu trách nhiệm thi hành Quyết định này./.", "body")
    blocks.append(Signatures(  # with the last article: a signature never stands alone on a page
        recipients(["Như Điều 3;", "Lưu: VT."]),
        signature_block([signer], "(Ký tên, đóng dấu)", board.get("authority_signer_name")),
        lead=[last_article],
    ))
    if adjustments is not None and recognized:
        blocks += [spacer(4)] + adjustments_list(recognized, adjustments, criteria)
    return Document(blocks, title=f"Dự thảo quyết định công nhận — {board.get('area')} — {board.get('period')}",
                    subject="Quyết định công nhận xã, phường, thị trấn phù hợp với trẻ em",
                    footer=f"Dự thảo quyết định — {board.get('area')} — {board.get('period')} — "
                           f"mã số liệu {data_checksum(batch.units)}",
                    watermark=watermark(batch.units))
