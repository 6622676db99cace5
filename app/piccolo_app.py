"""The Piccolo app: every domain's tables, migrations in the top-level `migrations/` folder."""

from piccolo.conf.apps import AppConfig

from app.alerts.tables import Alert, AlertDelivery, AlertEvent, AlertRecipient, AlertSettings, PushSubscription
from app.attachments.tables import Attachment
from app.auth.tables import AuthSession, LoginAttempt, Staff
from app.duty.tables import DutyLogEntry
from app.estate.tables import FileCheck, FileCheckItem, FileDocument, ParkingSpace
from app.followups.tables import (
    Complaint,
    ComplaintReopening,
    Consultation,
    FollowupDraw,
    FollowupRecord,
    FollowupTask,
    LeakTest,
    NoticeTopics,
    Rectification,
)
from app.handover.tables import Handover, HandoverComment, HandoverItem, HandoverPin, SignatureFailure
from app.movein.tables import MoveIn, MoveInDefect, MoveInDocument, MoveInInspection, MoveInSettings
from app.org.tables import Building, Company, Office, Resident, Unit
from app.passes.tables import AccessPass
from app.patrols.tables import (
    CheckItem,
    Checkpoint,
    DepartmentDeadline,
    Finding,
    Nonconformance,
    NonconformanceEvent,
    PatrolRound,
    PatrolRoute,
    RoundTask,
    Visit,
)
from app.renovation.tables import Renovation, RenovationSettings
from app.reports.tables import MonthlyAnalysis
from app.roster.tables import Holiday, LeaveRequest, RosterAssignment, RosterMonth
from app.settings import ROOT
from app.slips.tables import ReleaseSlip
from app.sync.tables import AppliedMutation
from app.visitors.tables import VisitorEntry
from app.work.tables import (
    PriceItem,
    ServiceRequest,
    StoreMaterial,
    WorkCategory,
    WorkEvent,
    WorkOrder,
    WorkOrderCharge,
    WorkOrderMaterial,
    WorkSettings,
)

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
        RosterMonth,
        RosterAssignment,
        Holiday,
        LeaveRequest,
        Handover,
        HandoverItem,
        HandoverComment,
        HandoverPin,
        SignatureFailure,
        PatrolRoute,
        Checkpoint,
        CheckItem,
        RoundTask,
        PatrolRound,
        Visit,
        Finding,
        Nonconformance,
        NonconformanceEvent,
        DepartmentDeadline,
        PushSubscription,
        AlertSettings,
        Alert,
        AlertRecipient,
        AlertDelivery,
        AlertEvent,
        WorkCategory,
        WorkSettings,
        MonthlyAnalysis,
        ComplaintReopening,
        StoreMaterial,
        PriceItem,
        ServiceRequest,
        WorkOrder,
        WorkOrderMaterial,
        WorkOrderCharge,
        WorkEvent,
        FollowupDraw,
        FollowupTask,
        FollowupRecord,
        Rectification,
        LeakTest,
        Complaint,
        Consultation,
        NoticeTopics,
        ParkingSpace,
        FileDocument,
        FileCheck,
        FileCheckItem,
        MoveIn,
        MoveInDocument,
        MoveInInspection,
        MoveInDefect,
        MoveInSettings,
        Renovation,
        RenovationSettings,
        AccessPass,
        ReleaseSlip,
        VisitorEntry,
    ],
)
