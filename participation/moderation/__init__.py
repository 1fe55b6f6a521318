"""Moderation in the open: reports, hiding by trusted residents and the committee, a public log,
appeals, and a guard for personal data. Content kinds register with it; it imports none of them.
"""
