/** @jsxImportSource hono/jsx */
import { isFaturadorError, isId } from '@faturador/core';
import { parseListQuery } from '@faturador/issuing';
import { type LedgerEntry, type RequestFilter, roleAllows } from '@faturador/store';
import type { Hono } from 'hono';
import { requireRole } from './auth.ts';
import type { AdminDeps, AdminEnv } from './context.ts';
import { DocumentLife } from './document-actions.tsx';
import { Csrf, Layout, LiveScript, StateBadge } from './layout.tsx';
import { liveStream } from './live.ts';
import { deliveryLabel, stateLabel, translator } from './texts.ts';

const QUERY_FIELDS = ['state', 'client', 'origin', 'type', 'from', 'to', 'q'] as const;

/**
 * The search box: a request id opens it; 9 digits are a NIF; `FR M/12` a document number; anything
 * else an exact reference, or else a prefix of the customer's name.
 */
export function searchFilters(q: string): Array<Partial<RequestFilter>> {
  const text = q.trim();
  if (!text) return [{}];
  if (/^\d{9}$/.test(text.replace(/\s+/g, ''))) return [{ nif: text.replace(/\s+/g, '') }];
  if (/^[A-Za-z]{1,4}\s+\S+\/\d+$/.test(text)) return [{ documentNumber: text }];
  return [{ reference: text }, { name: text }];
}

function totalOf(entry: LedgerEntry): string {
  const cents = entry.document ? Math.round(entry.document.total_gross * 100) : entry.request.totalGrossCents;
  return `${(cents / 100).toFixed(2)} €`;
}

async function findPage(deps: AdminDeps, query: Record<string, string | undefined>) {
  const { filter, limit, cursor } = parseListQuery({ ...query, limit: query.limit ?? '50' });
  let last = { entries: [] as LedgerEntry[], nextCursor: null as string | null, truncated: false };
  for (const extra of searchFilters(query.q ?? '')) {
    last = await deps.operations.list({ ...filter, ...extra }, { limit, cursor });
    if (last.entries.length > 0) break;
  }
  return last;
}

function csvCell(value: string): string {
  // Quoted, and a leading = + - @ neutralised so that a spreadsheet never runs it as a formula.
  const safe = /^[=+\-@]/.test(value) ? `'${value}` : value;
  return `"${safe.replace(/"/g, '""')}"`;
}

