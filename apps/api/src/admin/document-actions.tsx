/** @jsxImportSource hono/jsx */
// The document's life after issuing, from the request page: finalize or delete a draft, a credit
// note, a receipt, an e-mail. Each goes through the API's own action submitter (the same key
// rules, jobs and refusals), on behalf of the request's client, recorded with the admin's e-mail.
import { randomBytes } from 'node:crypto';
import { explainError, isFaturadorError, issueText } from '@faturador/core';
import { relatedFields } from '@faturador/issuing';
import { type ActionKind, type LedgerEntry, type LifecycleAction, roleAllows } from '@faturador/store';
import type { Hono } from 'hono';
import { requireRole } from './auth.ts';
import type { AdminDeps, AdminEnv } from './context.ts';
import { Csrf, Layout } from './layout.tsx';
import { deliveryLabel, type Lang, type TextKey, translator } from './texts.ts';

/** The form's path segment for each action. */
const ROUTES = {
  finalize: 'finalize',
  delete: 'delete-draft',
  credit_note: 'credit-note',
  receipt: 'receipt',
  email: 'email',
} as const satisfies Record<ActionKind, string>;

const LABELS: Record<ActionKind, TextKey> = {
  finalize: 'actFinalize',
  delete: 'actDelete',
  credit_note: 'actCredit',
  receipt: 'actReceipt',
  email: 'actEmail',
};

/** Payment methods offered for a receipt: names a Moloni account has by default. */
const PAYMENT_METHODS = ['Numerário', 'Multibanco', 'Transferência bancária', 'Cartão de crédito', 'MB WAY'];

/**
 * A fresh Idempotency-Key per rendered form: pressing the button twice, or the browser re-sending
 * the POST, acts once; opening the page again gives a new form and a new key.
 */
function formKey(): string {
  return `admin-${randomBytes(12).toString('hex')}`;
}

/** Which actions the document allows now (the worker re-checks each against Moloni). */
export function availableActions(entry: LedgerEntry, actions: readonly LifecycleAction[]): ActionKind[] {
  const document = entry.document;
  if (entry.state !== 'issued' || !document) return [];
  if (document.status !== 'final') return ['finalize', 'delete'];
  const related = relatedFields(entry, actions);
  const list: ActionKind[] = [];
  const creditedCents = Math.round((related.credited_amount ?? 0) * 100);
  if (creditedCents < Math.round(document.total_gross * 100)) list.push('credit_note');
  if (document.type === 'invoice' && (related.open_amount ?? 0) > 0) list.push('receipt');
  list.push('email');
  return list;
}

function ActionForm(props: {
  kind: ActionKind;
  entry: LedgerEntry;
  open: number | null;
  lang: Lang;
  session: AdminEnv['Variables']['session'];
}) {
  const t = translator(props.lang);
  const { kind, entry } = props;
  return (
    <form
      method="post"
      action={`/admin/requests/${entry.requestId}/${ROUTES[kind]}`}
      class="action"
      data-action={kind}
      aria-label={t(LABELS[kind])}
    >
      <Csrf session={props.session} />
      <input type="hidden" name="_key" value={formKey()} />
      {kind === 'credit_note' ? (
        <label>
          {t('creditReason')}
          <input type="text" name="reason" required maxlength={255} size={40} />
        </label>
      ) : null}
      {kind === 'receipt' ? (
        <>
          <label>
            {t('amount')}
            <input
              type="text"
              name="amount"
              inputmode="decimal"
              size={10}
              placeholder={props.open === null ? '' : props.open.toFixed(2)}
            />
          </label>
          <label>
            {t('paymentMethod')}
            <select name="payment_method">
              {PAYMENT_METHODS.map((method) => (
                <option value={method}>{method}</option>
              ))}
            </select>
          </label>
          <label>
            {t('paymentDate')}
            <input type="date" name="date" />
          </label>
        </>
      ) : null}
      {kind === 'email' ? (
        <label>
          {t('emailTo')}
          <input type="email" name="to" required value={entry.request.customer.email ?? ''} size={30} />
        </label>
      ) : null}
      <button type="submit" class={kind === 'credit_note' || kind === 'delete' ? 'danger' : undefined}>
        {t(LABELS[kind])}
      </button>
    </form>
  );
}

