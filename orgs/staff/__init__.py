"""Signing staff in safely: the admin site that asks for a second factor, the pages that enrol
and check it, lockouts after repeated failed sign-ins, and how long a staff session lasts."""
