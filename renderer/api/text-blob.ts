// Large texts of the engine's answers as Blobs, for the ones this window only passes on (the bundled design for the docs).
import type { CallResult } from '../../gateway/contract/index.js';

/**
 * A text as UTF-8 in a Blob, with the SHA-256 of its bytes. Posted to another frame, a Blob crosses as a handle: no
 * copy and no serialization on this thread (a 7 MB string posted to the docs frame held it 7–105 ms, and receiving
 * it from the parse worker another ~37 ms). "Did it change" compares digests instead of texts.
 */
export interface TextBlob {
  blob: Blob;
  /** SHA-256 of the UTF-8 bytes, hex. */
  digest: string;
}

export async function toTextBlob(text: string): Promise<TextBlob> {
  const bytes = new TextEncoder().encode(text);
  const digest = await crypto.subtle.digest('SHA-256', bytes);
  return { blob: new Blob([bytes], { type: 'application/json' }), digest: Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('') };
}

/**
 * The answer with the string at `value[field]` as a `TextBlob` (null where the field is null or absent). Done where
 * the answer is parsed: in the HTTP transport's parse worker for large answers, so the text never reaches this thread.
 */
export async function withTextBlob(result: CallResult, field: string): Promise<CallResult> {
  if (!result.ok || result.value === null || typeof result.value !== 'object') return result;
  const value = result.value as Record<string, unknown>;
  const text = value[field];
  if (text != null && typeof text !== 'string') throw new Error(`the answer's ${field} is not text`);
  return { ok: true, value: { ...value, [field]: text == null ? null : await toTextBlob(text) } };
}
