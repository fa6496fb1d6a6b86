"""The Library's housekeeping sections for coordinators: the trash, the audit trail, the accounts.

`build_admin` lays them out inside the Library tab, `wire_admin` connects them to `AdminActions`
(through `ui.admin_actions`, which checks the caller's role itself).
"""

from types import SimpleNamespace
from typing import Any

from kb.access import ROLES
from ui.admin_actions import ACCOUNT_HEADERS, AUDIT_HEADERS, TRASH_HEADERS, WORKSPACE_HEADERS
from ui.handlers import user_of

__all__ = ["build_admin", "build_share", "wire_admin"]


def build_share(gr: Any) -> SimpleNamespace:
    """Share the working draft read-only with a workspace or the whole network (call in the Drafting tab)."""
    with gr.Row(elem_id="kb-share"):
        share_sel = gr.Dropdown(label="Share this draft read-only with", choices=[], elem_id="kb-share-sel", scale=3,
                                allow_custom_value=True)  # choices come on focus; the server checks the value
        share_btn = gr.Button("Share", elem_id="kb-share-btn", scale=1)
        unshare_btn = gr.Button("Stop sharing", elem_id="kb-unshare-btn", scale=1)
    share_status = gr.HTML(elem_id="kb-share-status")
    return SimpleNamespace(share_sel=share_sel, share_btn=share_btn, unshare_btn=unshare_btn, share_status=share_status)


def build_admin(gr: Any) -> SimpleNamespace:
    """The trash, audit trail and accounts sections (call inside the Library tab)."""
    with gr.Accordion("Trash: removed documents and drafts", open=False, elem_id="kb-trash"):
        trash_btn = gr.Button("Show the trash", elem_id="kb-trash-refresh")
        trash_table = gr.Dataframe(headers=TRASH_HEADERS, interactive=False, elem_id="kb-trash-table", wrap=True)
        with gr.Row():
            trash_sel = gr.Dropdown(label="Item", choices=[], elem_id="kb-trash-sel", scale=3)
            as_copy = gr.Checkbox(label="If its file was added again, keep it as a separate document",
                                  elem_id="kb-trash-copy", scale=2)
            restore_btn = gr.Button("Restore", elem_id="kb-trash-restore", scale=1)
            purge_btn = gr.Button("Purge for good", variant="stop", elem_id="kb-trash-purge", scale=1)
        trash_status = gr.HTML(elem_id="kb-trash-status")
    with gr.Accordion("Audit trail: who changed what", open=False, elem_id="kb-audit"):
        with gr.Row():
            audit_user = gr.Textbox(label="Only this user", elem_id="kb-audit-user", scale=2)
            audit_since = gr.Textbox(label="Since (UTC date, e.g. 2026-12-01)", elem_id="kb-audit-since", scale=2)
            audit_btn = gr.Button("Show", elem_id="kb-audit-refresh", scale=1)
        audit_table = gr.Dataframe(headers=AUDIT_HEADERS, interactive=False, elem_id="kb-audit-table", wrap=True)
    with gr.Accordion("Workspaces: each city's drafts and who drafts them", open=False, elem_id="kb-workspaces"):
        ws_btn = gr.Button("Show workspaces", elem_id="kb-ws-refresh")
        ws_table = gr.Dataframe(headers=WORKSPACE_HEADERS, interactive=False, elem_id="kb-ws-table", wrap=True)
        with gr.Row():
            ws_name = gr.Dropdown(label="Workspace (choose, or type a new name)", choices=[], allow_custom_value=True,
                                  elem_id="kb-ws-name")
            ws_member = gr.Textbox(label="Member (user name)", elem_id="kb-ws-member")
            ws_role = gr.Dropdown(label="Role in it", choices=["drafter", "viewer"], value="drafter",
                                  elem_id="kb-ws-role")
        with gr.Row():
            ws_create_btn = gr.Button("Create workspace", elem_id="kb-ws-create")
            ws_member_btn = gr.Button("Add or change member", elem_id="kb-ws-add-member")
            ws_unmember_btn = gr.Button("Remove member", elem_id="kb-ws-remove-member")
        ws_status = gr.HTML(elem_id="kb-ws-status")
    with gr.Accordion("Accounts", open=False, elem_id="kb-accounts"):
        accounts_btn = gr.Button("Show accounts", elem_id="kb-accounts-refresh")
        accounts_table = gr.Dataframe(headers=ACCOUNT_HEADERS, interactive=False, elem_id="kb-accounts-table")
        with gr.Row():
            account_name = gr.Textbox(label="User name", elem_id="kb-account-name")
            account_role = gr.Dropdown(label="Role", choices=list(ROLES), value="viewer", elem_id="kb-account-role")
            account_password = gr.Textbox(label="Password (new users, reset; 10 characters or more)",
                                          type="password", elem_id="kb-account-password")
        with gr.Row():
            add_btn = gr.Button("Add user", elem_id="kb-account-add")
            disable_btn = gr.Button("Disable", elem_id="kb-account-disable")
            enable_btn = gr.Button("Enable", elem_id="kb-account-enable")
            reset_btn = gr.Button("Reset password", elem_id="kb-account-reset")
        accounts_status = gr.HTML(elem_id="kb-accounts-status")
    return SimpleNamespace(**{k: v for k, v in locals().items() if k != "gr"})


