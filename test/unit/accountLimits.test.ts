import {
	askAccount,
	judgeAccount,
	readEndpointAccess,
	resolveRateLimit,
	sharedLimit,
	type EndpointAccess,
} from '../../nodes/CrustdataPersonEnrich/account/accountLimits';
import { deniedFields, listsField } from '../../nodes/CrustdataPersonEnrich/planning/fieldPaths';
import type { CrustdataClient } from '../../nodes/CrustdataPersonEnrich/transport/client';
import { settingsWith } from './settingsFixture';
import { answer, error } from './transportFixtures';

const ENRICH = '/person/enrich';
const LIVE = '/person/professional_network/enrich/live';

/** An answer shaped as Crustdata's permissions page documents it. */
const listing = (endpoint: Record<string, unknown>, tokenLimit?: unknown) =>
	answer(200, {
		api_version: '2025-11-01',
		token_limit_rpm: tokenLimit,
		endpoints: [
			{
				path: ENRICH,
				category: 'Person',
				status: 'enabled',
				effective_rate_limit_rpm: 60,
				fields: { enabled: ['basic_profile', 'basic_profile.name', 'assessment', 'social_posts'], disabled: ['certifications', 'honors'] },
				...endpoint,
			},
		],
	});

const access = (overrides: Partial<EndpointAccess> = {}): EndpointAccess => ({
	path: ENRICH,
	enabled: true,
	disabledFields: [],
	...overrides,
});

describe('readEndpointAccess', () => {
	it('reads the limits, the status and the denied fields of the endpoint', () => {
		expect(readEndpointAccess(listing({}, 120), ENRICH)).toEqual({
			access: {
				path: ENRICH,
				enabled: true,
				endpointLimit: 60,
				keyLimit: 120,
				enabledFields: ['basic_profile', 'basic_profile.name', 'assessment', 'social_posts'],
				disabledFields: ['certifications', 'honors'],
			},
		});
	});

	it('takes null, missing or nonsense limits as no limit reported', () => {
		for (const [endpointLimit, tokenLimit] of [[null, null], [undefined, undefined], ['sixty', -1], [0, Number.NaN], [0.5, '']]) {
			const reading = readEndpointAccess(listing({ effective_rate_limit_rpm: endpointLimit }, tokenLimit), ENRICH);
			expect(reading).toEqual({ access: expect.objectContaining({ endpointLimit: undefined, keyLimit: undefined }) });
		}
	});

	it('reads a limit given as a numeric string, in whole requests', () => {
		expect(readEndpointAccess(listing({ effective_rate_limit_rpm: '60' }, 7.5), ENRICH)).toEqual({
			access: expect.objectContaining({ endpointLimit: 60, keyLimit: 7 }),
		});
	});

	it('reads both words Crustdata uses for an endpoint the plan does not include', () => {
		for (const status of ['not_enabled', 'disabled']) {
			expect(readEndpointAccess(listing({ status }), ENRICH)).toEqual({ access: expect.objectContaining({ enabled: false }) });
		}
	});

	it('has no denied fields where the answer lists none, and ignores entries that are not names', () => {
		expect(readEndpointAccess(listing({ fields: undefined }), ENRICH)).toEqual({ access: expect.objectContaining({ disabledFields: [] }) });
		expect(readEndpointAccess(listing({ fields: { disabled: ['honors', 7, null] } }), ENRICH)).toEqual({
			access: expect.objectContaining({ disabledFields: ['honors'] }),
		});
	});

	it('picks the asked endpoint out of a listing that holds others', () => {
		const body = {
			token_limit_rpm: null,
			endpoints: [
				{ path: LIVE, status: 'not_enabled', effective_rate_limit_rpm: 10 },
				{ path: ENRICH, status: 'enabled', effective_rate_limit_rpm: 30 },
			],
		};
		expect(readEndpointAccess(answer(200, body), ENRICH)).toEqual({ access: expect.objectContaining({ enabled: true, endpointLimit: 30 }) });
		expect(readEndpointAccess(answer(200, body), LIVE)).toEqual({ access: expect.objectContaining({ enabled: false, endpointLimit: 10 }) });
	});

	it('refuses the run on a 401: the key is wrong', () => {
		expect(readEndpointAccess(answer(401, { message: 'Invalid API key in request' }), ENRICH)).toEqual({
			refusal: expect.objectContaining({ message: 'Crustdata rejected the API key', httpCode: '401' }),
		});
	});

	it('cannot judge other statuses, other shapes, an endpoint left out or an unknown status', () => {
		const cases = [
			[answer(404, error('not_found', 'Not found')), 'it answered 404'],
			[answer(403, error('permission_error', 'Forbidden')), 'it answered 403'],
			[answer(503, ''), 'it answered 503'],
			[answer(200, [{ path: ENRICH }]), 'its answer had an unexpected shape'],
			[answer(200, { endpoints: 'all' }), 'its answer had an unexpected shape'],
			[answer(200, { endpoints: [] }), `its answer did not list ${ENRICH}`],
			[listing({ status: 'beta' }), `its answer gave ${ENRICH} the unknown status "beta"`],
			[listing({ status: 'x'.repeat(500) }), `its answer gave ${ENRICH} the unknown status "${'x'.repeat(40)}"`],
			[listing({ status: undefined }), `its answer gave ${ENRICH} no status`],
		] as const;
		for (const [given, why] of cases) {
			const statusCode = given.statusCode === 200 ? {} : { statusCode: given.statusCode };
			expect(readEndpointAccess(given, ENRICH)).toEqual({ unreadable: why, ...statusCode });
		}
	});
});

