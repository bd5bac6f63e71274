import type { IDataObject } from 'n8n-workflow';
import { ManualExecutionCancelledError, sleep } from 'n8n-workflow';

import { BatchFeed, sendPass } from '../../nodes/CrustdataPersonEnrich/sendLoop';
import { openCrustdataClient } from '../../nodes/CrustdataPersonEnrich/transport';
import type { EnrichSettings } from '../../nodes/CrustdataPersonEnrich/types';
import { settingsWith } from './settingsFixture';
import { entriesFor, URL_TYPE } from './transportFixtures';

type Context = Parameters<typeof openCrustdataClient>[0];

const fakeContext = (signal: AbortSignal, sent: IDataObject[], baseUrl = 'https://api.example.test') =>
	({
		getCredentials: async () => ({ baseUrl, apiKey: 'k', apiVersion: 'v' }),
		getExecutionCancelSignal: () => signal,
		getNode: () => ({ name: 'Crustdata Person Enrich' }),
		helpers: {
			httpRequestWithAuthentication: async (_type: string, options: IDataObject) => {
				sent.push(options);
				const body = options.body as { professional_network_profile_urls?: string[] } | undefined;
				return { statusCode: 200, headers: {}, body: entriesFor(body?.professional_network_profile_urls ?? []) };
			},
		},
	}) as unknown as Context;

describe('openCrustdataClient', () => {
	it('sends every request through the credential to its Base URL, and hands back every status', async () => {
		const sent: IDataObject[] = [];
		const client = await openCrustdataClient(fakeContext(new AbortController().signal, sent), 5_000);
		await client.get('/account/endpoints', { path: '/person/enrich' }, 2_000);
		await client.post('/person/enrich', { professional_network_profile_urls: ['a'] });
		expect(sent).toEqual([
			expect.objectContaining({ method: 'GET', url: 'https://api.example.test/account/endpoints', qs: { path: '/person/enrich' }, timeout: 2_000 }),
			expect.objectContaining({ method: 'POST', url: 'https://api.example.test/person/enrich', timeout: 5_000 }),
		]);
		expect(sent.every((options) => options.ignoreHttpStatusErrors === true && options.returnFullResponse === true)).toBe(true);
	});

	it('refuses to send the key to a Base URL that is not https', async () => {
		const sent: IDataObject[] = [];
		await expect(openCrustdataClient(fakeContext(new AbortController().signal, sent, 'http://api.example.test'), 5_000)).rejects.toThrow(
			/^Refusing to send the Crustdata API key/,
		);
		expect(sent).toEqual([]);
	});
});

describe('sendPass', () => {
	const settings: EnrichSettings = settingsWith({ pacing: { maxRequestsPerMinute: 1, concurrency: 1, maxRetries: 0, timeoutMs: 5_000 } });

	it('sends through the client at the given limit, and stops waiting when the execution is cancelled', async () => {
		const controller = new AbortController();
		const sent: IDataObject[] = [];
		const client = await openCrustdataClient(fakeContext(controller.signal, sent), settings.pacing.timeoutMs);
		const started = Date.now();
		const rateLimit = { requestsPerMinute: 1, source: 'test' };
		const pass = { path: '/person/enrich', body: (urls: string[]) => ({ urls }), batches: BatchFeed.of([['a'], ['b']]), rateLimit, matchType: URL_TYPE };
		const run = sendPass(client, pass, settings.pacing, {});
		void sleep(100).then(() => controller.abort());
		await expect(run).rejects.toThrow(ManualExecutionCancelledError);
		expect(Date.now() - started).toBeLessThan(1_000);
		expect(sent).toHaveLength(1);
		expect(sent[0]).toMatchObject({ method: 'POST', url: 'https://api.example.test/person/enrich', timeout: 5_000 });
	});
});

describe('abortableClock', () => {
	it("uses n8n-workflow's sleepWithAbort where the n8n that loads the node has it (n8n 2.8)", async () => {
		const controller = new AbortController();
		const { abortableClock } = await import('../../nodes/CrustdataPersonEnrich/transport');
		const waiting = abortableClock(controller.signal).sleep(60_000);
		controller.abort();
		await expect(waiting).rejects.toThrow(ManualExecutionCancelledError);
	});

	it('falls back to sleep with the signal on newer n8n, which dropped sleepWithAbort', async () => {
		const controller = new AbortController();
		const newerSleep = jest.fn(async () => undefined);
		type Transport = typeof import('../../nodes/CrustdataPersonEnrich/transport');
		let clock: Transport | undefined;
		jest.isolateModules(() => {
			jest.doMock('n8n-workflow', () => ({ ...jest.requireActual('n8n-workflow'), sleepWithAbort: undefined, sleep: newerSleep }));
			clock = jest.requireActual<Transport>('../../nodes/CrustdataPersonEnrich/transport');
		});
		await clock?.abortableClock(controller.signal).sleep(25);
		expect(newerSleep).toHaveBeenCalledWith(25, controller.signal);
		jest.dontMock('n8n-workflow');
	});
});
