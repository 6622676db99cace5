"""The kinds of alert, their default channels and escalation ladders, and the ladder targets.

An office changes channels and ladders on its alert settings page; these are the defaults.
"""

from __future__ import annotations

import msgspec

from app.auth.roles import ROLES
from app.i18n import lazy

DEFAULT_WAIT_MINUTES = 5  # DESIGN "Push": escalate when nobody acknowledges within 5 minutes
MAX_STEPS = 4
MAX_WAIT_MINUTES = 24 * 60

CHANNELS: dict[str, str] = {
    "push": lazy("Push notification"),
    "inapp": lazy("In the open app"),
    "webhook": lazy("Work-chat group"),
}

# Who a ladder step notifies: the people the alert names (e.g. the on-duty technician of a work
# order), or everyone of a role in the office.
RECIPIENTS = "recipients"
TARGETS: dict[str, str] = {RECIPIENTS: lazy("The people the alert names"), **ROLES}


class LadderStep(msgspec.Struct, frozen=True):
    """Notify `to`; if nobody acknowledges within `wait_minutes`, go to the next step.
    A wait of 0 notifies the next step at once too."""

    to: str
    wait_minutes: int = DEFAULT_WAIT_MINUTES


class Kind(msgspec.Struct, frozen=True):
    label: str
    needs_ack: bool
    channels: tuple[str, ...]
    ladder: tuple[LadderStep, ...]
    configurable: bool = True


KINDS: dict[str, Kind] = {
    # W6: the on-duty technician and the managers at once; escalate if nobody acknowledges.
    "urgent_repair": Kind(
        label=lazy("Urgent repair"),
        needs_ack=True,
        channels=("push", "inapp", "webhook"),
        ladder=(LadderStep(RECIPIENTS, 0), LadderStep("engineering_lead", 5), LadderStep("manager", 5)),
    ),
    # D6, D7: issues that need the manager are reported at once; the manager responds.
    "duty_major": Kind(
        label=lazy("Major issue from the duty log"),
        needs_ack=True,
        channels=("push", "inapp", "webhook"),
        ladder=(LadderStep("manager", 5), LadderStep("supervisor", 5)),
    ),
    # P3: a nonconformance is sent to its department's head.
    "nonconformance": Kind(
        label=lazy("Nonconformance"),
        needs_ack=False,
        channels=("push", "inapp"),
        ladder=(LadderStep(RECIPIENTS, 60), LadderStep("supervisor", 60)),
    ),
    # F6 + C2: a complaint follow-up found a problem: the complaint's department head leads the fix.
    "complaint_reopened": Kind(
        label=lazy("Complaint reopened after a follow-up"),
        needs_ack=False,
        channels=("push", "inapp"),
        ladder=(LadderStep(RECIPIENTS, 60), LadderStep("supervisor", 60)),
        configurable=False,
    ),
    # H5: a refused handover keeps the outgoing on duty; the supervisor sorts it out.
    "handover_refused": Kind(
        label=lazy("Handover refused"),
        needs_ack=True,
        channels=("push", "inapp"),
        ladder=(LadderStep("supervisor", 10), LadderStep("manager", 10)),
    ),
    # NOTE: the work-order kinds below are not configurable yet: the settings form (and its tests)
    # list the configurable kinds by name. Their ladders are these defaults.
    # W2: the technician an order is issued or dispatched to (or, for the queue, the engineering lead).
    "work_order_assigned": Kind(
        label=lazy("Work order assigned to you"),
        needs_ack=False,
        channels=("push", "inapp"),
        ladder=(LadderStep(RECIPIENTS, 0),),
        configurable=False,
    ),
    # W5: a repair that cannot be done goes to the engineering lead, then the manager, until answered.
    "work_order_cannot_fix": Kind(
        label=lazy("Repair cannot be done"),
        needs_ack=True,
        channels=("push", "inapp"),
        ladder=(LadderStep("engineering_lead", 60), LadderStep("manager", 60)),
        configurable=False,
    ),
    # W5: escalated by the engineering lead: the manager sees it through until it is solved.
    "work_order_escalated": Kind(
        label=lazy("Repair escalated to the manager"),
        needs_ack=True,
        channels=("push", "inapp"),
        ladder=(LadderStep("manager", 60),),
        configurable=False,
    ),
    # G3: storm mode — each staff member of the office is asked to stand by (acknowledged one by one).
    "storm_standby": Kind(
        label=lazy("Storm mode"),
        needs_ack=True,
        channels=("push", "inapp", "webhook"),
        ladder=(LadderStep(RECIPIENTS, 15),),
        configurable=False,
    ),
    # D7: the duty officer calls a manager or department head in an emergency: their phone rings too.
    "emergency_call": Kind(
        label=lazy("Called in an emergency"),
        needs_ack=True,
        channels=("push", "inapp"),
        ladder=(LadderStep(RECIPIENTS, 10),),
        configurable=False,
    ),
    # G1, G2: the supervisor's report is due today (or late).
    "report_due": Kind(
        label=lazy("Report due"),
        needs_ack=False,
        channels=("push", "inapp"),
        ladder=(LadderStep(RECIPIENTS, 0),),
        configurable=False,
    ),
    # S4: a convenience or commissioned service agreed with a resident goes to its department's head.
    "convenience_service": Kind(
        label=lazy("Convenience service to assign"),
        needs_ack=False,
        channels=("push", "inapp"),
        ladder=(LadderStep(RECIPIENTS, 0),),
        configurable=False,
    ),
    # M7: engineering and security are told a unit is renovating under a permit.
    "renovation_permit": Kind(
        label=lazy("Renovation permit issued"),
        needs_ack=False,
        channels=("push", "inapp"),
        ladder=(LadderStep("engineering_lead", 0), LadderStep("patrol", 0)),
        configurable=False,
    ),
    # P6: a violation found on the renovation patrol goes to the supervisor.
    "renovation_violation": Kind(
        label=lazy("Renovation violation"),
        needs_ack=False,
        channels=("push", "inapp"),
        ladder=(LadderStep("supervisor", 60),),
        configurable=False,
    ),
    # R1: a release slip released on two phones (both offline): the supervisor finds out why.
    "slip_double_release": Kind(
        label=lazy("Release slip released twice"),
        needs_ack=True,
        channels=("push", "inapp"),
        ladder=(LadderStep("supervisor", 60), LadderStep("manager", 60)),
        configurable=False,
    ),
    # V1: a visitor for a department: its staff come to receive them.
    "visitor_arrived": Kind(
        label=lazy("A visitor for your department"),
        needs_ack=False,
        channels=("push", "inapp"),
        ladder=(LadderStep(RECIPIENTS, 0),),
        configurable=False,
    ),
    "test": Kind(
        label=lazy("Test notification"),
        needs_ack=False,
        channels=("push",),
        ladder=(LadderStep(RECIPIENTS, 0),),
        configurable=False,
    ),
}


def configurable_kinds() -> dict[str, Kind]:
    return {code: kind for code, kind in KINDS.items() if kind.configurable}
