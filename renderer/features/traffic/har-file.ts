// HAR files in and out of the page: a Blob link to download an export, a File read for import.

/** Saves `har` as a `.har` download (a Blob link: nothing leaves the machine). */
export function downloadHar(har: unknown, name = harName()): void {
  const blob = new Blob([JSON.stringify(har, null, 2)], { type: 'application/json' });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.style.display = 'none';
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function harName(now = new Date()): string {
  const stamp = now.toISOString().replace(/\..*$/, '').replace(/[:T]/g, '-');
  return `portico-traffic-${stamp}.har`;
}

export async function readHarFile(file: File): Promise<unknown> {
  const text = await file.text();
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`${file.name} is not a HAR file (not JSON)`);
  }
}

/** Copies text to the clipboard; falls back to a hidden textarea where the async clipboard is refused. */
export async function copyText(text: string): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
    return;
  } catch {
    const area = document.createElement('textarea');
    area.value = text;
    area.style.position = 'fixed';
    area.style.opacity = '0';
    document.body.append(area);
    area.select();
    document.execCommand('copy');
    area.remove();
  }
}
