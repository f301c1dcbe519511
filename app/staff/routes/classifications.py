"""OPM staff: the job classification review queue, and accepting or overriding a job's roles.

`staff.classifications` (in `dashboard`) shows the queue's first view, the jobs not reviewed
yet; `review_queue` is the queue with its filter, and `review_job` one job's decision.
"""

from __future__ import annotations

from functools import partial

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.auth import role_required
from app.extensions import db_session
from app.models import Role
from app.services.staff import reviews
from app.staff import views
from app.staff.blueprint import bp

__all__ = ["bp"]


@bp.get("/classifications/queue")
@role_required(Role.OPM_STAFF)
def review_queue():
    status, page = views.queue_filters(request.args)
    queue = reviews.review_queue(db_session(), status, page)
    return render_template("staff/classifications.html", **views.queue_view(queue))


@bp.route("/classifications/<int:job_id>", methods=["GET", "POST"])
@role_required(Role.OPM_STAFF)
def review_job(job_id: int):
    session = db_session()
    subject = reviews.review_subject(session, job_id)
    if subject is None:
        abort(404)
    roles = reviews.role_choices(session)
    form = views.review_form(roles, subject)
    save = partial(reviews.save_review, session, subject.job, current_user)
    if form.validate_on_submit() and form.record(save):
        session.commit()
        flash(*views.saved_message(subject.job, form.action.data))
        return redirect(url_for("staff.review_queue"))
    return render_template("staff/review.html", **views.review_view(subject, form, roles))
