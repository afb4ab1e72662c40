"""Every sentence cfc says to a person, in Vietnamese and English. Code refers to messages by key."""
from __future__ import annotations

import errno
import string
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

from engine.text import Text, nfc

CATALOG: dict[str, tuple[str, str]] = {
    # Data errors: the value given and why it cannot be used.
    "missing_required": ("thiếu {input} (bắt buộc)", "{input} is missing (required)"),
    "not_whole_number": ("{input} = {value!r}: không phải số nguyên", "{input} = {value!r}: not a whole number"),
    "decimal_comma": ("{input} = {value!r}: có dấu phẩy hoặc dấu chấm phân cách; ghi số đếm không có dấu, ví dụ 1234",
                      "{input} = {value!r}: contains a decimal or thousands separator; write counts as plain digits, e.g. 1234"),
    "fractional_count": ("{input} = {value!r}: số đếm phải là số nguyên", "{input} = {value!r}: a count must be a whole number"),
    "negative_count": ("{input} = {value!r}: số đếm không được âm", "{input} = {value!r}: a count cannot be negative"),
    "below_minimum": ("{input} = {value!r}: phải từ {min} trở lên", "{input} = {value!r}: must be at least {min}"),
    "not_yes_no": ("{input} = {value!r}: phải là có/không (yes/no, true/false, 1/0)",
                   "{input} = {value!r}: must be yes/no (có/không, true/false, 1/0)"),
    "unknown_category": ("{input} = {value!r}: loại đơn vị không hợp lệ; dùng một trong: {allowed}",
                         "{input} = {value!r}: unknown unit category; use one of: {allowed}"),
    "not_text": ("{input} = {value!r}: phải là văn bản", "{input} = {value!r}: must be text"),
    "numerator_above_denominator": ("{input} = {value!r} lớn hơn {denominator} = {denominator_value!r}",
                                    "{input} = {value!r} is greater than {denominator} = {denominator_value!r}"),
    "duplicate_unit": ("mã đơn vị {value!r} trùng với {other}", "unit code {value!r} duplicates {other}"),
    "extra_cells": ("dòng có {cells} ô nhưng chỉ có {headers} tiêu đề cột (giá trị thừa {value!r}); có giá trị bị lệch cột?",
                    "the row has {cells} cells but only {headers} headers (extra values {value!r}); is a value in the wrong column?"),
    "formula_no_value": ("{name}: công thức ở trang '{sheet}' ô {cell} được lưu mà không có giá trị tính sẵn; "
                         "mở tệp bằng Excel hoặc LibreOffice, lưu lại rồi chấm lại (cfc không tự tính công thức)",
                         "{name}: the formula in sheet '{sheet}' cell {cell} was saved without its computed value; "
                         "open the file in Excel or LibreOffice, save it, and evaluate again (cfc never computes formulas)"),
    "period_format": ("{input} = {value!r}: không đọc được kỳ đánh giá; ghi theo một trong các dạng {formats}",
                      "{input} = {value!r}: unknown period format; write one of {formats}"),
    "period_no_criteria": ("{input} = {value!r}: không có bộ tiêu chí nào có hiệu lực vào ngày cuối kỳ {day} "
                           "(các bộ tiêu chí: {sets})",
                           "{input} = {value!r}: no criteria set is in force on {day}, the period's last day "
                           "(criteria sets: {sets})"),
    "not_a_record": ("mục này không phải một đơn vị (cần các cặp tên: giá trị)",
                     "this item is not a unit (expected name: value pairs)"),
    # Values no reader or validator may take silently (robustness: see engine/limits.py).
    "number_too_large": ("{input} = {value!r}: số quá lớn (quá {digits} chữ số), không phải một số đếm",
                         "{input} = {value!r}: too large (more than {digits} digits) to be a count"),
    "not_a_number": ("{input} = {value!r}: không phải một số (NaN hoặc vô cực)", "{input} = {value!r}: not a number (NaN or infinity)"),
    "non_ascii_digits": ("{input} = {value!r}: chữ số không phải 0-9 (ví dụ chữ số Ả Rập hoặc toàn độ rộng); gõ lại bằng 0-9",
                         "{input} = {value!r}: digits other than 0-9 (e.g. Arabic-Indic or full-width); type it with 0-9"),
    "date_not_count": ("{input} = {value!r}: là ngày tháng, cần một số đếm (ô có định dạng ngày?)",
                       "{input} = {value!r}: a date where a count belongs (a cell formatted as a date?)"),
    "nul_character": ("{input}: giá trị chứa ký tự NUL (\\0); tệp bị hỏng hoặc sai mã hóa",
                      "{input}: the value holds a NUL character (\\0); the file is damaged or wrongly encoded"),
    "too_long": ("{input}: giá trị dài {length} ký tự, quá giới hạn {limit}", "{input}: the value is {length} characters long, over the limit of {limit}"),
    "repeated_key": ("{input} được ghi hai lần trong cùng một đơn vị{line}; xóa một lần",
                     "{input} is written twice in the same unit{line}; delete one"),
    "unbalanced_quote": ("dòng {line} có dấu ngoặc kép không đóng; dòng được đọc đúng như viết, hãy sửa dấu ngoặc",
                         "line {line} has a quote that does not close; the line was read as written, fix the quote"),
    # Reader warnings: rows skipped and columns ignored, named so that nothing is dropped unseen.
    "skipped_blank": ("dòng trống: bỏ qua", "blank row: skipped"),
    "skipped_totals": ("dòng tổng cộng (không có mã đơn vị): bỏ qua, không tính là đơn vị",
                       "totals row (no unit code): skipped, not counted as a unit"),
    "skipped_notes": ("dòng ghi chú: bỏ qua", "notes row: skipped"),
    "multiline_row": ("là một dòng dữ liệu: một ô trong ngoặc kép có xuống dòng",
                      "are one row: a quoted cell holds line breaks"),
    "rows_above_header": ("dòng tiêu đề phía trên hàng tiêu đề cột (dòng {header}): bỏ qua",
                          "title rows above the header row (line {header}): skipped"),
    "unknown_column": ("cột {column!r} không phải số liệu nào của bộ tiêu chí: bỏ qua{hint}",
                       "column {column!r} is not an input of the criteria file: ignored{hint}"),
    "hidden_sheet": ("trang ẩn: không đọc (dùng --hidden-sheets để đọc cả trang ẩn)",
                     "hidden sheet: not read (use --hidden-sheets to read hidden sheets too)"),
    # Reasons a unit is not recognised.
    "reason_zero": ("Tiêu chí {number} ({name}) đạt 0 điểm", "Criterion {number} ({name}) scores 0 points"),
    "reason_below_min": ("Tiêu chí {number} ({name}) chỉ đạt {points} điểm, cần từ {min} điểm",
                         "Criterion {number} ({name}) scores only {points} points, at least {min} needed"),
    "reason_shortfall": ("Tổng điểm {total} thấp hơn ngưỡng {threshold} của loại đơn vị: thiếu {shortfall} điểm",
                         "Total {total} is below the category threshold of {threshold}: {shortfall} points short"),
    "reason_missing": ("Thiếu dữ liệu: {inputs}", "Missing data: {inputs}"),
    "reason_missing_category": ("Chưa khai báo loại đơn vị (category) nên chưa xác định được ngưỡng điểm",
                                "No unit category declared, so the threshold is unknown"),
    "reason_invalid": ("Dữ liệu không hợp lệ: {count} lỗi", "Invalid data: {count} error(s)"),
    "band_empty_denominator": ("mẫu số bằng 0 → tính như mức {band}", "empty denominator → scored as {band}"),
    # Labels used by the renderers.
    "status_recognized": ("Đạt chuẩn", "Recognised"),
    "status_not_recognized": ("Không đạt", "Not recognised"),
    "status_incomplete": ("Thiếu dữ liệu", "Incomplete"),
    "status_invalid": ("Dữ liệu lỗi", "Invalid data"),
    "summary": ("Tổng hợp: {total} đơn vị — {recognized} đạt chuẩn, {not_recognized} không đạt, {incomplete} thiếu dữ liệu, {invalid} dữ liệu lỗi",
                "Summary: {total} units — {recognized} recognised, {not_recognized} not recognised, {incomplete} incomplete, {invalid} invalid"),
    "provisional_note": ("Lưu ý: {count} điểm số dựa trên thang điểm TẠM TÍNH (chưa đối chiếu văn bản chính thức), đánh dấu *",
                         "Note: {count} scores rely on PROVISIONAL bands (not yet checked against the published text), marked *"),
    "flips": ("→ đủ để đạt chuẩn", "→ enough to be recognised"),
    # Batches: a unit whose worker process died twice, and a batch stopped by the user.
    "not_evaluated": ("{where}: chưa chấm được đơn vị {unit}: việc chấm thất bại, cả khi chấm lại riêng đơn vị này ({why})",
                      "{where}: unit {unit} not evaluated: evaluating it failed, and again when it was retried alone ({why})"),
    "interrupted": ("cfc: đã dừng (Ctrl-C); không ghi tệp kết quả nào", "cfc: interrupted (Ctrl-C); no results file written"),
    "engine_error": ("cfc: bộ máy luật không chấm đúng như các luật đã biên dịch yêu cầu, nên dừng lại và không ghi kết quả "
                     "nào: {error}",
                     "cfc: the rule engine did not behave as the compiled rules require, so it stopped and wrote no "
                     "results: {error}"),
    "header_unit": ("Đơn vị", "Unit"),
    "header_total": ("Điểm/ngưỡng", "Total/threshold"),
    "header_status": ("Kết quả", "Result"),
    "header_zero": ("Tiêu chí 0 điểm", "Criteria at 0"),
    "criteria_file": ("Bộ tiêu chí: {title} ({citation})", "Criteria: {title} ({citation})"),
    # Criteria listings (cfc criteria show).
    "band_confirmed": ("đã xác nhận", "confirmed"),
    "band_provisional": ("TẠM TÍNH", "PROVISIONAL"),
    "in_force_from": ("hiệu lực từ {effective}", "in force from {effective}"),
    "in_force_between": ("hiệu lực từ {effective} đến hết {until}", "in force from {effective} to {until}"),
    "versions_header": ("Các bộ tiêu chí trong thư mục (mỗi đơn vị được chấm theo bộ có hiệu lực vào ngày cuối kỳ):",
                        "Criteria sets in this directory (each unit is scored by the set in force on its period's last day):"),
    "versions_current": ("* bộ đang có hiệu lực, trình bày dưới đây: {id}", "* the set in force today, shown below: {id}"),
    "provisional_totals": ("{bands} mức tạm tính ở {indicators} chỉ tiêu, tổng {points} điểm; tối đa {at_stake}/{total} "
                           "điểm của một đơn vị phụ thuộc vào các mức này. Hội đồng có văn bản gốc sửa trực tiếp trong "
                           "tệp tiêu chí, rồi chạy cfc criteria validate.",
                           "{bands} provisional bands in {indicators} indicators, carrying {points} points in all; up to "
                           "{at_stake} of a unit's {total} points depend on them. A board holding the official text "
                           "corrects them in the criteria file, then runs cfc criteria validate."),
    # Saved evaluations (cfc history, cfc evaluate --save, the web page's Save button).
    "history_invalid": ("{unit}: dữ liệu lỗi nên không lưu", "{unit}: invalid data, not saved"),
    "history_needs_key": ("{unit}: cần mã đơn vị và kỳ đánh giá để lưu", "{unit}: a unit code and a period are needed to save"),
    "history_saved": ("Đã lưu {unit} kỳ {period} vào {path}", "Saved {unit} period {period} in {path}"),
    "history_exists": ("{unit} kỳ {period} đã được lưu lúc {saved_at}. Thay thế bằng kết quả mới?",
                       "{unit} period {period} was saved at {saved_at}. Replace it with the new result?"),
    "history_kept": ("{unit} kỳ {period}: giữ bản đã lưu (dùng --yes để thay thế)",
                     "{unit} period {period}: kept the saved one (use --yes to replace it)"),
    "history_empty": ("Chưa có kỳ nào được lưu cho {unit} trong {path}", "No saved period for {unit} in {path}"),
    "history_exported": ("Đã ghi {count} dòng vào {path}", "Wrote {count} rows to {path}"),
    "history_criterion": ("Tiêu chí", "Criterion"),
    "history_total": ("Tổng điểm", "Total"),
    "history_criteria_differ": ("Lưu ý: các kỳ được chấm theo các bộ tiêu chí khác nhau.",
                                "Note: the periods were scored with different criteria sets."),
    # The local web page (cfc serve).
    "web_title": ("Tự đánh giá xã, phường, thị trấn phù hợp với trẻ em", "Child-friendly commune self-check"),
    "web_intro": ("Nhập số liệu của kỳ đánh giá: điểm từng tiêu chí, kết quả và những việc cần làm được tính lại "
                  "ngay khi bạn gõ. Ô để trống là CHƯA CÓ số liệu (không phải 0).",
                  "Enter the period's data: the points per criterion, the decision and what to improve are worked "
                  "out again as you type. An empty field is MISSING data (not zero)."),
    "web_switch": ("English", "Tiếng Việt"),
    "web_general": ("Thông tin chung", "General information"),
    "web_criterion": ("Tiêu chí {number}. {name} ({points} điểm)", "Criterion {number}. {name} ({points} points)"),
    "web_help_count": ("Số nguyên từ {min} trở lên, viết liền, ví dụ 1234.", "A whole number from {min}, plain digits, e.g. 1234."),
    "web_help_yes_no": ("Chọn có hoặc không.", "Choose yes or no."),
    "web_help_category": ("Ngưỡng công nhận: {thresholds}.", "Recognition threshold: {thresholds}."),
    "web_help_required": ("Bắt buộc.", "Required."),
    "web_used_by": ("Dùng để tính: {indicators}.", "Used for: {indicators}."),
    "web_not_given": ("— chưa có —", "— not given —"),
    "web_yes": ("có", "yes"),
    "web_no": ("không", "no"),
    "web_result": ("Kết quả", "Result"),
    "web_points": ("điểm", "points"),
    "web_threshold": ("ngưỡng {threshold}", "threshold {threshold}"),
    "web_no_threshold": ("chưa có ngưỡng (chưa chọn loại đơn vị)", "no threshold (no unit category chosen)"),
    "web_waiting": ("Nhập số liệu để xem điểm.", "Enter data to see the score."),
    "web_criteria_points": ("Điểm theo tiêu chí", "Points by criterion"),
    "web_unscored": ("chưa chấm", "unscored"),
    "web_reasons": ("Lý do", "Reasons"),
    "web_errors": ("Lỗi dữ liệu", "Data errors"),
    "web_gaps": ("Cần cải thiện", "What to improve"),
    "web_plan": ("Kế hoạch đạt chuẩn", "Plan to reach recognition"),
    "web_plan_reaches": ("Thực hiện các việc sau là đủ để đạt chuẩn:", "These changes are enough to be recognised:"),
    "web_plan_short": ("Các việc xã có thể làm trong kỳ chưa đủ để đạt chuẩn:",
                       "What the commune can change this period is not enough to be recognised:"),
    "web_plan_change": ("{label}: {from_} → {to} (+{points} điểm, tiêu chí {criterion})",
                        "{label}: {from_} → {to} (+{points} points, criterion {criterion})"),
    "web_plan_blocked": ("Không đạt được chỉ bằng việc của xã:", "Cannot be reached by the commune's own work:"),
    "web_save": ("Lưu kết quả kỳ này", "Save this period's result"),
    "web_saved": ("Đã lưu {unit} kỳ {period}.", "Saved {unit}, period {period}."),
    "web_replace": ("Thay thế", "Replace"),
    "web_cancel": ("Hủy", "Cancel"),
    "web_history": ("Các kỳ đã lưu", "Saved periods"),
    "web_history_none": ("Chưa có kỳ nào được lưu cho đơn vị này.", "No saved period for this unit yet."),
    "web_upload": ("Điền từ tệp: phiếu tự đánh giá đã điền (.xlsx) hoặc tệp CSV. Tệp nhiều đơn vị cho bảng kết quả "
                   "của cả địa bàn.",
                   "Fill from a file: a filled self-assessment form (.xlsx) or a CSV file. A file of several units "
                   "gives the area's results table."),
    "web_upload_button": ("Tải lên", "Upload"),
    "web_downloads": ("Tải về", "Downloads"),
    "web_download_template": ("Phiếu tự đánh giá trống (.xlsx)", "Blank self-assessment form (.xlsx)"),
    "web_download_data": ("Số liệu đã nhập (.csv)", "The data entered (.csv)"),
    "web_download_self_assessment": ("Báo cáo tự đánh giá (PDF)", "Self-assessment report (PDF)"),
    "web_download_appraisal": ("Báo cáo thẩm định (PDF)", "Appraisal report (PDF)"),
    "web_download_docx": (".docx để sửa trước khi ký", ".docx to amend before signing"),
    "web_download_decision": ("Dự thảo quyết định công nhận (PDF)", "Draft recognition decision (PDF)"),
    "web_download_file": ("Tệp đã tải lên", "The uploaded file"),
    "web_board_title": ("Kết quả {count} đơn vị — {file}", "Results of {count} units — {file}"),
    "web_filter": ("Lọc theo kết quả", "Filter by result"),
    "web_all": ("Tất cả", "All"),
    "web_open": ("Mở", "Open"),
    "web_name": ("Tên đơn vị", "Unit name"),
    "web_criterion_short": ("TC {number}", "C {number}"),
    "web_back": ("← Trang tự đánh giá", "← Self-check page"),
    "web_back_board": ("← Bảng kết quả", "← Results table"),
    "web_file_from": ("Số liệu từ {source}", "Data from {source}"),
    "web_no_units": ("{file}: tệp không có đơn vị nào", "{file}: the file holds no unit"),
    "web_unreadable_file": ("{file}: không đọc được tệp ({error})", "{file}: cannot read the file ({error})"),
    "web_no_file": ("Chưa chọn tệp", "No file chosen"),
    "web_too_large": ("Nội dung gửi lên quá lớn (tối đa {limit})", "The upload is too large (at most {limit})"),
    "web_not_json": ("Nội dung gửi lên không phải JSON hợp lệ", "The request body is not valid JSON"),
    "web_not_save_request": ("Cần một đối tượng JSON có khóa \"inputs\" (số liệu của đơn vị)",
                             "Expected a JSON object with an \"inputs\" key (the unit's data)"),
    "web_bad_request": ("Yêu cầu không hợp lệ", "Bad request"),
    "web_not_found": ("Không tìm thấy trang này (bảng kết quả chỉ được giữ trong khi cfc serve đang chạy)",
                      "Page not found (results tables are kept only while cfc serve runs)"),
    "web_forbidden_origin": ("Yêu cầu từ trang khác bị từ chối", "Request from another site refused"),
    "web_serving": ("cfc serve: mở {address} trong trình duyệt (Ctrl+C để dừng)",
                    "cfc serve: open {address} in a browser (Ctrl+C to stop)"),
    "web_token_note": ("Địa chỉ trên có mã truy cập: chỉ đưa cho người được phép dùng máy chủ này.",
                       "The address above carries an access token: share it only with people allowed to use this server."),
    "web_forbidden_host": ("Máy chủ này chỉ trả lời địa chỉ của chính máy này (127.0.0.1, localhost)",
                           "This server answers only its own computer's address (127.0.0.1, localhost)"),
    "web_token_required": ("Cần mã truy cập: mở địa chỉ có ?token=... mà cfc serve in ra khi khởi động",
                           "An access token is needed: open the address with ?token=... that cfc serve printed at start"),
    # Gaps.
    "gap_rate_more": ("cần thêm {count} {unit} ({numerator}: {current} → {target}) để đạt {bound} (+{gain} điểm)",
                      "{count} more {unit} needed ({numerator}: {current} → {target}) to reach {bound} (+{gain} points)"),
    "gap_rate_fewer": ("cần giảm {count} {unit} ({numerator}: {current} → {target}) để đạt {bound} (+{gain} điểm)",
                       "{count} fewer {unit} needed ({numerator}: {current} → {target}) to reach {bound} (+{gain} points)"),
    "gap_yes": ("cần chuyển {input} thành \"có\" (+{gain} điểm)", "{input} must become \"yes\" (+{gain} points)"),
    "gap_count": ("cần thêm {count} {unit} ({input}: {current} → {target}) để đạt {bound} (+{gain} điểm)",
                  "{count} more {unit} needed ({input}: {current} → {target}) to reach {bound} (+{gain} points)"),
    "gap_unreachable": ("không thể đạt mức tiếp theo chỉ bằng cách thay đổi {numerator}",
                        "the next band cannot be reached by changing {numerator} alone"),
    "gap_missing": ("cần báo cáo số liệu: {inputs}", "data to report: {inputs}"),
    # The command line.
    "written": ("Đã ghi {path}", "Wrote {path}"),
    "error_line": ("Lỗi: {error}", "Error: {error}"),  # the word and case of click's own "Lỗi: ..." / "Error: ..."
    "output_is_input": ("--output {output} sẽ ghi đè lên một tệp đầu vào; không thực hiện",
                        "--output {output} would overwrite an input file; refusing"),
    "format_contradicts_suffix": ("--format {fmt} không khớp với phần mở rộng của {output}; bỏ --format để chọn "
                                  "theo phần mở rộng", "--format {fmt} does not match the extension of {output}; "
                                  "leave out --format to choose by the extension"),
    "xlsx_needs_output": ("--format xlsx cần -o TỆP.xlsx", "--format xlsx needs -o FILE.xlsx"),
    "save_with_set": ("--save lưu kết quả chấm đúng như số liệu đã có; không dùng cùng --set (giả định)",
                      "--save keeps evaluations as they are; it cannot be combined with --set (what-if)"),
    "set_formats": ("--set chỉ dùng với --format table hoặc json", "--set works with --format table or json"),
    "whatif_syntax": ("--set {assignment!r}: ghi theo dạng tên_số_liệu=giá_trị, ví dụ under1_fully_vaccinated=81",
                      "--set {assignment!r}: write it as input=value, e.g. under1_fully_vaccinated=81"),
    "whatif_unknown": ("--set {assignment!r}: {name!r} không phải số liệu của {criteria}",
                       "--set {assignment!r}: {name!r} is not an input of {criteria}"),
    "history_needs_unit": ("cần MÃ_ĐƠN_VỊ, hoặc --export TỆP.csv", "give a UNIT_CODE, or --export FILE.csv"),
    "output_is_input_file": ("--output {output} là một trong các tệp đầu vào; không ghi đè lên tệp này",
                             "--output {output} is one of the input files; refusing to overwrite it"),
    "report_choose_unit": ("{file} có {count} đơn vị; chọn một đơn vị bằng --unit ({codes})",
                           "{file} holds {count} units; choose one with --unit ({codes})"),
    "report_no_unit": ("không có đơn vị {code!r} trong {file}", "no unit {code!r} in {file}"),
    "report_appraisal_written": ("{output}: {units} đơn vị, {recognized} đơn vị được đề nghị công nhận",
                                 "{output}: {units} units, {recognized} proposed for recognition"),
    "report_decision_written": ("{output}: {recognized} đơn vị được công nhận", "{output}: {recognized} units recognised"),
    "document_format": ("{path}: văn bản được ghi dạng .pdf hoặc .docx (chọn theo tên tệp)",
                        "{path}: a document is written as .pdf or .docx (choose by the file name)"),
    "board_cannot_read": ("{path}: không đọc được tệp cấu hình hội đồng ({error})",
                          "{path}: cannot read board config: {error}"),
    "board_not_mapping": ("{path}: tệp cấu hình hội đồng phải là các cặp tên: văn bản",
                          "{path}: a board config is a mapping of names to text"),
    "board_invalid": ("{path}: {problems} (các khóa được phép: {allowed})", "{path}: {problems} (allowed keys: {allowed})"),
    "board_problem": ("{where}: {why}", "{where}: {why}"),
    "board_unknown_key": ("khóa không được phép", "unknown key"),
    "template_not_xlsx": ("--output {output}: phiếu là tệp .xlsx", "--output {output}: the form is an .xlsx file"),
    "template_exists": ("{output} đã có (có thể là phiếu đã điền); dùng --force để ghi đè",
                        "{output} exists (it may be a filled-in form); use --force to overwrite it"),
    # Files that cannot be read: the whole file is left out and named (engine/readers, engine/loading.py).
    "file_type": ("{file}: không đọc được loại tệp {suffix}; dùng tệp .csv, .xlsx, .yaml, .yml hoặc .json",
                  "{file}: unsupported file type {suffix}; use .csv, .xlsx, .yaml, .yml or .json"),
    "no_suffix": ("(không có phần mở rộng)", "(none)"),
    "file_is_folder": ("{file}: là một thư mục, không phải tệp", "{file}: is a folder, not a file"),
    "file_cannot_read": ("không đọc được tệp {file}: {reason}", "{file}: cannot read: {reason}"),
    "file_too_large": ("{file}: tệp lớn hơn {mb} MB", "{file}: larger than {mb} MB"),
    "file_too_large_split": ("{file}: tệp lớn hơn {mb} MB; hãy chia thành nhiều tệp",
                             "{file}: larger than {mb} MB; split it into several files"),
    "file_not_text": ("{file}: dòng {line} không phải văn bản {encoding}; hãy lưu tệp dạng UTF-8",
                      "{file}: line {line} is not {encoding} text; save the file as UTF-8"),
    "csv_not_utf16": ("{file}: không phải văn bản UTF-16 hợp lệ; hãy lưu tệp dạng CSV UTF-8",
                      "{file}: not valid UTF-16 text; save the file as CSV UTF-8"),
    "csv_nul_bytes": ("{file}: tệp chứa byte NUL (tệp nhị phân, hoặc UTF-16 không có dấu BOM); hãy lưu bảng dạng "
                      "CSV UTF-8", "{file}: holds NUL bytes (a binary file, or UTF-16 without a byte-order mark); "
                      "save the table as CSV UTF-8"),
    "csv_not_utf8": ("{file}: dòng {line} không phải văn bản UTF-8 (byte thứ {byte} của dòng: {value!r}); hãy lưu "
                     "tệp dạng CSV UTF-8", "{file}: line {line} is not UTF-8 text (byte {byte} of the line: "
                     "{value!r}); save the file as CSV UTF-8"),
    "csv_empty": ("{file}: tệp trống (không có hàng tiêu đề cột)", "{file}: empty file (no header row)"),
    "csv_no_header": ("{file}: không có hàng tiêu đề cột ghi tên hoặc nhãn số liệu (ví dụ unit_code, births) trong "
                      "{lines} dòng đầu; dòng {line} là {shown!r}",
                      "{file}: no header row of input names or labels (for example unit_code, births) in the first "
                      "{lines} lines; line {line} reads {shown!r}"),
    "csv_same_column": ("{file}: cột {first} ({first_header!r}) và cột {second} ({second_header!r}) cùng là {key}; "
                        "xóa một trong hai cột",
                        "{file}: columns {first} ({first_header!r}) and {second} ({second_header!r}) both hold "
                        "{key}; delete one of them"),
    "no_units_skipped": ("{file}: không có đơn vị nào để chấm: cả {skipped} dòng dưới hàng tiêu đề đều bị bỏ qua "
                         "(dòng trống, dòng tổng cộng hoặc dòng ghi chú)",
                         "{file}: no units to evaluate: all {skipped} rows under the header were skipped (blank, "
                         "totals or notes rows)"),
    "no_units_no_rows": ("{file}: không có đơn vị nào để chấm: không có dòng nào dưới hàng tiêu đề",
                         "{file}: no units to evaluate: no rows under the header"),
    "xlsx_no_header": ("{file}: không trang nào có hàng tiêu đề ghi tên hoặc nhãn số liệu (ví dụ unit_code, births) "
                       "hay một cột các tên đó; hãy lập phiếu bằng `cfc template`",
                       "{file}: no sheet has a header row of input names or labels (for example unit_code, births) "
                       "nor a column of them; generate a form with `cfc template`"),
    "xlsx_no_units": ("{file}: không có đơn vị nào để chấm: dưới hàng tiêu đề hoặc phiếu ở trang {sheets} chưa điền "
                      "đơn vị nào", "{file}: no units to evaluate: the header or form on sheet {sheets} has no "
                      "filled unit under it"),
    "xlsx_not_workbook": ("{file}: không phải bảng tính .xlsx đọc được ({detail}); hãy lưu lại tệp dạng .xlsx từ "
                          "Excel hoặc LibreOffice", "{file}: not a readable .xlsx workbook ({detail}); save it from "
                          "Excel or LibreOffice as .xlsx"),
    "xlsx_encrypted": ("{file}: bảng tính có mật khẩu hoặc tệp .xls cũ; hãy bỏ mật khẩu (hoặc mở tệp rồi lưu dạng "
                       ".xlsx), sau đó chấm lại", "{file}: a password-protected workbook or an old .xls file; remove "
                       "the password (or open it and save as .xlsx), then evaluate again"),
    "xlsx_too_large": ("{file}: bảng tính quá lớn để đọc: {why}; một phiếu tự đánh giá nhỏ hơn nhiều: chỉ lưu các "
                       "trang số liệu của đơn vị", "{file}: workbook too large to read: {why}; a self-assessment "
                       "workbook is far smaller: save only the sheets of units"),
    "xlsx_unpacks": ("các phần của tệp giải nén ra {size} MB (giới hạn {limit} MB)",
                     "its parts unpack to {size} MB (limit {limit} MB)"),
    "xlsx_part_unpacks": ("{part} giải nén ra {size} MB (giới hạn {limit} MB)",
                          "{part} unpacks to {size} MB (limit {limit} MB)"),
    "xlsx_part_ratio": ("{part} được nén {ratio} lần (tệp zip bom?)", "{part} is compressed {ratio} to 1 (a zip bomb?)"),
    "xlsx_far_cells": ("{file} trang '{sheet}': có ô đến {cell}, vượt quá giới hạn cfc đọc ({rows} dòng, {columns} "
                       "cột, {cells} ô); hãy xóa các ô ở xa hoặc chép bảng sang trang mới",
                       "{file} sheet '{sheet}': holds cells up to {cell}, beyond what cfc reads ({rows} rows, "
                       "{columns} columns, {cells} cells); delete the far cells or copy the table to a new sheet"),
    "xlsx_same_column": ("{file} trang '{sheet}': cột {first} và cột {second} cùng là {key}; xóa một trong hai cột",
                         "{file} sheet '{sheet}': columns {first} and {second} both hold {key}; delete one of them"),
    "xlsx_value_column": ("{file} trang '{sheet}': cột giá trị trùng với cột tên số liệu ({column})",
                          "{file} sheet '{sheet}': the value column and the column of input names are the same "
                          "({column})"),
    "xlsx_repeated_input": ("{file} trang '{sheet}': {key} có ở dòng {first} và dòng {second}; xóa một trong hai dòng",
                            "{file} sheet '{sheet}': {key} appears in rows {first} and {second}; delete one of them"),
    "json_invalid": ("{file}: dòng {line}: không phải JSON hợp lệ ({error})", "{file}: line {line}: not valid JSON: {error}"),
    "too_deep": ("{file}: lồng nhau quá {depth} cấp", "{file}: nested more than {depth} levels deep"),
    "at_line": ("dòng {line}: ", "line {line}: "),
    "yaml_invalid": ("{file}: {where}không phải YAML hợp lệ: {error}", "{file}: {where}not valid YAML: {error}"),
    "units_not_list": ("{file}: `units` phải là một danh sách đơn vị", "{file}: `units` must be a list of units"),
    "not_units": ("{file}: cần một đơn vị (các cặp tên số liệu: giá trị) hoặc một danh sách đơn vị; trong tệp là "
                  "{found}", "{file}: expected one unit (a mapping of input names to values) or a list of units; "
                  "found {found}"),
    "nothing": ("không có gì", "nothing"),
    "units_empty": ("{file}: danh sách đơn vị trống; không có đơn vị nào để chấm",
                    "{file}: the list of units is empty; no unit to evaluate"),
    "key_twice": ("{file}: {where}khóa {key!r} được ghi hai lần", "{file}: {where}key {key!r} is written twice"),
    # YAML that cannot be used (engine/safe_yaml.py), in a units file or a criteria file.
    "yaml_aliases": ("quá {limit} bí danh (*tên)", "more than {limit} aliases (*name)"),
    "yaml_depth": ("lồng nhau quá {depth} cấp", "nested more than {depth} levels deep"),
    "yaml_key_collection": ("có khóa là một danh sách hoặc ánh xạ", "a mapping key is itself a list or mapping"),
    "yaml_long_number": ("số {text}… có {digits} chữ số", "the number {text}… has {digits} digits"),
    "yaml_alias_loop": ("có bí danh trỏ tới chính giá trị chứa nó", "an alias refers to the value that contains it"),
    "yaml_too_many_values": ("có hơn {limit} giá trị khi mở rộng các bí danh",
                             "holds more than {limit} values once aliases are expanded"),
    "yaml_too_large": ("lớn hơn {mb} MB", "larger than {mb} MB"),
    "yaml_character": ("ký tự U+{code} không được phép trong văn bản YAML",
                       "character U+{code} is not allowed in YAML text"),
    "yaml_value": ("không đọc được giá trị ({error})", "value cannot be read: {error}"),
    "yaml_too_deep": ("lồng nhau quá sâu", "nested too deeply"),
    # Why the system refused a file (the English is the system's own words, as before).
    "os_no_file": ("không tìm thấy tệp", "{error}"),
    "os_no_permission": ("không có quyền truy cập", "{error}"),
    "os_is_folder": ("đó là một thư mục", "{error}"),
    "os_not_folder": ("một phần của đường dẫn là tệp, không phải thư mục", "{error}"),
    "os_read_only": ("nơi này chỉ đọc", "{error}"),
    "os_disk_full": ("đĩa đã đầy", "{error}"),
    "os_name_too_long": ("tên quá dài", "{error}"),
    "os_io": ("lỗi đọc ghi thiết bị", "{error}"),
    "os_other": ("lỗi hệ thống ({error})", "{error}"),
    # Outputs that cannot be written (engine/atomic.py): nothing is written, the target is left as it was.
    "output_empty_name": ("tên tệp kết quả để trống; hãy ghi tên tệp, hoặc bỏ -o để in ra màn hình",
                          "the output name is empty; give a file name, or leave -o out to print to the screen"),
    "output_empty_folder": ("tên thư mục kết quả để trống", "the output folder name is empty"),
    "cannot_write": ("không ghi được {path}: {reason}", "cannot write {path}: {reason}"),
    "cannot_write_into": ("không ghi được vào {path}: {reason}; bỏ -o để in ra màn hình",
                          "cannot write into {path}: {reason}; leave -o out to print to the screen"),
    "write_device": ("đó là thiết bị hoặc đường ống, không phải tệp; bỏ -o để in ra màn hình",
                     "it is a device or pipe, not a file; leave -o out to print to the screen"),
    "write_file_not_folder": ("đó là một tệp, không phải thư mục", "it is a file, not a folder"),
    "write_device_not_folder": ("đó là thiết bị hoặc đường ống, không phải thư mục",
                                "it is a device or pipe, not a folder"),
    "write_parent_missing": ("thư mục {parent} không tồn tại", "the folder {parent} does not exist"),
    "write_parent_is_file": ("{parent} là một tệp, không phải thư mục", "{parent} is a file, not a folder"),
    "write_no_folder": ("thư mục không tồn tại", "the folder does not exist"),
    "write_not_folder": ("một phần của đường dẫn là tệp, không phải thư mục", "a part of the path is a file, not a folder"),
    "write_is_folder": ("đó là một thư mục", "it is a folder"),
    "write_no_permission": ("không có quyền ghi vào đó", "no permission to write there"),
    "write_read_only": ("nơi này chỉ đọc", "the place is read-only"),
    "write_disk_full": ("đĩa đã đầy", "the disk is full"),
    "write_quota": ("đã vượt hạn mức dung lượng đĩa", "the disk quota is exceeded"),
    "write_too_big": ("tệp sẽ quá lớn so với đĩa", "the file would be too large for the disk"),
    "write_name_too_long": ("tên quá dài", "the name is too long"),
    "place_error": ("{file}: {reason}", "{file}: {reason}"),
    # Criteria files that cannot be used (engine/criteria): every problem with its line.
    "criteria_invalid": ("tệp bộ tiêu chí {file} không hợp lệ ({count} lỗi):",
                         "invalid criteria file {file} ({count} problem(s)):"),
    "criteria_at_file": ("(tệp)", "(file)"),
    "criteria_at_top": ("(cấp cao nhất)", "(top level)"),
    "criteria_at_directory": ("(thư mục)", "(directory)"),
    "criteria_cannot_read": ("không đọc được: {reason}", "cannot read: {reason}"),
    "criteria_not_utf8": ("không phải văn bản UTF-8 ({error})", "{error}"),
    "criteria_not_yaml": ("không phải YAML hợp lệ: {error}", "not valid YAML: {error}"),
    "criteria_key_twice": ("khóa {key!r} được ghi hai lần trong cùng một ánh xạ",
                           "key {key!r} is written twice in the same mapping"),
    "criteria_not_mapping": ("cần một ánh xạ gồm instrument, categories, ...",
                             "expected a mapping with instrument, categories, ..."),
    "criteria_dir_empty": ("không có tệp bộ tiêu chí (*.yaml) nào trong thư mục này",
                           "no criteria files (*.yaml) in this directory"),
    "criteria_overlap": ("{a} ({a_id}, {a_span}) và {b} ({b_id}, {b_span}) cùng có hiệu lực {shared}: {fix}",
                         "{a} ({a_id}, {a_span}) and {b} ({b_id}, {b_span}) are both in force {shared}: {fix}"),
    "criteria_shared_from": ("từ {first}", "from {first}"),
    "criteria_shared_between": ("từ {first} đến {last}", "from {first} to {last}"),
    "criteria_fix_until": ("kết thúc bộ trước bằng valid_until: {day}", "end the earlier one with valid_until: {day}"),
    "criteria_fix_same_day": ("hai bộ có hiệu lực cùng ngày; chỉ giữ một bộ", "they take effect on the same day; keep one"),
    "mixed_sets": ("các kỳ đánh giá của những đơn vị này thuộc các bộ tiêu chí khác nhau ({sets}); hãy chấm riêng "
                   "từng kỳ hoặc chọn một tệp bằng --criteria TỆP", "these units' periods fall under different criteria "
                   "sets ({sets}); evaluate each period separately or choose one file with --criteria FILE"),
    "criteria_ok": ("Hợp lệ {file}: {id}, {criteria} tiêu chí, {indicators} chỉ tiêu, {points} điểm, {provisional} mức "
                    "tạm tính", "OK {file}: {id}, {criteria} criteria, {indicators} indicators, {points} points, "
                    "{provisional} provisional band(s)"),
    # Combining result files (cfc aggregate, cfc report summary).
    "agg_not_results_file": ("{path}: không phải tệp kết quả; dùng tệp .json hoặc .csv do `cfc evaluate` ghi",
                             "{path}: not a results file; use the .json or .csv written by `cfc evaluate`"),
    "agg_cannot_read": ("{path}: không đọc được: {error}", "{path}: cannot read: {error}"),
    "agg_not_utf8": ("không phải văn bản UTF-8 (byte thứ {byte})", "not UTF-8 text (byte {byte})"),
    "agg_not_json": ("không phải JSON hợp lệ (dòng {line}, cột {column})",
                     "not valid JSON (line {line}, column {column})"),
    "agg_bad_csv": ("tệp CSV hỏng ({error})", "a damaged CSV file ({error})"),
    "font_missing": ("thiếu tệp phông chữ {path}; hãy cài đặt lại cfc", "font file not found: {path} (reinstall cfc)"),
    "agg_no_units_list": ("{path}: không phải tệp kết quả (không có danh sách \"units\"); ghi bằng "
                          "`cfc evaluate --format json`", "{path}: not a results file (no \"units\" list); write one "
                          "with `cfc evaluate --format json`"),
    "agg_not_unit": ("{path} {where}: không phải kết quả của một đơn vị (không có danh sách \"criteria\")",
                     "{path} {where}: not a unit result (no \"criteria\" list)"),
    "agg_bad_status": ("{path} {where}: kết quả {value!r} không phải một trong {allowed}",
                       "{path} {where}: status {value!r} is not one of {allowed}"),
    "agg_not_number": ("{path} {where}: {name} = {value!r} không phải số", "{path} {where}: {name} = {value!r} is not a number"),
    "agg_not_whole": ("{path} {where}: {name} = {value!r} không phải số nguyên",
                      "{path} {where}: {name} = {value!r} is not a whole number"),
    "agg_csv_columns": ("{path}: không phải tệp kết quả (thiếu cột mã đơn vị, kết quả hoặc tổng điểm); ghi bằng "
                        "`cfc evaluate --format csv` hoặc `-o TỆP.csv`", "{path}: not a results file (needs columns "
                        "unit_code, status, total); write one with `cfc evaluate --format csv` or `-o FILE.csv`"),
    "agg_unknown_criteria": ("{path}: tiêu chí {numbers} không có trong {criteria}",
                             "{path}: criteria {numbers} are not in {criteria}"),
    "agg_no_units": ("các tệp kết quả không có đơn vị nào", "no units in the results files"),
    "agg_same_file": ("{path} được đưa vào hai lần (cũng là {other}): mỗi đơn vị sẽ bị đếm hai lần; mỗi tệp chỉ "
                      "đưa vào một lần", "{path} is given twice (also as {other}): every unit would be counted "
                      "twice; give each file once"),
    "agg_duplicate_unit": ("đơn vị {code} (kỳ {period}) có ở {first} và ở {second}: sẽ bị đếm hai lần ({count} "
                           "đơn vị như vậy); mỗi đơn vị mỗi kỳ chỉ đưa vào một lần",
                           "unit {code} (period {period}) is in {first} and {second}: it would be counted twice "
                           "({count} such unit(s)); aggregate each file once"),
    "agg_mixed_criteria": ("các đơn vị được chấm theo các bộ tiêu chí khác nhau nên không so sánh được: {sets}. "
                           "Chấm lại theo cùng một bộ tiêu chí, hoặc thêm --allow-mixed-criteria để vẫn tổng hợp "
                           "(báo cáo sẽ ghi rõ điều này)",
                           "units were scored by different criteria sets and cannot be compared: {sets}. Score them "
                           "by one set, or add --allow-mixed-criteria to combine them anyway (the summary says so)"),
    "agg_period_line": ("Kỳ đánh giá {period}: {recognised}/{units} đơn vị đạt chuẩn ({rate})",
                        "Period {period}: {recognised}/{units} units recognised ({rate})"),
    "gap_event": ("{label}: {current} ({measure}), thuộc mức {band}: {points}/{max} điểm. Đây là số sự việc đã "
                  "xảy ra, không phải con số để giảm trên báo cáo; tiêu chí này hướng tới {prevention}",
                  "{label}: {current} ({measure}), in the band {band}: {points} of {max} points. This counts events "
                  "that happened, not a number to report lower; the criterion is about {prevention}"),
    # Improvement plans.
    "plan_heading": ("Kế hoạch để đạt chuẩn", "Plan to reach recognition"),
    "plan_recognized": ("đã đạt chuẩn, không cần thay đổi", "already recognised, nothing to change"),
    "plan_change": ("{label}: {from_} → {to} (+{points} điểm, tiêu chí {criterion})",
                    "{label}: {from_} → {to} (+{points} points, criterion {criterion})"),
    "plan_blocked": ("Chưa thể đạt chuẩn trong kỳ này:", "Cannot be recognised this period:"),
    "plan_block_missing": ("chưa có số liệu {inputs}: cần báo cáo đủ trước khi lập kế hoạch",
                           "no data for {inputs}: report it before planning"),
    "plan_block_zero": ("Tiêu chí {number} vẫn không đạt dù thực hiện mọi thay đổi có thể — chỉ tiêu {indicator} "
                        "({name}): {why}",
                        "Criterion {number} stays unmet even with every possible change — indicator {indicator} "
                        "({name}): {why}"),
    "plan_block_short": ("Dù thực hiện mọi thay đổi có thể, tổng điểm chỉ đạt {best}, dưới ngưỡng {threshold}; chỉ "
                         "tiêu {indicator} ({name}) mất {lost} điểm: {why}",
                         "Even with every possible change the total reaches only {best}, below the threshold of "
                         "{threshold}; indicator {indicator} ({name}) loses {lost} points: {why}"),
    "plan_why_event": ("{label} = {current}, thuộc mức {band}; đây là sự việc đã xảy ra, không thay đổi được bằng "
                       "công việc trong kỳ — tiêu chí hướng tới {prevention}",
                       "{label} = {current}, in the band {band}; these are events that happened, not something "
                       "this period's work can change — the criterion is about {prevention}"),
    "plan_why_empty": ("mẫu số {denominator} bằng 0 nên chỉ tiêu được tính {points} điểm theo quy định; thay đổi "
                       "tử số không có tác dụng",
                       "its denominator {denominator} is 0, so it scores {points} points by the rules; changing "
                       "the numerator cannot help"),
    "plan_why_unreachable": ("{label} = {current}, thuộc mức {band}; không thể đạt mức cao hơn chỉ bằng cách thay "
                             "đổi số liệu này",
                             "{label} = {current}, in the band {band}; no value of this input reaches a better band"),

    # ---- issue 24: one front door and the fast path ----
    "agg_bad_period": ("{path} {where}: kỳ đánh giá {value!r} không xác định được ngày cuối kỳ; ghi theo một trong "
                       "các dạng {formats}",
                       "{path} {where}: period {value!r} cannot be dated; write one of {formats}"),

    # ---- end of issue 24 ----

    # ---- issue 20: the province server: store, accounts, workflow, web ----
    # The store (engine/store/): a database that cannot be used is one sentence naming it.
    "store_locked": ("cơ sở dữ liệu {db} đang bị khóa bởi một chương trình khác quá lâu; thử lại sau ít phút",
                     "the database {db} is locked by another program for too long; try again in a few minutes"),
    "store_corrupt": ("{db} không phải cơ sở dữ liệu của cfc hoặc đã bị hỏng; khôi phục từ bản sao lưu",
                      "{db} is not a cfc database or is damaged; restore it from a backup"),
    "store_read_only": ("không ghi được vào cơ sở dữ liệu {db}: tệp hoặc thư mục chỉ cho phép đọc",
                        "cannot write to the database {db}: the file or its folder is read-only"),
    "store_full": ("không ghi được vào cơ sở dữ liệu {db}: ổ đĩa đã đầy", "cannot write to the database {db}: the disk is full"),
    "store_cannot_open": ("không mở được cơ sở dữ liệu {db} (đường dẫn là một thư mục, tệp hoặc thư mục chứa nó chỉ "
                          "cho phép đọc, hoặc không có quyền truy cập)",
                          "cannot open the database {db} (the path is a folder, the file or its folder is read-only, "
                          "or access is denied)"),
    "store_io": ("lỗi đọc ghi đĩa ở cơ sở dữ liệu {db}", "a disk input/output error in the database {db}"),
    "store_unreachable": ("không kết nối được với máy chủ cơ sở dữ liệu {db}; kiểm tra máy chủ PostgreSQL đang chạy và địa chỉ đúng",
                          "cannot reach the database server {db}; check that PostgreSQL is running and the address is right"),
    "store_refused": ("máy chủ cơ sở dữ liệu {db} từ chối kết nối (tên người dùng, mật khẩu hoặc tên cơ sở dữ liệu không đúng)",
                      "the database server {db} refused the connection (wrong user, password or database name)"),
    "store_failed": ("cơ sở dữ liệu {db} báo lỗi: {detail}", "the database {db} failed: {detail}"),
    "store_unsupported": ("{db}: --db nhận một đường dẫn tệp SQLite hoặc một địa chỉ postgresql://",
                          "{db}: --db takes an SQLite file path or a postgresql:// URL"),
    "store_newer_schema": ("cơ sở dữ liệu {db} có cấu trúc phiên bản {revision}, mới hơn phiên bản {head} mà bản cfc này "
                           "biết; hãy dùng bản cfc mới hơn",
                           "the database {db} has schema revision {revision}, newer than revision {head} this cfc "
                           "knows; use a newer cfc"),
    "store_needs_upgrade": ("cơ sở dữ liệu {db} có cấu trúc phiên bản {revision}, cũ hơn phiên bản {head}; chạy "
                            "cfc db upgrade --db với cùng địa chỉ trước",
                            "the database {db} has schema revision {revision}, older than revision {head}; run "
                            "cfc db upgrade --db with the same address first"),

    # cfc db.
    "db_at_revision": ("Cơ sở dữ liệu {db}: cấu trúc ở phiên bản {revision} (mới nhất)",
                       "Database {db}: schema at revision {revision} (the newest)"),
    "db_backed_up": ("Đã sao lưu {db} vào {path}", "{db} backed up to {path}"),
    "store_backup_postgres": ("{db} là cơ sở dữ liệu PostgreSQL: sao lưu bằng pg_dump (README, mục “Backup and restore”)",
                              "{db} is a PostgreSQL database: back it up with pg_dump (README, “Backup and restore”)"),
    "store_backup_nothing": ("không có cơ sở dữ liệu ở {db} để sao lưu", "there is no database at {db} to back up"),
    "store_backup_exists": ("{path} đã có: chọn tên khác (bản sao lưu cũ không bị ghi đè)",
                            "{path} exists already: choose another name (an earlier backup is never overwritten)"),
    # Accounts (engine/store/users.py, cfc users).
    "user_bad_login": ("tên đăng nhập {login!r} không hợp lệ: dùng chữ, số và . _ - @ + (tối đa 100 ký tự, không có dấu cách)",
                       "login {login!r} is not valid: use letters, digits and . _ - @ + (at most 100, no spaces)"),
    "user_short_password": ("mật khẩu cần ít nhất {min} ký tự", "the password needs at least {min} characters"),
    "user_long_password": ("mật khẩu quá dài (tối đa {max} ký tự)", "the password is too long (at most {max} characters)"),
    "user_bad_role": ("vai trò {role!r} không có; dùng một trong: {roles}", "no role {role!r}; use one of: {roles}"),
    "user_needs_scope": ("tài khoản vai trò {role} cần phạm vi: --unit MÃ (commune), --area ĐỊA_BÀN (board) hoặc "
                         "--province TÊN (province)",
                         "a {role} account needs its scope: --unit CODE (commune), --area AREA (board) or "
                         "--province NAME (province)"),
    "user_exists": ("đã có tài khoản {login}", "there is already an account {login}"),
    "user_unknown": ("không có tài khoản {login}", "there is no account {login}"),
    "user_added": ("Đã tạo tài khoản {login}: {role}", "Account {login} created: {role}"),
    "user_role_shown": ("{label} ({role})", "{label} ({role})"),
    "user_disabled": ("Đã khóa tài khoản {login}: không đăng nhập được nữa, lịch sử vẫn được giữ",
                      "Account {login} disabled: it can no longer sign in; its history is kept"),
    "user_password_set": ("Đã đổi mật khẩu của {login}", "Password of {login} changed"),
    "user_password_temporary_note": ("Mật khẩu này là mật khẩu tạm: người dùng phải đổi khi đăng nhập lần đầu "
                                     "(--final nếu là tài khoản của chính bạn)",
                                     "This password is temporary: its owner must change it at the first sign-in "
                                     "(--final for your own account)"),
    "user_password_set_temporary": ("Đã đặt mật khẩu tạm cho {login}: người dùng phải đổi mật khẩu khi đăng nhập lần tới",
                                    "Temporary password set for {login}: they must change it at their next sign-in"),
    "user_wrong_password": ("mật khẩu hiện tại không đúng", "the current password is wrong"),
    "user_same_password": ("mật khẩu mới phải khác mật khẩu hiện tại", "the new password must differ from the current one"),
    "user_password_not_text": ("mật khẩu có ký tự không hợp lệ (nửa cặp thay thế UTF-16): gõ lại mật khẩu",
                               "the password holds an invalid character (half a UTF-16 surrogate pair): type it again"),
    "user_password_prompt": ("Mật khẩu", "Password"),
    "user_password_again": ("Nhập lại mật khẩu", "Repeat the password"),
    "user_password_mismatch": ("hai lần nhập mật khẩu không khớp", "the two passwords do not match"),
    "user_password_stdin_empty": ("không đọc được mật khẩu từ đầu vào chuẩn (dòng đầu tiên trống)",
                                  "no password on standard input (its first line is empty)"),
    "users_province_unknown": ("không có tỉnh {province!r} trong {list}", "there is no province {province!r} in {list}"),
    "users_communes_added": ("Đã tạo {count} tài khoản xã của {province} (tên đăng nhập xa.MÃ); mật khẩu ở {path} — "
                             "chỉ người tạo đọc được: gửi riêng cho từng xã rồi xóa tệp",
                             "{count} commune accounts of {province} created (login xa.CODE); the passwords are in "
                             "{path} — readable by you only: hand each commune its own, then delete the file"),
    "users_communes_none": ("Không tạo tài khoản nào: mọi xã của {province} đã có tài khoản",
                            "No account created: every commune of {province} has one already"),
    "users_communes_skipped": ("{count} xã đã có tài khoản, bỏ qua: {units}", "{count} communes already have an account, skipped: {units}"),
    "users_output_exists": ("{path} đã có: chọn tên khác (không ghi đè)", "{path} exists already: choose another name (never overwritten)"),
    "users_passwords_header": ("tài khoản,mã đơn vị,tên đơn vị,mật khẩu", "login,unit code,unit name,password"),
    "users_none": ("Chưa có tài khoản nào trong {db}", "No account in {db} yet"),
    "users_header": ("tài khoản\tvai trò\tphạm vi\ttrạng thái\ttạo lúc", "login\trole\tscope\tstate\tcreated"),
    "user_state_active": ("hoạt động", "active"),
    "user_state_disabled": ("đã khóa", "disabled"),
    "user_state_temporary": ("chưa đổi mật khẩu tạm", "temporary password not changed yet"),
    # The workflow (engine/workflow/): who may do what, in which state, with what.
    "wf_action_view": ("xem", "view"),
    "wf_action_save_draft": ("lưu bản nháp", "save the draft"),
    "wf_action_add_evidence": ("đính kèm minh chứng", "attach evidence"),
    "wf_action_submit": ("nộp hồ sơ", "submit"),
    "wf_action_return": ("trả lại hồ sơ", "return the file"),
    "wf_action_appraise": ("thẩm định", "appraise"),
    "wf_action_recognise": ("công nhận", "recognise"),
    "wf_action_not_recognise": ("không công nhận", "not recognise"),
    "wf_action_audit": ("xem nhật ký", "read the audit trail"),
    "wf_action_withdraw_evidence": ("rút tệp minh chứng", "withdraw an evidence file"),
    "wf_action_manage_users": ("quản lý tài khoản", "manage accounts"),
    "wf_state_none": ("chưa có hồ sơ", "no file yet"),
    "wf_state_draft": ("bản nháp", "draft"),
    "wf_state_submitted": ("đã nộp", "submitted"),
    "wf_state_returned": ("bị trả lại", "returned"),
    "wf_state_resubmitted": ("đã nộp lại", "resubmitted"),
    "wf_state_appraised": ("đã thẩm định", "appraised"),
    "wf_state_recognized": ("đã được công nhận", "recognised"),
    "wf_state_not_recognized": ("không được công nhận", "not recognised"),
    "wf_forbidden": ("tài khoản {login} không được {action} đối với đơn vị {unit}",
                     "account {login} may not {action} for unit {unit}"),
    "wf_not_found": ("chưa có hồ sơ của đơn vị {unit} kỳ {period}", "no file of unit {unit} for period {period}"),
    "wf_wrong_state": ("không thể {action} hồ sơ của {unit} kỳ {period} khi hồ sơ đang ở trạng thái {state}",
                       "cannot {action} the file of {unit} for period {period} while it is {state}"),
    "wf_stale": ("hồ sơ của {unit} kỳ {period} đã thay đổi (phiên bản {yours} → {current}); tải lại rồi làm lại",
                 "the file of {unit} for period {period} has changed (version {yours} → {current}); reload and try again"),
    "wf_stale_by": ("hồ sơ của {unit} kỳ {period} đã được {actor} {action} lúc {at} (phiên bản {yours} → {current}); "
                    "tải lại để xem thay đổi rồi làm lại",
                    "the file of {unit} for period {period} was changed by {actor} ({action}) at {at} (version "
                    "{yours} → {current}); reload to see the change and try again"),
    "wf_bad_unit": ("mã đơn vị {unit!r} không hợp lệ", "unit code {unit!r} is not valid"),
    "wf_bad_period": ("{reason}", "{reason}"),
    "wf_bad_status": ("trạng thái {status!r} không có; dùng một trong: {statuses}",
                      "no status {status!r}; use one of: {statuses}"),
    "wf_inputs_not_object": ("số liệu phải là một đối tượng JSON {{tên: giá trị}}",
                             "the inputs must be a JSON object {{name: value}}"),
    "wf_not_submittable": ("chưa nộp được hồ sơ của {unit} kỳ {period}: kết quả tự đánh giá là \"{status}\"; cần đủ "
                           "số liệu hợp lệ (còn thiếu: {missing})",
                           "the file of {unit} for period {period} cannot be submitted: its self-assessment is "
                           "\"{status}\"; complete, valid figures are needed (missing: {missing})"),
    "wf_comment_needed": ("cần ghi ý kiến: trả lại hồ sơ để xã sửa gì", "a comment is needed: what should the commune correct"),
    "wf_reason_needed": ("cần ghi lý do không công nhận", "a reason for not recognising is needed"),
    "wf_reopen_comment_needed": ("cần ghi ý kiến: hội đồng thẩm định cần xem lại gì",
                                 "a comment is needed: what should the evaluation board look at again"),
    "wf_decision_needed": ("cần số quyết định công nhận", "the decision number is needed"),
    "wf_bad_date": ("ngày {value!r} không hợp lệ; ghi theo dạng 2025-06-30", "date {value!r} is not valid; write it as 2025-06-30"),
    "wf_not_eligible": ("không công nhận được {unit} kỳ {period}: kết quả thẩm định là {status} ({total} điểm)",
                        "{unit} for period {period} cannot be recognised: its appraised result is {status} ({total} points)"),
    "wf_adjustments_not_list": ("điều chỉnh phải là một danh sách [{{input, value, reason}}]",
                                "adjustments must be a list of {{input, value, reason}}"),
    "wf_adjust_reason": ("điều chỉnh {input} cần có lý do", "the adjustment of {input} needs a reason"),
    "wf_adjust_twice": ("{input} được điều chỉnh hai lần trong cùng một lần thẩm định", "{input} is adjusted twice in one appraisal"),
    "wf_adjust_blank": ("điều chỉnh {input} cần một giá trị", "the adjustment of {input} needs a value"),
    "wf_adjust_unknown": ("{input} không phải số liệu điều chỉnh được của bộ tiêu chí", "{input} is not an input of the criteria that can be adjusted"),
    "wf_appraisal_invalid": ("số liệu thẩm định của {unit} kỳ {period} không hợp lệ: {problems}",
                             "the appraised figures of {unit} for period {period} are not valid: {problems}"),
    # Evidence files.
    "evidence_empty": ("{name}: tệp trống", "{name}: the file is empty"),
    "evidence_too_large": ("{name}: tệp lớn hơn {limit} MB", "{name}: the file is larger than {limit} MB"),
    "evidence_type": ("{name}: chỉ nhận tệp PDF, ảnh PNG/JPEG, Word (.doc, .docx), Excel (.xls, .xlsx) và "
                      "OpenDocument (.odt, .ods), nhận biết theo nội dung tệp",
                      "{name}: only PDF, PNG/JPEG images, Word (.doc, .docx), Excel (.xls, .xlsx) and OpenDocument "
                      "(.odt, .ods) files are accepted, recognised by their content"),
    "evidence_criterion": ("tiêu chí {criterion!r} không có; dùng một trong: {numbers}",
                           "no criterion {criterion!r}; use one of: {numbers}"),
    "evidence_not_found": ("không có tệp minh chứng số {id}", "no evidence file {id}"),
    "deadlines_file": ("{path}: không đọc được các hạn nộp: {error}", "{path}: the due dates cannot be read: {error}"),
    # The province server on the web (engine/web/server/): signing in, the API's refusals, the pages.
    "wf_action_dashboard": ("xem bảng theo dõi", "see the dashboard"),
    "wf_action_documents": ("tải báo cáo thẩm định và dự thảo quyết định", "download the appraisal report and draft decision"),
    "wf_action_summary": ("tải báo cáo tổng hợp", "download the summary"),
    "user_enabled": ("Đã mở khóa tài khoản {login}", "Account {login} enabled"),
    "web_login_needed": ("cần đăng nhập", "please sign in"),
    "web_login_wrong": ("tên đăng nhập hoặc mật khẩu không đúng (hoặc tài khoản đã bị khóa)",
                        "wrong login or password (or the account is disabled)"),
    "web_login_limited": ("đăng nhập sai quá nhiều lần: thử lại sau {minutes} phút, hoặc nhờ quản trị viên đặt lại mật khẩu",
                          "too many failed sign-ins: try again in {minutes} minutes, or ask an administrator to reset the password"),
    "web_login_fields": ("cần {{\"login\": ..., \"password\": ...}}", "expected {{\"login\": ..., \"password\": ...}}"),
    "web_json_only": ("yêu cầu phải gửi dạng JSON (Content-Type: application/json)",
                      "the request must be JSON (Content-Type: application/json)"),
    "web_not_object": ("nội dung phải là một đối tượng JSON {{...}}", "the body must be a JSON object {{...}}"),
    "web_csrf": ("yêu cầu thiếu mã chống giả mạo (CSRF) hợp lệ: tải lại trang rồi làm lại",
                 "the request lacks a valid anti-forgery (CSRF) token: reload the page and try again"),
    "user_unit_unknown": ("mã đơn vị {unit} không có trong danh sách đơn vị hành chính (trước hoặc từ 01/7/2025); "
                          "kiểm tra lại mã", "unit code {unit} is in neither official list of units (before or from "
                          "1 July 2025); check the code"),
    "user_unit_found": ("Đơn vị {unit}: {place} (theo {list})", "Unit {unit}: {place} (from {list})"),
    "web_field_text": ("{field} phải là văn bản", "{field} must be text"),
    "web_bad_version": ("phiên bản {value!r} không hợp lệ: cần một số nguyên", "version {value!r} is not valid: a whole number is needed"),
    "web_bad_since": ("thời điểm {value!r} không hợp lệ; ghi theo dạng 2025-06-30 hoặc 2025-06-30T08:00:00",
                      "moment {value!r} is not valid; write it as 2025-06-30 or 2025-06-30T08:00:00"),
    "web_evidence_form": ("gửi tệp minh chứng dạng multipart/form-data (trường file và criterion)",
                          "send an evidence file as multipart/form-data (fields file and criterion)"),
    "web_done_draft": ("Đã lưu bản nháp hồ sơ của {unit} kỳ {period}", "Draft of {unit} for {period} saved"),
    "web_done_submit": ("Đã nộp hồ sơ của {unit} kỳ {period}: hội đồng thẩm định sẽ xem xét",
                        "The file of {unit} for {period} is submitted: the evaluation board will review it"),
    "web_done_return": ("Đã trả lại hồ sơ của {unit} kỳ {period} cho xã, kèm ý kiến", "The file of {unit} for {period} is returned to the commune with the comment"),
    "web_done_appraise": ("Đã thẩm định hồ sơ của {unit} kỳ {period}", "The file of {unit} for {period} is appraised"),
    "web_done_recognise": ("Đã ghi quyết định công nhận {unit} kỳ {period}", "Recognition of {unit} for {period} recorded"),
    "web_done_not_recognise": ("Đã ghi: {unit} kỳ {period} không được công nhận", "Recorded: {unit} for {period} is not recognised"),
    "web_done_evidence": ("Đã đính kèm {name}", "{name} attached"),
    "web_done_withdrawn": ("Đã rút {name} khỏi hồ sơ (vẫn được ghi trong nhật ký)", "{name} withdrawn from the file (kept in the audit trail)"),
    "srv_withdraw": ("Rút", "Withdraw"),
    "web_serving_accounts": ("Máy chủ cấp tỉnh (cần đăng nhập) đang chạy tại {address} — cơ sở dữ liệu {db}",
                             "The province server (sign-in required) is running at {address} — database {db}"),
    "web_no_accounts": ("Chưa có tài khoản nào: tạo tài khoản quản trị đầu tiên bằng cfc users add TÊN --role admin --db {db}",
                        "No account yet: create the first administrator with cfc users add NAME --role admin --db {db}"),
    "web_plain_http": ("Cảnh báo: máy chủ mở cho mạng ({host}) bằng HTTP thường — mật khẩu và hồ sơ đi qua mạng không "
                       "mã hóa. Chỉ dùng để thử; khi dùng thật, đặt sau HTTPS và chạy với --proxy (README, “On a server”).",
                       "Warning: the server is open to the network ({host}) over plain HTTP — passwords and files cross "
                       "the network unencrypted. For a trial only; for real use put it behind HTTPS and run it with "
                       "--proxy (README, “On a server”)."),
    "web_secret_file": ("{path}: không đọc hoặc tạo được khóa phiên: {reason}", "{path}: the session key cannot be read or made: {reason}"),
    "srv_title": ("Xã phù hợp với trẻ em — hồ sơ cấp tỉnh", "Child-friendly communes — the province's files"),
    "srv_nav": ("Điều hướng", "Navigation"),
    "srv_status": ("Trạng thái", "Status"),
    "srv_nav_submissions": ("Hồ sơ", "Files"),
    "srv_nav_dashboard": ("Theo dõi", "Dashboard"),
    "srv_nav_audit": ("Nhật ký", "Audit trail"),
    "srv_nav_users": ("Tài khoản", "Accounts"),
    "srv_logout": ("Đăng xuất", "Sign out"),
    "srv_role_commune": ("xã", "commune"),
    "srv_role_board": ("hội đồng thẩm định", "evaluation board"),
    "srv_role_province": ("tỉnh", "province"),
    "srv_role_admin": ("quản trị", "administrator"),
    "srv_login_title": ("Đăng nhập", "Sign in"),
    "srv_login_intro": ("Xã nộp hồ sơ tự đánh giá và minh chứng; hội đồng thẩm định; tỉnh công nhận và theo dõi.",
                        "Communes submit their self-assessment and evidence; boards appraise; the province recognises and follows."),
    "srv_login_name": ("Tên đăng nhập", "Login"),
    "srv_password": ("Mật khẩu", "Password"),
    "srv_login_button": ("Đăng nhập", "Sign in"),
    "srv_nav_password": ("Đổi mật khẩu", "Change password"),
    "srv_password_title": ("Đổi mật khẩu", "Change your password"),
    "srv_password_first": ("Mật khẩu này do người khác đặt cho bạn: hãy đặt mật khẩu của riêng bạn trước khi làm việc. "
                           "Từ nay chỉ bạn biết mật khẩu này.",
                           "This password was set for you by someone else: choose your own before you go on. "
                           "From then on only you know it."),
    "srv_password_intro": ("Đổi mật khẩu sẽ đăng xuất mọi phiên đăng nhập khác của tài khoản này.",
                           "Changing the password signs this account out everywhere else."),
    "srv_password_current": ("Mật khẩu hiện tại", "Current password"),
    "srv_password_new": ("Mật khẩu mới (ít nhất {min} ký tự)", "New password (at least {min} characters)"),
    "srv_password_repeat": ("Nhập lại mật khẩu mới", "Repeat the new password"),
    "srv_password_button": ("Đổi mật khẩu", "Change the password"),
    "srv_password_mismatch": ("hai lần nhập mật khẩu mới không khớp", "the two new passwords do not match"),
    "srv_password_changed": ("Đã đổi mật khẩu. Các phiên đăng nhập khác của tài khoản này đã bị đăng xuất.",
                             "Password changed. Every other session of this account is signed out."),
    "web_password_first": ("tài khoản đang dùng mật khẩu tạm: đổi mật khẩu trước (POST /api/password {{\"current\": ..., \"new\": ...}})",
                           "the account has a temporary password: change it first (POST /api/password {{\"current\": ..., \"new\": ...}})"),
    "web_password_fields": ("cần {{\"current\": ..., \"new\": ...}}", "expected {{\"current\": ..., \"new\": ...}}"),
    "srv_login_help": ("Quên mật khẩu hoặc chưa có tài khoản: liên hệ quản trị viên của tỉnh.",
                       "Forgotten password or no account: ask the province's administrator."),
    "srv_submissions_title": ("Hồ sơ", "Files"),
    "srv_start_period": ("Kỳ đánh giá", "Evaluation period"),
    "srv_open_file": ("Mở hồ sơ", "Open the file"),
    "srv_start_note": ("Ví dụ 2025-H1 (6 tháng đầu năm), 2025 (cả năm). Hồ sơ mới được tạo khi lưu bản nháp đầu tiên.",
                       "E.g. 2025-H1 (first half), 2025 (the year). A new file is made when its first draft is saved."),
    "srv_period": ("Kỳ", "Period"),
    "srv_filter": ("Lọc", "Filter"),
    "srv_show": ("Xem", "Show"),
    "srv_self_total": ("Điểm tự đánh giá", "Self-assessed"),
    "srv_appraised_total": ("Điểm thẩm định", "Appraised"),
    "srv_updated": ("Cập nhật", "Updated"),
    "srv_no_submissions": ("Chưa có hồ sơ nào.", "No file yet."),
    "srv_file_of": ("Hồ sơ {unit} — kỳ {period}", "File of {unit} — period {period}"),
    "srv_version": ("phiên bản {version}", "version {version}"),
    "srv_board_comment": ("Ý kiến của hội đồng thẩm định:", "The evaluation board's comment:"),
    "srv_edit_note": ("Nhập số liệu như trang tự đánh giá; điểm và kết quả cập nhật ngay khi gõ. Lưu bản nháp bất cứ "
                      "lúc nào; khi đủ số liệu, bấm Nộp hồ sơ (sau khi nộp, xã không sửa được nữa trừ khi hội đồng trả lại).",
                      "Enter the figures as on the self-check page; points and the decision update as you type. Save "
                      "a draft at any time; when complete, press Submit (once submitted the commune can no longer "
                      "edit it unless the board returns it)."),
    "srv_file_actions": ("Lưu và nộp hồ sơ", "Save and submit"),
    "srv_submit_note": ("Nộp hồ sơ lưu số liệu đang có trên trang rồi nộp; cần đủ số liệu hợp lệ. Đính kèm minh chứng "
                        "trước khi nộp.", "Submit saves the figures on the page, then submits them; they must be "
                        "complete and valid. Attach the evidence before submitting."),
    "srv_save_draft": ("Lưu bản nháp", "Save draft"),
    "srv_submit": ("Nộp hồ sơ", "Submit"),
    "srv_evidence": ("Minh chứng", "Evidence"),
    "srv_evidence_note": ("Tệp PDF, ảnh, Word, Excel (tối đa 10 MB mỗi tệp), theo từng tiêu chí.",
                          "PDF, image, Word or Excel files (at most 10 MB each), per criterion."),
    "srv_evidence_after_draft": ("Minh chứng được đính kèm vào hồ sơ đã lưu: lưu bản nháp trước (chưa cần đủ số liệu), "
                                 "rồi chọn tệp.", "Evidence is attached to a saved file: save the draft first (the "
                                 "figures need not be complete), then choose the files."),
    "srv_criterion": ("Tiêu chí", "Criterion"),
    "srv_criterion_short": ("Tiêu chí {number}", "Criterion {number}"),
    "srv_whole_file": ("Cả hồ sơ", "The whole file"),
    "srv_attach": ("Đính kèm", "Attach"),
    "srv_no_evidence": ("Chưa có tệp minh chứng.", "No evidence file yet."),
    "srv_points_side_by_side": ("Điểm tự đánh giá và điểm thẩm định", "Self-assessed and appraised points"),
    "srv_preview": ("xem trước, chưa lưu", "preview, not saved"),
    "srv_max": ("Tối đa", "Max"),
    "srv_self_assessed": ("Xã tự đánh giá", "Self-assessed"),
    "srv_appraised": ("Thẩm định", "Appraised"),
    "srv_threshold": ("ngưỡng {threshold}", "threshold {threshold}"),
    "srv_adjustments": ("Số liệu hội đồng điều chỉnh", "Figures the board adjusted"),
    "srv_return_title": ("Trả lại hồ sơ cho xã", "Return the file to the commune"),
    "srv_return_comment": ("Ý kiến: xã cần sửa, bổ sung gì", "Comment: what the commune should correct or add"),
    "srv_return_button": ("Trả lại hồ sơ", "Return the file"),
    "srv_appraise_title": ("Thẩm định số liệu", "Appraise the figures"),
    "srv_appraise_note": ("Cột trái là số liệu xã báo cáo. Sửa giá trị nào sai, ghi lý do bên cạnh (bắt buộc); Xem trước "
                          "để so sánh điểm, rồi Xác nhận thẩm định.",
                          "The left column is what the commune reported. Correct any wrong value and give the reason "
                          "beside it (required); Preview to compare the points, then Confirm the appraisal."),
    "srv_figures": ("Số liệu", "Figures"),
    "srv_reason": ("Lý do điều chỉnh", "Reason for the adjustment"),
    "srv_reason_placeholder": ("lý do (khi sửa)", "reason (when changed)"),
    "srv_preview_button": ("Xem trước điểm", "Preview the points"),
    "srv_appraise_button": ("Xác nhận thẩm định", "Confirm the appraisal"),
    "srv_decide_title": ("Quyết định công nhận", "Recognition decision"),
    "srv_decision_number": ("Số quyết định", "Decision number"),
    "srv_decision_date": ("Ngày quyết định", "Decision date"),
    "srv_recognise_button": ("Ghi quyết định công nhận", "Record the recognition"),
    "srv_not_recognise_reason": ("Lý do không công nhận", "Reason for not recognising"),
    "srv_not_recognise_button": ("Không công nhận", "Not recognised"),
    "srv_decision_info": ("Được công nhận theo quyết định số {number} ngày {date}", "Recognised by decision {number} of {date}"),
    "srv_not_recognised_info": ("Không được công nhận: {reason}", "Not recognised: {reason}"),
    "srv_events": ("Diễn biến hồ sơ", "What happened to the file"),
    "srv_back_list": ("← Danh sách hồ sơ", "← All files"),
    "srv_dashboard_title": ("Theo dõi kỳ {period}", "Dashboard for {period}"),
    "srv_rate_title": ("Tỷ lệ được công nhận", "Recognition rate"),
    "srv_rate_detail": ("{recognised}/{units} đơn vị được công nhận; mục tiêu quốc gia {target}% đến năm {year}",
                        "{recognised} of {units} units recognised; national target {target}% by {year}"),
    "srv_rate_none": ("Chưa có đơn vị nào.", "No unit yet."),
    "srv_due_title": ("Hạn nộp hồ sơ", "Submission due"),
    "srv_days_left": ("còn {days} ngày", "{days} days left"),
    "srv_days_late": ("quá hạn {days} ngày", "{days} days late"),
    "srv_due_dates": ("Xã nộp hồ sơ trước {submission}; tỉnh báo cáo trước {report}", "Communes submit by {submission}; the province reports by {report}"),
    "srv_not_submitted": ("{count} đơn vị chưa nộp", "Units that have not submitted: {count}"),
    "srv_no_due": ("Kỳ này không có hạn nộp trong cấu hình (--deadlines).", "No due date configured for this period (--deadlines)."),
    "srv_counts_title": ("Đơn vị theo trạng thái", "Units by status"),
    "srv_downloads": ("Tải về (từ số liệu đã thẩm định)", "Downloads (from appraised figures)"),
    "srv_download_aggregate": ("Bảng tổng hợp Excel và 2 biểu đồ (tệp .zip)", "Summary workbook and two charts (a .zip file)"),
    "srv_download_summary": ("Báo cáo tổng hợp (PDF)", "Summary report (PDF)"),
    "srv_downloads_note": ("Lập từ {count} hồ sơ đã thẩm định của kỳ {period}, theo số liệu sau điều chỉnh của hội đồng.",
                           "Built from the appraised files of {period} ({count} so far), with the board's adjusted figures."),
    "srv_units_title": ("Hồ sơ trong kỳ", "Files of the period"),
    "srv_audit_title": ("Nhật ký", "Audit trail"),
    "srv_since": ("Từ ngày", "Since"),
    "srv_export_csv": ("Xuất CSV", "Export CSV"),
    "srv_audit_count": ("{shown} mục mới nhất trong {total}", "The newest {shown} of {total} entries"),
    "srv_when": ("Lúc (giờ Việt Nam)", "When (Vietnam time)"),
    "srv_who": ("Ai", "Who"),
    "srv_what": ("Việc", "What"),
    "srv_before": ("Trước", "Before"),
    "srv_after": ("Sau", "After"),
    "srv_users_title": ("Tài khoản", "Accounts"),
    "srv_add_user": ("Tạo tài khoản", "New account"),
    "srv_add_user_button": ("Tạo tài khoản", "Create the account"),
    "srv_add_user_note": ("Xã: mã đơn vị, tên, huyện, tỉnh (quyết định hội đồng và tỉnh nào thấy đơn vị). Hội đồng: địa bàn "
                          "(mã đơn vị hoặc tên huyện/tỉnh, cách nhau bằng dấu phẩy). Tỉnh: tên tỉnh. Mật khẩu đặt ở đây là "
                          "mật khẩu tạm: người dùng phải đổi khi đăng nhập lần đầu.",
                          "Commune: unit code, name, district, province (which decide the board and province that see it). "
                          "Board: its area (unit codes or district/province names, comma-separated). Province: its name. "
                          "A password set here is temporary: its owner must change it at the first sign-in."),
    "srv_role": ("Vai trò", "Role"),
    "srv_scope": ("Phạm vi", "Scope"),
    "srv_user_unit": ("Mã đơn vị (xã)", "Unit code (commune)"),
    "srv_district": ("Huyện", "District"),
    "srv_area": ("Địa bàn (hội đồng)", "Area (board)"),
    "srv_province": ("Tỉnh", "Province"),
    "srv_disable": ("Khóa", "Disable"),
    "srv_enable": ("Mở khóa", "Enable"),
    "srv_new_password": ("mật khẩu mới", "new password"),
    "srv_set_password": ("Đặt mật khẩu", "Set password"),
    # What a first-time user reads (issue 20, round two): each role's start page, the steps, what happens next.
    "srv_files_of_unit": ("Hồ sơ của {unit}", "Files of {unit}"),
    "srv_files_of_scope": ("Hồ sơ — {scope}", "Files — {scope}"),
    "srv_steps_title": ("Các bước", "The steps"),
    "srv_step_open": ("Chọn kỳ đánh giá rồi bấm Mở hồ sơ.", "Choose the evaluation period and press Open the file."),
    "srv_step_fill": ("Điền số liệu của kỳ: điểm và kết quả hiện ngay khi gõ; bấm Lưu bản nháp bất cứ lúc nào.",
                      "Enter the period's figures: the points and the result show as you type; press Save draft at any time."),
    "srv_step_evidence": ("Đính kèm minh chứng (biên bản, báo cáo, ảnh…) theo từng tiêu chí.",
                          "Attach the evidence (minutes, reports, photos…) per criterion."),
    "srv_step_submit": ("Nộp hồ sơ trước hạn. Hội đồng thẩm định kiểm tra; nếu cần sửa, hồ sơ được trả lại kèm ý kiến.",
                        "Submit the file before the due date. The evaluation board checks it; if something must be "
                        "corrected, the file comes back with its comment."),
    "srv_kind_year": ("cả năm", "the whole year"),
    "srv_kind_H1": ("6 tháng đầu năm", "first half of the year"),
    "srv_kind_H2": ("6 tháng cuối năm", "second half of the year"),
    "srv_period_option": ("{period} ({kind}) — hạn {due}", "{period} ({kind}) — due {due}"),
    "srv_period_option_late": ("{period} ({kind}) — hạn {due}, quá hạn", "{period} ({kind}) — due {due}, past"),
    "srv_no_files_commune": ("{unit} chưa có hồ sơ nào: mở hồ sơ của kỳ đánh giá ở trên để bắt đầu.",
                             "{unit} has no file yet: open the file of the evaluation period above to begin."),
    "srv_no_files_board": ("Chưa có hồ sơ nào trong địa bàn. Hồ sơ của một xã hiện ở đây khi xã lưu bản nháp đầu tiên; "
                           "hồ sơ xã đã nộp chờ hội đồng thẩm định. Trang Theo dõi cho biết xã nào chưa nộp.",
                           "No file in the area yet. A commune's file shows here when it saves its first draft; files "
                           "the communes have submitted wait for the board's appraisal. The Dashboard shows who has not "
                           "submitted."),
    "srv_no_files_province": ("Chưa có hồ sơ nào. Hồ sơ của một xã hiện ở đây khi xã lưu bản nháp đầu tiên. Trang Theo "
                              "dõi cho biết xã nào chưa nộp.",
                              "No file yet. A commune's file shows here when it saves its first draft. The Dashboard "
                              "shows who has not submitted."),
    "srv_no_files_filtered": ("Không có hồ sơ nào khớp với bộ lọc.", "No file matches the filter."),
    "srv_todo_board": ("{count} hồ sơ chờ thẩm định", "Files to appraise: {count}"),
    "srv_todo_province": ("{count} hồ sơ đã thẩm định chờ quyết định công nhận", "Appraised files awaiting the decision: {count}"),
    "srv_state_new": ("mới, chưa lưu", "new, not saved yet"),
    "srv_state_reopened": ("tỉnh trả lại, chờ thẩm định lại", "reopened by the province, to be appraised again"),
    "srv_jump": ("Đi tới:", "Go to:"),
    "srv_jump_figures": ("Số liệu", "Figures"),
    "srv_jump_evidence": ("Minh chứng ({count})", "Evidence ({count})"),
    "srv_jump_submit": ("Lưu và nộp", "Save and submit"),
    "srv_save_to_attach": ("Lưu bản nháp để đính kèm minh chứng", "Save the draft to attach evidence"),
    "srv_submit_confirm": ("Nộp hồ sơ? Sau khi nộp, xã không sửa được nữa trừ khi hội đồng thẩm định trả lại.",
                           "Submit the file? Once submitted, the commune can no longer change it unless the board returns it."),
    "srv_next_draft_commune": ("Bản nháp: xã còn sửa được. Khi đủ số liệu và minh chứng, bấm Nộp hồ sơ ở cuối trang.",
                               "A draft: the commune can still change it. When the figures and evidence are complete, "
                               "press Submit at the end of the page."),
    "srv_next_returned_commune": ("Hội đồng thẩm định đã trả lại hồ sơ: sửa theo ý kiến dưới đây, bổ sung minh chứng rồi "
                                  "bấm Nộp hồ sơ lại.",
                                  "The evaluation board returned the file: correct it as its comment below says, add "
                                  "evidence, then press Submit again."),
    "srv_next_submitted_commune": ("Đã nộp; đang chờ hội đồng thẩm định. Xã không sửa được hồ sơ trừ khi hội đồng trả lại.",
                                   "Submitted; waiting for the evaluation board. The commune cannot change the file "
                                   "unless the board returns it."),
    "srv_next_appraised_commune": ("Hội đồng đã thẩm định; đang chờ quyết định công nhận.",
                                   "The board has appraised the file; the recognition decision is awaited."),
    "srv_next_draft_other": ("Xã đang soạn hồ sơ (bản nháp); hội đồng thẩm định khi xã nộp.",
                             "The commune is preparing its file (a draft); the board appraises it once submitted."),
    "srv_next_returned_other": ("Đã trả lại cho xã; chờ xã sửa và nộp lại.",
                                "Returned to the commune; waiting for it to correct and submit again."),
    "srv_next_submitted_board": ("Chờ thẩm định: đối chiếu từng số liệu với minh chứng; sửa số liệu sai và ghi lý do, Xem "
                                 "trước điểm rồi Xác nhận thẩm định. Hồ sơ còn thiếu thì trả lại cho xã kèm ý kiến.",
                                 "To appraise: check each figure against the evidence; correct a wrong figure and give "
                                 "the reason, Preview the points, then Confirm the appraisal. If something is missing, "
                                 "return the file to the commune with a comment."),
    "srv_next_submitted_other": ("Xã đã nộp; chờ hội đồng thẩm định.", "Submitted by the commune; waiting for the board."),
    "srv_next_appraised_board": ("Đã thẩm định; chờ tỉnh quyết định công nhận.", "Appraised; waiting for the province's decision."),
    "srv_next_appraised_province": ("Hội đồng đã thẩm định: ghi quyết định công nhận (hoặc không công nhận) dưới đây. Nếu "
                                    "thẩm định chưa đúng, trả lại hội đồng kèm ý kiến.",
                                    "The board has appraised the file: record the decision (recognised or not) below. "
                                    "If the appraisal is wrong, return the file to the board with a comment."),
    "srv_appraised_result": ("Kết quả thẩm định: {total}/{threshold} điểm — {status}.",
                             "Appraised result: {total}/{threshold} points — {status}."),
    "srv_not_eligible_note": ("Kết quả thẩm định chưa đạt chuẩn: chỉ ghi được quyết định không công nhận.",
                              "The appraised result does not meet the standard: only a non-recognition can be recorded."),
    "srv_column_own": ("Xã báo cáo", "Commune's figure"),
    "srv_column_appraised": ("Giá trị thẩm định", "Appraised value"),
    "srv_column_reason": ("Lý do điều chỉnh", "Reason for the change"),
    "srv_short_own": ("Xã", "Commune"),
    "srv_criterion_evidence": ("Minh chứng:", "Evidence:"),
    "srv_criterion_no_evidence": ("chưa có minh chứng cho tiêu chí này", "no evidence for this criterion"),
    "srv_appraise_again_note": ("Các ô đã điền sẵn số liệu và lý do của lần thẩm định trước.",
                                "The fields hold the previous appraisal's figures and reasons."),
    # The province returns an appraised file to the board before deciding.
    "wf_action_reopen": ("trả lại hội đồng thẩm định", "return to the evaluation board"),
    "srv_reopen_title": ("Trả lại hội đồng thẩm định", "Return to the evaluation board"),
    "srv_reopen_comment": ("Ý kiến: hội đồng cần xem lại gì", "Comment: what the board should look at again"),
    "srv_reopen_button": ("Trả lại hội đồng", "Return to the board"),
    "srv_reopened": ("Tỉnh đã trả lại hội đồng để thẩm định lại ({actor}, {at}):",
                     "The province returned the file to the board for a new appraisal ({actor}, {at}):"),
    "web_done_reopen": ("Đã trả lại hồ sơ của {unit} kỳ {period} cho hội đồng thẩm định, kèm ý kiến",
                        "The file of {unit} for {period} is returned to the evaluation board with the comment"),
    # The dashboard.
    "srv_rate_need": ("Cần thêm {count} đơn vị được công nhận để đạt mục tiêu {target}%.",
                      "Still to be recognised to reach the {target}% target: {count} units."),
    "srv_rate_reached": ("Đã đạt mục tiêu {target}%.", "The {target}% target is reached."),
    "srv_rate_units_note": ("Tỷ lệ tính trên {units} đơn vị có tài khoản trên máy chủ; theo {list}, {province} có "
                            "{official} đơn vị cấp xã.",
                            "The rate counts the {units} units with an account on this server; {list} gives "
                            "{province} {official} commune-level units."),
    "srv_downloads_none": ("Chưa có hồ sơ nào được thẩm định trong kỳ {period}. Báo cáo thẩm định và dự thảo quyết "
                           "định lập từ hồ sơ đã thẩm định, nên sẽ có khi hội đồng thẩm định xong hồ sơ đầu tiên.",
                           "No file of {period} has been appraised yet. The appraisal report and the draft decision "
                           "are built from appraised files, so they come once the board has appraised the first one."),
    "srv_summary_note": ("Báo cáo tổng hợp tính cả {units} đơn vị có tài khoản: {appraised} đơn vị theo kết quả thẩm "
                         "định, đơn vị chưa được thẩm định tính là thiếu dữ liệu.",
                         "The summary counts every unit with an account ({units}): those appraised ({appraised}) by "
                         "their appraised result, the others as missing data."),
    "srv_no_period_files": ("Chưa xã nào mở hồ sơ kỳ {period}.", "No commune has opened a file for {period} yet."),
    # The audit trail, in words.
    "srv_not_yourself": ("không tự khóa được tài khoản đang đăng nhập: nhờ một quản trị viên khác, hoặc dùng cfc users "
                         "disable", "you cannot disable the account you are signed in with: ask another administrator, "
                         "or use cfc users disable"),
    "srv_all_units": ("mọi đơn vị", "every unit"),
    "srv_actor_local": ("dòng lệnh", "command line"),
    "audit_login_ok": ("đăng nhập", "signed in"),
    "audit_login_failed": ("đăng nhập sai", "failed sign-in"),
    "audit_user_add": ("tạo tài khoản", "account created"),
    "audit_user_disable": ("khóa tài khoản", "account disabled"),
    "audit_user_enable": ("mở khóa tài khoản", "account enabled"),
    "audit_user_password": ("đặt mật khẩu", "password set"),
    "audit_history_save": ("lưu kết quả", "result saved"),
    "audit_history_replace": ("thay kết quả đã lưu", "saved result replaced"),
    # ---- end of issue 20 ----

    # ---- issue 21: nothing lost, nothing silently wrong, round two ----
    # Criteria a board edits (class 6): what makes a decision impossible or a band unreachable.
    "criteria_min_above_criterion": (
        "mỗi tiêu chí phải đạt ít nhất {min} điểm nhưng {which} tối đa chỉ {most} điểm: không đơn vị nào có thể "
        "được công nhận",
        "every criterion must reach {min} points but {which} can give at most {most}: no unit can ever be "
        "recognised"),
    "criteria_which_every": ("mọi tiêu chí", "every criterion"),
    "criteria_which_one": ("tiêu chí {numbers}", "criterion {numbers}"),
    "criteria_which_some": ("các tiêu chí {numbers}", "criteria {numbers}"),
    "criteria_band_empty_edge": ("mức điểm rỗng: không giá trị nào vừa {low} vừa {high}",
                                 "the band is empty: no value is both {low} and {high}"),
    "criteria_band_below_input_min": (
        "mức điểm không bao giờ đạt được: {input} khai báo min: {min}, nên không có giá trị nào {band}",
        "the band can never be reached: {input} is declared with min: {min}, so no value is {band}"),
    "criteria_same_input_rate": (
        "tử số và mẫu số cùng là {input}: tỷ lệ luôn là {top} (hoặc mẫu số bằng 0), các mức điểm khác không bao "
        "giờ đạt được",
        "numerator and denominator are both {input}: the rate is always {top} (or its denominator is empty), "
        "the other bands can never be reached"),
    "criteria_threshold_unreachable": (
        "ngưỡng {threshold} điểm cao hơn tổng điểm tối đa {most}: không đơn vị loại {category} nào được công nhận",
        "the threshold of {threshold} points is above the most a unit can score, {most}: no unit of category "
        "{category} can ever be recognised"),

    # Nothing dropped or misread without a word (class 3).
    "lone_surrogate": ("{input} = {value!r}: có ký tự thay thế đơn lẻ (\\ud800–\\udfff), không phải văn bản hợp lệ; "
                       "tệp bị hỏng hoặc được tạo sai",
                       "{input} = {value!r}: holds a lone surrogate (\\ud800–\\udfff), which is not text; the file "
                       "is damaged or was made wrongly"),
    "lone_surrogate_key": ("tên trường {value!r} có ký tự thay thế đơn lẻ, không phải văn bản hợp lệ; tệp bị hỏng "
                           "hoặc được tạo sai",
                           "the key {value!r} holds a lone surrogate, which is not text; the file is damaged or was "
                           "made wrongly"),
    "unknown_key": ("tên trường {name!r} không phải số liệu đầu vào của bộ tiêu chí: bỏ qua (ở {units} đơn vị){hint}",
                    "key {name!r} is not an input of the criteria file: ignored (in {units} unit(s)){hint}"),
    "short_rows": ("có ít ô hơn dòng tiêu đề ({columns} cột): các số liệu cuối được đọc là để trống "
                   "(dòng bị cắt, hay chỉ gõ đến ô có số liệu cuối cùng?)",
                   "fewer cells than the header ({columns} columns): the last inputs are read as blank "
                   "(a row cut short, or typed only as far as its last value?)"),
    "nothing_written": ("Không ghi gì vào {output}: không đọc được tệp số liệu nào (tệp cũ, nếu có, vẫn giữ nguyên)",
                        "Nothing written to {output}: no input file could be read (what was there, if anything, is "
                        "kept as it was)"),
    "key_beside_units": ("tên trường {name!r} nằm ngoài danh sách units: bỏ qua, không áp dụng cho đơn vị nào{hint}",
                         "key {name!r} is outside the list of units: ignored, it applies to no unit{hint}"),
    "key_beside_units_input": (" (đây là số liệu đầu vào: hãy ghi nó trong từng đơn vị)",
                               " (it is an input: write it in each unit)"),
    "own_results_file": ("{file}: đây là {what} do cfc ghi ra, không phải số liệu đầu vào; để chấm lại, dùng các tệp "
                         "số liệu đã chấm; để tổng hợp, dùng cfc aggregate hoặc cfc report summary",
                         "{file}: this is {what} written by cfc, not input data; to evaluate again, give the input "
                         "files that were evaluated; to combine results, use cfc aggregate or cfc report summary"),
    "own_kind_json": ("tệp kết quả JSON (cfc evaluate --format json)", "a JSON results file (cfc evaluate --format json)"),
    "own_kind_csv": ("tệp kết quả CSV (cfc evaluate -o …csv)", "a CSV results file (cfc evaluate -o …csv)"),
    "own_kind_xlsx": ("bảng tính kết quả (results.xlsx hoặc summary.xlsx, trang '{sheet}')",
                      "a results workbook (results.xlsx or summary.xlsx, sheet '{sheet}')"),
    "merged_cells_used": ("các ô được gộp: giá trị {value!r} của ô {cell} được dùng cho các dòng {first}–{last}",
                          "merged cells: the value {value!r} of cell {cell} is used for rows {first}–{last}"),
    "repeated_header": ("dòng tiêu đề lặp lại (hai bảng nối nhau?): bỏ qua, các cột được đọc theo dòng này",
                        "the header row again (two tables joined?): skipped, and the columns are read by it from here"),
    "percent_not_count": ("{input} = {value!r}: là tỷ lệ phần trăm, cần một số đếm (ô có định dạng %?); ghi chính "
                          "số đếm, ví dụ 46",
                          "{input} = {value!r}: a percentage where a count belongs (a cell formatted as %?); type "
                          "the count itself, e.g. 46"),
    # Combining results checks what it combines (class 5).
    "agg_does_not_add_up": ("{path} {where}, đơn vị {code}: {why}; kết quả đã bị sửa sau khi cfc ghi ra? Hãy chấm lại "
                            "từ số liệu (cfc evaluate){more}",
                            "{path} {where}, unit {code}: {why}; were the results edited after cfc wrote them? "
                            "Evaluate the data again (cfc evaluate){more}"),
    "agg_more_units": (" — và {count} đơn vị khác cũng không khớp", " — and {count} more unit(s) that do not add up"),
    "agg_why_criterion_points": ("tiêu chí {number} có {points} điểm, ngoài khoảng 0–{max}",
                                 "criterion {number} has {points} points, outside 0–{max}"),
    "agg_why_above_most": ("tổng điểm {total} cao hơn tổng điểm tối đa {most}",
                           "the total {total} is above the most a unit can score, {most}"),
    "agg_why_decided_unscored": ("kết quả là «{status}» nhưng tiêu chí {number} chưa được chấm",
                                 "the result is '{status}' but criterion {number} was not scored"),
    "agg_why_not_sum": ("tổng điểm {total} khác tổng điểm các tiêu chí, {sum}",
                        "the total {total} is not the sum of its criteria's points, {sum}"),
    "agg_why_below_scored": ("tổng điểm {total} thấp hơn điểm các tiêu chí đã chấm, {sum}",
                             "the total {total} is below the points of its scored criteria, {sum}"),
    "agg_why_no_threshold": ("đạt chuẩn nhưng không có ngưỡng điểm", "recognised without a threshold"),
    "agg_why_below_threshold": ("đạt chuẩn nhưng tổng điểm {total} thấp hơn ngưỡng {threshold}",
                                "recognised, but the total {total} is below the threshold {threshold}"),
    "agg_why_recognised_below_min": ("đạt chuẩn nhưng tiêu chí {number} dưới {min} điểm",
                                     "recognised, but criterion {number} has fewer than {min} points"),
    "agg_why_not_recognised_but_met": ("không đạt nhưng tổng điểm {total} đạt ngưỡng {threshold} và mọi tiêu chí đều đạt",
                                       "not recognised, but the total {total} reaches the threshold {threshold} and "
                                       "every criterion is met"),
    "agg_code_not_text": ("{path} {where}: mã đơn vị '{value}' có ký tự thay thế đơn lẻ, không phải văn bản: tệp kết quả bị "
                          "hỏng hoặc bị sửa; hãy chấm lại từ số liệu (cfc evaluate)",
                          "{path} {where}: the unit code '{value}' holds a lone surrogate, which is not text: the "
                          "results file is damaged or was edited; evaluate the data again (cfc evaluate)"),
    "agg_workbook": ("{path}: cfc aggregate không đọc bảng tính (results.xlsx là để người đọc); dùng tệp .json hoặc .csv "
                     "do `cfc evaluate` ghi cùng lần chấm (cfc evaluate -o THƯ_MỤC ghi cả ba tệp)",
                     "{path}: cfc aggregate does not read workbooks (results.xlsx is for people to read); use the .json "
                     "or .csv `cfc evaluate` wrote with it (cfc evaluate -o FOLDER writes all three)"),
    "agg_why_unknown_category": ("kết quả là «{status}» nhưng loại đơn vị {category!r} không có trong bộ tiêu chí "
                                 "({known})",
                                 "the result is '{status}' but its category {category!r} is not one of the criteria "
                                 "set's ({known})"),
    "agg_why_wrong_threshold": ("ngưỡng {threshold} không phải ngưỡng của loại đơn vị {category} ({expected})",
                                "the threshold {threshold} is not that of its category {category} ({expected})"),
    # A server that cannot be exhausted (class 8).
    "web_job_cancelled": ("Văn bản không được lập: máy chủ đang dừng. Hãy thử lại sau.",
                          "The document was not made: the server is stopping. Try again later."),
    "web_document_too_large": ("Bảng này có {units} đơn vị, nhiều hơn {limit} đơn vị một văn bản lập trên trang "
                               "có thể có (việc dàn trang sẽ mất nhiều phút). Hãy lập văn bản bằng lệnh trên máy của "
                               "hội đồng, ví dụ: cfc report appraisal {file} -o tham-dinh.pdf",
                               "This board has {units} units, more than the {limit} a document made on the page "
                               "may hold (laying it out would take minutes). Make it with the command on the "
                               "board's computer, e.g.: cfc report appraisal {file} -o tham-dinh.pdf"),
    # What the readers said about an upload, shown on its page as `cfc evaluate` says it on stderr (class 3).
    "web_field_surrogate": ("trường {field} có ký tự thay thế đơn lẻ (\\ud800–\\udfff), không phải văn bản hợp lệ: "
                            "yêu cầu được tạo sai; không lưu gì",
                            "the field {field} holds a lone surrogate (\\ud800–\\udfff), which is not text: the "
                            "request was made wrongly; nothing was saved"),
    "web_read_warning": ("Cảnh báo: {text}", "Warning: {text}"),
    "web_read_warnings_more": ("… và {count} cảnh báo khác về tệp này.", "… and {count} more warnings about this file."),
    # ---- end of issue 21 ----

    # ---- issue 22: the registry of administrative units ----
    "registry_code_unknown": ("mã đơn vị {code!r} không có trong {map}{hint}", "unit code {code!r} is not in {map}{hint}"),
    "registry_hint_old": ("; trong {map}, đó là {unit}, từ ngày 01/7/2025 thuộc {now}",
                          "; in {map} it is {unit}, since 1 July 2025 part of {now}"),
    "registry_hint_other": ("; trong {map}, đó là {unit}", "; in {map} it is {unit}"),
    "registry_hint_zero": ("; mất số 0 ở đầu? {code} là {unit}", "; a leading zero lost? {code} is {unit}"),
    "registry_name_mismatch": ("{code} là {unit} trong {map}, không phải {given!r}",
                               "{code} is {unit} in {map}, not {given!r}"),
    "registry_province_mismatch": ("{code} là {unit} trong {map}: tỉnh là {official}, không phải {given!r}",
                                   "{code} is {unit} in {map}: its province is {official}, not {given!r}"),
    "registry_district_mismatch": ("{code} là {unit} trong {map}: huyện là {official}, không phải {given!r}",
                                   "{code} is {unit} in {map}: its district is {official}, not {given!r}"),
    "registry_category_ward": ("{code} là {unit}, phường của thành phố trực thuộc trung ương, nhưng loại đơn vị "
                               "là «{category}»; loại của phường thuộc thành phố trực thuộc trung ương là «{expected}»",
                               "{code} is {unit}, a ward of a centrally governed city, but its category is "
                               "'{category}'; a ward of a centrally governed city is '{expected}'"),
    "registry_category_not_ward": ("{code} là {unit}, không phải phường của thành phố trực thuộc trung ương, nhưng "
                                   "loại đơn vị là «{category}»",
                                   "{code} is {unit}, not a ward of a centrally governed city, but its category is "
                                   "'{category}'"),
    "registry_filled": ("{input}: «{value}», điền từ danh mục đơn vị hành chính",
                        "{input}: '{value}', filled from the list of administrative units"),
    "warning_line": ("cảnh báo: {text}", "warning: {text}"),
    "registry_account_unknown": ("mã đơn vị {code!r} không có trong {now} lẫn {before}: không tạo tài khoản",
                                 "unit code {code!r} is in neither {now} nor {before}: no account created"),
    "template_province": ("đã điền sẵn {count} đơn vị của {province}", "pre-filled {count} units of {province}"),
    "template_no_province": ("không có tỉnh, thành phố {province!r} trong {map}; các tỉnh, thành phố: {known}",
                             "no province {province!r} in {map}; the provinces are: {known}"),
    "agg_map_no_districts": ("--map 2025 so sánh trên danh mục mới, không còn cấp huyện: dùng --by province (từng "
                             "xã, phường mới được so sánh ở trang «Theo đơn vị mới»)",
                             "--map 2025 compares on the new map, which has no districts: use --by province (each "
                             "new commune is compared on the sheet 'Theo đơn vị mới')"),
    "warnings_more": ("cảnh báo: còn {count} cảnh báo khác (có trong kết quả JSON và trang «Lỗi dữ liệu» của "
                      "bảng tính)",
                      "warning: {count} more warnings (in the JSON results and the workbook's 'Data errors' sheet)"),

    # ---- end of issue 22 ----

    # ---- issue 23: for the people who use it ----
    # A sum over incomplete or invalid data, wherever it is shown in brackets.
    "partial_total_note": ("Tổng điểm trong ngoặc, ví dụ (950): cộng trên số liệu chưa đầy đủ hoặc không hợp lệ, "
                           "chưa phải điểm đánh giá.",
                           "A total in brackets, e.g. (950): a sum over incomplete or invalid data, not a score."),
    # The page on a phone: the result bar that stays in view while typing.
    "web_full_result": ("Xem kết quả đầy đủ ↓", "Full result ↓"),
    "web_bar_total": ("{total}/{threshold} điểm", "{total}/{threshold} points"),
    "web_bar_short": ("thiếu {points} điểm", "{points} points short"),
    "web_bar_zero": ("tiêu chí {criteria}: 0 điểm", "criterion {criteria} at 0"),
    "web_bar_missing": ("thiếu {count} số liệu", "{count} inputs missing"),
    "web_bar_invalid": ("{count} số liệu lỗi", "{count} invalid values"),
    "web_show_names": ("Hiện tên kỹ thuật của từng ô (tiêu đề cột khi tự lập tệp CSV)",
                       "Show each field's technical name (the column header for a CSV you make yourself)"),
    # What the documents print that cfc cannot know, completed on the page before downloading.
    "web_doc_details": ("Thông tin ghi trên văn bản: nơi nhận, người ký, địa danh",
                        "What the documents print: recipient, signer, place"),
    "web_doc_details_note": ("Ô để trống được in thành chỗ trống trong ngoặc vuông để điền tay. Người cài đặt cfc có "
                             "thể ghi sẵn các thông tin này trong tệp cấu hình của hội đồng.",
                             "A field left empty prints as a bracketed blank to fill in by hand. Whoever installs "
                             "cfc can set them beforehand in the board's configuration file."),
    "web_doc_blanks": ("— còn {count} ô để trống", "— {count} left blank"),
    "web_doc_reviewing_office": ("Cơ quan thẩm định (nhận báo cáo tự đánh giá)",
                                 "Reviewing office (receives the self-assessment)"),
    "web_doc_reviewing_office_parent": ("Cơ quan chủ quản của cơ quan thẩm định", "Reviewing office's parent body"),
    "web_doc_reviewing_office_signer": ("Chức danh người ký báo cáo thẩm định", "Title of the appraisal's signer"),
    "web_doc_reviewing_office_signer_name": ("Họ và tên người ký báo cáo thẩm định", "Name of the appraisal's signer"),
    "web_doc_authority": ("Cơ quan có thẩm quyền công nhận", "Recognising authority"),
    "web_doc_authority_parent": ("Cơ quan chủ quản của cơ quan công nhận", "Recognising authority's parent body"),
    "web_doc_authority_signer": ("Chức danh người ký quyết định", "Title of the decision's signer"),
    "web_doc_authority_signer_name": ("Họ và tên người ký quyết định", "Name of the decision's signer"),
    "web_doc_area": ("Địa bàn", "Area"),
    "web_doc_period": ("Kỳ đánh giá", "Evaluation period"),
    "web_doc_place": ("Địa danh trên dòng ngày tháng của cơ quan thẩm định",
                      "Place on the reviewing office's date line"),

    # The terminal: an event's explanation once per batch; a header that matched nothing, repeated at the end.
    "gap_event_why": ("Đây là số sự việc đã xảy ra, không phải con số để giảm trên báo cáo; tiêu chí này hướng tới "
                      "{prevention}",
                      "This counts events that happened, not a number to report lower; the criterion is about "
                      "{prevention}"),
    "gap_events_heading": ("Chỉ tiêu {indicators} đếm sự việc đã xảy ra, không phải con số để giảm trên báo cáo; "
                           "các tiêu chí này hướng tới:",
                           "Indicators {indicators} count events that happened, not numbers to report lower; the "
                           "criteria are about:"),
    "unmatched_header_summary": ("Lưu ý: {count} đơn vị thiếu dữ liệu, và cột {column!r} của {file} không khớp số "
                                 "liệu nào nên bị bỏ qua{hint}",
                                 "Note: {count} units have missing data, and the column {column!r} of {file} matched "
                                 "no input and was ignored{hint}"),
    # ---- end of issue 23 ----
}


