/** @jsxImportSource hono/jsx */
import { ATTENTION_REASONS, REQUEST_STATES } from '@faturador/store';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import {
  cookieOptions,
  language,
  PRE_CSRF_COOKIE,
  preSignInToken,
  requireSession,
  SESSION_COOKIE,
  sameToken,
} from './auth.ts';
import type { AdminDeps, AdminEnv } from './context.ts';
import { registerDocumentActionPages } from './document-actions.tsx';
import { registerIntegrationPages } from './integrations.tsx';
import { Layout, LiveScript } from './layout.tsx';
import { liveStream } from './live.ts';
import { registerManagePages } from './manage.tsx';
import { registerRequestPages } from './requests.tsx';
import { deliveryLabel, type Lang, stateLabel, translator } from './texts.ts';

export type { AdminDeps } from './context.ts';

function SignInPage(props: { lang: Lang; token: string; next: string; problem?: string; email?: string }) {
  const t = translator(props.lang);
  return (
    <Layout lang={props.lang} title={t('signIn')} path="/admin/sign-in">
      {props.problem ? (
        <p class="error" role="alert">
          {props.problem}
        </p>
      ) : null}
      <form method="post" action="/admin/sign-in">
        <input type="hidden" name="_csrf" value={props.token} />
        <input type="hidden" name="next" value={props.next} />
        <p>
          <label>
            {t('email')}
            <input type="email" name="email" autocomplete="username" required value={props.email ?? ''} />
          </label>
        </p>
        <p>
          <label>
            {t('password')}
            <input type="password" name="password" autocomplete="current-password" required />
          </label>
        </p>
        <button type="submit">{t('signIn')}</button>
      </form>
    </Layout>
  );
}

/** Only a path of the backoffice itself: never an open redirect. */
function safeNext(next: unknown): string {
  return typeof next === 'string' && /^\/admin\/[^/\\]*/.test(next) && !next.startsWith('//')
    ? next
    : '/admin/';
}

/** The overview's counts, queues and workers: what the page shows and what its live stream watches. */
async function figuresOf(deps: AdminDeps, now: number) {
  const midnight = new Date(new Date(now).toISOString().slice(0, 10)).getTime();
  const [today, week, issueCounts, deliverCounts, workers] = await Promise.all([
    deps.index.countByState(midnight, now),
    deps.index.countByState(now - 7 * 86_400_000, now),
    deps.queues.issue.getJobCounts('waiting', 'active', 'delayed', 'failed'),
    deps.queues.deliver.getJobCounts('waiting', 'active', 'delayed', 'failed'),
    deps.queues.issue.getWorkers(),
  ]);
  return { today, week, issueCounts, deliverCounts, workers };
}

/** Requests listed per reason under "needs attention" (the count says how many in all). */
const ATTENTION_SHOWN = 20;

