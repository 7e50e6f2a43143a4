"""The annual qualification-improvement plan: campaigns, unit schedules, plan lines, approved versions."""
