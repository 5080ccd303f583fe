"""The administrator's home: where each part of setting up and running a county is done."""

from starlette.requests import Request
from starlette.responses import Response

from server.web.auth import require_user
from server.web.i18n import gettext as _
from server.web.pages.render import page


def sections() -> list[tuple[str, str, str]]:
    """(address, name, what it is for) of each part of the administrator's side, in setup order."""
    return [
        ("/admin/regions", _("Regions"), _("Import the region list, browse the tree, correct a name or a population.")),
        ("/invites", _("Invites"), _("Print sign-up sheets for cadres and supervisors, revoke them.")),
        ("/admin/users", _("Accounts"), _("Find an account, disable it, hand over a password reset code.")),
        ("/admin/tasks", _("Tasks and apps"), _("Merge duplicates, rename, hide spam.")),
        ("/admin/audit", _("Audit log"), _("Who created, disabled or reset what, and when.")),
    ]


async def home(request: Request) -> Response:
    await require_user(request, "admin")
    return await page(request, "admin.html", sections=sections())
