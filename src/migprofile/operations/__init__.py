"""The operations users run, one function each, shared by the command line, Python and
the web app: ``migprofile`` parses its arguments, calls one of these and prints what it
returns; the web app calls the same function for the same request. None of them prints.

A function takes the :class:`~migprofile.profile.Profile` it works on (``init`` makes
one) and returns a result object. Each name is imported on first use, so the command line
starts at once.
"""

from migprofile._lazy import lazy_exports

_EXPORTS = {
    "build": "migprofile.operations.profiles",
    "init": "migprofile.operations.profiles",
    "national_history": "migprofile.operations.profiles",
    "national_import": "migprofile.operations.profiles",
    "profile_sources": "migprofile.operations.profiles",
    "recover": "migprofile.operations.profiles",
    "stored_indicators": "migprofile.operations.profiles",
    "agency_template": "migprofile.operations.profiles",
    "classify": "migprofile.operations.crossings",
    "crossings_import": "migprofile.operations.crossings",
    "rule_parameters": "migprofile.operations.crossings",
    "Exported": "migprofile.operations.exchange",
    "Reconciled": "migprofile.operations.exchange",
    "add_partner": "migprofile.operations.exchange",
    "audited_sync": "migprofile.operations.exchange",
    "connect_partner": "migprofile.operations.exchange",
    "connected_partners": "migprofile.operations.exchange",
    "create_keys": "migprofile.operations.exchange",
    "issue_partner_token": "migprofile.operations.exchange",
    "key_warnings": "migprofile.operations.exchange",
    "package_export": "migprofile.operations.exchange",
    "package_import": "migprofile.operations.exchange",
    "partners": "migprofile.operations.exchange",
    "reconcile": "migprofile.operations.exchange",
    "refresh_reconciliation": "migprofile.operations.exchange",
    "revoke_partner_key": "migprofile.operations.exchange",
    "revoke_partner_tokens": "migprofile.operations.exchange",
    "rotate_keys": "migprofile.operations.exchange",
    "show_keys": "migprofile.operations.exchange",
    "sync_partners": "migprofile.operations.exchange",
    "Published": "migprofile.operations.editions",
    "edition_diff": "migprofile.operations.editions",
    "list_editions": "migprofile.operations.editions",
    "publish": "migprofile.operations.editions",
    "verify_edition": "migprofile.operations.editions",
    "narrative_sections": "migprofile.operations.narrative",
    "read_narrative": "migprofile.operations.narrative",
    "save_narrative": "migprofile.operations.narrative",
    "Account": "migprofile.operations.accounts",
    "add_account": "migprofile.operations.accounts",
    "disable_account": "migprofile.operations.accounts",
    "list_accounts": "migprofile.operations.accounts",
    "web_state": "migprofile.operations.accounts",
}

__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
