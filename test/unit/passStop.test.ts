import { KEY_REJECTED } from '../../nodes/CrustdataPersonEnrich/transport/answerPolicy';
import { NOT_SENT, PassStop, type RunStop } from '../../nodes/CrustdataPersonEnrich/transport/passStop';
import type { ItemFailure } from '../../nodes/CrustdataPersonEnrich/types';

const SERVER_DOWN: ItemFailure = { source: 'api', message: 'Crustdata is down', description: 'Try again later' };

describe('PassStop', () => {
	it('lets a pass go on until something stops it, then halts it with that failure', () => {
		const stop = new PassStop({}, false);
		expect(stop.halt).toBeUndefined();
		stop.stop(SERVER_DOWN);
		expect(stop.halt).toBe(SERVER_DOWN);
	});

	it('halts every pass of the run at a failure that ends the run, and only at such a failure', () => {
		const runStop: RunStop = {};
		const profiles = new PassStop(runStop, false);
		const contact = new PassStop(runStop, false);
		profiles.stop(SERVER_DOWN);
		expect(contact.halt).toBeUndefined();
		profiles.stop(KEY_REJECTED);
		expect(contact.halt).toBe(KEY_REJECTED);
	});

	it('keeps the first cause: a later cause does not replace it, but it replaces a consequence', () => {
		const stop = new PassStop({}, true);
		stop.inputFailed();
		expect(stop.halt).toBe(NOT_SENT);
		stop.stop(SERVER_DOWN);
		expect(stop.halt).toBe(SERVER_DOWN);
		stop.stop(KEY_REJECTED);
		expect(stop.halt).toBe(SERVER_DOWN);
	});

	it('under fail-fast, ends the run at the first failed input with a consequence, never the reported error', () => {
		const runStop: RunStop = {};
		new PassStop(runStop, true).inputFailed();
		expect(runStop.failure).toBe(NOT_SENT);
		expect(runStop.failure?.consequence).toBe(true);
	});

	it('without fail-fast, a failed input stops nothing', () => {
		const runStop: RunStop = {};
		const stop = new PassStop(runStop, false);
		stop.inputFailed();
		expect(stop.halt).toBeUndefined();
		expect(runStop.failure).toBeUndefined();
	});
});
