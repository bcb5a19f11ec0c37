"""Signal handlers: they run synchronously, inside the `save()` that sent
the signal and inside its transaction. `bulk_create()` and `update()` send
no save signals at all. Connected once, from `BlogConfig.ready()`."""

from django.apps import AppConfig
from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from .models import Comment, Post
from .tasks import notify_subscribers


@receiver(post_save, sender=Post)
def announce_post(sender, instance, created, **kwargs):
    if created:
        # The task runs only if the transaction that saved the post commits.
        transaction.on_commit(lambda: notify_subscribers.delay(instance.pk))


def count_comment(sender, instance, created, **kwargs):
    if created:
        Post.objects.filter(pk=instance.post_id).update(views=0)


class BlogConfig(AppConfig):
    name = "blog"

    def ready(self):
        post_save.connect(count_comment, sender=Comment)
