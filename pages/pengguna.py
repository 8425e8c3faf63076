"""Pengguna (administrators): users, their roles and areas, passwords, the sign-in settings."""

from kpi.ui import context, pengguna
from kpi.ui.shell import page_guard

page_guard()
pengguna.render(context.current())
