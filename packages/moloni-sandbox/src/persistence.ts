// A sandbox that keeps its account across restarts, as Moloni does: `npm start` would otherwise
// forget every document while Redis keeps the ledger, breaking old PDF links and letting a
// reference be issued again. The whole state is one JSON file, rewritten (to a temporary file,
// then renamed) after every call that changed it and before that call is answered, so a document
// the client heard of is on disk. Local volumes are small; this is not a database.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { SavedTokens, TokenStore } from './auth.ts';
import type { SandboxState, SavedState } from './state.ts';

const VERSION = 1;

interface SavedFile {
  version: number;
  state: SavedState;
  tokens: SavedTokens;
}

export interface StateFile {
  /** Loads the file into the sandbox when there is one; false when starting from the seed. */
  load(): boolean;
  save(): void;
}

function readSaved(path: string): SavedFile | null {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  const saved = JSON.parse(text) as SavedFile;
  if (saved.version !== VERSION) {
    throw new Error(
      `${path} holds sandbox state version ${saved.version}, not ${VERSION}; move it away to start afresh`,
    );
  }
  return saved;
}

export function stateFile(path: string, state: SandboxState, tokens: TokenStore): StateFile {
  return {
    load() {
      const saved = readSaved(path);
      if (!saved) return false;
      state.importData(saved.state);
      tokens.importTokens(saved.tokens);
      return true;
    },
    save() {
      const saved: SavedFile = { version: VERSION, state: state.exportData(), tokens: tokens.exportTokens() };
      mkdirSync(dirname(path), { recursive: true });
      const temporary = `${path}.${process.pid}.tmp`;
      writeFileSync(temporary, JSON.stringify(saved));
      renameSync(temporary, path);
    },
  };
}