@dataclass(frozen=True)
class Message:
    """A message key with its parameters; rendered in a language only when shown."""

    key: str
    params: dict[str, Any] = field(default_factory=dict)

    def render(self, lang: str = "vi") -> str:
        """The message in `lang`; a parameter given as Text (a name, a place) or as a Message (a reason) is taken
        in the same language."""
        vi, en = CATALOG[self.key]
        params = {k: v(lang) if isinstance(v, Text) else v.render(lang) if isinstance(v, Message) else v
                  for k, v in self.params.items()}
        return nfc((vi if lang == "vi" else en).format(**params))


class MessageError(Exception):
    """An error people read: a catalog message, rendered in the reader's language where it is shown (the command
    line's --lang or CFC_LANG). str() is the English text, for logs and tests."""

    def __init__(self, key: str, /, **params: Any):
        self.message = Message(key, params)
        super().__init__(self.message.render("en"))

    def render(self, lang: str = "vi") -> str:
        return self.message.render(lang)


class Said(str):
    """A message kept where plain strings are expected (a batch's list of file errors, which JSON results carry):
    the English text, as logs, JSON and tests see it, that the command line still renders in the reader's
    language (see `localised`)."""

    message: Message

    def __new__(cls, message: Message) -> "Said":
        said = super().__new__(cls, message.render("en"))
        said.message = message
        return said

    def __reduce__(self):  # to worker processes and back: rebuilt from the message, not from the English text
        return Said, (self.message,)

    def render(self, lang: str = "vi") -> str:
        return self.message.render(lang)


