/** @jsxImportSource hono/jsx */
import { FaturadorError, isFaturadorError, slackCapability } from '@faturador/core';
import type { AdminSession, ApiKey, IssuedSecret } from '@faturador/store';
import type { Context, Hono } from 'hono';
import { requireRole } from './auth.ts';
import type { AdminDeps, AdminEnv } from './context.ts';
import { Csrf, Layout } from './layout.tsx';
import { type Lang, translator } from './texts.ts';

type Form = Record<string, string | File | (string | File)[]>;
const field = (form: Form, name: string): string => (typeof form[name] === 'string' ? form[name] : '').trim();

function Problem(props: { error: unknown }) {
  if (!props.error) return null;
  const message = isFaturadorError(props.error) ? props.error.message : String(props.error);
  return (
    <p class="error" role="alert">
      {message}
    </p>
  );
}

function SecretShown(props: { lang: Lang; issued: IssuedSecret | null }) {
  if (!props.issued) return null;
  const t = translator(props.lang);
  return (
    <section class="notice" aria-live="polite">
      <h2>{t('secretOnce')}</h2>
      <p class="secret">
        X-Client-Id: {props.issued.key.client_id}
        <br />
        X-Api-Key: <span data-key-id>{props.issued.key.key_id}</span>
        <br />
        X-Api-Secret: <span data-secret>{props.issued.secret}</span>
      </p>
    </section>
  );
}

function KeyRow(props: {
  lang: Lang;
  session: AdminSession;
  clientId: string;
  apiKey: ApiKey;
  canManage: boolean;
}) {
  const t = translator(props.lang);
  const { apiKey } = props;
  const base = `/admin/clients/${props.clientId}/keys/${apiKey.key_id}`;
  return (
    <tr data-key={apiKey.key_id}>
      <td>
        <code>{apiKey.key_id}</code>
        {apiKey.revoked ? ` (${t('revoked')})` : ''}
      </td>
      <td>{apiKey.created_at.slice(0, 19)}</td>
      <td>{apiKey.scopes.join(' ')}</td>
      <td>
        {props.canManage && !apiKey.revoked ? (
          <form method="post" action={`${base}/settings`}>
            <Csrf session={props.session} />
            <label>
              {t('allowlist')}
              <textarea name="allowlist" rows={2} cols={26}>
                {apiKey.ip_allowlist.join('\n')}
              </textarea>
            </label>
            <label>
              <span>
                <input type="checkbox" name="signed_only" value="1" checked={apiKey.signed_only} />{' '}
                {t('signedOnly')}
              </span>
            </label>
            <button type="submit">{t('save')}</button>
          </form>
        ) : (
          <span>
            {apiKey.ip_allowlist.join(', ') || '*'} {apiKey.signed_only ? `· ${t('signedOnly')}` : ''}
          </span>
        )}
      </td>
      <td>
        {props.canManage && !apiKey.revoked ? (
          <>
            <form method="post" action={`${base}/rotate`}>
              <Csrf session={props.session} />
              <button type="submit">{t('rotate')}</button>
            </form>
            <form method="post" action={`${base}/revoke`}>
              <Csrf session={props.session} />
              <button type="submit" class="danger">
                {t('revoke')}
              </button>
            </form>
          </>
        ) : null}
      </td>
    </tr>
  );
}

