"""Editions of a profile: its published outputs, frozen and signed, and what changed since
one of them (:mod:`~migprofile.editions.store`, :mod:`~migprofile.editions.diff`)."""
