"""The Library's housekeeping sections for coordinators (the trash, the audit trail, the workspaces,
the accounts) and the Drafting tab's sharing of a draft: laid out by `build_admin` / `build_share`,
wired to `ui.admin_actions` (which checks the caller's role and workspaces itself) by `wire_admin`.
"""

import functools
from collections.abc import Callable, Sequence
from types import SimpleNamespace
from typing import Any

from kb.access import ROLES
from ui.actions_base import UiError
from ui.admin_actions import ACCOUNT_COLUMNS, AUDIT_COLUMNS, TRASH_COLUMNS, WORKSPACE_COLUMNS, headers
from ui.form_handlers import cleared_first, user_of
from ui.i18n import DEFAULT, t
from ui.i18n import label as L
from ui.render_base import TABLE_BUTTONS

__all__ = ["build_admin", "build_share", "wire_admin"]


def build_share(gr: Any) -> SimpleNamespace:
    """Share the working draft read-only with a workspace or the whole network (in the Drafting tab)."""
    with gr.Row(elem_id="kb-share", visible=False) as row:  # with a working draft to share (ui.app)
        # the choices come when the menu is opened; the server checks the value either way
        share_sel = gr.Dropdown(label=L("share.with"), choices=[], elem_id="kb-share-sel", scale=3,
                                allow_custom_value=True)
        share_btn = gr.Button(L("share.button"), elem_id="kb-share-btn", scale=1)
        unshare_btn = gr.Button(L("share.stop"), elem_id="kb-unshare-btn", scale=1)
    share_status = gr.HTML(elem_id="kb-share-status")
    return SimpleNamespace(share_sel=share_sel, share_btn=share_btn, unshare_btn=unshare_btn, share_status=share_status,
                           row=row)


def build_admin(gr: Any) -> SimpleNamespace:
    """The trash, audit trail, workspaces and accounts sections (inside the Library tab)."""
    with gr.Accordion(L("trash.title"), open=False, elem_id="kb-trash") as trash_panel:
        trash_btn = gr.Button(L("trash.show"), elem_id="kb-trash-refresh")
        trash_table = gr.Dataframe(headers=headers("trash", TRASH_COLUMNS, DEFAULT), interactive=False,
                                   elem_id="kb-trash-table", wrap=True, buttons=TABLE_BUTTONS,
                                   # each column its share of the page (the title took 650 px, and the
                                   # two dates ran off-screen at 1280 px)
                                   column_widths=["10%", "10%", "23%", "16%", "11%", "16%", "14%"])
        with gr.Row(elem_id="kb-trash-actions"):  # one under the other on a phone (app.css)
            trash_sel = gr.Dropdown(label=L("trash.item"), choices=[], elem_id="kb-trash-sel", scale=3,
                                    allow_custom_value=True)
            as_copy = gr.Checkbox(label=L("trash.as_copy"), elem_id="kb-trash-copy", scale=2)
            restore_btn = gr.Button(L("trash.restore"), elem_id="kb-trash-restore", scale=1)
            purge_ok = gr.Checkbox(label=L("common.sure"), elem_id="kb-trash-purge-ok", scale=1)
            purge_btn = gr.Button(L("trash.purge"), variant="stop", elem_id="kb-trash-purge", scale=1)
        trash_status = gr.HTML(elem_id="kb-trash-status")
    with gr.Accordion(L("audit.title"), open=False, elem_id="kb-audit") as audit_panel:
        with gr.Row():
            audit_user = gr.Textbox(label=L("audit.user"), elem_id="kb-audit-user", scale=2)
            audit_since = gr.Textbox(label=L("audit.since"), elem_id="kb-audit-since", scale=2)
            audit_btn = gr.Button(L("audit.show"), elem_id="kb-audit-refresh", scale=1)
        # fixed shares: sized by its content, the long details ran off the page (on the left, in Arabic)
        audit_table = gr.Dataframe(headers=headers("audit", AUDIT_COLUMNS, DEFAULT), interactive=False,
                                   elem_id="kb-audit-table", wrap=True, buttons=TABLE_BUTTONS,
                                   column_widths=["15%", "10%", "20%", "13%", "42%"])
    with gr.Accordion(L("workspaces.title"), open=False, elem_id="kb-workspaces") as ws_panel:
        ws_btn = gr.Button(L("workspaces.show"), elem_id="kb-ws-refresh")
        ws_table = gr.Dataframe(headers=headers("workspaces", WORKSPACE_COLUMNS, DEFAULT), interactive=False,
                                elem_id="kb-ws-table", wrap=True, buttons=TABLE_BUTTONS)
        with gr.Row():
            ws_name = gr.Dropdown(label=L("workspaces.name"), choices=[], allow_custom_value=True, elem_id="kb-ws-name")
            ws_member = gr.Textbox(label=L("workspaces.member"), elem_id="kb-ws-member")
            ws_role = gr.Dropdown(label=L("workspaces.role"), choices=[("drafter", "drafter"), ("viewer", "viewer")],
                                  value="drafter", elem_id="kb-ws-role")
        with gr.Row():
            ws_create_btn = gr.Button(L("workspaces.create"), elem_id="kb-ws-create")
            ws_member_btn = gr.Button(L("workspaces.add_member"), elem_id="kb-ws-add-member")
            ws_unmember_btn = gr.Button(L("workspaces.remove_member"), elem_id="kb-ws-remove-member")
        ws_status = gr.HTML(elem_id="kb-ws-status")
    with gr.Accordion(L("accounts.title"), open=False, elem_id="kb-accounts") as accounts_panel:
        accounts_btn = gr.Button(L("accounts.show"), elem_id="kb-accounts-refresh")
        accounts_table = gr.Dataframe(headers=headers("accounts", ACCOUNT_COLUMNS, DEFAULT), interactive=False,
                                      elem_id="kb-accounts-table", buttons=TABLE_BUTTONS)
        with gr.Row():
            account_name = gr.Textbox(label=L("accounts.name"), elem_id="kb-account-name")
            account_role = gr.Dropdown(label=L("accounts.role"), choices=[(r, r) for r in ROLES], value="viewer",
                                       elem_id="kb-account-role")
            account_password = gr.Textbox(label=L("accounts.password"), type="password", elem_id="kb-account-password")
        with gr.Row():
            add_btn = gr.Button(L("accounts.add"), elem_id="kb-account-add")
            disable_btn = gr.Button(L("accounts.disable"), elem_id="kb-account-disable")
            enable_btn = gr.Button(L("accounts.enable"), elem_id="kb-account-enable")
            reset_btn = gr.Button(L("accounts.reset"), elem_id="kb-account-reset")
            role_btn = gr.Button(L("accounts.change_role"), elem_id="kb-account-role-btn")
        accounts_status = gr.HTML(elem_id="kb-accounts-status")
    return SimpleNamespace(**{k: v for k, v in locals().items() if k != "gr"})


