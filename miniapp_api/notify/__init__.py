"""Notifications to residents: WeChat subscribe messages sent by the RQ worker, reminders."""
