//! For the authors of bindings and tools: the operations' declarations, the JSON Schemas of
//! their results and options, and the text-level helpers the C, Python and Node surfaces call.
//! A Rust application needs none of it: it passes typed values and gets typed results.

use serde_json::Value;

pub use crate::declare::{Arg, Check, Op, Ret, Text};
pub use crate::document::{documents_from_json, strings_from_json};
pub use crate::subjects::SubjectText;
use crate::{Caller, Limits, Lookup, Options, Result, Vault};

/// Every area's name and its operations, in the order the bindings list them (the generated
/// entry points are written one file per area).
pub fn areas() -> Vec<(&'static str, &'static [Op])> {
    crate::AREAS.to_vec()
}

/// Every operation on an open vault, area by area, in the order the bindings list them.
pub fn operations() -> Vec<Op> {
    crate::AREAS.iter().flat_map(|(_, ops)| ops.iter().copied()).collect()
}

/// The JSON Schemas (draft 2020-12 `$defs`, by type name) of every result the operations
/// return, as they are serialized, and of every option object they take, as it is read
/// (every field optional): the Python TypedDicts and the TypeScript interfaces are written
/// from them, field docs included.
#[cfg(feature = "schema")]
pub fn schemas() -> Schemas {
    use schemars::generate::SchemaSettings;
    use schemars::SchemaGenerator;

    let mut out = SchemaGenerator::new(SchemaSettings::draft2020_12().for_serialize());
    out.subschema_for::<crate::Subject>();
    out.subschema_for::<crate::AppDocument>();
    out.subschema_for::<crate::Session>();
    out.subschema_for::<crate::SessionInfo>();
    out.subschema_for::<crate::SessionPurge>();
    out.subschema_for::<crate::SharePurge>();
    out.subschema_for::<crate::Purged>();
    out.subschema_for::<crate::ShareInfo>();
    out.subschema_for::<crate::Shared>();
    out.subschema_for::<crate::ShareRef>();
    out.subschema_for::<crate::Request>();
    out.subschema_for::<crate::RequestDetail>();
    out.subschema_for::<crate::Page<crate::Request>>();
    out.subschema_for::<crate::Page<crate::RequestEvent>>();
    out.subschema_for::<crate::RequestExpiry>();
    out.subschema_for::<crate::RequestAck>();
    out.subschema_for::<crate::Restriction>();
    out.subschema_for::<crate::ScheduledErasure>();
    out.subschema_for::<crate::ErasureSchedule>();
    out.subschema_for::<crate::ErasureReceipt>();
    out.subschema_for::<crate::Shredded>();
    out.subschema_for::<crate::export::schema::SubjectExport>();
    out.subschema_for::<crate::ExportSummary>();
    out.subschema_for::<crate::TokenInfo>();
    out.subschema_for::<crate::TokenBatch<crate::TokenizeItem>>();
    out.subschema_for::<crate::TokenBatch<crate::DetokenizeItem>>();
    out.subschema_for::<crate::TokenBatch<crate::InfoItem>>();
    out.subschema_for::<crate::TokenBatch<crate::DeleteItem>>();
    out.subschema_for::<crate::PurgeReport>();
    out.subschema_for::<crate::LegalBasis>();
    out.subschema_for::<crate::Activity>();
    out.subschema_for::<crate::Agreement>();
    out.subschema_for::<crate::ReceiptCheck>();
    out.subschema_for::<crate::ProcessingDecision>();
    out.subschema_for::<crate::ConsentReport>();
    out.subschema_for::<crate::Page<crate::ConsentEvent>>();
    out.subschema_for::<crate::Page<crate::AuditEvent>>();
    out.subschema_for::<crate::Page<crate::SessionRef>>();
    out.subschema_for::<crate::Page<crate::Subject>>();
    out.subschema_for::<crate::BulkGrant>();
    out.subschema_for::<crate::AuditHead>();
    out.subschema_for::<crate::AuditReport>();
    out.subschema_for::<crate::CompactReport>();
    out.subschema_for::<crate::OpenReport>();
    out.subschema_for::<crate::ErasureLedger>();
    out.subschema_for::<crate::ReapplyReport>();

    let mut input = SchemaGenerator::new(SchemaSettings::draft2020_12().for_deserialize());
    input.subschema_for::<crate::Options>();
    input.subschema_for::<crate::TokenizeOptions>();
    input.subschema_for::<crate::DetokenizeOptions>();
    input.subschema_for::<crate::TextOptions>();
    input.subschema_for::<crate::LegalBasisSpec>();
    input.subschema_for::<crate::ActivitySpec>();
    input.subschema_for::<crate::ConsentOptions>();
    input.subschema_for::<crate::SessionOptions>();
    input.subschema_for::<crate::ShareSpec>();
    input.subschema_for::<crate::BulkOptions>();
    input.subschema_for::<crate::RequestSpec>();
    input.subschema_for::<crate::RequestQuery>();
    input.subschema_for::<crate::ApproveOptions>();
    input.subschema_for::<crate::ScheduleOptions>();
    input.subschema_for::<crate::ShredOptions>();

    Schemas { results: out.take_definitions(true), inputs: input.take_definitions(true) }
}