def wire_admin(gr: Any, act: Any, lay: Any, guard: Any,
               after_restore: Sequence[tuple[Callable[..., Any], Any, Any]] = ()) -> tuple[Callable[..., Any], Any, Any]:
    """Connect the sections (API names /trash, /restore, /purge, /audit, /workspaces, /workspace_create,
    /workspace_member, /workspace_unmember, /accounts, /account_add|disable|enable|reset|role, /share_draft,
    /unshare_draft); every handler takes the page language first (`lay.lang`).

    `after_restore`: (fn, inputs, outputs) run after a restore, in order (the library's table and
    the search filters, so the document is back everywhere without a Refresh). Returns the trash
    listing as (fn, inputs, outputs), for what puts things in the trash to refresh it.
    """
    a, sh, lang_in = lay.admin, lay.share, lay.lang

    def trash(lang, request: gr.Request):
        rows, choices = act.trash_rows(user_of(request), lang)
        return (gr.Dataframe(value=rows, headers=headers("trash", TRASH_COLUMNS, lang)),
                gr.Dropdown(choices=choices, value=None))

    def restore(lang, choice, as_copy, request: gr.Request):
        return act.restore(user_of(request), choice, bool(as_copy), lang)

    def purge(lang, choice, confirmed, request: gr.Request):
        return act.purge(user_of(request), choice, confirmed is True, lang), False

    def audit(lang, who, since, request: gr.Request):
        return gr.Dataframe(value=act.audit_rows(user_of(request), who, since, lang=lang),
                            headers=headers("audit", AUDIT_COLUMNS, lang))

    def accounts(lang, request: gr.Request):
        """The accounts, and the role menu in the page language (it offered "viewer", "coordinator")."""
        return (gr.Dataframe(value=act.account_rows(user_of(request), lang),
                             headers=headers("accounts", ACCOUNT_COLUMNS, lang)),
                gr.Dropdown(choices=[(t(lang, f"role.{r}"), r) for r in ROLES]))

    def account(what: str):
        def run(lang, name, role, password, request: gr.Request):
            return act.account_action(user_of(request), what, name, role, password, lang), ""

        run.__name__ = f"account_{what}"
        return run

    def workspaces(lang, request: gr.Request):
        rows, names = act.workspace_rows(user_of(request), lang)
        return (gr.Dataframe(value=rows, headers=headers("workspaces", WORKSPACE_COLUMNS, lang)),
                gr.Dropdown(choices=names), gr.Dropdown(choices=[(t(lang, f"workspaces.{r}"), r)
                                                                 for r in ("drafter", "viewer")]))

    def workspace(what: str):
        def run(lang, name, member, role, request: gr.Request):
            return act.workspace_action(user_of(request), what, name, member, role, lang)

        run.__name__ = f"workspace_{what}"
        return run

    def share_targets(lang, draft_id):
        return gr.Dropdown(choices=act.share_choices(lang, draft_id))

    def share(on: bool):
        def run(lang, draft_id, target, request: gr.Request):
            return act.share(user_of(request), draft_id, target, on, lang)

        run.__name__ = "share_draft" if on else "unshare_draft"
        return run

    trash_out = [a.trash_table, a.trash_sel]
    a.trash_btn.click(guard(trash), lang_in, trash_out, api_name="trash")
    restored = cleared_first(a.restore_btn, a.trash_status).then(
        guard(restore), [lang_in, a.trash_sel, a.as_copy], a.trash_status, api_name="restore",
    ).then(guard(trash), lang_in, trash_out, api_name=False)
    for fn, inputs, outputs in after_restore:
        restored = restored.then(fn, inputs, outputs, api_name=False)
    cleared_first(a.purge_btn, a.trash_status).then(
        guard(purge), [lang_in, a.trash_sel, a.purge_ok], [a.trash_status, a.purge_ok], api_name="purge",
    ).then(guard(trash), lang_in, trash_out, api_name=False)
    a.audit_btn.click(guard(audit), [lang_in, a.audit_user, a.audit_since], a.audit_table, api_name="audit")
    ws_out = [a.ws_table, a.ws_name, a.ws_role]
    a.ws_btn.click(guard(workspaces), lang_in, ws_out, api_name="workspaces")
    for btn, what in ((a.ws_create_btn, "create"), (a.ws_member_btn, "member"), (a.ws_unmember_btn, "unmember")):
        cleared_first(btn, a.ws_status).then(
            guard(workspace(what)), [lang_in, a.ws_name, a.ws_member, a.ws_role], a.ws_status,
            api_name=f"workspace_{what}",
        ).then(guard(workspaces), lang_in, ws_out, api_name=False)
    accounts_out = [a.accounts_table, a.account_role]
    a.accounts_btn.click(guard(accounts), lang_in, accounts_out, api_name="accounts")
    for btn, what in ((a.add_btn, "add"), (a.disable_btn, "disable"), (a.enable_btn, "enable"),
                      (a.reset_btn, "reset"), (a.role_btn, "role")):
        cleared_first(btn, a.accounts_status).then(
            guard(account(what)), [lang_in, a.account_name, a.account_role, a.account_password],
            [a.accounts_status, a.account_password], api_name=f"account_{what}",
        ).then(guard(accounts), lang_in, accounts_out, api_name=False)
    # each section lists what it holds when opened (it looked empty until "Show" was clicked); one the
    # caller may not use (accounts in single-user mode, the trash for a drafter) says so on "Show" only
    def quietly(fn: Callable[..., Any], outputs: int) -> Callable[..., Any]:
        @functools.wraps(fn)  # Gradio reads the signature (gr.Request) through __wrapped__
        def run(*args: Any, **kwargs: Any) -> Any:
            try:
                return fn(*args, **kwargs)
            except UiError:
                return gr.skip() if outputs == 1 else tuple(gr.skip() for _ in range(outputs))

        return run

    a.trash_panel.expand(quietly(trash, 2), lang_in, trash_out, api_name=False)
    a.audit_panel.expand(quietly(audit, 1), [lang_in, a.audit_user, a.audit_since], a.audit_table, api_name=False)
    a.ws_panel.expand(quietly(workspaces, 3), lang_in, ws_out, api_name=False)
    a.accounts_panel.expand(quietly(accounts, 2), lang_in, accounts_out, api_name=False)
    sh.share_sel.focus(share_targets, [lang_in, lay.working], sh.share_sel, api_name=False)
    sh.share_btn.click(guard(share(True)), [lang_in, lay.working, sh.share_sel], sh.share_status,
                       api_name="share_draft")
    sh.unshare_btn.click(guard(share(False)), [lang_in, lay.working, sh.share_sel], sh.share_status,
                         api_name="unshare_draft")
    return guard(trash), lang_in, trash_out
