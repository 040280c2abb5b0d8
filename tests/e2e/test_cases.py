"""Issue 6's case story at phone width: a citizen files a complaint on Friday 27 September 2024
and follows it with the tracking number and mobile number; on 8 October, after the National Day
holiday, the bureau's service staff see its clock in working days, look at the contact details
(audited) and reply; the citizen reads the reply."""

from playwright.sync_api import expect

from qualitymonth.core.models import AuditEntry
from tests.e2e.case_desk import set_clock, set_up_case_desk
from tests.reports.conftest import photo_bytes


def test_a_citizen_files_and_follows_a_complaint_and_staff_see_its_working_day_clock(
    phone_page, browser, live_server, log_in, settings, tmp_path, monkeypatch, captcha_test_mode
):
    settings.MEDIA_ROOT = tmp_path / "media"
    staff = set_up_case_desk()
    photo = tmp_path / "IMG_0001.JPG"
    photo.write_bytes(photo_bytes(1))

    # Friday 27 September 2024: the citizen files a complaint from WeChat.
    set_clock(monkeypatch, 2024, 9, 27, 10, 30)
    citizen = phone_page
    citizen.goto(f"{live_server.url}/portal/cases/")
    citizen.locator(".portal-choice").filter(has_text="消费纠纷").click()
    expect(citizen.get_by_role("heading", name="我要投诉")).to_be_visible()
    citizen.get_by_label("产品或服务").fill("电动自行车蓄电池")
    citizen.get_by_label("经营者名称").fill("某某电动车商行")
    citizen.get_by_label("经营者地址").fill("浦东新区示例路 100 号")
    citizen.get_by_label("情况说明").fill("买后一周蓄电池无法充电，商家拒绝更换。")
    citizen.get_by_label("照片").set_input_files([str(photo)])
    citizen.get_by_label("您的姓名").fill("王小明")
    citizen.get_by_label("手机号码").fill("13812341234")
    expect(citizen.locator("img.captcha")).to_be_visible()
    citizen.get_by_label("验证码").fill(captcha_test_mode)
    citizen.get_by_role("button", name="提交").click()
    expect(citizen.get_by_role("heading", name="提交成功")).to_be_visible()
    tracking_number = citizen.locator("#tracking-number").inner_text().strip()
    assert tracking_number == "ZJ2024092700001"

    # Following it: the tracking number is filled in; a wrong mobile number tells nothing.
    citizen.get_by_role("link", name="查询办理进度").click()
    expect(citizen.get_by_label("受理编号")).to_have_value(tracking_number)
    citizen.get_by_label("手机号码").fill("13900000000")
    citizen.get_by_role("button", name="查询").click()
    expect(citizen.get_by_role("alert")).to_contain_text("受理编号与手机号码不匹配")
    citizen.get_by_label("手机号码").fill("13812341234")
    citizen.get_by_role("button", name="查询").click()
    expect(citizen.locator(".case-status")).to_have_text("待受理")
    assert citizen.evaluate("document.documentElement.scrollWidth") <= 375

    # Tuesday 8 October, the first working day after the holiday: the staff's list counts the
    # 调休 Sunday 29 September and 30 September, not 1–7 October; 4 working days are left
    # (8, 9, 10, 11 → the limit ends on the 调休 Saturday 12 October).
    set_clock(monkeypatch, 2024, 10, 8, 9, 0)
    context = browser.new_context(viewport={"width": 375, "height": 740}, locale="zh-CN")
    office = context.new_page()
    log_in(office, "service", "Strong-Password-1")
    office.get_by_role("link", name="咨询投诉").click()
    row = office.locator("#cases tbody tr").filter(has_text=tracking_number)
    expect(row).to_contain_text("受理决定：剩余 4 个工作日")
    expect(row).to_contain_text("138****1234")
    expect(row).to_contain_text("王**")
    expect(row).not_to_contain_text("13812341234")

    row.get_by_role("link", name=tracking_number).click()
    expect(office.locator(".case-clocks")).to_contain_text("2024年10月12日")
    office.get_by_role("button", name="查看完整信息").click()
    expect(office.locator("#case-contact")).to_contain_text("13812341234")
    expect(office.locator("#case-contact")).to_contain_text("本次查看已记入审计日志")
    assert (
        AuditEntry.objects.filter(
            action="case.personal_data_viewed", actor=staff, target_id__isnull=False
        ).count()
        == 1
    )

    office.get_by_label("受理意见").fill("符合受理条件。")
    office.get_by_role("button", name="受理", exact=True).click()
    expect(office.locator(".message.success")).to_contain_text("已受理")
    expect(office.locator(".case-clocks")).to_contain_text("办结：剩余 45 个工作日")
    office.get_by_label("答复（投诉人可见）").fill("已联系商家，请携带发票于本周四到店检测。")
    office.get_by_role("button", name="发送答复").click()
    expect(office.locator(".message.success")).to_contain_text("答复已发送")
    context.close()

    # The citizen looks again and reads the reply.
    citizen.goto(f"{live_server.url}/portal/cases/follow/?number={tracking_number}")
    citizen.get_by_label("手机号码").fill("13812341234")
    citizen.get_by_role("button", name="查询").click()
    expect(citizen.locator(".case-status")).to_have_text("办理中")
    expect(citizen.locator("#case-steps")).to_contain_text(
        "已联系商家，请携带发票于本周四到店检测。"
    )
    assert citizen.js_errors == []
