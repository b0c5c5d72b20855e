// Compiled with `tsc --noEmit`: the committed index.d.ts describes a usable, typed API.
import { Vault, MasterKey, type Subject, type ErasureReceipt, type Page, type AuditEvent, type BunkerliteError, type ErrorCode, type TokenInfo, type TokenBatch, type TokenizeItem, type Agreement, type ConsentEvent, type LegalBasis, type ProcessingDecision, type ReceiptCheck, type ConsentReceipt, type AppDocument, type Session, type SessionInfo, type SessionRef, type SessionPurge, type ShareInfo, type Shared, type ShareRef } from '..'

async function main (): Promise<void> {
  const key: MasterKey = MasterKey.generate()
  const vault: Vault = Vault.openInMemory(key, { default_region: 'DE', limits: { max_batch: 10 } })
  const token: string = vault.createSubject({ email: 'a@x.org', tags: ['x', 1, null] }, { actor: 'app:signup' })
  const subject: Subject = vault.getSubject({ email: 'a@x.org' })
  const version: number = subject.version
  const updated: Subject = vault.updateSubject({ token }, [{ op: 'add', path: '/n', value: 1 }])
  const page: Page<AuditEvent> = vault.listAuditEvents(token, { limit: 10, actor: 'admin:dpo', purpose: 'dsar' })
  const next: string | null = page.next
  const outcome: 'ok' | ErrorCode = page.items[0].outcome
  const receipt: ErasureReceipt = await vault.forgetSubjectAsync({ token })
  try {
    vault.getSubject({ token })
  } catch (e) {
    const code: ErrorCode = (e as BunkerliteError).code
    console.log(code)
  }
  const card: string = vault.tokenize('4111111111111111', { kind: 'card', keep_last: 4 }, { actor: 'app:pay' })
  const masked: string = await vault.detokenizeAsync(card, { mask: { keep_last: 4 } })
  const info: TokenInfo = vault.tokenInfo(card)
  const made: TokenBatch<TokenizeItem> = vault.tokenizeMany(['a'], { kind: 'fpe', alphabet: 'alphanumeric' })
  const text: string = vault.tokenizeText('x', { detect: ['email'], values: ['Ann'] })
  console.log(card, masked, info.reference, made.summary.ok, text, receipt.tokens_removed)
  console.log(version, updated.token, outcome, receipt.wal_truncated, next, receipt.consents_removed)
  const basis: LegalBasis = vault.setLegalBasis('newsletter', { type: 'consent', short_description: 'News' }, { actor: 'admin:dpo' })
  vault.setActivity('marketing', { operations: ['read', 'detokenize'], legal_bases: [basis.brief] })
  const other = vault.createSubject({ email: 'b@x.org' })
  const agreement: Agreement = await vault.giveConsentAsync({ token: other }, 'newsletter', { method: 'web-form', ttl_ms: 60000 })
  const decision: ProcessingDecision = vault.canProcess({ token: other }, 'marketing', 'read')
  const events: Page<ConsentEvent> = vault.listConsentEvents('crm', { limit: 10 })
  if (events.next !== null) vault.ackConsentEvents(events.next, 'crm')
  const exported: ConsentReceipt = vault.exportConsentReceipt({ token: other })
  const check: ReceiptCheck = vault.verifyConsentReceipt(exported)
  console.log(agreement.in_force, decision.allowed, check.valid, basis.notice_version)
  const shipping: AppDocument = vault.putAppDocument({ token: other }, 'shipping', { city: 'Berlin' })
  const patched: AppDocument = await vault.updateAppDocumentAsync({ token: other }, 'shipping', [{ op: 'add', path: '/zip', value: '10115' }])
  const apps: string[] = vault.listApps({ token: other })
  const names: string[] = vault.listAppNames()
  vault.deleteAppDocument({ token: other }, 'shipping')
  console.log(shipping.version, patched.document, apps.length, names.length)
  const set: SessionInfo = vault.setSession({ cart: [1] }, { subject: other, ttl_ms: 60000 })
  const session: Session = await vault.getSessionAsync(set.id)
  const touched: SessionInfo = vault.touchSession(set.id, { ttl_ms: 120000 })
  const listed: Page<SessionRef> = vault.listSessions({ token: other }, { limit: 10 })
  vault.deleteSession(set.id)
  const purged: SessionPurge = vault.purgeSessions()
  console.log(session.data, touched.expires_ms, listed.total, purged.removed)
  const share: ShareInfo = vault.createShare({ token: other }, { of: 'profile', fields: ['email'], partner: 'courier' })
  const shared: Shared = await vault.resolveShareAsync(share.id, 'courier')
  const shares: ShareRef[] = vault.listShares({ token: other })
  vault.revokeShare(share.id)
  console.log(shared.data, shares.length)
  vault.close()
}

void main()
