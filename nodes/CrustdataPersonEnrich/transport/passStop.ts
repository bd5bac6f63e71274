// Stopping: what ends a pass (or, through the run's shared stop, every pass), and what fails the inputs left unsent.
import type { ItemFailure } from '../types';

/**
 * A failure that is only a consequence: the node stops on errors and an earlier input already
 * failed, so these identifiers were not sent. Never the error the node reports.
 */
export const NOT_SENT: ItemFailure = {
	source: 'api',
	message: 'Not sent: the run stopped at an earlier failed item',
	description: 'Fix the failed item, or set the node to continue on error',
	consequence: true,
};

/** Shared by the passes of one run, so that what ends the run (no credits, a bad key) ends them all. */
export interface RunStop {
	failure?: ItemFailure;
}

/**
 * One pass's stop. Under fail-fast (the node stops on errors) the first failed input ends the
 * run, as the node will fail anyway and every further request would spend credits for nothing.
 */
export class PassStop {
	private stopped?: ItemFailure;

	constructor(
		private readonly runStop: RunStop,
		private readonly failFast: boolean,
	) {}

	/** Why nothing more may be sent, if anything says so: this pass's stop first, then the run's. */
	get halt(): ItemFailure | undefined {
		return this.stopped ?? this.runStop.failure;
	}

	stop(failure: ItemFailure): void {
		// A real cause replaces the consequence of an earlier one; nothing replaces a cause.
		if (!this.stopped || this.stopped.consequence) this.stopped = failure;
		if (failure.endsRun) this.runStop.failure ??= failure;
		else if (this.failFast) this.runStop.failure ??= NOT_SENT;
	}

	/** An input failed: under fail-fast, nothing more is sent. */
	inputFailed(): void {
		if (this.failFast) this.stop(NOT_SENT);
	}
}
