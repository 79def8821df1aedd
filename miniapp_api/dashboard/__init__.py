"""The manager's dashboard: KB search rates, hot questions, slot utilisation, queue waits, overdue
cases and satisfaction over today / 7 / 30 days, charts with their numbers beside them."""
