/** @jsxImportSource hono/jsx */
import type { AdminSession } from '@faturador/store';
import type { Child } from 'hono/jsx';
import { type Lang, translator } from './texts.ts';

const STYLE = `
:root { font-family: system-ui, sans-serif; color: #1b1f24; background: #f6f7f9; }
body { margin: 0; }
a { color: #0b57d0; }
.skip { position: absolute; left: -999px; } .skip:focus { left: 1rem; top: 1rem; background: #fff; padding: .5rem; }
header { background: #13294b; color: #fff; padding: .6rem 1.2rem; display: flex; gap: 1.2rem; align-items: center; flex-wrap: wrap; }
header a { color: #fff; } header nav ul { display: flex; gap: 1rem; list-style: none; margin: 0; padding: 0; }
header .who { margin-left: auto; display: flex; gap: .8rem; align-items: center; }
main { padding: 1rem 1.2rem; max-width: 1200px; }
table { border-collapse: collapse; width: 100%; background: #fff; }
th, td { text-align: left; padding: .35rem .5rem; border-bottom: 1px solid #dde1e6; font-size: .92rem; vertical-align: top; }
form.filters { display: flex; flex-wrap: wrap; gap: .6rem; align-items: end; margin-bottom: 1rem; }
label { display: flex; flex-direction: column; font-size: .85rem; gap: .15rem; }
input, select, textarea, button { font: inherit; padding: .3rem .45rem; }
button { cursor: pointer; background: #0b57d0; color: #fff; border: 0; border-radius: 4px; padding: .4rem .8rem; }
button.danger { background: #b3261e; }
.state { border-radius: 999px; padding: .1rem .55rem; font-size: .8rem; white-space: nowrap; }
.state-queued { background: #e8eaed; } .state-issuing { background: #fde293; }
.state-issued { background: #c4eed0; } .state-failed { background: #f9c9c5; }
.cards { display: flex; gap: 1rem; flex-wrap: wrap; } .card { background: #fff; padding: .8rem 1rem; border-radius: 6px; min-width: 14rem; }
.notice { background: #fff4ce; padding: .6rem .8rem; border-left: 4px solid #b08800; }
.error { background: #fde7e9; padding: .6rem .8rem; border-left: 4px solid #b3261e; }
.secret { font-family: ui-monospace, monospace; background: #fff; padding: .6rem; border: 2px dashed #b08800; }
pre { background: #fff; padding: .6rem; overflow: auto; font-size: .85rem; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; } dt { font-weight: 600; }
`;

export interface LayoutProps {
  lang: Lang;
  title: string;
  session?: AdminSession | null;
  children?: Child;
  /** The path of this page, for the language switch. */
  path?: string;
}

export function Layout(props: LayoutProps) {
  const t = translator(props.lang);
  const other = props.lang === 'pt' ? 'en' : 'pt';
  const switchTo = `${props.path ?? '/admin/'}${(props.path ?? '').includes('?') ? '&' : '?'}lang=${other}`;
  return (
    <html lang={props.lang === 'pt' ? 'pt-PT' : 'en'}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${props.title} · ${t('title')}`}</title>
        <style>{STYLE}</style>
      </head>
      <body>
        <a class="skip" href="#main">
          {t('skip')}
        </a>
        <header>
          <strong>Faturador</strong>
          {props.session ? (
            <nav aria-label="Backoffice">
              <ul>
                <li>
                  <a href="/admin/">{t('overview')}</a>
                </li>
                <li>
                  <a href="/admin/requests">{t('requests')}</a>
                </li>
                <li>
                  <a href="/admin/clients">{t('clients')}</a>
                </li>
                <li>
                  <a href="/admin/connections">{t('connections')}</a>
                </li>
                <li>
                  <a href="/admin/airtable">{t('airtableBases')}</a>
                </li>
                <li>
                  <a href="/admin/slack">{t('slackWorkspaces')}</a>
                </li>
              </ul>
            </nav>
          ) : null}
          <div class="who">
            <a href={switchTo} hreflang={other} lang={other}>
              {other === 'en' ? 'English' : 'Português'}
            </a>
            {props.session ? (
              <form method="post" action="/admin/sign-out">
                <span>
                  {t('signedInAs')} {props.session.email} ({props.session.role}){' '}
                </span>
                <input type="hidden" name="_csrf" value={props.session.csrfToken} />
                <button type="submit">{t('signOut')}</button>
              </form>
            ) : null}
          </div>
        </header>
        <main id="main">
          <h1>{props.title}</h1>
          {props.children}
        </main>
      </body>
    </html>
  );
}

/** The session's CSRF token, for every form. */
export function Csrf(props: { session: AdminSession }) {
  return <input type="hidden" name="_csrf" value={props.session.csrfToken} />;
}

export function StateBadge(props: { state: string; label: string }) {
  return <span class={`state state-${props.state}`}>{props.label}</span>;
}

/**
 * Keeps `#live` current: on each `change` from the URL in its `data-events`, the page is read
 * again and only that part is replaced (the filters being typed stay as they are). A fixed
 * script, nothing from the request in it: safe to leave unescaped.
 */
const LIVE_SCRIPT = `(() => {
  const live = document.getElementById('live');
  if (!live || !window.EventSource) return;
  new EventSource(live.dataset.events).addEventListener('change', async () => {
    const answer = await fetch(location.href, { headers: { accept: 'text/html' } });
    if (!answer.ok) return;
    const page = new DOMParser().parseFromString(await answer.text(), 'text/html');
    const next = page.getElementById('live');
    if (next) live.replaceChildren(...next.childNodes);
  });
})();`;

export function LiveScript() {
  return <script dangerouslySetInnerHTML={{ __html: LIVE_SCRIPT }} />;
}