export function registerRequestPages(app: Hono<AdminEnv>, deps: AdminDeps): void {
  // The list's first page, live: a `change` when any of its rows (or which rows) changes.
  app.get('/requests/events', async (c) => {
    const query = Object.fromEntries(QUERY_FIELDS.map((name) => [name, c.req.query(name) || undefined]));
    const markOf = async () => {
      try {
        const page = await findPage(deps, query);
        return page.entries.map((entry) => `${entry.requestId}:${entry.state}:${entry.updatedAt}`).join(' ');
      } catch (error) {
        if (isFaturadorError(error)) return null;
        throw error;
      }
    };
    return liveStream(c, (await markOf()) ?? '', markOf);
  });

  app.get('/requests', async (c) => {
    const lang = c.get('lang');
    const t = translator(lang);
    const query = Object.fromEntries(QUERY_FIELDS.map((name) => [name, c.req.query(name) || undefined]));
    const q = query.q?.trim() ?? '';
    if (isId(q, 'req')) return c.redirect(`/admin/requests/${q}`, 303);
    let page: Awaited<ReturnType<typeof findPage>>;
    let problem: string | null = null;
    try {
      page = await findPage(deps, { ...query, cursor: c.req.query('cursor') });
    } catch (error) {
      if (!isFaturadorError(error)) throw error;
      problem = error.message;
      page = { entries: [], nextCursor: null, truncated: false };
    }
    const clients = await deps.clients.listClients();
    const params = new URLSearchParams(Object.entries(query).filter(([, v]) => v) as Array<[string, string]>);
    const nextParams = new URLSearchParams(params);
    if (page.nextCursor) nextParams.set('cursor', page.nextCursor);
    return c.html(
      <Layout lang={lang} title={t('requests')} session={c.get('session')} path={`/admin/requests?${params}`}>
        <form class="filters" method="get" action="/admin/requests" aria-label={t('filter')}>
          <label>
            {t('state')}
            <select name="state">
              <option value="">{t('all')}</option>
              {(['queued', 'issuing', 'issued', 'failed'] as const).map((state) => (
                <option value={state} selected={query.state === state}>
                  {stateLabel(lang, state)}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('client')}
            <select name="client">
              <option value="">{t('all')}</option>
              {clients.map((client) => (
                <option value={client.client_id} selected={query.client === client.client_id}>
                  {client.client_id}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('origin')}
            <select name="origin">
              <option value="">{t('all')}</option>
              {['api', 'slack', 'airtable'].map((origin) => (
                <option value={origin} selected={query.origin === origin}>
                  {origin}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('docType')}
            <select name="type">
              <option value="">{t('all')}</option>
              {['invoice_receipt', 'invoice', 'simplified_invoice'].map((type) => (
                <option value={type} selected={query.type === type}>
                  {type}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('from')}
            <input type="date" name="from" value={query.from ?? ''} />
          </label>
          <label>
            {t('to')}
            <input type="date" name="to" value={query.to ?? ''} />
          </label>
          <label>
            {t('search')}
            <input type="search" name="q" value={q} placeholder={t('searchHint')} size={34} />
          </label>
          <button type="submit">{t('filter')}</button>
          <a href={`/admin/requests.csv?${params}`}>{t('csv')}</a>
        </form>
        <div id="live" data-events={`/admin/requests/events?${params}`}>
          {problem ? (
            <p class="error" role="alert">
              {problem}
            </p>
          ) : null}
          {page.truncated ? <p class="notice">{t('truncated')}</p> : null}
          {page.entries.length === 0 ? (
            <p>{t('noRequests')}</p>
          ) : (
            <table>
              <caption class="skip">{t('requests')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('created')}</th>
                  <th scope="col">{t('state')}</th>
                  <th scope="col">{t('reference')}</th>
                  <th scope="col">{t('customer')}</th>
                  <th scope="col">{t('total')}</th>
                  <th scope="col">{t('number')}</th>
                  <th scope="col">{t('client')}</th>
                  <th scope="col">{t('origin')}</th>
                  <th scope="col">{t('error')}</th>
                </tr>
              </thead>
              <tbody>
                {page.entries.map((entry) => (
                  <tr data-request={entry.requestId}>
                    <td>
                      <a href={`/admin/requests/${entry.requestId}`}>
                        {entry.createdAt.slice(0, 19).replace('T', ' ')}
                      </a>
                    </td>
                    <td>
                      <StateBadge state={entry.state} label={stateLabel(lang, entry.state)} />
                    </td>
                    <td>{entry.reference}</td>
                    <td>
                      {entry.request.customer.name} ({entry.request.customer.vatNumber})
                    </td>
                    <td>{totalOf(entry)}</td>
                    <td>{entry.document?.number ?? ''}</td>
                    <td>{entry.clientId}</td>
                    <td>{entry.origin.kind}</td>
                    <td>{entry.error?.code ?? entry.lastError?.code ?? ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {page.nextCursor ? (
            <p>
              <a rel="next" href={`/admin/requests?${nextParams}`}>
                {t('next')} →
              </a>
            </p>
          ) : null}
        </div>
        <LiveScript />
      </Layout>,
    );
  });

  app.get('/requests.csv', async (c) => {
    const query = Object.fromEntries(QUERY_FIELDS.map((name) => [name, c.req.query(name) || undefined]));
    const rows = [
      [
        'request_id',
        'created_at',
        'state',
        'client_id',
        'origin',
        'reference',
        'customer',
        'nif',
        'total',
        'number',
        'error',
      ],
    ];
    let cursor: string | undefined;
    // At most 10,000 rows in one export: a larger one is a job for the API's list.
    for (let pages = 0; pages < 50; pages++) {
      const page = await findPage(deps, { ...query, limit: '200', cursor });
      for (const entry of page.entries)
        rows.push([
          entry.requestId,
          entry.createdAt,
          entry.state,
          entry.clientId,
          entry.origin.kind,
          entry.reference,
          entry.request.customer.name,
          entry.request.customer.vatNumber,
          totalOf(entry).replace(' €', ''),
          entry.document?.number ?? '',
          entry.error?.code ?? '',
        ]);
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    const csv = `${rows.map((row) => row.map(csvCell).join(',')).join('\r\n')}\r\n`;
    return c.body(csv, 200, {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': 'attachment; filename="pedidos.csv"',
    });
  });

  app.get('/requests/:id', async (c) => {
    const lang = c.get('lang');
    const t = translator(lang);
    const session = c.get('session');
    const id = c.req.param('id');
    const entry = isId(id, 'req') ? await deps.ledger.get(id) : null;
    if (!entry)
      return c.html(
        <Layout lang={lang} title={t('notFound')} session={session}>
          <p>{t('notFound')}</p>
        </Layout>,
        404,
      );
    const [job, calls, actions] = await Promise.all([
      deps.queues.issue.getJob(id),
      deps.moloniCalls.list(id),
      deps.lifecycle.list(id),
    ]);
    const final = entry.state === 'issued' || entry.state === 'failed';
    const canAct = roleAllows(session.role, 'operator');
    const done = c.req.query('done');
    return c.html(
      <Layout
        lang={lang}
        title={`${t('request')} ${entry.requestId}`}
        session={session}
        path={`/admin/requests/${id}`}
      >
        {done === 'retry' ? (
          <p class="notice" role="status">
            {t('retried')}
          </p>
        ) : null}
        {done === 'redeliver' ? (
          <p class="notice" role="status">
            {t('redelivered')}
          </p>
        ) : null}
        {done && done !== 'retry' && done !== 'redeliver' ? (
          <p class="notice" role="status">
            {t('doneAction')}
          </p>
        ) : null}
        <dl>
          <dt>{t('state')}</dt>
          <dd id="state" data-state={entry.state} data-updated={entry.updatedAt}>
            <StateBadge state={entry.state} label={stateLabel(lang, entry.state)} />
          </dd>
          <dt>{t('reference')}</dt>
          <dd>{entry.reference}</dd>
          <dt>{t('client')}</dt>
          <dd>{entry.clientId}</dd>
          <dt>{t('origin')}</dt>
          <dd>{entry.origin.kind}</dd>
          <dt>{t('customer')}</dt>
          <dd>
            {entry.request.customer.name} ({entry.request.customer.vatNumber})
          </dd>
          <dt>{t('total')}</dt>
          <dd>{totalOf(entry)}</dd>
          {entry.error ? (
            <>
              <dt>{t('error')}</dt>
              <dd>
                <code>{entry.error.code}</code> {entry.error.message}
              </dd>
            </>
          ) : null}
        </dl>
        <p>
          {t('liveHint')} <a href={`/admin/requests/${id}`}>{t('refresh')}</a>
        </p>
        <h2>{t('document')}</h2>
        {entry.document ? (
          <p>
            {entry.document.type} {entry.document.number ?? `(${entry.document.status})`} ·{' '}
            {entry.document.total_gross.toFixed(2)} €{' '}
            {entry.document.status === 'final' ? (
              <a href={deps.pdfLinks.url(entry.requestId, entry.document.moloni_document_id)}>{t('pdf')}</a>
            ) : null}
          </p>
        ) : (
          <p>{t('none')}</p>
        )}
        <DocumentLife entry={entry} actions={actions} lang={lang} session={session} />
        <h2>{t('timeline')}</h2>
        <ol>
          <li>
            {entry.createdAt} — {stateLabel(lang, 'queued')}
          </li>
          {job?.processedOn ? (
            <li>
              {new Date(job.processedOn).toISOString()} — {stateLabel(lang, 'issuing')}
            </li>
          ) : null}
          {(entry.attempts ?? 0) > 0 || entry.lastError ? (
            <li>
              {t('attempts')}: {Math.max(entry.attempts ?? 0, job?.attemptsMade ?? 0)}
              {entry.lastError ? (
                <>
                  {' '}
                  · {t('lastError')}: <code>{entry.lastError.code}</code> {entry.lastError.message}
                </>
              ) : null}
              {entry.nextAttemptAt && !final ? (
                <>
                  {' '}
                  · {t('nextAttempt')}: {entry.nextAttemptAt}
                </>
              ) : null}
            </li>
          ) : null}
          {(entry.actions ?? []).map((action) => (
            <li>
              {action.at} — {action.action === 'retry' ? t('retry') : t('redeliver')} ({t('by')} {action.by})
            </li>
          ))}
          {final ? (
            <li>
              {entry.issuedAt ?? entry.updatedAt} — {stateLabel(lang, entry.state)}
            </li>
          ) : null}
        </ol>
        <h2 id="moloni-calls-title">{t('moloniCalls')}</h2>
        {calls.length === 0 ? (
          <p>{t('noCalls')}</p>
        ) : (
          <table id="moloni-calls" aria-labelledby="moloni-calls-title">
            <thead>
              <tr>
                <th scope="col">{t('when')}</th>
                <th scope="col">{t('attempt')}</th>
                <th scope="col">{t('endpoint')}</th>
                <th scope="col">{t('outcome')}</th>
                <th scope="col">{t('httpStatus')}</th>
                <th scope="col">{t('duration')}</th>
              </tr>
            </thead>
            <tbody>
              {calls.map((call) => (
                <tr data-ok={call.ok ? 'true' : 'false'}>
                  <td>
                    <time datetime={call.at}>{call.at.replace('T', ' ').slice(0, 23)}</time>
                  </td>
                  <td>
                    {call.job === 'issue' ? t('jobIssue') : t('jobLifecycle')} {call.attempt}
                    {call.try > 1 ? `.${call.try}` : ''}
                  </td>
                  <td>
                    <code>{call.endpoint}</code>
                  </td>
                  <td>{call.ok ? t('callOk') : <code class="error">{call.code}</code>}</td>
                  <td>{call.status ?? '—'}</td>
                  <td>{call.durationMs} ms</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <h2>{t('delivery')}</h2>
        <p>
          {deliveryLabel(lang, entry.delivery.state)}
          {entry.delivery.detail ? ` — ${entry.delivery.detail}` : ''}
        </p>
        {canAct && (entry.state === 'failed' || (final && entry.origin.kind !== 'api')) ? (
          <>
            <h2>{t('actions')}</h2>
            {entry.state === 'failed' ? (
              <form method="post" action={`/admin/requests/${id}/retry`}>
                <Csrf session={session} />
                <button type="submit">{t('retry')}</button>
              </form>
            ) : null}
            {final && entry.origin.kind !== 'api' ? (
              <form method="post" action={`/admin/requests/${id}/redeliver`}>
                <Csrf session={session} />
                <button type="submit">{t('redeliver')}</button>
              </form>
            ) : null}
          </>
        ) : null}
        <h2>{t('body')}</h2>
        <pre>{JSON.stringify({ request: entry.request, origin: entry.origin }, null, 2)}</pre>
        <script
          // A fixed script, nothing from the request in it: safe to leave unescaped.
          dangerouslySetInnerHTML={{
            __html: `new EventSource(location.pathname + '/events').addEventListener('change', () => location.replace(location.pathname));`,
          }}
        />
      </Layout>,
    );
  });

  // Server-sent events: one `change` when the request or one of its actions moves on.
  app.get('/requests/:id/events', async (c) => {
    const id = c.req.param('id');
    const markOf = async () => {
      const [entry, actions] = await Promise.all([deps.ledger.get(id), deps.lifecycle.list(id)]);
      if (!entry) return null;
      return [
        entry.state,
        entry.updatedAt,
        ...actions.map((a) => `${a.actionId}:${a.state}:${a.updatedAt}`),
      ].join(' ');
    };
    const first = await markOf();
    if (first === null) return c.text('not found', 404);
    return liveStream(c, first, markOf);
  });

  for (const action of ['retry', 'redeliver'] as const) {
    app.post(`/requests/:id/${action}`, requireRole('operator'), async (c) => {
      const id = c.req.param('id');
      const by = `admin:${c.get('session').email}`;
      try {
        if (action === 'retry') await deps.operations.retry(id, by);
        else await deps.operations.redeliver(id, by);
      } catch (error) {
        if (!isFaturadorError(error)) throw error;
        const lang = c.get('lang');
        return c.html(
          <Layout lang={lang} title={translator(lang)('error')} session={c.get('session')}>
            <p class="error" role="alert">
              <code>{error.code}</code> {error.message}
            </p>
            <p>
              <a href={`/admin/requests/${id}`}>{translator(lang)('request')}</a>
            </p>
          </Layout>,
          error.status === 404 ? 404 : 409,
        );
      }
      c.get('logger').info({ action, requestId: id, by }, 'backoffice action');
      return c.redirect(`/admin/requests/${id}?done=${action}`, 303);
    });
  }
}
