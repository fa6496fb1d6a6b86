"""The Library's housekeeping sections for coordinators: the trash, the audit trail, the accounts.

`build_admin` lays them out inside the Library tab, `wire_admin` connects them to `AdminActions`
(through `ui.admin_actions`, which checks the caller's role itself).
"""

from types import SimpleNamespace
from typing import Any

from kb.access import ROLES
from ui.admin_actions import ACCOUNT_HEADERS, AUDIT_HEADERS, TRASH_HEADERS
from ui.handlers import user_of

__all__ = ["build_admin", "wire_admin"]


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


def wire_admin(gr: Any, act: Any, a: SimpleNamespace, guard: Any) -> None:
    """Connect the sections to the actions (API names: /trash, /restore, /purge, /audit, /accounts, ...)."""

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
