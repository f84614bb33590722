/** @jsxImportSource hono/jsx */
// Where results go: the Airtable bases the API writes to, and the Slack workspaces clients may
// deliver to. Read from the same stores the API and the worker use; a base's token is never shown.
import { checkBaseAccess, createAirtableWebClient } from '@faturador/airtable-web';
import { explainError, isFaturadorError } from '@faturador/core';
import { roleAllows } from '@faturador/store';
import type { Hono } from 'hono';
import { requireRole } from './auth.ts';
import type { AdminDeps, AdminEnv } from './context.ts';
import { Csrf, Layout, StateBadge } from './layout.tsx';
import { deliveryLabel, stateLabel, translator } from './texts.ts';

/** Slack requests listed per workspace page. */
const RECENT = 20;

export function registerIntegrationPages(app: Hono<AdminEnv>, deps: AdminDeps): void {
  app.get('/airtable', async (c) => {
    const lang = c.get('lang');
    const t = translator(lang);
    const session = c.get('session');
    const bases = await deps.airtableBases.list();
    const checked = c.req.query('checked');
    const outcome = c.req.query('write');
    const problem = c.req.query('problem');
    return c.html(
      <Layout lang={lang} title={t('airtableBases')} session={session} path="/admin/airtable">
        {checked && !problem ? (
          <p class="notice" role="status">
            {t('baseReadable')} {checked} · {t('baseWrite')}: {outcome === 'ok' ? t('yes') : t('unverified')}
          </p>
        ) : null}
        {checked && problem ? (
          <p class="error" role="alert">
            {checked}: <strong>{explainError(problem, lang, 'airtable').title}</strong> <code>{problem}</code>
          </p>
        ) : null}
        {bases.length === 0 ? (
          <p>{t('noBases')}</p>
        ) : (
          <table id="bases">
            <thead>
              <tr>
                <th scope="col">{t('base')}</th>
                <th scope="col">{t('table')}</th>
                <th scope="col">{t('client')}</th>
                <th scope="col">{t('defaults')}</th>
                <th scope="col">{t('mapping')}</th>
                <th scope="col">{t('updated')}</th>
                <th scope="col">{t('actions')}</th>
              </tr>
            </thead>
            <tbody>
              {bases.map((base) => (
                <tr data-base={base.base_id}>
                  <th scope="row">
                    <code>{base.base_id}</code>
                  </th>
                  <td>
                    <code>{base.table_id}</code>
                  </td>
                  <td>
                    <a href={`/admin/clients/${base.client_id}`}>{base.client_id}</a>
                  </td>
                  <td>
                    {base.default_document_type} · {base.default_fiscal_zone} · {base.default_vat_rate} %
                  </td>
                  <td>
                    <ul class="mapping">
                      {Object.entries(base.fields).map(([role, field]) => (
                        <li>
                          {role} → <code>{String(field)}</code>
                        </li>
                      ))}
                    </ul>
                  </td>
                  <td>{base.updated_at}</td>
                  <td>
                    {roleAllows(session.role, 'admin') ? (
                      <form method="post" action={`/admin/airtable/${base.base_id}/check`}>
                        <Csrf session={session} />
                        <button type="submit">{t('checkBase')}</button>
                      </form>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <p>{t('basesHint')}</p>
      </Layout>,
    );
  });

  // The same proof as when the settings were saved: the token reads the table and every mapped field.
  app.post('/airtable/:base/check', requireRole('admin'), async (c) => {
    const baseId = c.req.param('base');
    const settings = await deps.airtableBases.get(baseId);
    const back = new URLSearchParams({ checked: baseId });
    if (!settings) back.set('problem', 'NOT_FOUND');
    else {
      try {
        const access = await deps.airtableBases.access(baseId);
        if (!access) throw new Error(`No token for base ${baseId}.`);
        const checks = await checkBaseAccess(settings, createAirtableWebClient(baseId, access));
        back.set('write', checks.write);
      } catch (error) {
        if (!isFaturadorError(error)) throw error;
        back.set('problem', error.code);
      }
    }
    c.get('logger').info({ baseId, problem: back.get('problem') ?? null }, 'airtable base checked');
    return c.redirect(`/admin/airtable?${back}`, 303);
  });

  app.get('/slack', async (c) => {
    const lang = c.get('lang');
    const t = translator(lang);
    const clients = await deps.clients.listClients();
    const teams = new Map<string, string[]>();
    for (const client of clients) {
      for (const capability of client.capabilities) {
        const team = /^slack:(T[A-Z0-9]+)$/.exec(capability)?.[1];
        if (team) teams.set(team, [...(teams.get(team) ?? []), client.client_id]);
      }
    }
    const recent = await deps.operations.list({ origin: 'slack' }, { limit: RECENT });
    return c.html(
      <Layout lang={lang} title={t('slackWorkspaces')} session={c.get('session')} path="/admin/slack">
        {teams.size === 0 ? (
          <p>{t('noWorkspaces')}</p>
        ) : (
          <table id="workspaces">
            <thead>
              <tr>
                <th scope="col">{t('workspace')}</th>
                <th scope="col">{t('clientsAllowed')}</th>
              </tr>
            </thead>
            <tbody>
              {[...teams].map(([team, ids]) => (
                <tr data-team={team}>
                  <th scope="row">
                    <code>{team}</code>
                  </th>
                  <td>
                    {ids.map((id, i) => (
                      <>
                        {i > 0 ? ', ' : ''}
                        <a href={`/admin/clients/${id}`}>{id}</a>
                      </>
                    ))}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <p>{t('workspacesHint')}</p>
        <h2 id="slack-recent-title">{t('slackRecent')}</h2>
        {recent.entries.length === 0 ? (
          <p>{t('noRequests')}</p>
        ) : (
          <table id="slack-recent" aria-labelledby="slack-recent-title">
            <thead>
              <tr>
                <th scope="col">{t('created')}</th>
                <th scope="col">{t('state')}</th>
                <th scope="col">{t('workspace')}</th>
                <th scope="col">{t('channel')}</th>
                <th scope="col">{t('delivery')}</th>
              </tr>
            </thead>
            <tbody>
              {recent.entries.map((entry) => (
                <tr data-request={entry.requestId}>
                  <td>
                    <a href={`/admin/requests/${entry.requestId}`}>
                      {entry.createdAt.slice(0, 19).replace('T', ' ')}
                    </a>
                  </td>
                  <td>
                    <StateBadge state={entry.state} label={stateLabel(lang, entry.state)} />
                  </td>
                  <td>{entry.origin.kind === 'slack' ? (entry.origin.team_id ?? '') : ''}</td>
                  <td>{entry.origin.kind === 'slack' ? entry.origin.channel : ''}</td>
                  <td>
                    {deliveryLabel(lang, entry.delivery.state)}
                    {entry.delivery.detail ? ` — ${entry.delivery.detail}` : ''}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Layout>,
    );
  });
}
