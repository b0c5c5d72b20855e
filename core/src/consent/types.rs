//! The public shapes of the consent area: what callers pass to set a legal basis or an activity
//! and to record a decision (from JSON in the bindings, unknown fields refused), and what the
//! catalogue, the agreements, the outbox and the checks return.

use serde::{Deserialize, Serialize};

use crate::consent::policy::{decision, ACTIVE, CONSENT_TYPE};

/// The legal basis types of GDPR Art. 6(1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
pub enum BasisType {
    /// The subject agreed (Art. 6(1)(a)): processing needs an agreement in force.
    Consent,
    /// Needed for a contract with the subject (Art. 6(1)(b)).
    Contract,
    /// Needed to meet a legal obligation (Art. 6(1)(c)).
    LegalObligation,
    /// Needed to protect someone's vital interests (Art. 6(1)(d)).
    VitalInterest,
    /// Needed for a task in the public interest (Art. 6(1)(e)).
    PublicTask,
    /// Needed for a legitimate interest (Art. 6(1)(f)).
    LegitimateInterest,
}

impl BasisType {
    const ALL: [BasisType; 6] = [
        BasisType::Consent,
        BasisType::Contract,
        BasisType::LegalObligation,
        BasisType::VitalInterest,
        BasisType::PublicTask,
        BasisType::LegitimateInterest,
    ];

    /// The stored number (`legal_bases.type`; consent's is the policy's `CONSENT_TYPE`).
    pub(crate) fn number(self) -> i64 {
        match self {
            BasisType::Consent => CONSENT_TYPE,
            BasisType::Contract => 2,
            BasisType::LegalObligation => 3,
            BasisType::VitalInterest => 4,
            BasisType::PublicTask => 5,
            BasisType::LegitimateInterest => 6,
        }
    }

    pub(crate) fn from_number(n: i64) -> Option<BasisType> {
        Self::ALL.into_iter().find(|t| t.number() == n)
    }
}

/// A legal basis's status: only an active basis lets processing rely on it and takes new
/// agreements.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "lowercase")]
pub enum BasisStatus {
    /// In use: processing may rely on it; it takes new agreements.
    Active,
    /// Paused: processing may not rely on it; it takes no new agreements.
    Disabled,
    /// Deleted: its agreements were revoked; kept for the record.
    Deleted,
}

impl BasisStatus {
    /// The stored number (`legal_bases.status`; active's is the policy's `ACTIVE`).
    pub(crate) fn number(self) -> i64 {
        match self {
            BasisStatus::Active => ACTIVE,
            BasisStatus::Disabled => 2,
            BasisStatus::Deleted => 3,
        }
    }

    pub(crate) fn from_number(n: i64) -> Option<BasisStatus> {
        [BasisStatus::Active, BasisStatus::Disabled, BasisStatus::Deleted].into_iter().find(|s| s.number() == n)
    }
}

/// What [`Vault::set_legal_basis`](crate::Vault::set_legal_basis) takes. A new basis needs
/// `type`; on an existing one every absent field keeps its value. A change of the texts people
/// are shown (`short_description`, `full_description`, `required_message`) makes a new notice
/// version.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default, deny_unknown_fields)]
pub struct LegalBasisSpec {
    /// The basis type (`type` in JSON).
    #[serde(rename = "type")]
    pub kind: Option<BasisType>,
    /// What part of the application it belongs to (free text, ≤ 64 characters).
    pub module: Option<String>,
    /// A one-line description shown to people (part of the notice).
    pub short_description: Option<String>,
    /// The full text shown to people (part of the notice).
    pub full_description: Option<String>,
    /// The subject must agree to use the service.
    pub required: Option<bool>,
    /// Shown when a required basis is refused.
    pub required_message: Option<String>,
    /// The subject may give and withdraw it themselves (the portal shows it).
    pub user_control: Option<bool>,
    /// `deleted` is set by [`Vault::delete_legal_basis`](crate::Vault::delete_legal_basis) only.
    pub status: Option<BasisStatus>,
}

/// One version of what people were shown for a legal basis.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Notice {
    /// The notice version (1, 2, …).
    pub version: i64,
    /// A one-line description shown to people (part of the notice).
    pub short_description: String,
    /// The full text shown to people (part of the notice).
    pub full_description: String,
    /// Shown when a required basis is refused (part of the notice).
    pub required_message: String,
    /// SHA-256 (hex) of the notice's canonical JSON text: what agreements and receipts cite.
    pub sha256: String,
    /// When it was created (ms since the epoch).
    pub created_ms: i64,
}

