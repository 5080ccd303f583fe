"""Every /api URL in one list."""

from starlette.routing import Route

import server.convertors  # noqa: F401 -- registers {id:id}

from server.api import burden, directory, invites, ledger, meta, reviews, session

api_routes = [
    Route("/healthz", meta.healthz),
    Route("/api/openapi.json", meta.openapi),
    Route("/api/session", session.login, methods=["POST"]),
    Route("/api/session", session.logout, methods=["DELETE"]),
    Route("/api/signup", session.signup, methods=["POST"]),
    Route("/api/me/password", session.change_password, methods=["POST"]),
    Route("/api/regions", directory.upsert_regions, methods=["POST"]),
    Route("/api/regions/{code:code}", directory.region),
    Route("/api/region-imports/{job:client_id}", directory.region_import),
    Route("/api/users", directory.create_user, methods=["POST"]),
    Route("/api/invites", invites.create_invite, methods=["POST"]),
    Route("/api/invites", invites.list_invites, methods=["GET"]),
    Route("/api/invites/{code:client_id}", invites.revoke_invite, methods=["DELETE"]),
    Route("/api/apps", directory.create_app, methods=["POST"]),
    Route("/api/apps", directory.list_apps, methods=["GET"]),
    Route("/api/tasks", directory.create_task, methods=["POST"]),
    Route("/api/tasks", directory.list_tasks, methods=["GET"]),
    Route("/api/quotas", ledger.save_quota, methods=["POST"]),
    Route("/api/quotas/{id:id}/progress", ledger.add_progress, methods=["POST"]),
    Route("/api/quotas/{id:id}/outcome", ledger.save_outcome, methods=["POST"]),
    Route("/api/series/check", ledger.check_series, methods=["POST"]),
    Route("/api/entries", ledger.save_entries, methods=["POST"]),
    Route("/api/entries", ledger.list_entries, methods=["GET"]),
    Route("/api/entries/{client_id:client_id}", ledger.edit_entry, methods=["PUT"]),
    Route("/api/entries/{client_id:client_id}", ledger.delete_entry, methods=["DELETE"]),
    Route("/api/roster", ledger.replace_roster, methods=["PUT"]),
    Route("/api/roster", ledger.get_roster, methods=["GET"]),
    Route("/api/me/export.csv", ledger.export_csv),
    Route("/api/burden/{code:code}", burden.burden),
    Route("/api/flags/{code:code}", burden.flags),
    Route("/api/summaries/{code:code}.csv", burden.summary_document),
    Route("/api/summaries/{code:code}", burden.summary_document),
    Route("/api/reviews", reviews.open_review, methods=["POST"]),
    Route("/api/reviews", reviews.list_reviews, methods=["GET"]),
    Route("/api/reviews/{id:id}", reviews.review, methods=["GET"]),
    Route("/api/reviews/{id:id}.csv", reviews.review_csv, methods=["GET"]),
    Route("/api/reviews/{id:id}/decisions", reviews.add_decision, methods=["POST"]),
    Route("/api/reviews/{id:id}/close", reviews.close_review, methods=["POST"]),
]
