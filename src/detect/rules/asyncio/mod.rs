//! asyncio rules (PG2xx): tasks thrown away, blocking calls and awaits in
//! loops inside coroutines, swallowed cancellation, executors.

pub(super) mod await_in_loop;
pub(super) mod blocking_call;
pub(super) mod cancelled_error;
pub(super) mod create_task;
pub(super) mod run_in_executor;
