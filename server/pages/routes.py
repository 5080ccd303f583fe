"""Every page URL in one list."""

from starlette.routing import Route

import server.convertors  # noqa: F401 -- registers {id:id}

from server.pages import account, check, dashboard, history, method, pwa, quota, reviews, roster, today

page_routes = [
    Route("/", today.home),
    Route("/today", today.log_time, methods=["POST"]),
    Route("/today/repeat", today.repeat_last_day, methods=["POST"]),
    Route("/login", account.login_form, methods=["GET"]),
    Route("/login", account.login, methods=["POST"]),
    Route("/logout", account.logout, methods=["POST"]),
    Route("/password", account.password_form, methods=["GET"]),
    Route("/password", account.change_password, methods=["POST"]),
    Route("/signup", account.signup_form, methods=["GET"]),
    Route("/signup", account.signup, methods=["POST"]),
    Route("/quota", quota.quota_form, methods=["GET"]),
    Route("/quota", quota.save_quota, methods=["POST"]),
    Route("/apps", roster.roster_form, methods=["GET"]),
    Route("/apps", roster.save_roster, methods=["POST"]),
    Route("/apps/new", roster.add_app, methods=["POST"]),
    Route("/history", history.history, methods=["GET"]),
    Route("/history/{client_id:client_id}", history.edit_form, methods=["GET"]),
    Route("/history/{client_id:client_id}", history.edit, methods=["POST"]),
    Route("/history/{client_id:client_id}/delete", history.delete, methods=["POST"]),
    Route("/quotas/{quota_id:id}/outcome", history.outcome, methods=["POST"]),
    Route("/method", method.method, methods=["GET"]),
    Route("/check", check.check_form, methods=["GET"]),
    Route("/check", check.run_check, methods=["POST"]),
    Route("/dashboard", dashboard.home, methods=["GET"]),
    Route("/dashboard/{code:code}", dashboard.dashboard, methods=["GET"]),
    Route("/dashboard/{code:code}/flags", dashboard.region_flag_list, methods=["GET"]),
    Route("/summaries/{code:code}", reviews.summary_page, methods=["GET"]),
    Route("/reviews", reviews.review_list, methods=["GET"]),
    Route("/reviews", reviews.open_review, methods=["POST"]),
    Route("/reviews/{id:id}", reviews.review_page, methods=["GET"]),
    Route("/reviews/{id:id}/decisions", reviews.add_decision, methods=["POST"]),
    Route("/reviews/{id:id}/close", reviews.close_review, methods=["POST"]),
    Route("/sw.js", pwa.service_worker, methods=["GET"]),
    Route("/manifest.webmanifest", pwa.manifest, methods=["GET"]),
    Route("/offline", pwa.offline, methods=["GET"]),
]