/** The request page's "after issuing" part: related documents, and the forms an operator may use. */
export function DocumentLife(props: {
  entry: LedgerEntry;
  actions: readonly LifecycleAction[];
  lang: Lang;
  session: AdminEnv['Variables']['session'];
}) {
  const t = translator(props.lang);
  const { entry, actions } = props;
  const related = relatedFields(entry, actions);
  const available = roleAllows(props.session.role, 'operator') ? availableActions(entry, actions) : [];
  // An action's outcome is told where the request came from: whether it got there, and why not.
  const delivered = entry.origin.kind !== 'api';
  return (
    <>
      <h2 id="related-title">{t('relatedDocuments')}</h2>
      {actions.length === 0 ? (
        <p>{t('none')}</p>
      ) : (
        <table id="related" aria-labelledby="related-title">
          <thead>
            <tr>
              <th scope="col">{t('when')}</th>
              <th scope="col">{t('kind')}</th>
              <th scope="col">{t('state')}</th>
              <th scope="col">{t('number')}</th>
              <th scope="col">{t('total')}</th>
              <th scope="col">{t('who')}</th>
              {delivered ? <th scope="col">{t('delivery')}</th> : null}
            </tr>
          </thead>
          <tbody>
            {actions.map((action) => (
              <tr data-action-id={action.actionId} data-kind={action.kind} data-state={action.state}>
                <td>
                  <time datetime={action.createdAt}>{action.createdAt.slice(0, 19).replace('T', ' ')}</time>
                </td>
                <td>{t(LABELS[action.kind])}</td>
                <td>
                  {t(`act_${action.state}` as TextKey)}
                  {action.error ? (
                    <>
                      {' '}
                      — <code>{action.error.code}</code> {explainError(action.error.code, props.lang).title}
                    </>
                  ) : null}
                </td>
                <td>
                  {action.document?.number ??
                    (typeof action.outcome?.to === 'string' ? action.outcome.to : (action.reference ?? ''))}
                </td>
                <td>{action.document ? `${(action.document.totalCents / 100).toFixed(2)} €` : ''}</td>
                <td>{action.by ?? `client:${action.clientId}`}</td>
                {delivered ? (
                  <td class="delivery">
                    {action.delivery
                      ? `${deliveryLabel(props.lang, action.delivery.state)}${action.delivery.detail ? ` — ${action.delivery.detail}` : ''}`
                      : ''}
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {related.open_amount !== null ? (
        <p>
          {t('openAmount')}: <span id="open-amount">{related.open_amount.toFixed(2)} €</span>
          {related.credited_amount
            ? ` · ${t('creditedAmount')}: ${related.credited_amount.toFixed(2)} €`
            : ''}
        </p>
      ) : null}
      {available.length > 0 ? (
        <section aria-labelledby="document-actions-title" id="document-actions">
          <h2 id="document-actions-title">{t('documentActions')}</h2>
          {available.map((kind) => (
            <ActionForm
              kind={kind}
              entry={entry}
              open={related.open_amount}
              lang={props.lang}
              session={props.session}
            />
          ))}
        </section>
      ) : null}
    </>
  );
}

/** The API body of a form's fields (the same validation as the API's follows in the submitter). */
function bodyOf(kind: ActionKind, form: Record<string, unknown>): unknown {
  const text = (name: string) => (typeof form[name] === 'string' ? (form[name] as string).trim() : '');
  if (kind === 'credit_note') return { reason: text('reason') };
  if (kind === 'email') return text('to') ? { to: text('to') } : {};
  if (kind === 'receipt') {
    const amount = text('amount').replace(/\s|€/g, '').replace(',', '.');
    return {
      ...(amount ? { amount: /^\d+(\.\d{1,2})?$/.test(amount) ? Number(amount) : amount } : {}),
      ...(text('payment_method') ? { payment_method: text('payment_method') } : {}),
      ...(text('date') ? { date: text('date') } : {}),
    };
  }
  return undefined;
}

type Issue = Parameters<typeof issueText>[0] & { path: string };

function issuesOf(details: unknown): Issue[] {
  if (typeof details !== 'object' || details === null) return [];
  const issues = (details as { issues?: unknown }).issues;
  return Array.isArray(issues)
    ? issues.filter(
        (issue): issue is Issue => typeof issue?.path === 'string' && typeof issue?.reason === 'string',
      )
    : [];
}

export function registerDocumentActionPages(app: Hono<AdminEnv>, deps: AdminDeps): void {
  for (const kind of Object.keys(ROUTES) as ActionKind[]) {
    app.post(`/requests/:id/${ROUTES[kind]}`, requireRole('operator'), async (c) => {
      const id = c.req.param('id');
      const lang = c.get('lang');
      const t = translator(lang);
      const by = `admin:${c.get('session').email}`;
      const problem = (code: string, details?: unknown) => {
        const explained = explainError(code, lang);
        return c.html(
          <Layout lang={lang} title={t('error')} session={c.get('session')}>
            <div class="error" role="alert">
              <p>
                <strong>{explained.title}</strong> {explained.action}
              </p>
              <ul>
                {issuesOf(details).map((issue) => (
                  <li>
                    <code>{issue.path}</code> {issueText(issue, lang)}
                  </li>
                ))}
              </ul>
              <p>
                <code>{code}</code>
              </p>
            </div>
            <p>
              <a href={`/admin/requests/${id}`}>{t('request')}</a>
            </p>
          </Layout>,
          code === 'NOT_FOUND' ? 404 : code === 'VALIDATION_ERROR' ? 422 : 409,
        );
      };
      const entry = await deps.ledger.get(id);
      if (!entry) return problem('NOT_FOUND');
      const form = await c.req.parseBody();
      try {
        const result = await deps.actions.submit({
          requestId: id,
          // The operator acts for the request's own client: the same ownership check as the API's.
          clientId: entry.clientId,
          idempotencyKey: typeof form._key === 'string' ? form._key : '',
          kind,
          body: bodyOf(kind, form),
          by,
        });
        c.get('logger').info(
          { action: kind, requestId: id, actionId: result.action.actionId, by },
          'backoffice document action',
        );
        const failed = result.kind === 'settled' ? result.action.error : null;
        if (failed) return problem(failed.code, failed.details);
        return c.redirect(`/admin/requests/${id}?done=${ROUTES[kind]}`, 303);
      } catch (error) {
        if (!isFaturadorError(error)) throw error;
        return problem(error.code, error.details);
      }
    });
  }
}
