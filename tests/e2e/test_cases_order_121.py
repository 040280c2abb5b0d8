"""Issue 16's story in the browser, on the 2026 calendar: a citizen files a complaint on Tuesday
29 September 2026 (told it will be registered in 12315); the bureau's service staff record its
12315 number, accept it, start mediation, pause the clock for testing, terminate mediation on a
第二十三条 ground and print the 投诉终止调解决定书; the citizen reads the outcome by tracking
number."""

import io

import docx
from playwright.sync_api import expect

from qualitymonth.core.models import AuditEntry
from tests.e2e.case_desk import BUREAU, set_clock, set_up_case_desk


def test_staff_mediate_pause_terminate_and_print_and_the_citizen_reads_the_outcome(
    phone_page, browser, live_server, log_in, settings, tmp_path, monkeypatch, captcha_test_mode
):
    settings.MEDIA_ROOT = tmp_path / "media"
    staff = set_up_case_desk()

    # Tuesday 29 September 2026: the citizen files a complaint from WeChat.
    set_clock(monkeypatch, 2026, 9, 29, 10, 30)
    citizen = phone_page
    citizen.goto(f"{live_server.url}/portal/cases/")
    citizen.locator(".portal-choice").filter(has_text="消费纠纷").click()
    notice = citizen.locator("#notice-12315")
    expect(notice).to_contain_text("将由受理单位登记到全国12315平台")
    expect(notice).to_contain_text("拨打 12315 热线电话")
    expect(notice).to_contain_text("www.12315.cn")
    citizen.get_by_label("产品或服务").fill("电动自行车蓄电池")
    citizen.get_by_label("经营者名称").fill("某某电动车商行")
    citizen.get_by_label("经营者地址").fill("浦东新区示例路 100 号")
    citizen.get_by_label("情况说明").fill("买后一周蓄电池无法充电，商家拒绝更换。")
    citizen.get_by_label("您的姓名").fill("王小明")
    citizen.get_by_label("手机号码").fill("13812341234")
    citizen.get_by_label("验证码").fill(captcha_test_mode)
    citizen.get_by_role("button", name="提交").click()
    expect(citizen.get_by_role("heading", name="提交成功")).to_be_visible()
    tracking_number = citizen.locator("#tracking-number").inner_text().strip()
    assert tracking_number == "ZJ2026092900001"

    # Friday 9 October: the staff record the 12315 number, accept and start mediation.
    set_clock(monkeypatch, 2026, 10, 9, 9, 0)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    context.set_default_timeout(15_000)
    office = context.new_page()
    log_in(office, "service", "Strong-Password-1")
    office.get_by_role("link", name="咨询投诉").click()
    expect(office.locator("#lacking-12315")).to_contain_text("有 1 件投诉举报尚未登记12315工单号")
    row = office.locator("#cases tbody tr").filter(has_text=tracking_number)
    # 30 September, 8 and 9 October counted; 10 (调休), 12, 13, 14 October left.
    expect(row).to_contain_text("受理决定：剩余 4 个工作日")
    row.get_by_role("link", name=tracking_number).click()

    office.get_by_label("12315工单号").fill("1310 0000 2026 0929 0001")
    office.get_by_role("button", name="登记工单号").click()
    expect(office.locator("#number-12315")).to_have_text("13100000202609290001")
    office.get_by_role("button", name="受理", exact=True).click()
    expect(office.locator(".message.success")).to_contain_text("已受理")
    expect(office.locator(".case-clocks")).to_contain_text("调解期限：剩余 60 日")
    expect(office.locator(".case-clocks")).to_contain_text("2026年12月8日")
    office.get_by_label("现场调解").check()
    office.get_by_role("button", name="开始调解").click()
    expect(office.locator("#case-status")).to_have_text("调解中")

    # Monday 2 November: the battery goes to the testing institute; the clock stops.
    set_clock(monkeypatch, 2026, 11, 2, 9, 0)
    office.reload()
    form = office.locator("#action-pause")
    form.get_by_label("暂停原因").select_option(label="检验、检测、鉴定")
    form.get_by_label("说明（选填）").fill("蓄电池送区质检所检测")
    form.get_by_role("button", name="暂停计时").click()
    expect(office.locator(".case-clocks")).to_contain_text(
        "调解期限：已暂停计时（检验、检测、鉴定，自2026年11月2日起）"
    )

    # Thursday 12 November: the report is back; ten days do not count.
    set_clock(monkeypatch, 2026, 11, 12, 9, 0)
    office.reload()
    office.locator("#action-resume").get_by_role("button", name="恢复计时").click()
    expect(office.locator(".case-clocks")).to_contain_text("2026年12月18日")
    expect(office.locator("#deadlines")).to_contain_text("60 日，暂停 10 日不计入")

    # Friday 20 November: the business refuses any agreement; mediation ends on (三).
    set_clock(monkeypatch, 2026, 11, 20, 15, 0)
    office.reload()
    form = office.locator("#action-terminate")
    form.get_by_label("终止调解的情形（第二十三条第一款）").select_option("3")
    form.get_by_label("说明（选填）").fill("被投诉人明确表示不同意更换蓄电池。")
    form.get_by_role("button", name="终止调解").click()
    expect(office.locator(".message.success")).to_contain_text("已终止调解")
    expect(office.locator(".case-clocks")).to_contain_text("告知终止调解：剩余 7 个工作日")

    with office.expect_download() as download:
        office.get_by_role("button", name="下载投诉终止调解决定书").click()
    assert download.value.suggested_filename == f"投诉终止调解决定书_{tracking_number}.docx"
    saved = tmp_path / "termination.docx"
    download.value.save_as(saved)
    document = docx.Document(io.BytesIO(saved.read_bytes()))
    lines = [p.text for p in document.paragraphs if p.text.strip()]
    assert lines[0] == "投诉终止调解决定书"
    assert lines[2] == "王小明、某某电动车商行："
    assert "第二十三条第一款第（三）项" in lines[3]
    assert lines[-2:] == [BUREAU, "2026年11月20日"]
    assert AuditEntry.objects.filter(action="case.document_printed", actor=staff).count() == 1
    context.close()

    # The citizen looks the case up by its tracking number.
    citizen.goto(f"{live_server.url}/portal/cases/follow/?number={tracking_number}")
    citizen.get_by_label("手机号码").fill("13812341234")
    citizen.get_by_role("button", name="查询").click()
    expect(citizen.locator(".case-status")).to_have_text("终止调解")
    expect(citizen.locator("#case-number-12315")).to_have_text("13100000202609290001")
    steps = citizen.locator("#case-steps")
    expect(steps).to_contain_text("依据《市场监督管理投诉举报处理办法》第二十三条第一款第（三）项")
    expect(steps).to_contain_text("被投诉人明确表示不同意更换蓄电池。")
    expect(steps).to_contain_text("自2026年11月2日起暂停计时")
    assert citizen.evaluate("document.documentElement.scrollWidth") <= 375
    assert citizen.js_errors == []
