import { useBase, useGlobalConfig, useRecordActionData, useSettingsButton } from '@airtable/blocks/ui';
import { useState } from 'react';
import { checkConfig, readConfig } from './config.ts';
import { MainScreen, type RecordAction } from './main-screen.tsx';
import { SettingsScreen } from './settings-screen.tsx';
import type { FetchLike } from './trigger-client.ts';

interface Props {
  recordAction: RecordAction | null;
  fetchImpl?: FetchLike;
  pendingTimeoutMs?: number;
}

/** The extension, given the record a button opened it for (tests pass it; Airtable gives it to `App`). */
export function IssuerApp({ recordAction, fetchImpl, pendingTimeoutMs }: Props) {
  const base = useBase();
  const globalConfig = useGlobalConfig();
  const config = readConfig((key) => globalConfig.get(key as string | string[]));
  const table = config.tableId ? base.getTableByIdIfExists(config.tableId) : null;
  const problems = checkConfig(config, table);
  const [settingsOpen, setSettingsOpen] = useState(false);
  useSettingsButton(() => setSettingsOpen((open) => !open));

  if (settingsOpen || problems.length > 0 || !table) {
    return <SettingsScreen table={table} problems={problems} onDone={() => setSettingsOpen(false)} />;
  }
  return (
    <MainScreen
      table={table}
      config={config}
      recordAction={recordAction}
      fetchImpl={fetchImpl}
      pendingTimeoutMs={pendingTimeoutMs}
      onOpenSettings={() => setSettingsOpen(true)}
    />
  );
}

export function App() {
  // Used once, at the top: a button field's "Open extension" action lands here.
  const recordAction = useRecordActionData();
  return <IssuerApp recordAction={recordAction} />;
}
