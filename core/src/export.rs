//! Export (the rights of access and portability), orchestrated over the lifecycle registry:
//! everything the vault holds about one subject as one JSON document — its profile, then each
//! area's section (tokens' metadata, the consent receipt, app documents, sessions, shares, the
//! audit trail) — read in one snapshot and written straight to a destination as it is read, so
//! a long audit trail never sits in memory whole. Its shape is `schemas/export.schema.json`
//! (written from [`schema::SubjectExport`] by `bunkerlite-gen`). Adding an area means adding it to
//! the registry and its section to the schema type, never editing this.

use std::collections::BTreeMap;
use std::fs::{self, File, OpenOptions};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde_json::Value;
use zeroize::Zeroizing;

use crate::action::Action;
use crate::caller::Caller;
use crate::chain::Event;
use crate::engine::Engine;
use crate::erasure::REGISTRY;
use crate::error::{Error, ErrorKind, Result};
use crate::lifecycle::{write_bytes, write_failed, write_json, Section, SubjectRef};
use crate::policy::Operation;
use crate::subjects::{self, Lookup, Subjects};

/// The export format, in the document's `format` field.
pub const EXPORT_FORMAT: &str = "bunkerlite-export/1";

/// A subject's export: one JSON object, `schemas/export.schema.json` (the TypeScript and Python
/// types `SubjectExport` spell it out).
pub type SubjectExport = Value;

/// What an export wrote. Holds no personal data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct ExportSummary {
    /// The exported subject's token.
    pub subject: String,
    /// The export's format (`bunkerlite-export/1`).
    pub format: String,
    /// When, in milliseconds since the Unix epoch (the document's `exported_ms`).
    pub exported_ms: i64,
    /// Bytes written (the document's length).
    pub bytes: u64,
    /// How many items each section holds (`audit`: events; `consent`: 1, the receipt).
    pub sections: BTreeMap<String, u64>,
}

/// A writer that counts what passes through it.
struct Counted<'w> {
    out: &'w mut dyn Write,
    bytes: u64,
}

impl Write for Counted<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.out.write(buf)?;
        self.bytes += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

/// Export the subject `lookup` names to `out`, checked as `export` of it and audited as
/// `subject.export` (a failure, a write failure included, as a failed attempt). Buffered audit
/// events are committed first, so the trail holds every event recorded before the call.
pub(crate) fn export_to(
    engine: &Engine,
    subjects: &Subjects,
    caller: &Caller,
    lookup: &Lookup,
    out: &mut dyn Write,
) -> Result<ExportSummary> {
    engine.flush_audit()?;
    engine.read_snapshot(caller, Action::SubjectExport, subjects::hint(lookup), |db| {
        let (id, token, subject, dek) = subjects.open_subject(engine, db, (caller, Operation::Export), lookup)?;
        let now = engine.now_ms();
        let who = SubjectRef { id, token, now_ms: now };
        let mut w = Counted { out: &mut *out, bytes: 0 };
        write_bytes(&mut w, b"{\"format\":")?;
        write_json(&mut w, EXPORT_FORMAT)?;
        write_bytes(
            &mut w,
            format!(",\"exported_ms\":{now},\"vault\":\"{}\",\"subject\":", hex::encode(engine.keys().vault_id()))
                .as_bytes(),
        )?;
        write_json(&mut w, &subject)?;
        let mut sections = BTreeMap::new();
        for area in REGISTRY {
            write_bytes(&mut w, b",")?;
            write_json(&mut w, area.section())?;
            write_bytes(&mut w, b":")?;
            let mut section = Section::new(&mut w);
            area.export(engine, db, &who, &dek, &mut section)?;
            sections.insert(area.section().to_owned(), section.finish()?);
        }
        write_bytes(&mut w, b"}")?;
        w.flush().map_err(|_| write_failed())?;
        let summary = ExportSummary {
            subject: subject.token.clone(),
            format: EXPORT_FORMAT.to_owned(),
            exported_ms: now,
            bytes: w.bytes,
            sections,
        };
        Ok((summary, vec![Event::about(Action::SubjectExport, who.id, who.token)]))
    })
}

/// [`export_to`] into memory, as JSON text (wiped when dropped).
pub(crate) fn export_text(
    engine: &Engine,
    subjects: &Subjects,
    caller: &Caller,
    lookup: &Lookup,
) -> Result<Zeroizing<String>> {
    let mut buf = Zeroizing::new(Vec::with_capacity(16 * 1024));
    export_to(engine, subjects, caller, lookup, &mut *buf)?;
    let text = String::from_utf8(std::mem::take(&mut *buf)).map_err(|e| {
        zeroize::Zeroize::zeroize(&mut e.into_bytes());
        Error::internal("an export is not UTF-8")
    })?;
    Ok(Zeroizing::new(text))
}

/// [`export_to`] into memory, as a JSON value.
pub(crate) fn export_value(engine: &Engine, subjects: &Subjects, caller: &Caller, lookup: &Lookup) -> Result<Value> {
    let text = export_text(engine, subjects, caller, lookup)?;
    serde_json::from_str(&text).map_err(|_| Error::internal("an export is not the JSON it was written as"))
}

/// The temporary file an export is written to before it appears under its name: hidden, in the
/// same folder (so the final link is atomic), with a random suffix.
fn temporary(target: &Path) -> Result<PathBuf> {
    let name = target.file_name().ok_or_else(|| Error::invalid("the export path names no file"))?;
    let mut suffix = [0u8; 8];
    crate::crypto::random_fill(&mut suffix)?;
    let mut tmp = std::ffi::OsString::from(".");
    tmp.push(name);
    tmp.push(format!(".{}.partial", hex::encode(suffix)));
    Ok(target.with_file_name(tmp))
}

