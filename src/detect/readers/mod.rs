//! Shared readers of Python code used by several rules (no findings of
//! their own): comparison chains (`comparisons`), names and scopes
//! (`scope`), Django queryset chains (`queryset`), the calls of the
//! module's private functions (`calls`).

pub(crate) mod calls;
pub(crate) mod comparisons;
pub(crate) mod queryset;
pub(crate) mod scope;
