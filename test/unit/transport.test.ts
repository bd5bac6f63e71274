import type { IDataObject } from 'n8n-workflow';
import { ManualExecutionCancelledError, sleep } from 'n8n-workflow';

import { sendPass } from '../../nodes/CrustdataPersonEnrich/transport/sendLoop';
import { connectionProblem } from '../../nodes/CrustdataPersonEnrich/transport/answerPolicy';
import { openCrustdataClient, redactAnswer } from '../../nodes/CrustdataPersonEnrich/transport/client';
import type { EnrichSettings } from '../../nodes/CrustdataPersonEnrich/types';
import { settingsWith } from './settingsFixture';
import { answer, entriesFor, URL_TYPE } from './transportFixtures';
import { BatchFeed } from '../../nodes/CrustdataPersonEnrich/transport/batchFeed';

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

type Client = typeof import('../../nodes/CrustdataPersonEnrich/transport/client');

/** The client module as newer n8n loads it: an n8n-workflow without sleepWithAbort, whose sleep is `newerSleep`. */
function clientOnNewerN8n(newerSleep: jest.Mock): Client {
	let client: Client | undefined;
	jest.isolateModules(() => {
		jest.doMock('n8n-workflow', () => ({ ...jest.requireActual('n8n-workflow'), sleepWithAbort: undefined, sleep: newerSleep }));
		client = jest.requireActual<Client>('../../nodes/CrustdataPersonEnrich/transport/client');
	});
	jest.dontMock('n8n-workflow');
	if (!client) throw new Error('the client module did not load');
	return client;
}

describe('abortableClock', () => {
	it("uses n8n-workflow's sleepWithAbort where the n8n that loads the node has it (n8n 2.8)", async () => {
		const controller = new AbortController();
		const { abortableClock } = await import('../../nodes/CrustdataPersonEnrich/transport/client');
		const waiting = abortableClock(controller.signal).sleep(60_000);
		controller.abort();
		await expect(waiting).rejects.toThrow(ManualExecutionCancelledError);
	});

	it('falls back to sleep with the signal on newer n8n, which dropped sleepWithAbort', async () => {
		const controller = new AbortController();
		const newerSleep = jest.fn(async () => undefined);
		const clock = clientOnNewerN8n(newerSleep);
		await clock.abortableClock(controller.signal).sleep(25);
		expect(newerSleep).toHaveBeenCalledWith(25, controller.signal);
	});
});

describe('what an answer may carry into the node (security review)', () => {
	const key = ['test', 'value', '0123456789'].join('-');

	it('takes the key out of an error body that echoes the request, and any bearer token with it', () => {
		const echoed = answer(403, { error: { message: `Blocked; headers received: authorization: Bearer ${key}, x-gateway: Bearer gw_abcdef` } });
		const redacted = redactAnswer(echoed, key);
		expect(JSON.stringify(redacted)).not.toContain(key);
		expect(JSON.stringify(redacted)).not.toContain('gw_abcdef');
		expect(redacted.body).toEqual({ error: { message: 'Blocked; headers received: authorization: Bearer [redacted], x-gateway: Bearer [redacted]' } });
	});

	it('takes the key out of headers, status text and profile data, and leaves a headline that says "Bearer" as it is', () => {
		const profiles = [{ matched_on: 'x', matches: [{ person_data: { basic_profile: { headline: `Flag Bearer at Acme ${key}` } } }] }];
		const redacted = redactAnswer({ ...answer(200, profiles, { 'x-echo': key }), statusText: `OK ${key}` }, key);
		expect(redacted.body).toEqual([{ matched_on: 'x', matches: [{ person_data: { basic_profile: { headline: 'Flag Bearer at Acme [redacted]' } } }] }]);
		expect(redacted.headers).toEqual({ 'x-echo': '[redacted]' });
		expect(redacted.statusText).toBe('OK [redacted]');
	});

	it('hands back an answer without the key untouched', () => {
		const clean = answer(200, [{ matched_on: 'x', matches: [] }]);
		expect(redactAnswer(clean, key)).toBe(clean);
	});

	it('redacts every answer the client hands on', async () => {
		const context = {
			getCredentials: async () => ({ baseUrl: 'https://api.example.test', apiKey: key, apiVersion: 'v' }),
			getExecutionCancelSignal: () => undefined,
			getNode: () => ({ name: 'Crustdata Person Enrich' }),
			helpers: {
				httpRequestWithAuthentication: async () => ({
					statusCode: 500,
					statusMessage: 'Internal Server Error',
					headers: {},
					body: `upstream said: Bearer ${key}`,
				}),
			},
		} as unknown as Context;
		const client = await openCrustdataClient(context, 5_000);
		const got = await client.post('/person/enrich', {});
		expect(got).toEqual({ statusCode: 500, statusText: 'Internal Server Error', headers: {}, body: 'upstream said: Bearer [redacted]' });
	});
});

describe('a deadline for the whole answer (security review)', () => {
	const failingAfter = (ms: number, signal?: AbortSignal) =>
		({
			getCredentials: async () => ({ baseUrl: 'https://api.example.test', apiKey: 'k', apiVersion: 'v' }),
			getExecutionCancelSignal: () => signal,
			getNode: () => ({ name: 'Crustdata Person Enrich' }),
			helpers: {
				httpRequestWithAuthentication: async () => {
					await sleep(ms);
					throw Object.assign(new Error('canceled'), { code: 'ERR_CANCELED' });
				},
			},
		}) as unknown as Context;

	it('reports a request aborted at its deadline as a timeout, which the send loop retries', async () => {
		const client = await openCrustdataClient(failingAfter(60), 50);
		const failed = await client.post('/person/enrich', {}).catch((error: unknown) => error);
		expect(connectionProblem(failed, 50)).toBe('no answer within 0.05 s (timed out)');
	});

	it('keeps a cancel a cancel, and an early failure what it was', async () => {
		const controller = new AbortController();
		controller.abort();
		const cancelled = await (await openCrustdataClient(failingAfter(60, controller.signal), 50)).post('/person/enrich', {}).catch((error: unknown) => error);
		expect(connectionProblem(cancelled, 50)).toBe('the connection failed (ERR_CANCELED)');
		const early = await (await openCrustdataClient(failingAfter(0), 5_000)).post('/person/enrich', {}).catch((error: unknown) => error);
		expect(connectionProblem(early, 5_000)).toBe('the connection failed (ERR_CANCELED)');
	});

	it('refuses a Base URL with a query, fragment or user name before sending anything', async () => {
		const sent: IDataObject[] = [];
		await expect(openCrustdataClient(fakeContext(new AbortController().signal, sent, 'https://api.example.test/?v=1'), 5_000)).rejects.toThrow(
			"The credential's Base URL can't be used: it contains a query string",
		);
		expect(sent).toEqual([]);
	});
});

describe('abortableClock and absurd waits (security review)', () => {
	it('never hands a timer more than it can hold, so a long wait cannot fire at once and spin', async () => {
		const newerSleep = jest.fn(async () => undefined);
		const transport = clientOnNewerN8n(newerSleep);
		await transport.abortableClock(undefined).sleep(1e15);
		await transport.abortableClock(undefined).sleep(-5);
		expect(newerSleep.mock.calls).toEqual([
			[2 ** 31 - 1, undefined],
			[0, undefined],
		]);
	});
});
