from django.core.management import call_command
from django.core.management.base import BaseCommand

from qualitymonth.demo.loader import DEMO_PASSWORD, load_demo


class Command(BaseCommand):
    help = "Load the demo (idempotent) and serve it: qualitymonth demo [--port N] [--load-only]"

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--load-only", action="store_true", help="load the demo, don't serve")

    def handle(self, *args, port: int, load_only: bool, **options):
        call_command("migrate", interactive=False, verbosity=0)
        demo = load_demo()
        for note in demo["notes"]:
            self.stdout.write(self.style.WARNING(note))
        campaign = demo["campaign"]
        if campaign is not None:
            self.stdout.write(
                self.style.SUCCESS(f"演示数据已就绪：{campaign.name}（{campaign.doc_number}）")
            )
        else:
            self.stdout.write(self.style.WARNING("演示数据中没有演示活动（已被删除，或未导入）。"))
        self.stdout.write(f"演示账号（初始密码均为 {DEMO_PASSWORD}）：")
        for account, user in demo["accounts"]:
            role = f"{account.role.label} · {account.unit[-1]}"
            self.stdout.write(f"  {user.username:<10} {user.display_name}  {role}")
        if demo["superuser"] is not None:
            superuser = demo["superuser"]
            self.stdout.write(f"  {superuser.username:<10} 系统管理员  后台管理 /django-admin/")
        if load_only:
            return
        self.stdout.write(f"\n请用浏览器打开 http://127.0.0.1:{port}/ （按 Ctrl+C 停止）\n")
        call_command("serve", f"127.0.0.1:{port}")
