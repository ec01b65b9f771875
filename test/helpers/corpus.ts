/**
 * Locates ../shared/corpus (the public capture corpus with tshark ground truth). Tests that
 * need it skip, saying so, where it is absent (a user's own clone); CI always has it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export const REPO = path.resolve(__dirname, '..', '..');
export const CORPUS = process.env.ALIBI_CORPUS ?? path.resolve(REPO, '..', 'shared', 'corpus');
export const HAVE_CORPUS = fs.existsSync(path.join(CORPUS, 'manifest.json'));

export interface ConvRow {
  addr_a: string; port_a: number; addr_b: string; port_b: number;
  frames_a_to_b: number; frames_b_to_a: number; frames_total: number;
  bytes_a_to_b?: number; bytes_b_to_a?: number; exact_bytes_check?: string;
  rel_start: number; duration: number;
}
export interface ManifestFile {
  file: string;
  bad_input: boolean;
  format: { container: string; capinfos?: Record<string, string>; header_scan?: Record<string, unknown> };
  link_types: { linktype: number; name: string }[];
  truth: {
    readable_by_tshark: boolean;
    frames_total: number;
    frames_tcp: number;
    frames_tcp_rst: number;
    frames_tcp_syn_only: number;
    tcp_conversations: number;
    tcp_conversation_rows: ConvRow[];
    extra: Record<string, unknown>;
  };
  errors?: Record<string, unknown>;
}

export function manifest(): ManifestFile[] {
  return JSON.parse(fs.readFileSync(path.join(CORPUS, 'manifest.json'), 'utf8')).files;
}

export function corpusPath(name: string): string {
  return path.join(CORPUS, name);
}

/** `describe` that skips with a message when the corpus is missing. */
export const describeCorpus: jest.Describe = HAVE_CORPUS
  ? describe
  : (((name: string, fn: () => void) => {
      // eslint-disable-next-line no-console
      console.warn(`skipping "${name}": ../shared/corpus not found (set ALIBI_CORPUS)`);
      describe.skip(name, fn);
    }) as unknown as jest.Describe);

export function fixture(...parts: string[]): string {
  return path.join(REPO, 'test', 'fixtures', ...parts);
}
