//! The shares area's operations on [`Vault`]: a subject's record shared with a partner, limited
//! to listed fields, for a limited time and number of reads; resolved, revoked and listed.

use serde_json::Value;

use crate::action::Action;
use crate::caller::Caller;
use crate::declare::{operations, Arg, Ret};
use crate::engine::parse_options;
use crate::error::Result;
use crate::shares::{ShareInfo, SharePurge, ShareRef, ShareSpec, Shared, Shares};
use crate::subjects::Lookup;

use crate::vault::Vault;

operations! {
    /// Share part of a subject's data: `spec.of` is `profile`, `app` (with `spec.app`) or
    /// `session` (with `spec.session`, the id of one of the subject's sessions), limited to
    /// `spec.fields` (dotted paths) — every field only with `spec.all_fields: true` — for
    /// `ttl_ms`/`expires_at_ms` (default 24 hours, at most the vault's `share_max_ttl_ms`),
    /// optionally for one `partner` and at most `max_reads` resolutions. Returns the share with
    /// its id: a bearer secret of 256 random bits, shown once (only its keyed hash is kept).
    #[operation(
        c = "bl_share_create",
        action = "share.create",
        check = export("the subject found: a share discloses its data to a third party"),
        errors = ["NOT_FOUND", "ERASED", "INVALID_INPUT", "INTEGRITY"],
        args = [Arg::Caller, Arg::Lookup, Arg::OptDoc { name: "spec", ts: "ShareSpec", py: "Dict[str, Any]" }],
        ret = Ret::json("share", "ShareInfo"),
    )]
    pub fn create_share(&self, caller: &Caller, lookup: &Lookup, spec: Option<Value>) -> Result<ShareInfo> {
        let open = self.state()?;
        let spec: ShareSpec = parse_options(&open.engine, caller, Action::ShareCreate, "share spec", spec)?;
        open.shares.create(&open.engine, &open.subjects, caller, lookup, spec)
    }

    /// Resolve a share by its id: exactly the shared fields of the record as it is now (a field
    /// the record lacks is left out). A share bound to a partner needs that partner's name;
    /// otherwise, and for an unknown or revoked share, `NOT_FOUND`; `EXPIRED` from its expiry on;
    /// the last allowed resolution deletes it. Audited against the subject.
    #[operation(
        c = "bl_share_resolve",
        action = "share.resolve",
        check = none("the share is the authorisation (its creation was checked as `export`)"),
        errors = ["NOT_FOUND", "EXPIRED", "INVALID_INPUT", "INTEGRITY"],
        args = [Arg::Caller, Arg::Str("id"), Arg::OptStr("partner")],
        ret = Ret::json("shared", "Shared"),
    )]
    pub fn resolve_share(&self, caller: &Caller, id: &str, partner: Option<&str>) -> Result<Shared> {
        let open = self.state()?;
        open.shares.resolve(&open.engine, caller, id, partner)
    }

    /// Revoke a share (`NOT_FOUND` when there is none): later resolutions are `NOT_FOUND`.
    #[operation(
        c = "bl_share_revoke",
        action = "share.revoke",
        check = none("ends a disclosure; reads nothing"),
        errors = ["NOT_FOUND", "INVALID_INPUT", "INTEGRITY"],
        args = [Arg::Caller, Arg::Str("id")],
        ret = Ret::Unit,
    )]
    pub fn revoke_share(&self, caller: &Caller, id: &str) -> Result<()> {
        let open = self.state()?;
        open.shares.revoke(&open.engine, caller, id)
    }

    /// The subject's shares, live and expired, each by its reference (never its id) with what it
    /// shares, with whom, until when and how often it was resolved.
    #[operation(
        c = "bl_shares_list",
        action = "share.list",
        check = read("the subject found"),
        errors = ["NOT_FOUND", "ERASED", "INVALID_INPUT", "INTEGRITY"],
        args = [Arg::Caller, Arg::Lookup],
        ret = Ret::json("shares", "Vec<ShareRef>"),
    )]
    pub fn list_shares(&self, caller: &Caller, lookup: &Lookup) -> Result<Vec<ShareRef>> {
        let open = self.state()?;
        open.shares.list(&open.engine, &open.subjects, caller, lookup)
    }

    /// Delete every expired share, at most 1,000 per transaction (readers and writers wait for
    /// one batch at most). Returns how many went and in how many batches.
    #[operation(
        c = "bl_shares_purge",
        action = "share.purge",
        check = none("removes what expired by its own terms; returns only counts"),
        errors = [],
        args = [Arg::Caller],
        ret = Ret::json("report", "SharePurge"),
    )]
    pub fn purge_shares(&self, caller: &Caller) -> Result<SharePurge> {
        Shares::purge(&self.state()?.engine, caller)
    }
}
