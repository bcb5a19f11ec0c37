"""Views with the ORM habits pyguide knows about: N+1 loops, select/prefetch,
raw SQL, and the sync ORM inside async views. Then the view-level security
and caching decorators: `csrf_exempt`, `mark_safe`, `xframe_options_exempt`,
`cache_page`, a Celery task enqueued inside a transaction, and
`sync_to_async`."""

from asgiref.sync import sync_to_async
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import Count, F, Prefetch
from django.http import HttpResponse, JsonResponse
from django.utils.safestring import mark_safe
from django.views.decorators.cache import cache_page
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt

from .models import Author, Comment, Post, Tag
from .tasks import notify_subscribers, send_digest


def post_list(request):
    # N+1: one query for the posts, then one per post for its author.
    rows = []
    for post in Post.objects.filter(published_at__isnull=False):
        rows.append({"title": post.title, "author": post.author.name})
    return JsonResponse({"posts": rows})


def tag_cloud(request):
    # N+1 through a many-to-many and a reverse foreign key.
    posts = Post.objects.order_by("-published_at")
    cloud = {}
    for post in posts:
        for tag in post.tags.all():
            cloud[tag.label] = cloud.get(tag.label, 0) + 1
        cloud["comments"] = len(post.comment_set.all())
    return JsonResponse(cloud)


def author_page(request, author_id):
    # The right way: the relations are fetched with the rows.
    posts = (
        Post.objects.filter(author_id=author_id)
        .select_related("author")
        .prefetch_related("tags", Prefetch("comment_set", queryset=Comment.objects.only("text")))
    )
    titles = [p.title for p in posts if p.author.email]
    counts = Post.objects.values("author").annotate(n=Count("id"))
    totals = Post.objects.aggregate(total=Count("id"))
    return JsonResponse({"titles": titles, "counts": list(counts), "totals": totals})


def search(request):
    q = request.GET.get("q", "")
    # SQL injection: the query string is formatted into the SQL.
    found = Post.objects.raw(f"SELECT * FROM blog_post WHERE title LIKE '%{q}%'")
    safe = Post.objects.raw("SELECT * FROM blog_post WHERE title LIKE %s", [f"%{q}%"])
    legacy = Post.objects.extra(where=["views > 10"])
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM blog_comment WHERE author_name = '%s'" % q)
    return JsonResponse({"found": [p.id for p in found], "safe": len(list(safe)), "legacy": legacy.count()})


def stats(request):
    if Post.objects.filter(views__gt=1000).count() > 0:
        popular = True
    else:
        popular = Post.objects.filter(views__gt=100).exists()
    big = Post.objects.defer("body").using("replica").iterator(chunk_size=500)
    titles = Post.objects.values_list("title", flat=True)
    plan = Post.objects.filter(views__gt=10).explain()
    return JsonResponse({"popular": popular, "n": sum(1 for _ in big), "titles": list(titles), "plan": plan})


def publish(request, post_id):
    with transaction.atomic():
        post = Post.objects.select_for_update().get(pk=post_id)
        Post.objects.filter(pk=post.pk).update(views=F("views") + 1)
        # The worker may run before this transaction commits (and see the
        # old row) or after it rolled back.
        notify_subscribers.delay(post.pk)
    transaction.on_commit(lambda: send_digest.delay(post.author_id))
    Tag.objects.bulk_create([Tag(label="new"), Tag(label="hot")])
    authors = list(Author.objects.all())
    for a in authors:
        a.name = a.name.title()
    Author.objects.bulk_update(authors, ["name"])
    return JsonResponse({"ok": True})


async def latest_post(request):
    # Django refuses synchronous queries inside async views.
    post = Post.objects.filter(published_at__isnull=False).latest("published_at")
    return JsonResponse({"title": post.title})


# The editor's JavaScript "couldn't get the CSRF token to work", so the
# check was switched off; the view still trusts the session cookie.
@csrf_exempt
def preview(request):
    title = request.POST.get("title", "")
    return HttpResponse(mark_safe(f"<h1>{title}</h1>"))


def member_card(request, username):
    member = get_user_model().objects.get(username=username)
    bio = member.bio.replace("\n", "<br>")
    return HttpResponse(mark_safe(bio))


def change_password(request):
    user = request.user
    user.set_password(request.POST["new_password"])
    user.save(update_fields=["password"])
    return JsonResponse({"ok": True})


# Partners embed a post in an iframe; only this view may be framed.
@xframe_options_exempt
def embed(request, post_id):
    post = Post.objects.select_related("author").get(pk=post_id)
    return HttpResponse(f"<article>{post.title}</article>")


@cache_page(60 * 15)
def archive(request):
    months = Post.objects.dates("published_at", "month", order="DESC")
    return JsonResponse({"months": [m.isoformat() for m in months]})


@transaction.atomic
def import_posts(request):
    for row in request.POST.getlist("titles"):
        post = Post.objects.create(author_id=request.user.pk, title=row, body="")
        notify_subscribers.delay(post.pk)
    return JsonResponse({"ok": True})


async def post_count(request):
    # The sync ORM call runs in a worker thread instead of the event loop.
    count = await sync_to_async(Post.objects.filter(published_at__isnull=False).count)()
    return JsonResponse({"count": count})
