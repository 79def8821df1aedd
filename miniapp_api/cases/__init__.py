"""Case progress (办件进度): the case state machine, back-office events, lookup, supervision lamps."""