/** The backoffice, served under /admin/ by the API: server-rendered pages, one tiny live script. */
export function createAdminApp(deps: AdminDeps): Hono<AdminEnv> {
  const app = new Hono<AdminEnv>();
  // Forms are small; nothing bigger is read.
  app.use('*', bodyLimit({ maxSize: 64 * 1024, onError: (c) => c.text('Payload too large', 413) }));
  app.use('*', language());

  app.get('/sign-in', (c) => {
    const token = preSignInToken(c);
    return c.html(<SignInPage lang={c.get('lang')} token={token} next={safeNext(c.req.query('next'))} />);
  });

  app.post('/sign-in', async (c) => {
    const lang = c.get('lang');
    const t = translator(lang);
    const form = await c.req.parseBody();
    const email = typeof form.email === 'string' ? form.email : '';
    const next = safeNext(form.next);
    const sent = typeof form._csrf === 'string' ? form._csrf : undefined;
    if (!sameToken(sent, getCookie(c, PRE_CSRF_COOKIE))) {
      return c.html(
        <SignInPage lang={lang} token={preSignInToken(c)} next={next} problem={t('csrf')} />,
        403,
      );
    }
    const password = typeof form.password === 'string' ? form.password : '';
    const result = await deps.admins.signIn(email, password, c.get('clientIp') || 'unknown');
    if (!result.ok) {
      c.get('logger').warn({ reason: result.reason }, 'backoffice sign-in refused');
      const problem = result.reason === 'rate_limited' ? t('rateLimited') : t('badCredentials');
      return c.html(
        <SignInPage lang={lang} token={preSignInToken(c)} next={next} problem={problem} email={email} />,
        result.reason === 'rate_limited' ? 429 : 401,
      );
    }
    deleteCookie(c, PRE_CSRF_COOKIE, { path: '/admin' });
    setCookie(c, SESSION_COOKIE, result.token, cookieOptions(c));
    c.get('logger').info({ admin: result.session.email }, 'backoffice sign-in');
    return c.redirect(next, 303);
  });

  app.use('*', requireSession(deps));

  app.post('/sign-out', async (c) => {
    await deps.admins.signOut(getCookie(c, SESSION_COOKIE));
    deleteCookie(c, SESSION_COOKIE, { path: '/admin' });
    return c.redirect('/admin/sign-in', 303);
  });

  app.get('/', async (c) => {
    const lang = c.get('lang');
    const t = translator(lang);
    const now = Date.now();
    const [{ today, week, issueCounts, deliverCounts, workers }, recentFailures] = await Promise.all([
      figuresOf(deps, now),
      deps.operations.list({ state: 'failed', fromMs: now - 7 * 86_400_000 }, { limit: 200 }),
    ]);
    const [mismatches, deliveries] = await Promise.all(
      (['total_mismatch', 'delivery'] as const).map(async (reason) => {
        const found = await deps.index.attention(reason, ATTENTION_SHOWN);
        const entries = await Promise.all(found.ids.map((id) => deps.ledger.get(id)));
        return { count: found.count, entries: entries.filter((entry) => entry !== null) };
      }),
    );
    const lastErrors = new Map<string, { code: string; message: string; at: string; requestId: string }>();
    for (const entry of recentFailures.entries) {
      const connection = entry.connectionId ?? '—';
      if (!lastErrors.has(connection) && entry.error)
        lastErrors.set(connection, { ...entry.error, at: entry.updatedAt, requestId: entry.requestId });
    }
    const attention = [
      { label: stateLabel(lang, 'failed'), count: week.failed, href: '/admin/requests?state=failed' },
      { label: stateLabel(lang, 'issuing'), count: week.issuing, href: '/admin/requests?state=issuing' },
    ].filter((item) => item.count > 0);
    return c.html(
      <Layout lang={lang} title={t('overview')} session={c.get('session')} path="/admin/">
        <div id="live" data-events="/admin/events">
          <div class="cards">
            {[
              [t('today'), today],
              [t('last7'), week],
            ].map(([label, counts]) => (
              <section class="card" aria-label={String(label)}>
                <h2>{String(label)}</h2>
                <dl>
                  {REQUEST_STATES.map((state) => (
                    <>
                      <dt>
                        <a href={`/admin/requests?state=${state}`}>{stateLabel(lang, state)}</a>
                      </dt>
                      <dd data-count={state}>{(counts as Record<string, number>)[state] ?? 0}</dd>
                    </>
                  ))}
                </dl>
              </section>
            ))}
            <section class="card">
              <h2>{t('queue')}</h2>
              <dl>
                <dt>issue</dt>
                <dd>
                  {issueCounts.waiting ?? 0} / {issueCounts.active ?? 0} / {issueCounts.delayed ?? 0} (waiting
                  / active / delayed)
                </dd>
                <dt>deliver</dt>
                <dd>
                  {deliverCounts.waiting ?? 0} / {deliverCounts.active ?? 0} / {deliverCounts.delayed ?? 0}
                </dd>
                <dt>{t('workers')}</dt>
                <dd data-workers={workers.length}>{workers.length}</dd>
              </dl>
            </section>
          </div>
          <h2>{t('needsAttention')}</h2>
          {attention.length === 0 && !mismatches?.count && !deliveries?.count ? (
            <p>{t('none')}</p>
          ) : (
            <>
              {attention.length > 0 ? (
                <ul>
                  {attention.map((item) => (
                    <li>
                      <a href={item.href}>
                        {item.label}: {item.count}
                      </a>
                    </li>
                  ))}
                </ul>
              ) : null}
              {[
                { id: 'attention-mismatch', title: t('totalMismatchDrafts'), found: mismatches },
                { id: 'attention-delivery', title: t('failedDeliveries'), found: deliveries },
              ].map(({ id, title, found }) =>
                found?.count ? (
                  <section aria-labelledby={`${id}-title`} id={id}>
                    <h3 id={`${id}-title`}>
                      {title}: <span data-attention-count>{found.count}</span>
                    </h3>
                    <ul>
                      {found.entries.map((entry) => (
                        <li data-request={entry.requestId}>
                          <a href={`/admin/requests/${entry.requestId}`}>{entry.reference}</a> ·{' '}
                          {entry.request.customer.name} ·{' '}
                          {id === 'attention-delivery' ? (
                            <>
                              {deliveryLabel(lang, entry.delivery.state)}
                              {entry.delivery.detail ? ` — ${entry.delivery.detail}` : ''}
                            </>
                          ) : (
                            <code>{entry.error?.code ?? 'TOTAL_MISMATCH'}</code>
                          )}
                        </li>
                      ))}
                    </ul>
                  </section>
                ) : null,
              )}
            </>
          )}
          <h2>{t('lastErrors')}</h2>
          {lastErrors.size === 0 ? (
            <p>{t('none')}</p>
          ) : (
            <table>
              <tbody>
                {[...lastErrors].map(([connection, error]) => (
                  <tr>
                    <th scope="row">{connection}</th>
                    <td>
                      <code>{error.code}</code> {error.message}
                    </td>
                    <td>
                      <a href={`/admin/requests/${error.requestId}`}>{error.at}</a>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
        <LiveScript />
      </Layout>,
    );
  });

  // The overview, live: its counts, queues and attention lists, read again every half second.
  app.get('/events', async (c) => {
    const markOf = async () => {
      const [figures, ...attention] = await Promise.all([
        figuresOf(deps, Date.now()),
        ...ATTENTION_REASONS.map((reason) => deps.index.attention(reason, 1).then((found) => found.count)),
      ]);
      return JSON.stringify([{ ...figures, workers: figures.workers.length }, attention]);
    };
    return liveStream(c, await markOf(), markOf);
  });

  registerRequestPages(app, deps);
  registerDocumentActionPages(app, deps);
  registerManagePages(app, deps);
  registerIntegrationPages(app, deps);
  return app;
}
