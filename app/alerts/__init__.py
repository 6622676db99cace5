"""Alerts that reach a person (SPEC D7, W6): web push, in-app live alerts, a work-chat robot,
acknowledgement and an escalation ladder. Other domains call `app.alerts.service.raise_alert`."""
