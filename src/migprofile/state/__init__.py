"""What is kept beside a profile for the people who work on it: accounts and agencies,
sessions, uploads, packages received and sent, and the audit log.

The web app reads and writes it, and so do the ``users`` commands, through the
application layer; so it sits below both. ``db`` (SQLAlchemy models, the database and its
location; Alembic migrations in ``migrations/``), ``accounts``, ``audit``.
"""