export function registerManagePages(app: Hono<AdminEnv>, deps: AdminDeps): void {
  async function clientsPage(c: Context<AdminEnv>, error: unknown = null, status: 200 | 400 = 200) {
    const lang = c.get('lang');
    const t = translator(lang);
    const session = c.get('session');
    const [clients, connections] = await Promise.all([
      deps.clients.listClients(),
      deps.connections.listConnections(),
    ]);
    const canManage = session.role === 'admin';
    return c.html(
      <Layout lang={lang} title={t('clients')} session={session} path="/admin/clients">
        <Problem error={error} />
        <table>
          <thead>
            <tr>
              <th scope="col">{t('clientId')}</th>
              <th scope="col">{t('name')}</th>
              <th scope="col">{t('connection')}</th>
              <th scope="col">{t('capabilities')}</th>
              <th scope="col">{t('state')}</th>
            </tr>
          </thead>
          <tbody>
            {clients.map((client) => (
              <tr>
                <td>
                  <a href={`/admin/clients/${client.client_id}`}>{client.client_id}</a>
                </td>
                <td>{client.name}</td>
                <td>{client.connection_id ?? '—'}</td>
                <td>{client.capabilities.join(' ') || '—'}</td>
                <td>{client.status}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {canManage ? (
          <form method="post" action="/admin/clients">
            <h2>{t('createClient')}</h2>
            <Csrf session={session} />
            <div class="filters">
              <label>
                {t('clientId')}
                <input name="client_id" required pattern="[a-z][a-z0-9_\-]{2,63}" />
              </label>
              <label>
                {t('name')}
                <input name="name" required />
              </label>
              <label>
                {t('connection')}
                <select name="connection_id">
                  <option value="">—</option>
                  {connections.map((connection) => (
                    <option value={connection.connection_id}>
                      {connection.name} ({connection.connection_id})
                    </option>
                  ))}
                </select>
              </label>
              <button type="submit">{t('createClient')}</button>
            </div>
          </form>
        ) : null}
      </Layout>,
      status,
    );
  }

  async function clientPage(
    c: Context<AdminEnv>,
    clientId: string,
    extra: { issued?: IssuedSecret | null; error?: unknown } = {},
  ) {
    const lang = c.get('lang');
    const t = translator(lang);
    const session = c.get('session');
    const client = await deps.clients.getClient(clientId);
    if (!client) return c.html(<Layout lang={lang} title={t('notFound')} session={session} />, 404);
    const keys = await deps.clients.listKeys(clientId);
    const canManage = session.role === 'admin';
    const slackTeam =
      client.capabilities.find((cap) => cap.startsWith('slack:'))?.slice('slack:'.length) ?? '';
    // A page that shows a secret must never be cached or restored from history.
    c.header('Cache-Control', 'no-store');
    return c.html(
      <Layout
        lang={lang}
        title={`${t('client')} ${client.client_id}`}
        session={session}
        path={`/admin/clients/${clientId}`}
      >
        <Problem error={extra.error} />
        <SecretShown lang={lang} issued={extra.issued ?? null} />
        <dl>
          <dt>{t('name')}</dt>
          <dd>{client.name}</dd>
          <dt>{t('connection')}</dt>
          <dd>{client.connection_id ?? '—'}</dd>
          <dt>{t('capabilities')}</dt>
          <dd>{client.capabilities.join(' ') || '—'}</dd>
        </dl>
        {canManage ? (
          <form method="post" action={`/admin/clients/${clientId}/capabilities`}>
            <Csrf session={session} />
            <label>
              {t('slackTeam')}
              <input name="slack_team" value={slackTeam} pattern="T[A-Z0-9]{2,20}" />
            </label>
            <button type="submit">{t('save')}</button>
          </form>
        ) : null}
        <h2>{t('keys')}</h2>
        <table>
          <tbody>
            {keys.map((apiKey) => (
              <KeyRow
                lang={lang}
                session={session}
                clientId={clientId}
                apiKey={apiKey}
                canManage={canManage}
              />
            ))}
          </tbody>
        </table>
        {canManage ? (
          <form method="post" action={`/admin/clients/${clientId}/keys`}>
            <Csrf session={session} />
            <button type="submit">{t('createKey')}</button>
          </form>
        ) : null}
      </Layout>,
    );
  }

  app.get('/clients', (c) => clientsPage(c));
  app.get('/clients/:id', (c) => clientPage(c, c.req.param('id')));

  app.post('/clients', requireRole('admin'), async (c) => {
    const form = await c.req.parseBody();
    try {
      const client = await deps.clients.createClient({
        client_id: field(form, 'client_id'),
        name: field(form, 'name'),
        connection_id: field(form, 'connection_id') || null,
      });
      return c.redirect(`/admin/clients/${client.client_id}`, 303);
    } catch (error) {
      if (!isFaturadorError(error)) throw error;
      return clientsPage(c, error, 400);
    }
  });

  /** Runs a change of a client or key and shows the client again (with a new secret, if any). */
  async function change(c: Context<AdminEnv>, run: (form: Form) => Promise<IssuedSecret | undefined>) {
    const clientId = c.req.param('id') ?? '';
    const form = await c.req.parseBody();
    try {
      const issued = await run(form);
      c.get('logger').info(
        { clientId, path: c.req.path, admin: c.get('session').email },
        'backoffice change',
      );
      return clientPage(c, clientId, { issued: issued ?? null });
    } catch (error) {
      if (!isFaturadorError(error)) throw error;
      return clientPage(c, clientId, { error });
    }
  }

  const clientId = (c: Context<AdminEnv>) => c.req.param('id') ?? '';
  const keyId = (c: Context<AdminEnv>) => c.req.param('key') ?? '';
  app.post('/clients/:id/keys', requireRole('admin'), (c) =>
    change(c, () => deps.clients.createKey(clientId(c))),
  );
  app.post('/clients/:id/keys/:key/rotate', requireRole('admin'), (c) =>
    change(c, () => deps.clients.rotateSecret(clientId(c), keyId(c))),
  );
  app.post('/clients/:id/keys/:key/revoke', requireRole('admin'), (c) =>
    change(c, async () => {
      await deps.clients.revokeKey(clientId(c), keyId(c));
      return undefined;
    }),
  );
  app.post('/clients/:id/keys/:key/settings', requireRole('admin'), (c) =>
    change(c, async (form) => {
      const entries = field(form, 'allowlist')
        .split(/[\s,]+/)
        .filter(Boolean);
      await deps.clients.setAllowlist(clientId(c), keyId(c), entries);
      await deps.clients.setSignedOnly(clientId(c), keyId(c), field(form, 'signed_only') === '1');
      return undefined;
    }),
  );
  app.post('/clients/:id/capabilities', requireRole('admin'), (c) =>
    change(c, async (form) => {
      const team = field(form, 'slack_team');
      if (team && !/^T[A-Z0-9]{2,20}$/.test(team))
        throw new FaturadorError('VALIDATION_ERROR', 'A Slack team id looks like T0123ABCD.');
      await deps.clients.setCapabilities(clientId(c), team ? [slackCapability(team)] : []);
      return undefined;
    }),
  );

  async function connectionsPage(c: Context<AdminEnv>, extra: { error?: unknown; report?: string } = {}) {
    const lang = c.get('lang');
    const t = translator(lang);
    const session = c.get('session');
    const connections = await deps.connections.listConnections();
    const canManage = session.role === 'admin';
    return c.html(
      <Layout lang={lang} title={t('connections')} session={session} path="/admin/connections">
        <Problem error={extra.error} />
        {extra.report ? (
          <p class="notice" role="status" data-report>
            {extra.report}
          </p>
        ) : null}
        <table>
          <tbody>
            {connections.map((connection) => (
              <tr>
                <td>
                  <code>{connection.connection_id}</code>
                </td>
                <td>{connection.name}</td>
                <td>{connection.kind}</td>
                <td>{connection.base_url}</td>
                <td>{connection.username}</td>
                <td>{connection.company_id ?? '—'}</td>
                <td>
                  {canManage ? (
                    <form method="post" action={`/admin/connections/${connection.connection_id}/test`}>
                      <Csrf session={session} />
                      <button type="submit">{t('testConnection')}</button>
                    </form>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {canManage ? (
          <form method="post" action="/admin/connections">
            <h2>{t('addConnection')}</h2>
            <Csrf session={session} />
            <div class="filters">
              <label>
                {t('name')}
                <input name="name" required />
              </label>
              <label>
                {t('kind')}
                <select name="kind">
                  <option value="moloni">moloni</option>
                  <option value="sandbox">sandbox</option>
                </select>
              </label>
              <label>
                {t('baseUrl')}
                <input name="base_url" type="url" placeholder="https://api.moloni.pt/v1/" />
              </label>
              <label>
                client_id
                <input name="client_id" required />
              </label>
              <label>
                client_secret
                <input name="client_secret" type="password" required autocomplete="off" />
              </label>
              <label>
                {t('email')}
                <input name="username" required autocomplete="off" />
              </label>
              <label>
                {t('password')}
                <input name="password" type="password" required autocomplete="off" />
              </label>
              <label>
                {t('companyId')}
                <input name="company_id" inputmode="numeric" />
              </label>
              <button type="submit">{t('addConnection')}</button>
            </div>
          </form>
        ) : null}
      </Layout>,
    );
  }

  app.get('/connections', (c) => connectionsPage(c));
  app.post('/connections', requireRole('admin'), async (c) => {
    const form = await c.req.parseBody();
    try {
      const companyId = field(form, 'company_id');
      await deps.connections.createConnection({
        name: field(form, 'name'),
        kind: field(form, 'kind') === 'sandbox' ? 'sandbox' : 'moloni',
        ...(field(form, 'base_url') ? { base_url: field(form, 'base_url') } : {}),
        client_id: field(form, 'client_id'),
        client_secret: field(form, 'client_secret'),
        username: field(form, 'username'),
        password: field(form, 'password'),
        company_id: companyId ? Number(companyId) : null,
      });
      return c.redirect('/admin/connections', 303);
    } catch (error) {
      if (!isFaturadorError(error)) throw error;
      return connectionsPage(c, { error });
    }
  });
  app.post('/connections/:id/test', requireRole('admin'), async (c) => {
    const t = translator(c.get('lang'));
    try {
      const checked = await deps.checkConnection(c.req.param('id'));
      return connectionsPage(c, { report: `${t('companyChosen')}: ${checked.company} ✓` });
    } catch (error) {
      if (!isFaturadorError(error)) throw error;
      return connectionsPage(c, {
        error: new FaturadorError(error.code, `${t('testFailed')}: ${error.message}`),
      });
    }
  });
}
