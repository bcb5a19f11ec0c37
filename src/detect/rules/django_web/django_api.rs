//! Django, DRF, asgiref and pytest-django APIs recognised by qualified name
//! through the file's imports (PG704, PG710, PG721, PG724, PG730–PG734,
//! PG736, PG737, PG740, PG742, PG743, PG745). `api_usage.rs` reports them
//! with the same logic as its own table: a name used as a call reports the
//! whole call; used otherwise (a decorator, a base class) the name itself.
//!
//! **What it matches**, any import spelling (`from django.db import
//! transaction` + `transaction.atomic`, `from django.views.decorators import
//! csrf` + `csrf.csrf_exempt`); a local function of the same name is not
//! reported:
//! - PG704 `csrf_exempt` (**warning** on a cookie-authenticated view, a
//!   hint elsewhere; `csrf_exempt.rs` decides and says why).
//! - PG710 `xframe_options_exempt`: the view can be framed by any site.
//! - PG721 `make_password`; PG724 `get_user_model()`;
//! - PG730 `transaction.atomic`, PG731 `transaction.on_commit`;
//! - PG732 `migrations.RunPython`, PG733 `AddIndexConcurrently` /
//!   `RemoveIndexConcurrently`;
//! - PG734 `models.Index`, PG736 `models.UniqueConstraint`;
//! - PG737 `cache_page`; PG740 `@receiver`; PG742 `sync_to_async` /
//!   `async_to_sync`;
//! - PG743 DRF `SerializerMethodField`; PG745 `pytest.mark.django_db`.
//!
//! **Why**: each links the construct to the topic that explains its costs
//! and pitfalls; only `csrf_exempt` is a warning.
//!
//! **References**: <https://docs.djangoproject.com/en/5.2/ref/csrf/#django.views.decorators.csrf.csrf_exempt>
//! and each rule's topic.

use crate::detect::Rule;

rule!(
    CSRF_EXEMPT,
    "PG704",
    Warning,
    "csrf-exempt",
    "csrf-xss-django-spa",
    "`csrf_exempt` switches CSRF protection off: a cookie-authenticated view becomes forgeable from any site; send the token instead"
);
rule!(
    XFRAME_EXEMPT,
    "PG710",
    Hint,
    "x-frame-options-exempt",
    "clickjacking",
    "`xframe_options_exempt`: any site may frame this view; exempt only pages meant for embedding"
);
rule!(
    MAKE_PASSWORD,
    "PG721",
    Hint,
    "make-password",
    "password-hashing",
    "`make_password`: hashes with the first of `PASSWORD_HASHERS`, salted, as `<algorithm>$<iterations>$<salt>$<hash>`"
);
rule!(
    GET_USER_MODEL,
    "PG724",
    Hint,
    "get-user-model",
    "custom-user-model",
    "`get_user_model()`: the active user model (`AUTH_USER_MODEL`); in model fields refer to `settings.AUTH_USER_MODEL`"
);
rule!(
    ATOMIC,
    "PG730",
    Hint,
    "transaction-atomic",
    "transaction-atomic",
    "`transaction.atomic`: one transaction (a savepoint when nested); an exception inside rolls it back"
);
rule!(
    ON_COMMIT,
    "PG731",
    Hint,
    "transaction-on-commit",
    "transaction-atomic",
    "`transaction.on_commit`: runs the callback after the outermost transaction commits, never on rollback"
);
rule!(
    RUN_PYTHON,
    "PG732",
    Hint,
    "run-python",
    "migrations-large-tables",
    "`RunPython`: use historical models (`apps.get_model`), give `reverse_code`, and batch large backfills"
);
rule!(
    INDEX_CONCURRENTLY,
    "PG733",
    Hint,
    "add-index-concurrently",
    "migrations-large-tables",
    "`AddIndexConcurrently`: builds a PostgreSQL index without blocking writes; needs `atomic = False` on the migration"
);
rule!(
    MODELS_INDEX,
    "PG734",
    Hint,
    "models-index",
    "django-database-indexes",
    "`models.Index`: a (multi-column, partial or expression) index; column order must match the queries"
);
rule!(
    UNIQUE_CONSTRAINT,
    "PG736",
    Hint,
    "unique-constraint",
    "django-database-indexes",
    "`UniqueConstraint`: uniqueness enforced by the database (also conditional or on expressions)"
);
rule!(
    CACHE_PAGE,
    "PG737",
    Hint,
    "cache-page",
    "django-caching",
    "`cache_page`: caches the whole response per URL (and `Vary` headers); beware of per-user content"
);
rule!(
    RECEIVER,
    "PG740",
    Hint,
    "signal-receiver",
    "django-signals",
    "`@receiver`: a signal handler runs synchronously inside the sender's call and transaction"
);
rule!(
    SYNC_TO_ASYNC,
    "PG742",
    Hint,
    "sync-to-async",
    "async-views-async-orm",
    "`sync_to_async` / `async_to_sync`: bridge sync code (the ORM) and the event loop, at the cost of a thread hop"
);
rule!(
    METHOD_FIELD,
    "PG743",
    Hint,
    "serializer-method-field",
    "drf-serializer-n-plus-one",
    "`SerializerMethodField`: runs once per object; a relation followed there is one query per row unless prefetched"
);
rule!(
    DJANGO_DB_MARK,
    "PG745",
    Hint,
    "pytest-django-db-mark",
    "pytest-fixtures",
    "`pytest.mark.django_db`: gives the test database access, each test in a rolled-back transaction"
);

/// Each rule with the qualified names that trigger it.
pub(crate) static TABLE: &[(&Rule, &[&str])] = &[
    (&CSRF_EXEMPT, &["django.views.decorators.csrf.csrf_exempt"]),
    (
        &XFRAME_EXEMPT,
        &["django.views.decorators.clickjacking.xframe_options_exempt"],
    ),
    (
        &MAKE_PASSWORD,
        &["django.contrib.auth.hashers.make_password"],
    ),
    (&GET_USER_MODEL, &["django.contrib.auth.get_user_model"]),
    (&ATOMIC, &["django.db.transaction.atomic"]),
    (&ON_COMMIT, &["django.db.transaction.on_commit"]),
    (
        &RUN_PYTHON,
        &[
            "django.db.migrations.RunPython",
            "django.db.migrations.operations.RunPython",
        ],
    ),
    (
        &INDEX_CONCURRENTLY,
        &[
            "django.contrib.postgres.operations.AddIndexConcurrently",
            "django.contrib.postgres.operations.RemoveIndexConcurrently",
        ],
    ),
    (
        &MODELS_INDEX,
        &["django.db.models.Index", "django.db.models.indexes.Index"],
    ),
    (
        &UNIQUE_CONSTRAINT,
        &[
            "django.db.models.UniqueConstraint",
            "django.db.models.constraints.UniqueConstraint",
        ],
    ),
    (&CACHE_PAGE, &["django.views.decorators.cache.cache_page"]),
    (
        &RECEIVER,
        &[
            "django.dispatch.receiver",
            "django.dispatch.dispatcher.receiver",
        ],
    ),
    (
        &SYNC_TO_ASYNC,
        &["asgiref.sync.sync_to_async", "asgiref.sync.async_to_sync"],
    ),
    (
        &METHOD_FIELD,
        &[
            "rest_framework.serializers.SerializerMethodField",
            "rest_framework.fields.SerializerMethodField",
        ],
    ),
    (&DJANGO_DB_MARK, &["pytest.mark.django_db"]),
];

pub(crate) fn rules() -> impl Iterator<Item = &'static Rule> {
    TABLE.iter().map(|(r, _)| *r)
}
