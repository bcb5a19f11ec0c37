"""pytest-django tests for the views: fixtures build the data, `parametrize`
runs one test per row, `django_db` opens the database, and a query-count
assertion fails the build when an N+1 creeps back into `author_page`."""

import pytest
from django.contrib.auth.hashers import make_password

from blog.models import Author, Member, Post


@pytest.fixture
def author():
    return Author.objects.create(name="Ada", email="ada@example.com")


@pytest.fixture
def member():
    member = Member.objects.create(username="ada", password=make_password("correct horse"))
    yield member
    member.delete()


@pytest.mark.django_db
def test_author_page_queries(client, author, django_assert_num_queries):
    Post.objects.bulk_create(Post(author=author, title=f"Post {i}", body="") for i in range(5))
    with django_assert_num_queries(4):
        response = client.get(f"/authors/{author.pk}/")
    assert response.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "expected"),
    [("django", 1), ("flask", 0), ("", 1)],
)
def test_search(client, author, query, expected):
    Post.objects.create(author=author, title="Why django", body="")
    response = client.get("/search/", {"q": query})
    assert len(response.json()["found"]) == expected


@pytest.mark.django_db
def test_login(client, member):
    assert client.login(username="ada", password="correct horse")
