"""A migration for a large table: the index is built with
`AddIndexConcurrently` (PostgreSQL, no write lock, so the migration is not
atomic) and the data backfill uses the historical model, in batches, with a
reverse operation."""

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


def backfill_views(apps, schema_editor):
    Post = apps.get_model("blog", "Post")
    batch = list(Post.objects.filter(views__isnull=True).values_list("pk", flat=True)[:1000])
    while batch:
        Post.objects.filter(pk__in=batch).update(views=0)
        batch = list(Post.objects.filter(views__isnull=True).values_list("pk", flat=True)[:1000])


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("blog", "0001_initial")]

    operations = [
        migrations.RunPython(backfill_views, reverse_code=migrations.RunPython.noop),
        AddIndexConcurrently(
            model_name="post",
            index=models.Index(fields=["author", "-published_at"], name="post_author_recent_idx"),
        ),
    ]