def localised(text: Any, lang: str) -> str:
    """`text` in `lang` when it knows its message (Message, Said, MessageError), else as it is."""
    return text.render(lang) if isinstance(text, (Message, Said, MessageError)) else str(text)


_OS_REASONS = {errno.ENOENT: "os_no_file", errno.EACCES: "os_no_permission", errno.EPERM: "os_no_permission",
               errno.EISDIR: "os_is_folder", errno.ENOTDIR: "os_not_folder", errno.EROFS: "os_read_only",
               errno.ENOSPC: "os_disk_full", errno.ENAMETOOLONG: "os_name_too_long", errno.EIO: "os_io"}


def os_reason(error: OSError) -> Message:
    """Why the system refused a file: in English its own words (as before), in Vietnamese ours."""
    return Message(_OS_REASONS.get(error.errno, "os_other"), {"error": error.strerror or str(error)})


def counted(value: int) -> Text:
    """A count as a parameter: 10.600 in Vietnamese, 10,600 in English."""
    return Text.of(number(value, "vi"), number(value, "en"))


def both(key: str, params: dict[str, Any] | None = None, /, **localised: Text) -> Text:
    """Render a message in both languages; Text parameters take each language's own wording. (The engine
    words every reason and gap with this, so it formats directly: Text.of normalises each language once.)"""
    vi, en = CATALOG[key]
    vi_params = {**params, **localised} if params else localised
    en_params = None
    for name, value in vi_params.items():
        if isinstance(value, Text):
            if en_params is None:
                en_params = vi_params.copy()
            vi_params[name], en_params[name] = value.vi, value.en
    return Text.of(vi.format_map(vi_params), en.format_map(en_params if en_params is not None else vi_params))


