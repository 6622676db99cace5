"""Boundary Structs of the auth domain: the sign-in form, staff forms, the current staff member."""

from __future__ import annotations

from typing import Annotated
from zoneinfo import ZoneInfo

import msgspec

from app.clock import zone

Username = Annotated[str, msgspec.Meta(min_length=2, max_length=40, pattern=r"^[A-Za-z0-9_.-]+$")]
DisplayName = Annotated[str, msgspec.Meta(min_length=1, max_length=40)]
Phone = Annotated[str, msgspec.Meta(max_length=30, pattern=r"^[0-9+\- ]*$")]
Password = Annotated[str, msgspec.Meta(min_length=8, max_length=128)]


class LoginForm(msgspec.Struct, forbid_unknown_fields=False):
    username: Annotated[str, msgspec.Meta(min_length=1, max_length=40)]
    password: Annotated[str, msgspec.Meta(min_length=1, max_length=128)]


class StaffCreateForm(msgspec.Struct):
    username: Username
    display_name: DisplayName
    role: str
    password: Password
    phone: Phone = ""
    department: str = ""


class StaffEditForm(msgspec.Struct):
    display_name: DisplayName
    role: str
    phone: Phone = ""
    department: str = ""
    password: Annotated[str, msgspec.Meta(max_length=128)] = ""  # empty: keep the current one


class CurrentStaff(msgspec.Struct, frozen=True):
    """Who is signed in; attached to every request by the auth middleware."""

    id: int
    username: str
    display_name: str
    role: str
    office_id: int
    office_name: str
    office_time_zone: str
    department: str | None
    language: str
    session_id: int

    @property
    def tz(self) -> ZoneInfo:
        """The office's time zone: every local time shown to this person is in it."""
        return zone(self.office_time_zone)

    @property
    def sees_all_offices(self) -> bool:
        from app.auth.roles import ALL_OFFICES_ROLES

        return self.role in ALL_OFFICES_ROLES