/// A legal basis of the catalogue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct LegalBasis {
    /// The basis's short name (`^[a-z][a-z0-9-]{1,64}$`).
    pub brief: String,
    /// The basis type (`type` in JSON).
    #[serde(rename = "type")]
    pub kind: BasisType,
    /// What part of the application it belongs to.
    pub module: String,
    /// A one-line description shown to people (part of the notice).
    pub short_description: String,
    /// The full text shown to people (part of the notice).
    pub full_description: String,
    /// The subject must agree to use the service.
    pub required: bool,
    /// Shown when a required basis is refused (part of the notice).
    pub required_message: String,
    /// The subject may give and withdraw it themselves.
    pub user_control: bool,
    /// The current status.
    pub status: BasisStatus,
    /// The current notice version (agreements cite the version they were given under).
    pub notice_version: i64,
    /// SHA-256 (hex) of the cited notice version's canonical text.
    pub notice_sha256: String,
    /// When it was created (ms since the epoch).
    pub created_ms: i64,
    /// When it last changed (ms since the epoch).
    pub updated_ms: i64,
    /// Every notice version, oldest first ([`Vault::get_legal_basis`](crate::Vault::get_legal_basis)
    /// only; `None` in listings).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notices: Option<Vec<Notice>>,
}

/// What [`Vault::set_activity`](crate::Vault::set_activity) takes. A new activity needs
/// `operations`; on an existing one every absent field keeps its value, and `legal_bases`, when
/// given, replaces its links.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default, deny_unknown_fields)]
pub struct ActivitySpec {
    /// A short title.
    pub title: Option<String>,
    /// What the processing is.
    pub description: Option<String>,
    /// The operations it covers: `read`, `write`, `delete`, `export`, `detokenize`.
    #[cfg_attr(feature = "schema", schemars(with = "Option<Vec<crate::policy::Operation>>"))]
    pub operations: Option<Vec<String>>,
    /// The briefs of the legal bases it relies on.
    pub legal_bases: Option<Vec<String>>,
}

/// A processing activity: `name` is the purpose callers pass.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Activity {
    /// The activity's name: the purpose callers pass.
    pub name: String,
    /// A short title.
    pub title: String,
    /// What the processing is.
    pub description: String,
    /// The operations it covers (`read`, `write`, `delete`, `export`, `detokenize`).
    #[cfg_attr(feature = "schema", schemars(with = "Vec<crate::policy::Operation>"))]
    pub operations: Vec<String>,
    /// The briefs of the legal bases it relies on.
    pub legal_bases: Vec<String>,
    /// When it was created (ms since the epoch).
    pub created_ms: i64,
    /// When it last changed (ms since the epoch).
    pub updated_ms: i64,
}

/// A decision's state (after W3C DPV): `given`, `refused`, `withdrawn` (by the subject),
/// `revoked` (by an operator or a basis deletion), `expired`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "lowercase")]
pub enum ConsentStatus {
    /// The subject agreed.
    Given,
    /// The subject declined.
    Refused,
    /// The subject withdrew an agreement.
    Withdrawn,
    /// An operator (or the deletion of the basis) ended an agreement.
    Revoked,
    /// The agreement's expiry passed.
    Expired,
}

impl ConsentStatus {
    const ALL: [ConsentStatus; 5] = [
        ConsentStatus::Given,
        ConsentStatus::Refused,
        ConsentStatus::Withdrawn,
        ConsentStatus::Revoked,
        ConsentStatus::Expired,
    ];

    /// The stored number (`agreements.decision`, outbox events): the policy's table.
    pub(crate) fn number(self) -> i64 {
        match self {
            ConsentStatus::Given => decision::GIVEN,
            ConsentStatus::Refused => decision::REFUSED,
            ConsentStatus::Withdrawn => decision::WITHDRAWN,
            ConsentStatus::Revoked => decision::REVOKED,
            ConsentStatus::Expired => decision::EXPIRED,
        }
    }

    pub(crate) fn from_number(n: i64) -> Option<ConsentStatus> {
        Self::ALL.into_iter().find(|s| s.number() == n)
    }

    pub(crate) fn name(self) -> &'static str {
        match self {
            ConsentStatus::Given => "given",
            ConsentStatus::Refused => "refused",
            ConsentStatus::Withdrawn => "withdrawn",
            ConsentStatus::Revoked => "revoked",
            ConsentStatus::Expired => "expired",
        }
    }
}

/// Options of a consent decision (give, withdraw, revoke). Every field is optional.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default, deny_unknown_fields)]
pub struct ConsentOptions {
    /// `give_consent` only: `given` (the default) or `refused`.
    pub status: Option<ConsentStatus>,
    /// Not in force before this time (ms since the epoch; default: now).
    pub start_ms: Option<i64>,
    /// In force until this time (ms since the epoch; after it the agreement is `expired`).
    pub expires_ms: Option<i64>,
    /// In force for this many milliseconds from its start (instead of `expires_ms`).
    pub ttl_ms: Option<u64>,
    /// How it was collected: `web-form`, `email`, `phone`, `paper`, `api`, … (default `api`).
    pub method: Option<String>,
    /// The channel or surface (`portal`, `mobile-app`, …).
    pub channel: Option<String>,
    /// The language the notice was shown in (BCP 47, e.g. `en`, `de-CH`).
    pub language: Option<String>,
    /// A reference code (a ticket, a form id). Stored encrypted under the subject's key.
    pub reference: Option<String>,
    /// The notice version the subject was shown (default: the basis's current one).
    pub notice_version: Option<i64>,
}

