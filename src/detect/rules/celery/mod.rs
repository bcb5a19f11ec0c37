//! Celery rules (PG750–PG756): task definitions, enqueueing, retries, late
//! acks and `.delay()` inside a database transaction.

pub(super) mod tasks;
