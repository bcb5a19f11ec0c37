"""Celery tasks for the blog. Celery delivers a task at least once, so each
task may run twice: pass ids (not model instances), make the work
idempotent, and retry only the errors that go away on their own.

`views.publish` shows how to enqueue them after the transaction commits."""

import logging

import requests
from celery import shared_task
from django.core.mail import send_mail

from .models import Post

logger = logging.getLogger(__name__)


@shared_task(bind=True, max_retries=5, acks_late=True)
def notify_subscribers(self, post_id):
    post = Post.objects.select_related("author").get(pk=post_id)
    try:
        requests.post(
            "https://hooks.example.com/new-post",
            json={"id": post.pk, "title": post.title},
            timeout=5,
        )
    except requests.ConnectionError as exc:
        raise self.retry(exc=exc, countdown=2**self.request.retries)


@shared_task(autoretry_for=(requests.Timeout, requests.ConnectionError), retry_backoff=True, max_retries=3)
def ping_search_engines(post_id):
    requests.get("https://search.example.com/ping", params={"post": post_id}, timeout=5)


# Retries everything, including a typo in the template name or a deleted
# post: the task fails the same way five more times.
@shared_task(autoretry_for=(Exception,), max_retries=5)
def send_digest(author_id):
    posts = Post.objects.filter(author_id=author_id).order_by("-published_at")[:10]
    send_mail("Your week", "\n".join(p.title for p in posts), None, ["digest@example.com"])


def resend_all_digests(author_ids):
    for author_id in author_ids:
        send_digest.delay(author_id)
    logger.info("queued %d digests", len(author_ids))
