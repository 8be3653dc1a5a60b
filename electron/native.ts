// The desktop's native bits: folder and save dialogs, reveal in the file manager, recent workspaces (a JSON file in
// userData), and secrets sealed with the OS keychain through safeStorage. Each takes what it needs as a parameter.
import type { Dialog, SafeStorage, Shell } from 'electron';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join } from 'node:path';

export const RECENT_LIMIT = 10;

/** Most recent first, at most RECENT_LIMIT absolute paths, stored in `<userData>/recent-workspaces.json`. */
export class RecentWorkspaces {
  readonly file: string;
  constructor(userDataDir: string) {
    this.file = join(userDataDir, 'recent-workspaces.json');
  }

  async list(): Promise<string[]> {
    try {
      const data: unknown = JSON.parse(await readFile(this.file, 'utf8'));
      const list = (data as { workspaces?: unknown } | null)?.workspaces;
      return Array.isArray(list) ? list.filter((p): p is string => typeof p === 'string' && isAbsolute(p)).slice(0, RECENT_LIMIT) : [];
    } catch {
      return [];
    }
  }

  async add(folder: string): Promise<string[]> {
    if (!isAbsolute(folder)) throw new Error('a workspace is an absolute path');
    const next = [folder, ...(await this.list()).filter((p) => p !== folder)].slice(0, RECENT_LIMIT);
    await this.write(next);
    return next;
  }

  async clear(): Promise<void> {
    await this.write([]);
  }

  private async write(workspaces: string[]): Promise<void> {
    await mkdir(dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    await writeFile(tmp, JSON.stringify({ workspaces }, null, 2));
    await rename(tmp, this.file);
  }
}

type DialogLike = Pick<Dialog, 'showOpenDialog' | 'showSaveDialog'>;

/** Asks for a folder; null when the user cancelled. */
export async function chooseFolder(dialog: DialogLike, title = 'Open a workspace folder'): Promise<string | null> {
  const { canceled, filePaths } = await dialog.showOpenDialog({ title, properties: ['openDirectory', 'createDirectory'] });
  return canceled ? null : (filePaths[0] ?? null);
}

/** Asks where to save; null when the user cancelled. `defaultName` is a file name only (the page chooses no directory). */
export async function chooseSavePath(dialog: DialogLike, options: unknown): Promise<string | null> {
  const raw = (options ?? {}) as { defaultName?: unknown; extensions?: unknown };
  const defaultName = typeof raw.defaultName === 'string' ? raw.defaultName.replace(/[\\/]/g, '_').slice(0, 255) : undefined;
  const extensions = Array.isArray(raw.extensions) ? raw.extensions.filter((e): e is string => typeof e === 'string' && /^[\w.]{1,16}$/.test(e)) : [];
  const { canceled, filePath } = await dialog.showSaveDialog({
    ...(defaultName && { defaultPath: defaultName }),
    ...(extensions.length > 0 && { filters: [{ name: extensions.join(', '), extensions }] }),
  });
  return canceled || !filePath ? null : filePath;
}

/** Shows a file or folder in the OS file manager; only absolute paths. */
export function revealInFolder(shell: Pick<Shell, 'showItemInFolder'>, path: unknown): boolean {
  if (typeof path !== 'string' || !isAbsolute(path) || path.includes('\0')) return false;
  shell.showItemInFolder(path);
  return true;
}

/**
 * Secrets sealed with the OS keychain (Keychain, DPAPI, libsecret/kwallet) for the day the engine keeps upstream
 * credentials outside the design. Never exposed to the page. Refuses to "encrypt" with Linux's plaintext fallback.
 */
export class Secrets {
  constructor(private readonly safeStorage: Pick<SafeStorage, 'isEncryptionAvailable' | 'encryptString' | 'decryptString' | 'getSelectedStorageBackend'>) {}

  available(): boolean {
    if (!this.safeStorage.isEncryptionAvailable()) return false;
    return process.platform !== 'linux' || this.safeStorage.getSelectedStorageBackend() !== 'basic_text';
  }

  /** Base64 of the sealed bytes, safe to store in a JSON file. */
  seal(secret: string): string {
    if (!this.available()) throw new Error('No OS keychain is available to protect secrets.');
    return this.safeStorage.encryptString(secret).toString('base64');
  }

  open(sealed: string): string {
    if (!this.available()) throw new Error('No OS keychain is available to protect secrets.');
    return this.safeStorage.decryptString(Buffer.from(sealed, 'base64'));
  }
}
