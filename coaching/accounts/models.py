"""Accounts use Django's own User; roles live in coaching.athletes.Membership."""