impl std::fmt::Debug for ConsentOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The reference may be anything a caller typed: never shown.
        f.debug_struct("ConsentOptions")
            .field("status", &self.status)
            .field("start_ms", &self.start_ms)
            .field("expires_ms", &self.expires_ms)
            .field("ttl_ms", &self.ttl_ms)
            .field("method", &self.method)
            .field("channel", &self.channel)
            .field("language", &self.language)
            .field("reference", &self.reference.as_ref().map(|_| "<redacted>"))
            .field("notice_version", &self.notice_version)
            .finish()
    }
}

/// A subject's current decision about one legal basis.
#[derive(Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Agreement {
    /// The legal basis's brief.
    pub legal_basis: String,
    /// The current status.
    pub status: ConsentStatus,
    /// Given, started, not expired, not withdrawn or revoked: processing may rely on it.
    pub in_force: bool,
    /// When the decision was recorded.
    pub decided_ms: i64,
    /// Not in force before this time (ms since the epoch).
    pub start_ms: i64,
    /// Not in force from this time on (ms since the epoch), if it expires.
    pub expires_ms: Option<i64>,
    /// The notice version the subject was shown.
    pub notice_version: i64,
    /// SHA-256 (hex) of the cited notice version's canonical text.
    pub notice_sha256: String,
    /// How it was collected (`web-form`, `email`, `api`, …; `expiry` and `operator` for decisions the vault recorded itself).
    pub method: String,
    /// The channel or surface, if given.
    pub channel: Option<String>,
    /// The language the notice was shown in, if given.
    pub language: Option<String>,
    /// The reference code, if given (stored encrypted under the subject's key).
    pub reference: Option<String>,
    /// Who recorded it (the caller's actor).
    pub actor: String,
}

impl std::fmt::Debug for Agreement {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Agreement")
            .field("legal_basis", &self.legal_basis)
            .field("status", &self.status)
            .field("in_force", &self.in_force)
            .field("decided_ms", &self.decided_ms)
            .field("notice_version", &self.notice_version)
            .field("reference", &self.reference.as_ref().map(|_| "<redacted>"))
            .finish_non_exhaustive()
    }
}

/// The answer of [`Vault::can_process`](crate::Vault::can_process).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ProcessingDecision {
    /// Whether the purpose allows the operation on the subject.
    pub allowed: bool,
    /// The legal basis that allows it, when one does.
    pub legal_basis: Option<String>,
    /// Why (never personal data).
    pub reason: String,
}

/// A consent receipt, as [`Vault::export_consent_receipt`](crate::Vault::export_consent_receipt)
/// issues it: a JSON object holding the Kantara Consent Receipt fields, the ISO/IEC TS 27560
/// record under `record`, and `mac` (HMAC-SHA256 under the vault's consent key over its
/// canonical JSON). Change nothing in it: [`Vault::verify_consent_receipt`](crate::Vault::verify_consent_receipt)
/// answers `INTEGRITY` to any edit.
pub type ConsentReceipt = serde_json::Value;

/// A consent event of the outbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ConsentEvent {
    /// Pass to `ack_consent_events` to acknowledge this event and every one before it.
    pub cursor: String,
    /// The subject's token.
    pub subject: String,
    /// `given`, `refused`, `withdrawn`, `revoked`, `expired`, or `erased` (the subject was
    /// erased: every agreement ended; `legal_basis` is null).
    #[cfg_attr(feature = "schema", schemars(extend("enum" = ["given", "refused", "withdrawn", "revoked", "expired", "erased"])))]
    pub event: String,
    /// The legal basis's brief.
    pub legal_basis: Option<String>,
    /// The notice version the subject was shown.
    pub notice_version: Option<i64>,
    /// When it happened (ms since the epoch).
    pub time_ms: i64,
}

/// The result of revoking (or deleting) a legal basis for everyone, and of purging expired
/// agreements.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ConsentReport {
    /// Agreements that were revoked (or recorded as expired) by this call.
    pub changed: u64,
}

/// The result of [`Vault::verify_consent_receipt`](crate::Vault::verify_consent_receipt).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ReceiptCheck {
    /// Always true (an invalid receipt is an error).
    pub valid: bool,
    /// The subject's token the receipt is about.
    pub subject: String,
    /// How many decisions it records.
    pub events: u64,
    /// When the receipt was issued (ms since the epoch).
    pub issued_ms: i64,
}