class Wording:
    """A message with its texts already in place in both languages and its figures left to fill: what many results
    word alike (an indicator's label and band) is worded once. `fill(**figures)` equals
    `both(key, figures, **texts)`."""

    __slots__ = ("vi", "en", "plain", "figures")

    def __init__(self, key: str, /, **texts: Text):
        vi, en = CATALOG[key]
        vi = _with_texts(vi, {name: text.vi for name, text in texts.items()})
        en = _with_texts(en, {name: text.en for name, text in texts.items()})
        # Figures that are plain fields ({count}, no format spec) are filled with %: format() of a value with no
        # spec is str(value), which %s gives, in a third of format_map's time (measured). When both languages
        # name them in the same order, they are filled by position (a fifth faster again than by name).
        self.plain = _plain(vi) and _plain(en)
        self.figures = None
        if self.plain:
            names = _names(vi)
            if names and names == _names(en):
                self.figures = itemgetter(*names) if len(names) > 1 else (lambda figures, name=names[0]: (figures[name],))
                self.vi, self.en = _percent(vi, by_position=True), _percent(en, by_position=True)
            else:
                self.vi, self.en = _percent(vi), _percent(en)
        else:
            self.vi, self.en = vi, en

    def fill(self, **figures: Any) -> Text:
        if self.figures is not None:
            values = self.figures(figures)
            return Text.of(self.vi % values, self.en % values)
        if self.plain:
            return Text.of(self.vi % figures, self.en % figures)
        return Text.of(self.vi.format_map(figures), self.en.format_map(figures))

    def fill_each(self, vi: dict[str, Any], en: dict[str, Any]) -> Text:
        """`fill` with each language's own figures (a measure written 1,25‰ in Vietnamese, 1.25‰ in English): equals
        `both(key, figures, **texts)` where those figures are Texts."""
        if self.figures is not None:
            return Text.of(self.vi % self.figures(vi), self.en % self.figures(en))
        if self.plain:
            return Text.of(self.vi % vi, self.en % en)
        return Text.of(self.vi.format_map(vi), self.en.format_map(en))