describe('deniedFields', () => {
	it('matches a denied section and every path inside it, not a longer name that starts the same', () => {
		expect(deniedFields(['basic_profile', 'certifications', 'certifications.name', 'honors_extra'], ['certifications', 'honors'])).toEqual([
			'certifications',
			'certifications.name',
		]);
	});

	it('denies a path the account names, not the section around it', () => {
		expect(deniedFields(['contact', 'contact.phone_numbers'], ['contact.phone_numbers'])).toEqual(['contact.phone_numbers']);
	});
});

describe('listsField', () => {
	it('finds a field in a listing of its section, of itself, or of paths inside it', () => {
		expect(listsField(['contact'], 'contact.business_emails')).toBe(true);
		expect(listsField(['contact.business_emails'], 'contact.business_emails')).toBe(true);
		expect(listsField(['contact.business_emails.email'], 'contact.business_emails')).toBe(true);
		expect(listsField(['contact.phone_numbers', 'contactless'], 'contact.business_emails')).toBe(false);
	});
});

describe('sharedLimit', () => {
	it("is the key's limit, never above Max Requests Per Minute, and none when neither is known", () => {
		const reading = (keyLimit?: number) => ({ access: { path: ENRICH, enabled: true, keyLimit, disabledFields: [] } });
		expect(sharedLimit(0, reading(120), reading(120))).toBe(120);
		expect(sharedLimit(40, reading(120), { unreadable: 'x' })).toBe(40);
		expect(sharedLimit(0, reading(), { unreadable: 'x' })).toBeUndefined();
	});
});

describe('resolveRateLimit', () => {
	it('follows the lower of the endpoint and the key limit when Max Requests Per Minute is 0', () => {
		expect(resolveRateLimit(0, access({ endpointLimit: 60, keyLimit: 120 }))).toEqual({
			requestsPerMinute: 60,
			source: "the account's limit for /person/enrich",
		});
		expect(resolveRateLimit(0, access({ endpointLimit: 60, keyLimit: 40 }))).toEqual({
			requestsPerMinute: 40,
			source: "the account's limit across all endpoints",
		});
	});

	it('never goes faster than Max Requests Per Minute, nor faster than the account', () => {
		expect(resolveRateLimit(30, access({ endpointLimit: 60 }))).toEqual({ requestsPerMinute: 30, source: "the node's Max Requests Per Minute" });
		expect(resolveRateLimit(100, access({ endpointLimit: 60 }))).toEqual({ requestsPerMinute: 60, source: "the account's limit for /person/enrich" });
	});

	it("uses Crustdata's default of 15 where nothing is known, and says why", () => {
		expect(resolveRateLimit(0, access())).toEqual({ requestsPerMinute: 15, source: "Crustdata's default, as the account reports no limit" });
		expect(resolveRateLimit(0)).toEqual({ requestsPerMinute: 15, source: "Crustdata's default" });
		expect(resolveRateLimit(45)).toEqual({ requestsPerMinute: 45, source: "the node's Max Requests Per Minute" });
		expect(resolveRateLimit(0.4)).toEqual({ requestsPerMinute: 1, source: "the node's Max Requests Per Minute" });
	});
});

