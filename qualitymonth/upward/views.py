"""上报市级 (a district admin downloads the campaign's signed package), 上报包 (a city checks,
imports and lists the districts' packages) and 上报包签名密钥 (a city registers and revokes its
districts' keys). Views read input and call ``services``."""

from __future__ import annotations

import io
import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from qualitymonth.campaigns.views import get_campaign
from qualitymonth.core.feedback import show_errors
from qualitymonth.orgs.models import OrgUnit
from qualitymonth.worksummaries.models import CampaignSummary

from . import package, services, signing
from .forms import DistrictKeyForm, PackageUploadForm, RevokeKeyForm
from .models import UpwardPackage
from .package import PackageError
from .queries import campaign_manifest, district_keys, received_packages, stated_headline

ZIP_CONTENT_TYPE = "application/zip"
DOCUMENTS = {
    package.SUMMARY: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    package.ANNEX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@login_required
def send(request, pk: int):
    """What the package will hold, and its download (POST: it compiles the summary if needed
    and is audited)."""
    campaign = get_campaign(request, pk)
    try:
        services.check_sendable(campaign, request.user)
    except ValidationError as error:
        show_errors(request, error)
        return redirect("campaigns:overview", pk=campaign.pk)
    if request.method == "POST":
        try:
            export = services.export_package(campaign, request.user)
        except ValidationError as error:
            show_errors(request, error)
            return redirect("upward:send", pk=campaign.pk)
        return FileResponse(
            io.BytesIO(export.data),
            as_attachment=True,
            filename=export.filename,
            content_type=ZIP_CONTENT_TYPE,
        )
    manifest, _files = campaign_manifest(campaign)
    summary = CampaignSummary.objects.filter(campaign=campaign).first()
    try:
        key, key_problem = services.signing_key(campaign.org_unit).public_key(), ""
    except ValidationError as error:
        key, key_problem = None, error.messages[0]
    return render(
        request,
        "upward/send.html",
        {
            "campaign": campaign,
            "manifest": manifest,
            "headline": stated_headline(manifest),
            "summary": summary,
            "photo_count": summary.photos.count() if summary else None,
            "filename": services.package_filename(campaign),
            "key_fingerprint": signing.fingerprint(key) if key else "",
            "key_problem": key_problem,
        },
    )


def _cities(request):
    cities = services.receiving_cities(request.user)
    if not cities.exists():
        raise PermissionDenied(_("只有市级用户可以导入区级上报包。"))
    return cities


@login_required
def received(request):
    cities = _cities(request)
    form = PackageUploadForm(request.POST or None, request.FILES or None, cities=cities)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            row = services.receive_package(
                upload.read(), upload.name, request.user, form.cleaned_data["city"]
            )
        except PackageError as error:
            form.add_error("file", error.message)
        else:
            messages.success(request, _("上报包校验通过，请核对内容后确认导入。"))
            return redirect("upward:detail", pk=row.pk)
    packages = received_packages(cities)
    return render(request, "upward/received.html", {"form": form, "packages": packages})


def _package(request, pk: int) -> UpwardPackage:
    return get_object_or_404(received_packages(_cities(request)), pk=pk)


@login_required
def detail(request, pk: int):
    row = _package(request, pk)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "import":
                row = services.import_package(row, request.user)
                messages.success(
                    request,
                    _("已导入%(title)s：%(n)s 条采用信息。")
                    % {"title": row.title, "n": row.report_count},
                )
                for note in row.notes:
                    messages.warning(request, note)
            elif action == "discard":
                services.discard_package(row, request.user)
                messages.success(request, _("已删除未导入的上报包。"))
                return redirect("upward:received")
        except PackageError as error:
            messages.error(request, error.message)
        except ValidationError as error:
            show_errors(request, error)
        return redirect("upward:detail", pk=row.pk)
    with row.file.open("rb") as file:
        manifest = json.loads(package.peek(file))
    return render(
        request,
        "upward/detail.html",
        {
            "package": row,
            "manifest": manifest,
            "headline": stated_headline(manifest),
            "replaces": UpwardPackage.objects.filter(
                district=row.district,
                year=row.year,
                kind=row.kind,
                status=UpwardPackage.Status.IMPORTED,
            )
            .exclude(pk=row.pk)
            .first(),
        },
    )


@login_required
def document(request, pk: int, name: str):
    """The district's work summary or statistical annex, as the package carried it."""
    row = _package(request, pk)
    if name not in DOCUMENTS:
        raise Http404
    with row.file.open("rb") as file:
        data = package.peek(file, name)
    suffix = name.rsplit(".", 1)[-1]
    title = "工作总结" if name == package.SUMMARY else "统计附件"
    return FileResponse(
        io.BytesIO(data),
        as_attachment=True,
        filename=f"{row.title}{title}.{suffix}",
        content_type=DOCUMENTS[name],
    )


@login_required
def keys(request):
    """The districts' keys the user's cities registered: register one, revoke one."""
    cities = _cities(request)
    districts = OrgUnit.objects.filter(parent__in=cities, kind=OrgUnit.Kind.DISTRICT).order_by(
        "pinyin"
    )
    action = request.POST.get("action") if request.method == "POST" else None
    form = DistrictKeyForm(
        request.POST if action == "register" else None,
        request.FILES if action == "register" else None,
        districts=districts,
    )
    if action == "register" and form.is_valid():
        data = form.cleaned_data
        try:
            row = services.register_key(
                data["district"], data["public_key"], data["fingerprint"], request.user
            )
        except ValidationError as error:
            show_errors(request, error, form)
        else:
            messages.success(
                request,
                _("已登记%(district)s的上报包签名公钥，指纹 %(fingerprint)s。")
                % {"district": row.district.name, "fingerprint": row.fingerprint},
            )
            return redirect("upward:keys")
    if action == "revoke":
        revoke = RevokeKeyForm(request.POST)
        if revoke.is_valid():
            key = get_object_or_404(district_keys(cities), pk=revoke.cleaned_data["key"])
            try:
                services.revoke_key(key, request.user, revoke.cleaned_data["reason"])
            except ValidationError as error:
                show_errors(request, error)
            else:
                messages.success(
                    request, _("已吊销%(district)s的密钥。") % {"district": key.district.name}
                )
        else:
            messages.error(request, _("请写明吊销原因，例如：私钥泄露、服务器更换。"))
        return redirect("upward:keys")
    registered = list(district_keys(cities))
    in_use = {key.district_id: key for key in registered if key.revoked_at is None}
    return render(
        request,
        "upward/keys.html",
        {
            "form": form,
            "districts": [(district, in_use.get(district.pk)) for district in districts],
            "revoked": [key for key in registered if key.revoked_at is not None],
        },
    )