/// Create a file only the owner may read (0600 on Unix), failing if it exists.
fn create_private(path: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)
}

fn file_error(e: &io::Error) -> Error {
    match e.kind() {
        io::ErrorKind::AlreadyExists => {
            Error::invalid("the export file already exists (an export never replaces a file): name a new one")
        }
        io::ErrorKind::NotFound => Error::invalid("the export file's folder does not exist"),
        _ => Error::new(ErrorKind::Storage, "the export file could not be created or written"),
    }
}

/// The export file, created at the first byte written (an export refused before it writes
/// anything — an unknown subject, a refused purpose — creates no file).
struct Lazy {
    path: PathBuf,
    file: Option<BufWriter<File>>,
}

impl Write for Lazy {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match &mut self.file {
            Some(file) => file.write(buf),
            None => {
                let file = self.file.insert(BufWriter::with_capacity(256 * 1024, create_private(&self.path)?));
                file.write(buf)
            }
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file.as_mut().map_or(Ok(()), Write::flush)
    }
}

/// Export to a new file at `path` (never replacing one): written under a temporary name in the
/// same folder with owner-only permissions, synced, then linked under its name in one step — so
/// the file either appears whole or not at all, and a failed export leaves nothing behind.
pub(crate) fn export_to_file(
    engine: &Engine,
    subjects: &Subjects,
    caller: &Caller,
    lookup: &Lookup,
    path: &str,
) -> Result<ExportSummary> {
    let refused = |e| engine.refused(caller, Action::SubjectExport, subjects::hint(lookup), e);
    if path.is_empty() || path.contains('\0') {
        return Err(refused(Error::invalid("the export path is empty or holds a NUL character")));
    }
    let target = Path::new(path);
    if fs::symlink_metadata(target).is_ok() {
        return Err(refused(file_error(&io::ErrorKind::AlreadyExists.into())));
    }
    let folder = target.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    if !fs::metadata(folder).is_ok_and(|m| m.is_dir()) {
        return Err(refused(file_error(&io::ErrorKind::NotFound.into())));
    }
    let tmp = temporary(target).map_err(refused)?;
    let mut lazy = Lazy { path: tmp.clone(), file: None };
    let written = export_to(engine, subjects, caller, lookup, &mut lazy).and_then(|summary| {
        let file = lazy.file.take().ok_or_else(write_failed)?.into_inner().map_err(|_| write_failed())?;
        file.sync_all().map_err(|_| write_failed())?;
        // A hard link never replaces an existing file: a file made at `path` meanwhile wins.
        fs::hard_link(&tmp, target).map_err(|e| file_error(&e))?;
        // The new name is durable once its folder is synced (best effort where unsupported).
        let _ = File::open(folder).and_then(|d| d.sync_all());
        Ok(summary)
    });
    drop(lazy);
    if fs::symlink_metadata(&tmp).is_ok() {
        let _ = fs::remove_file(&tmp);
    }
    written
}

/// The export's shape, for `schemas/export.schema.json` and the typings (never built: the
/// document is written section by section).
#[cfg(feature = "schema")]
pub(crate) mod schema {
    use std::collections::BTreeMap;

    use serde_json::Value;

    use crate::{
        AppDocument, AuditEvent, ErasureSchedule, ExportedSession, RequestDetail, Restriction, ShareRef, Subject,
        TokenInfo,
    };

    /// Everything a vault holds about one subject (`export_subject`): its profile, its tokens'
    /// metadata (never a token's value), its consent record as a verifiable receipt, its app
    /// documents, its sessions (by reference, with their data), its shares (never their ids)
    /// and its audit trail (newest first, with the decrypted details).
    #[allow(dead_code)]
    #[derive(schemars::JsonSchema)]
    #[schemars(deny_unknown_fields)]
    pub(crate) struct SubjectExport {
        /// The export format: `bunkerlite-export/1`.
        #[schemars(extend("const" = "bunkerlite-export/1"))]
        format: String,
        /// When the export was made, in milliseconds since the Unix epoch.
        exported_ms: i64,
        /// The exporting vault's id (hex, 32 digits).
        vault: String,
        /// The subject: token, profile, times and version.
        subject: Subject,
        /// The metadata of the tokens linked to the subject (kind, scope, expiry, reference).
        tokens: Vec<TokenInfo>,
        /// The subject's consent record: a receipt `verify_consent_receipt` accepts (the Kantara
        /// Consent Receipt fields, the ISO/IEC TS 27560 record under `record`, and `mac`).
        consent: BTreeMap<String, Value>,
        /// Whether and since when the subject's processing is restricted (GDPR Art. 18).
        restriction: Restriction,
        /// The subject's app documents.
        apps: Vec<AppDocument>,
        /// The sessions linked to the subject, live or expired, by reference, with their data.
        sessions: Vec<ExportedSession>,
        /// The subject's shares, live or expired (never their ids).
        shares: Vec<ShareRef>,
        /// The subject's data-subject requests, oldest first, with their proposals and reasons.
        requests: Vec<RequestDetail>,
        /// Whether and when the subject's erasure is scheduled (never the capability).
        erasure_schedule: ErasureSchedule,
        /// Every audit event naming the subject, newest first, with its decrypted details.
        audit: Vec<AuditEvent>,
    }
}