describe('judgeAccount', () => {
	const settings = settingsWith({ fields: ['basic_profile', 'certifications', 'honors.title'] });

	it('refuses fields the account is denied, naming them and the fix', () => {
		const verdict = judgeAccount({ access: access({ endpointLimit: 60, disabledFields: ['certifications', 'honors'] }) }, settings);
		expect(verdict.refusal).toEqual({
			source: 'api',
			message: "Your Crustdata plan does not include the fields 'certifications', 'honors.title'",
			description: 'Remove them from Fields or Extra Field Paths, or ask Crustdata to enable them for your account',
		});
	});

	it('refuses an endpoint the plan does not include, naming it and the fix', () => {
		const live = settingsWith({ operation: 'enrichLive' });
		const verdict = judgeAccount({ access: access({ path: LIVE, enabled: false }) }, live);
		expect(verdict.refusal?.message).toBe(`Your Crustdata plan does not include Enrich Live (${LIVE})`);
		expect(verdict.refusal?.description).toMatch(/upgrade your plan, or use the Enrich operation/);
	});

	it('lets a run go on the account limit when everything asked for is allowed', () => {
		const verdict = judgeAccount({ access: access({ endpointLimit: 120, disabledFields: ['dev_platform_profiles'] }) }, settings);
		expect(verdict).toEqual({ rateLimit: { requestsPerMinute: 120, source: "the account's limit for /person/enrich" } });
	});

	it('lets a run it cannot judge go at the default, with a hint that says so', () => {
		const verdict = judgeAccount({ unreadable: 'it answered 404' }, settings);
		expect(verdict.refusal).toBeUndefined();
		expect(verdict.rateLimit).toEqual({ requestsPerMinute: 15, source: "Crustdata's default" });
		expect(verdict.hint?.message).toBe(
			"Could not read this account's limits for /person/enrich from Crustdata (it answered 404), so its fields were not checked before sending and it was paced at 15 requests a minute",
		);
	});
});

describe('askAccount', () => {
	const client = (get: CrustdataClient['get'], signal?: AbortSignal): CrustdataClient => ({
		get,
		post: async () => {
			throw new Error('nothing billable is sent by the check');
		},
		signal,
	});

	it('asks about one endpoint, filtered by its path, within the shorter of Request Timeout and 10 s', async () => {
		const asked: unknown[] = [];
		const reading = await askAccount(
			client(async (path, query, timeoutMs) => {
				asked.push([path, query, timeoutMs]);
				return listing({ effective_rate_limit_rpm: 30 });
			}),
			LIVE,
			settingsWith({ operation: 'enrichLive', pacing: { ...settingsWith({}).pacing, timeoutMs: 60_000 } }),
		);
		expect(asked).toEqual([['/account/endpoints', { path: LIVE }, 10_000]]);
		// The listing names only /person/enrich, so the live endpoint is not in it.
		expect(reading).toEqual({ unreadable: `its answer did not list ${LIVE}` });
	});

	it('goes ahead when the check times out, and says so', async () => {
		const timedOut = Object.assign(new Error('timeout of 2000ms exceeded'), { code: 'ECONNABORTED' });
		const reading = await askAccount(
			client(async () => {
				throw timedOut;
			}),
			'/person/enrich',
			settingsWith({ pacing: { ...settingsWith({}).pacing, timeoutMs: 2_000 } }),
		);
		expect(reading).toEqual({ unreadable: 'no answer within 2 s (timed out)' });
	});

	it('lets nothing billable follow once the execution is cancelled', async () => {
		const controller = new AbortController();
		const reading = await askAccount(
			client(async () => {
				controller.abort();
				throw new Error('aborted');
			}, controller.signal),
			'/person/enrich',
			settingsWith({}),
		);
		expect(reading).toEqual({ refusal: expect.objectContaining({ message: 'The execution was cancelled' }) });
	});
});
