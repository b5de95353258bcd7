"""The sign-in form (on a fresh database: create the first lead), drawn by the Sign in page and in
place of any page opened while signed out."""

from __future__ import annotations

import streamlit as st

from workbench.app import common
from workbench.assignment import create_first_lead
from workbench.auth import MIN_PASSWORD_LENGTH, has_accounts, lead_can_sign_in, sign_in
from workbench.access import PermissionDenied
from workbench.errors import WorkbenchError


def forget_passwords() -> None:
    """Passwords never outlive the click that used them."""
    for key in ("signin_password", "first_password", "first_confirm"):
        if key in st.session_state:
            st.session_state[key] = ""


def on_sign_in() -> None:
    name = st.session_state.get("signin_name", "")
    password = st.session_state.get("signin_password", "")
    forget_passwords()
    if not name.strip() or not password:
        common.flash("Enter your name and password.", "error")
        return
    try:
        common.start_signed_in(signed_in(name, password))
    except WorkbenchError as error:
        common.flash(str(error), "error")


def signed_in(name: str, password: str):
    """The account these credentials open (counted as a sign-in attempt from this address)."""
    address = st.context.ip_address
    return sign_in(common.database(), name, password, address=address if isinstance(address, str) else None)


def on_create_first_lead() -> None:
    name = st.session_state.get("first_name", "")
    password = st.session_state.get("first_password", "")
    confirm = st.session_state.get("first_confirm", "")
    forget_passwords()
    if password != confirm:
        common.flash("The two passwords differ. Type them again.", "error")
        return
    try:
        actor = create_first_lead(common.database(), name, password)
    except PermissionDenied as error:
        try:  # the form sent twice (Enter pressed again): its first press made this very lead
            actor = signed_in(name, password)
        except WorkbenchError:
            common.flash(str(error), "error")
            return
    except WorkbenchError as error:
        common.flash(str(error), "error")
        return
    common.start_signed_in(actor)


def draw_first_lead_form(why: str) -> None:
    st.subheader("Create the first lead account", anchor=False)
    st.caption(why)
    with st.form("first_lead", border=False):
        st.text_input("Your name", key="first_name", autocomplete="username")
        st.text_input(
            "Password",
            type="password",
            key="first_password",
            autocomplete="new-password",
            help=f"At least {MIN_PASSWORD_LENGTH} characters.",
        )
        st.text_input(
            "Password again", type="password", key="first_confirm", autocomplete="new-password"
        )
        st.form_submit_button(
            "Create lead account", type="primary", on_click=on_create_first_lead, width="stretch"
        )


def draw_sign_in_form() -> None:
    with st.form("sign_in", border=False):
        st.text_input("Name", key="signin_name", autocomplete="username")
        st.text_input(
            "Password", type="password", key="signin_password", autocomplete="current-password"
        )
        st.form_submit_button("Sign in", type="primary", on_click=on_sign_in, width="stretch")
    st.caption("No account? Ask a lead to add you.")


def draw_sign_in_page(then: str | None = None) -> None:
    """The sign-in card; ``then`` names the page the visitor asked for, which opens after signing in."""
    common.load_style()
    with common.page_session() as page_session:
        _, middle, _ = st.columns([1, 1.1, 1])
        with middle:
            st.html(
                '<div class="wb-brand"><div class="wb-mark">✓</div><h1>Workbench</h1>'
                "<p>Fact-checking, one claim at a time.</p></div>"
            )
            with st.container(border=True):
                reason = st.session_state.pop("signed_out_reason", None)
                if reason:
                    st.info(reason, icon=":material/info:")
                if then:
                    st.caption(f"Sign in to open **{then}**.")
                common.show_flash()
                if lead_can_sign_in(page_session):
                    draw_sign_in_form()
                elif has_accounts(page_session):
                    draw_first_lead_form(
                        "No lead can sign in yet: the accounts here were added without passwords "
                        "(from an import or the command line). Create a lead account: it sets "
                        "their passwords, assigns work and adjudicates."
                    )
                    st.divider()
                    st.caption("Have an account with a password? Sign in:")
                    draw_sign_in_form()
                else:
                    draw_first_lead_form(
                        "This workbench has no accounts yet. The first account is a lead: it adds "
                        "reviewers, assigns work and adjudicates."
                    )