def _with_texts(template: str, texts: dict[str, str]) -> str:
    """`template` with the named texts formatted in and every other field left as it was (braces escaped)."""
    out = []
    for literal, name, spec, conversion in _FORMATTER.parse(template):
        out.append(literal.replace("{", "{{").replace("}", "}}"))
        if name is None:
            continue
        if name in texts:
            value = texts[name]
            value = {"r": repr, "s": str, "a": ascii}[conversion](value) if conversion else value
            out.append(format(value, spec).replace("{", "{{").replace("}", "}}"))
        else:
            out.append("{" + name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "") + "}")
    return "".join(out)


def _plain(template: str) -> bool:
    return all(not spec and not conversion for _, name, spec, conversion in _FORMATTER.parse(template) if name)


def _names(template: str) -> list[str]:
    return [name for _, name, _, _ in _FORMATTER.parse(template) if name is not None]


def _percent(template: str, by_position: bool = False) -> str:
    """A format template of plain fields as the same %-template: {count} becomes %(count)s, or %s by position."""
    return "".join(literal.replace("%", "%%") + ("" if name is None else "%s" if by_position else f"%({name})s")
                   for literal, name, _, _ in _FORMATTER.parse(template))


_FORMATTER = string.Formatter()


def number(value: int | float | None, lang: str = "vi") -> str:
    """A whole number as the reader writes it: 10.600 in Vietnamese, 10,600 in English."""
    if value is None:
        return "—"
    text = f"{round(value):,}"
    return text.replace(",", ".") if lang == "vi" else text


def decimal(value: float | None, lang: str = "vi", digits: int = 2) -> str:
    """A decimal with the reader's separators: 1.234,56 in Vietnamese, 1,234.56 in English."""
    if value is None or value != value:  # None or NaN: nothing to show
        return "—"
    text = f"{value:,.{digits}f}"
    return text.translate(str.maketrans(",.", ".,")) if lang == "vi" else text


def percent(value: float | None, lang: str = "vi", digits: int = 2) -> str:
    """97,83% in Vietnamese, 97.83% in English."""
    shown = decimal(value, lang, digits)
    return shown if shown == "—" else shown + "%"
