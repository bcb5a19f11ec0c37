"""Django REST framework serializers. Each serializes one object at a time,
so a nested serializer or a `SerializerMethodField` that follows a relation
runs one query per row unless the view's queryset prefetches it."""

from rest_framework import serializers

from .models import Author, Comment, Post


class AuthorSerializer(serializers.ModelSerializer):
    class Meta:
        model = Author
        fields = ["id", "name"]


class CommentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Comment
        fields = ["id", "author_name", "text"]


class PostSerializer(serializers.ModelSerializer):
    author = AuthorSerializer(read_only=True)
    comments = CommentSerializer(source="comment_set", many=True, read_only=True)
    tag_labels = serializers.SerializerMethodField()

    class Meta:
        model = Post
        fields = ["id", "title", "author", "comments", "tag_labels"]

    def get_tag_labels(self, post):
        return [tag.label for tag in post.tags.all()]
