/**
 * Durable bookkeeping before every reply: the budget state file, then the query log, both on
 * disk before `commit` resolves. Requests that arrive while a flush is on disk wait for the next
 * one and share it (group commit), so 50 concurrent clients cost a few fsyncs, not 50.
 *
 * State goes first: a crash between the two leaves queries charged but unlogged (and never
 * acknowledged), never logged and uncharged.
 */
import { BudgetBook } from "./budgets";
import { QueryRecord } from "./query-log";

/** Where records go: a QueryLog, whose append resolves once they are on disk. */
export interface RecordSink {
  append(records: QueryRecord[]): Promise<void>;
}

interface Pending {
  record: QueryRecord;
  resolve: () => void;
  reject: (err: unknown) => void;
}

export class Ledger {
  private pending: Pending[] = [];
  private flushing: Promise<void> | undefined;

  constructor(readonly budgets: BudgetBook, readonly log: RecordSink) {}

  /** Resolves once `record`, and budget counts that include its reservation, are on disk. */
  commit(record: QueryRecord): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pending.push({ record, resolve, reject });
      if (!this.flushing) this.flushing = this.flushAll();
    });
  }

  private async flushAll(): Promise<void> {
    while (this.pending.length > 0) {
      const group = this.pending.splice(0);
      try {
        this.budgets.save(); // counts every reservation so far, this group's included
        await this.log.append(group.map((p) => p.record));
        for (const p of group) p.resolve();
      } catch (err) {
        for (const p of group) p.reject(err);
      }
    }
    this.flushing = undefined;
  }

  /** Waits for every commit in progress, then saves the state once more (releases included). */
  async drain(): Promise<void> {
    while (this.flushing) await this.flushing;
    this.budgets.save();
  }
}
