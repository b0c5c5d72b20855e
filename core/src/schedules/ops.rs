//! The schedules area's operations on [`Vault`]: a subject's erasure scheduled, seen, cancelled,
//! and — through the capability the subject holds — kept or carried out now.

use serde_json::Value;

use crate::action::Action;
use crate::caller::Caller;
use crate::declare::{operations, Arg, Ret};
use crate::engine::parse_options;
use crate::erasure::{self, ErasureReceipt};
use crate::error::Result;
use crate::schedules::{ErasureSchedule, ScheduleOptions, ScheduledErasure, Schedules};
use crate::subjects::Lookup;

use crate::vault::Vault;

operations! {
    /// Schedule the erasure of a subject: `options.ttl_ms` from now or at `options.expires_at_ms`
    /// (within ten years). `purge` erases it once due. Returns the schedule with its capability
    /// — a bearer secret for the subject's "keep my data" and "erase it now" links, shown once
    /// (only its keyed hash is kept); a new schedule replaces the old one and voids its
    /// capability.
    #[operation(
        c = "bl_erasure_schedule",
        action = "erasure.schedule",
        check = delete("the subject found: its erasure is decided now"),
        errors = ["NOT_FOUND", "ERASED", "INVALID_INPUT", "INTEGRITY"],
        args = [Arg::Caller, Arg::Lookup, Arg::OptDoc { name: "options", ts: "ScheduleOptions", py: "Dict[str, Any]" }],
        ret = Ret::json("schedule", "ScheduledErasure"),
    )]
    pub fn schedule_erasure(&self, caller: &Caller, lookup: &Lookup, options: Option<Value>) -> Result<ScheduledErasure> {
        let open = self.state()?;
        let options: ScheduleOptions = parse_options(&open.engine, caller, Action::ErasureSchedule, "schedule options", options)?;
        Schedules::schedule(&open.engine, &open.subjects, caller, lookup, options)
    }

    /// Whether and when a subject's erasure is scheduled: {subject, scheduled, due_ms,
    /// created_ms}.
    #[operation(
        c = "bl_erasure_status",
        action = "erasure.status",
        check = none("a date: no personal data"),
        errors = ["NOT_FOUND", "ERASED", "INVALID_INPUT", "INTEGRITY"],
        args = [Arg::Caller, Arg::Lookup],
        ret = Ret::json("schedule", "ErasureSchedule"),
    )]
    pub fn get_erasure_schedule(&self, caller: &Caller, lookup: &Lookup) -> Result<ErasureSchedule> {
        let open = self.state()?;
        Schedules::status(&open.engine, &open.subjects, caller, lookup)
    }

    /// Cancel a subject's scheduled erasure (`changed: false` when none was scheduled).
    #[operation(
        c = "bl_erasure_cancel",
        action = "erasure.cancel",
        check = none("keeps the data as it is; reads nothing"),
        errors = ["NOT_FOUND", "ERASED", "INVALID_INPUT", "INTEGRITY"],
        args = [Arg::Caller, Arg::Lookup],
        ret = Ret::json("schedule", "ErasureSchedule"),
    )]
    pub fn cancel_erasure(&self, caller: &Caller, lookup: &Lookup) -> Result<ErasureSchedule> {
        let open = self.state()?;
        Schedules::cancel(&open.engine, &open.subjects, caller, lookup)
    }

    /// The subject keeps its data: cancel the scheduled erasure its capability names
    /// (`NOT_FOUND` for a capability that names none — never set, replaced, cancelled or carried
    /// out).
    #[operation(
        c = "bl_erasure_retain",
        action = "erasure.retain",
        check = none("the capability is the subject's own authorisation; reads nothing"),
        errors = ["NOT_FOUND", "INVALID_INPUT", "INTEGRITY"],
        args = [Arg::Caller, Arg::Str("capability")],
        ret = Ret::json("schedule", "ErasureSchedule"),
    )]
    pub fn retain_by_capability(&self, caller: &Caller, capability: &str) -> Result<ErasureSchedule> {
        Schedules::retain(&self.state()?.engine, caller, capability)
    }

    /// The subject has itself erased now, through its scheduled erasure's capability: the
    /// erasure's receipt (as `forget_subject` gives it).
    #[operation(
        c = "bl_erasure_confirm",
        action = "erasure.confirm",
        check = delete("the subject the capability names"),
        errors = ["NOT_FOUND", "INVALID_INPUT", "INTEGRITY"],
        args = [Arg::Caller, Arg::Str("capability")],
        ret = Ret::json("receipt", "ErasureReceipt"),
    )]
    pub fn erase_by_capability(&self, caller: &Caller, capability: &str) -> Result<ErasureReceipt> {
        let open = self.state()?;
        erasure::confirm(&open.engine, &open.subjects, caller, capability)
    }
}
