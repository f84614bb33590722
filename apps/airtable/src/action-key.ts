/**
 * The key for cancelling and recording payments. Those calls need a billing-API key (scope
 * `invoices:write`), which can issue any invoice of its client: it must never sit in globalConfig
 * (every collaborator of the base reads it) nor in the bundle. The person who does these actions
 * types it once; it stays in this browser's storage for the extension's frame, for this base only.
 */
export interface ActionKey {
  clientId: string;
  apiKey: string;
  apiSecret: string;
}

const storageKey = (baseId: string) => `faturador:action-key:${baseId}`;

function storage(): Storage | null {
  try {
    return typeof window === 'undefined' ? null : window.localStorage;
  } catch {
    // Storage can be refused (privacy settings): the key then lasts until the frame reloads.
    return null;
  }
}

export function loadActionKey(baseId: string): ActionKey | null {
  const raw = storage()?.getItem(storageKey(baseId));
  if (!raw) return null;
  try {
    const parsed = JSON.parse(raw) as Partial<ActionKey>;
    return parsed.clientId && parsed.apiKey && parsed.apiSecret
      ? { clientId: parsed.clientId, apiKey: parsed.apiKey, apiSecret: parsed.apiSecret }
      : null;
  } catch {
    return null;
  }
}

export function saveActionKey(baseId: string, key: ActionKey | null): void {
  const store = storage();
  if (!store) return;
  if (key) store.setItem(storageKey(baseId), JSON.stringify(key));
  else store.removeItem(storageKey(baseId));
}