def wire_admin(gr: Any, act: Any, c: Any, guard: Any) -> None:
    """Connect the sections to the actions (API names: /trash, /restore, /purge, /audit, /accounts,
    /workspaces, /share_draft, ...); `c`: the page's components (ui.layout)."""
    a, sh = c.admin, c.share

    def trash(request: gr.Request):
        rows, choices = act.trash_rows(user_of(request))
        return gr.Dataframe(value=rows, headers=TRASH_HEADERS), gr.Dropdown(choices=choices, value=None)

    def restore(choice, as_copy, request: gr.Request):
        return act.restore(user_of(request), choice, bool(as_copy))

    def purge(choice, request: gr.Request):
        return act.purge(user_of(request), choice)

    def audit(who, since, request: gr.Request):
        return gr.Dataframe(value=act.audit_rows(user_of(request), who, since), headers=AUDIT_HEADERS)

    def accounts(request: gr.Request):
        return gr.Dataframe(value=act.account_rows(user_of(request)), headers=ACCOUNT_HEADERS)

    def account(what: str):
        def run(name, role, password, request: gr.Request):
            return act.account_action(user_of(request), what, name, role, password), ""

        run.__name__ = f"account_{what}"
        return run

    def workspaces(request: gr.Request):
        rows, names = act.workspace_rows(user_of(request))
        return gr.Dataframe(value=rows, headers=WORKSPACE_HEADERS), gr.Dropdown(choices=names)

    def workspace(what: str):
        def run(name, member, role, request: gr.Request):
            return act.workspace_action(user_of(request), what, name, member, role)

        run.__name__ = f"workspace_{what}"
        return run

    def share_targets():
        return gr.Dropdown(choices=act.share_choices())

    def share(on: bool):
        def run(draft_id, target, request: gr.Request):
            return act.share(user_of(request), draft_id, target, on)

        run.__name__ = "share_draft" if on else "unshare_draft"
        return run

    ws_out = [a.ws_table, a.ws_name]
    a.ws_btn.click(guard(workspaces), None, ws_out, api_name="workspaces")
    for btn, what in ((a.ws_create_btn, "create"), (a.ws_member_btn, "member"), (a.ws_unmember_btn, "unmember")):
        btn.click(guard(workspace(what)), [a.ws_name, a.ws_member, a.ws_role], a.ws_status,
                  api_name=f"workspace_{what}").then(guard(workspaces), None, ws_out, api_name=False)
    c.draft_sel.focus(share_targets, None, sh.share_sel, api_name=False)
    sh.share_sel.focus(share_targets, None, sh.share_sel, api_name=False)
    sh.share_btn.click(guard(share(True)), [c.draft_sel, sh.share_sel], sh.share_status, api_name="share_draft")
    sh.unshare_btn.click(guard(share(False)), [c.draft_sel, sh.share_sel], sh.share_status,
                         api_name="unshare_draft")
    trash_out = [a.trash_table, a.trash_sel]
    a.trash_btn.click(guard(trash), None, trash_out, api_name="trash")
    a.restore_btn.click(guard(restore), [a.trash_sel, a.as_copy], a.trash_status, api_name="restore").then(
        guard(trash), None, trash_out, api_name=False)
    a.purge_btn.click(guard(purge), a.trash_sel, a.trash_status, api_name="purge").then(
        guard(trash), None, trash_out, api_name=False)
    a.audit_btn.click(guard(audit), [a.audit_user, a.audit_since], a.audit_table, api_name="audit")
    a.accounts_btn.click(guard(accounts), None, a.accounts_table, api_name="accounts")
    for btn, what in ((a.add_btn, "add"), (a.disable_btn, "disable"), (a.enable_btn, "enable"),
                      (a.reset_btn, "reset")):
        btn.click(guard(account(what)), [a.account_name, a.account_role, a.account_password],
                  [a.accounts_status, a.account_password], api_name=f"account_{what}").then(
            guard(accounts), None, a.accounts_table, api_name=False)