/// What [`schemas`] returns.
#[cfg(feature = "schema")]
#[derive(Debug)]
pub struct Schemas {
    /// Each result type (and each type inside one), as serialized.
    pub results: serde_json::Map<String, serde_json::Value>,
    /// Each option object (and each type inside one), as read.
    pub inputs: serde_json::Map<String, serde_json::Value>,
}

/// Parse JSON text (from C, or any caller holding text) under the vault's limits: oversized
/// text is refused (`TOO_LARGE`) before it is parsed.
pub fn parse_document(vault: &Vault, text: &str) -> Result<Value> {
    vault.state()?.engine.limits.parse(text)
}

/// Parse the JSON text of a batch (an array of documents or lookups) under the vault's limits:
/// text larger than `max_batch_bytes` is refused before it is parsed.
pub fn parse_batch(vault: &Vault, text: &str) -> Result<Value> {
    vault.state()?.engine.limits.parse_batch(text)
}

/// The vault's input limits (bindings check them while converting arguments, so an oversized
/// argument is refused before it is copied whole).
pub fn limits(vault: &Vault) -> Result<Limits> {
    Ok(vault.state()?.engine.limits.clone())
}

/// Options from their JSON text (`null` or empty object: the defaults), read under the default
/// limits before any vault exists; unknown keys are refused.
pub fn parse_options(text: &str) -> Result<Options> {
    Options::from_json(Limits::default().parse(text)?)
}

/// [`Vault::get_subject`] returning the subject as JSON text (the fields of its `Serialize`, in
/// that order). The stored profile text is passed through without building a `Value` (it is
/// checked to be one JSON object, and a row found through an index is checked as `get_subject`
/// checks it): the bindings hand this text to their language's JSON parser. Same errors, same
/// audit event.
pub fn get_subject_json(vault: &Vault, caller: &Caller, lookup: &Lookup) -> Result<String> {
    Ok(get_subject_text(vault, caller, lookup)?.to_json())
}

/// [`Vault::get_subject`] with the profile as the JSON text it is stored as (checked as
/// [`get_subject_json`] checks it), the other fields as values: for a binding that parses only
/// the profile in its language. Same errors, same audit event.
pub fn get_subject_text(vault: &Vault, caller: &Caller, lookup: &Lookup) -> Result<SubjectText> {
    let open = vault.state()?;
    open.subjects.get_text(&open.engine, caller, lookup)
}

/// [`Vault::export_subject`] returning the document as the JSON text it is written as (no
/// `Value` is built). Same errors, same audit event.
pub fn export_subject_json(vault: &Vault, caller: &Caller, lookup: &Lookup) -> Result<String> {
    let open = vault.state()?;
    let mut text = crate::export::export_text(&open.engine, &open.subjects, caller, lookup)?;
    Ok(std::mem::take(&mut *text))
}

/// [`Vault::get_subjects`] returning the list as JSON text (each subject as [`get_subject_json`]
/// writes it, `null` for a miss). Same errors, same audit events.
pub fn get_subjects_json(vault: &Vault, caller: &Caller, lookups: &[Lookup]) -> Result<String> {
    let open = vault.state()?;
    open.subjects.get_many_json(&open.engine, caller, lookups)
}
