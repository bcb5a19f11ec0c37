//! Django web and security rules (PG7xx): views and templates
//! (`csrf_exempt`, `mark_safe`, SQL built by string formatting),
//! middleware classes, signals, DRF serializers, and the Django API name
//! table (`django_api`).

pub(super) mod csrf_exempt;
pub(super) mod django_api;
pub(super) mod drf_nested_serializer;
pub(super) mod mark_safe;
pub(super) mod middleware_class;
pub(super) mod signal_connect;
pub(super) mod sql_formatting;
