//! Django ORM rules (PG6xx and the ORM's PG7xx test hints): N+1 loops
//! (with the `_id` form), queryset APIs, synchronous queries in `async def`,
//! indexes (`db_index`, `Meta.indexes`) and query-count assertions.

pub(super) mod assert_num_queries;
pub(super) mod db_index;
pub(super) mod fk_id;
pub(super) mod meta_indexes;
pub(super) mod n_plus_one;
pub(super) mod queryset_api;
pub(super) mod sync_orm_in_async;
