// The batches of a pass: planned in full, or fed one by one while another pass answers.

/**
 * A pass planned in full is closed from the start; the contact pass is fed batches while the
 * profile pass answers, and closed when that pass is over.
 */
export class BatchFeed {
	private readonly ready: string[][] = [];

	private closed = false;

	private readonly waiters: Array<() => void> = [];

	static of(batches: string[][]): BatchFeed {
		const feed = new BatchFeed();
		for (const batch of batches) feed.push(batch);
		feed.close();
		return feed;
	}

	push(batch: string[]): void {
		this.ready.push(batch);
		this.wake();
	}

	close(): void {
		this.closed = true;
		this.wake();
	}

	/** Batches that can still arrive: unknown until the feed is closed. */
	get mostBatches(): number {
		return this.closed ? this.ready.length : Infinity;
	}

	/** The next batch, once there is one; undefined when the feed is closed and empty. */
	async next(): Promise<string[] | undefined> {
		while (this.ready.length === 0 && !this.closed) await new Promise<void>((wake) => this.waiters.push(wake));
		return this.ready.shift();
	}

	private wake(): void {
		for (const wake of this.waiters.splice(0)) wake();
	}
}
