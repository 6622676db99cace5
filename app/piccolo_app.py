"""The Piccolo app: every domain's tables, migrations in the top-level `migrations/` folder."""

from piccolo.conf.apps import AppConfig

from app.attachments.tables import Attachment
from app.auth.tables import AuthSession, LoginAttempt, Staff
from app.duty.tables import DutyLogEntry
from app.org.tables import Building, Company, Office, Resident, Unit
from app.settings import ROOT
from app.sync.tables import AppliedMutation

APP_CONFIG = AppConfig(
    app_name="app",
    migrations_folder_path=str(ROOT / "migrations"),
    table_classes=[
        Company,
        Office,
        Building,
        Unit,
        Resident,
        Staff,
        AuthSession,
        LoginAttempt,
        AppliedMutation,
        Attachment,
        DutyLogEntry,
    ],
)
