"""A small blog: the models that blog/views.py queries, with the indexes and
constraints its queries need, and the custom user model `AUTH_USER_MODEL`
names."""

from django.contrib.auth.models import AbstractUser
from django.db import models


class Member(AbstractUser):
    bio = models.TextField(blank=True)


class Author(models.Model):
    name = models.CharField(max_length=100)
    email = models.EmailField(db_index=True)


class Tag(models.Model):
    label = models.CharField(max_length=30, unique=True)


class Post(models.Model):
    author = models.ForeignKey(Author, on_delete=models.CASCADE, related_name="posts")
    tags = models.ManyToManyField(Tag, blank=True)
    title = models.CharField(max_length=200)
    body = models.TextField()
    views = models.PositiveIntegerField(default=0)
    published_at = models.DateTimeField(null=True)

    class Meta:
        indexes = [models.Index(fields=["author", "-published_at"], name="post_author_recent_idx")]
        constraints = [
            models.UniqueConstraint(fields=["author", "title"], name="unique_title_per_author"),
        ]


class Comment(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE)
    author_name = models.CharField(max_length=100)
    text = models.TextField()
