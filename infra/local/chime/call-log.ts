/**
 * Every invocation of every call, in order: the event sent, the response (or why there was none), the
 * attempt and how long the handler took. Tests read it; `npm run call -- --json` includes it.
 */
import type { SmaEvent } from '../../../layers/adapters/sma-protocol.ts';

export type CallLogEntry =
  | {
      kind: 'invocation';
      at: string;
      event: SmaEvent;
      attempt: number;
      ms: number;
      response?: unknown;
      error?: string;
    }
  | { kind: 'note'; at: string; text: string };

const KEEP_ENDED = 500;

export class CallLog {
  private readonly byTransaction = new Map<string, CallLogEntry[]>();
  private readonly ended: string[] = [];

  invocation(
    transactionId: string,
    entry: { event: SmaEvent; attempt: number; ms: number; response?: unknown; error?: string },
  ): void {
    this.push(transactionId, { kind: 'invocation', at: new Date().toISOString(), ...entry });
  }

  note(transactionId: string, text: string): void {
    this.push(transactionId, { kind: 'note', at: new Date().toISOString(), text });
  }

  /** Marks a call as ended; only the most recent ended calls are kept, so a long run cannot grow without bound. */
  end(transactionId: string): void {
    this.ended.push(transactionId);
    while (this.ended.length > KEEP_ENDED) this.byTransaction.delete(this.ended.shift() as string);
  }

  entries(transactionId: string): readonly CallLogEntry[] {
    return this.byTransaction.get(transactionId) ?? [];
  }

  /** Invocations only, in order (the common view in tests). */
  events(transactionId: string): SmaEvent[] {
    return this.entries(transactionId).flatMap((e) =>
      e.kind === 'invocation' && e.attempt === 1 ? [e.event] : [],
    );
  }

  transactionIds(): string[] {
    return [...this.byTransaction.keys()];
  }

  private push(transactionId: string, entry: CallLogEntry): void {
    const list = this.byTransaction.get(transactionId);
    if (list === undefined) this.byTransaction.set(transactionId, [entry]);
    else list.push(entry);
  }
}
