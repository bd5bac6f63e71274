'use strict';
// Quick self-check of the sandbox: node test/sandbox/smoke.js (exits 0 on success); the jest
// suite runs it too, through `checkSandbox`.
const assert = require('node:assert/strict');
const { startSandbox, DEFAULT_SANDBOX_KEY } = require('./server');

const HEADERS = {
	authorization: `Bearer ${DEFAULT_SANDBOX_KEY}`,
	'x-api-version': '2025-11-01',
	'content-type': 'application/json',
};

/**
 * The body parsed in this module's realm: under jest, `Response.json()` builds objects from
 * another realm's prototypes, which strict deep equality tells apart from literals.
 */
const readJson = async (res) => JSON.parse(await res.text());

/** Every check against a fresh sandbox; throws on the first that fails. */
async function checkSandbox() {
	const sb = await startSandbox({ rateLimit: { limit: 3, windowMs: 400 } });
	const post = async (body, headers = HEADERS) => {
		const res = await fetch(`${sb.url}/person/enrich`, {
			method: 'POST',
			headers,
			body: JSON.stringify(body),
		});
		return { status: res.status, headers: res.headers, json: await readJson(res) };
	};
	try {
		// 401, then a mixed 200
		let r = await post({}, { ...HEADERS, authorization: 'Bearer wrong' });
		assert.equal(r.status, 401);
		assert.deepEqual(r.json, { message: 'Invalid API key in request' });

		const urls = [
			'https://www.linkedin.com/in/jane-doe/',
			'https://linkedin.com/in/nomatch-1',
			'https://www.linkedin.com/in/redacted-2',
		];
		r = await post({
			professional_network_profile_urls: urls,
			fields: ['basic_profile.name', 'contact.business_emails'],
		});
		assert.equal(r.status, 200);
		assert.deepEqual(
			r.json.map((e) => e.matched_on),
			urls,
		);
		assert.equal(r.json[0].matches[0].confidence_score, 1);
		assert.deepEqual(Object.keys(r.json[0].matches[0].person_data), [
			'crustdata_person_id',
			'basic_profile',
			'contact',
		]);
		assert.deepEqual(r.json[0].matches[0].person_data.basic_profile, { name: 'Jane Doe' });
		assert.deepEqual(
			r.json.map((e) => e.match_status),
			['matched', 'not_found', 'redacted'],
		);
		assert.equal(r.headers.get('x-ratelimit-limit'), '3');
		assert.equal(r.headers.get('x-ratelimit-remaining'), '2');
		assert.match(r.headers.get('x-credits-used'), /^[12]$/);

		// email lookup with several candidates; second 200 omits match_status on non-redacted entries
		r = await post({ business_emails: ['multi.kim@acme.io'], fields: ['basic_profile'] });
		assert.equal(r.status, 200);
		assert.deepEqual(
			r.json[0].matches.map((m) => m.confidence_score),
			[0.62, 0.97, 0.35],
		);
		assert.equal('match_status' in r.json[0], false);
		assert.equal(r.headers.get('x-credits-used'), '1');

		// invalid identifiers name every bad value; 4th request in the window is 429
		r = await post({ business_emails: ['a@agency.gov', 'ok@acme.io', 'b@gmail.com'] });
		assert.equal(r.status, 400);
		assert.equal(r.json.error.message, 'Invalid business emails: a@agency.gov, b@gmail.com');
		r = await post({ business_emails: ['ok@acme.io'] });
		assert.equal(r.status, 429);
		assert.equal(r.headers.get('retry-after'), null);
		assert.ok(Number(r.headers.get('x-ratelimit-reset')) > 0);

		// after the window: a request arriving when credits used >= budget gets 402
		await new Promise((resolve) => setTimeout(resolve, 450));
		sb.configure({ creditBudget: sb.creditsUsed + 1 });
		r = await post({
			professional_network_profile_urls: ['https://www.linkedin.com/in/abc'],
			fields: ['contact'],
		});
		assert.equal(r.status, 200);
		r = await post({ professional_network_profile_urls: ['https://www.linkedin.com/in/abc'] });
		assert.equal(r.status, 402);
		assert.equal(r.json.error.type, 'insufficient_credits');

		// forced drop, control endpoint, log
		sb.reset();
		sb.configure({ forcedResponses: ['drop'] });
		await assert.rejects(
			post({ professional_network_profile_urls: ['https://www.linkedin.com/in/abc'] }),
		);
		const log = await readJson(await fetch(`${sb.url}/__sandbox/requests`));
		assert.equal(log.length, 1);
		assert.equal(log[0].status, 'dropped');
		assert.equal(sb.requests[0].identifierCount, 1);

		// GET /account/endpoints: filtered by path, on a time-scaled window (60 per 6 s = 600 rpm)
		sb.reset();
		sb.configure({ rateLimit: { limit: 60, windowMs: 6000 }, creditBudget: null });
		const endpoints = async (query = '', headers = HEADERS) => {
			const res = await fetch(`${sb.url}/account/endpoints${query}`, { headers });
			const text = await res.text();
			return { status: res.status, headers: res.headers, text, json: JSON.parse(text) };
		};
		r = await endpoints('?path=/person/enrich');
		assert.equal(r.status, 200);
		assert.equal(r.json.api_version, '2025-11-01');
		assert.equal(r.json.token_limit_rpm, null);
		assert.equal(r.json.endpoints.length, 1);
		let [ep] = r.json.endpoints;
		assert.equal(ep.path, '/person/enrich');
		assert.equal(ep.category, 'Person');
		assert.equal(ep.status, 'enabled');
		assert.equal(ep.effective_rate_limit_rpm, 600);
		assert.deepEqual(ep.fields.disabled, ['certifications', 'honors']);
		assert.ok(ep.fields.enabled.includes('basic_profile'));
		assert.ok(ep.fields.enabled.includes('experience.employment_details.current.name'));
		assert.ok(!ep.fields.enabled.some((f) => f.startsWith('honors')));
		assert.deepEqual(sb.requests[0].query, { path: '/person/enrich' });

		// unfiltered it is large; filters combine; no match is a 200 with []
		r = await endpoints();
		assert.equal(r.status, 200);
		assert.ok(r.text.length > 40000, `unfiltered answer is only ${r.text.length} bytes`);
		const byPath = new Map(r.json.endpoints.map((e) => [e.path, e]));
		for (const path of [
			'/person/professional_network/enrich/live',
			'/person/search',
			'/company/enrich',
			'/job/search',
			'/web/search',
			'/account/endpoints',
		]) {
			assert.ok(byPath.has(path), path);
		}
		assert.equal(byPath.get('/person/contact/enrich').status, 'not_enabled');
		assert.equal(byPath.get('/account/credits').category, 'Account');
		r = await endpoints('?category=Person&status=not_enabled');
		assert.deepEqual(
			r.json.endpoints.map((e) => e.path),
			['/person/contact/enrich'],
		);
		r = await endpoints('?path=/no/such/endpoint');
		assert.equal(r.status, 200);
		assert.deepEqual(r.json.endpoints, []);

		// auth and version as elsewhere
		r = await endpoints('?path=/person/enrich', { ...HEADERS, authorization: 'Bearer wrong' });
		assert.equal(r.status, 401);
		assert.deepEqual(r.json, { message: 'Invalid API key in request' });
		r = await endpoints('', { authorization: HEADERS.authorization });
		assert.equal(r.status, 400);
		assert.equal(r.json.error.message, 'Missing required header: x-api-version');

		// never billed, not in the enrich windows, not delayed by latencyMs
		sb.configure({ latencyMs: 1500 });
		const started = Date.now();
		r = await endpoints('?path=/person/enrich');
		assert.equal(r.status, 200);
		assert.ok(Date.now() - started < 1000, 'GET /account/endpoints waited for latencyMs');
		sb.configure({ latencyMs: 0 });
		const profile = { professional_network_profile_urls: ['https://www.linkedin.com/in/abc'] };
		r = await post(profile);
		assert.equal(r.status, 200);
		assert.equal(r.headers.get('x-ratelimit-remaining'), '59');
		assert.equal(sb.creditsUsed, Number(r.headers.get('x-credits-used')));
		assert.deepEqual(sb.requests[sb.requests.length - 1].query, {});
		assert.ok(sb.requests.every((e) => e.creditsUsed === 0 || e.path === '/person/enrich'));

		// each endpoint has its own window: /person/enrich 2 per 2 s, live 1 per 2 s
		const postTo = async (path, body) => {
			const res = await fetch(`${sb.url}${path}`, {
				method: 'POST',
				headers: HEADERS,
				body: JSON.stringify(body),
			});
			return { status: res.status, headers: res.headers, json: await readJson(res) };
		};
		const LIVE = '/person/professional_network/enrich/live';
		sb.reset();
		sb.configure({
			rateLimit: { limit: 2, windowMs: 2000 },
			endpointRateLimits: { [LIVE]: 1 },
		});
		r = await endpoints();
		assert.equal(
			r.json.endpoints.find((e) => e.path === '/person/enrich').effective_rate_limit_rpm,
			60,
		);
		assert.equal(r.json.endpoints.find((e) => e.path === LIVE).effective_rate_limit_rpm, 30);
		assert.equal((await post(profile)).status, 200);
		r = await post(profile);
		assert.equal(r.status, 200);
		assert.equal(r.headers.get('x-ratelimit-remaining'), '0');
		assert.equal((await post(profile)).status, 429);
		r = await postTo(LIVE, profile); // its own window is untouched by the three above
		assert.equal(r.status, 200);
		assert.equal(r.headers.get('x-ratelimit-limit'), '1');
		assert.equal(r.headers.get('x-ratelimit-remaining'), '0');
		r = await postTo(LIVE, profile);
		assert.equal(r.status, 429);
		assert.ok(Number(r.headers.get('x-ratelimit-reset')) > 0);

		// the key-wide window over both: 3 per 2 s (reported as 90 rpm), each endpoint 2 per 2 s
		sb.reset();
		sb.configure({ endpointRateLimits: {}, tokenRateLimit: 3 });
		r = await endpoints('?path=/person/enrich');
		assert.equal(r.json.token_limit_rpm, 90);
		r = await post(profile);
		assert.equal(r.headers.get('x-ratelimit-limit'), '2'); // endpoint 1 left, key-wide 2: the endpoint's
		assert.equal(r.headers.get('x-ratelimit-remaining'), '1');
		r = await postTo(LIVE, profile);
		assert.equal(r.headers.get('x-ratelimit-remaining'), '1'); // tie (1 and 1): the endpoint's
		assert.equal(r.headers.get('x-ratelimit-limit'), '2');
		r = await post(profile);
		assert.equal(r.status, 200);
		assert.equal(r.headers.get('x-ratelimit-limit'), '2'); // tie at 0: the endpoint's
		r = await postTo(LIVE, profile); // live has 1 left, the key-wide window none
		assert.equal(r.status, 429);
		assert.equal(r.headers.get('x-ratelimit-limit'), '3');
		assert.equal(r.headers.get('x-ratelimit-remaining'), '0');
		sb.configure({ tokenRateLimit: null });
		r = await postTo(LIVE, profile); // the 429 above was counted in neither window
		assert.equal(r.status, 200);
		assert.equal(r.headers.get('x-ratelimit-remaining'), '0');

		// reportRateLimits: false, disabledEndpoints, rateLimit: null
		sb.reset();
		sb.configure({
			rateLimit: { limit: 15, windowMs: 60000 },
			tokenRateLimit: 120,
			reportRateLimits: false,
			disabledEndpoints: ['/person/enrich'],
		});
		r = await endpoints('?category=Person');
		assert.equal(r.json.token_limit_rpm, null);
		assert.ok(r.json.endpoints.every((e) => e.effective_rate_limit_rpm === null));
		assert.equal(r.json.endpoints.find((e) => e.path === '/person/enrich').status, 'not_enabled');
		r = await post(profile);
		assert.equal(r.status, 403);
		assert.equal(r.json.error.type, 'permission_error');
		assert.match(r.json.error.message, /does not include \/person\/enrich/);
		sb.configure({
			rateLimit: null,
			reportRateLimits: true,
			disabledEndpoints: [],
			liveEnabled: false,
		});
		r = await endpoints('?category=Person&status=enabled');
		assert.equal(r.json.token_limit_rpm, null);
		assert.equal(
			r.json.endpoints.find((e) => e.path === '/person/enrich').effective_rate_limit_rpm,
			null,
		);
		assert.equal(
			r.json.endpoints.some((e) => e.path === LIVE),
			false,
		);
		sb.configure({ liveEnabled: true, tokenRateLimit: null });

		// accountEndpointsAnswer: scripted, drop, hang (close() still returns promptly)
		sb.configure({ accountEndpointsAnswer: { status: 503, body: { oops: true } } });
		r = await endpoints();
		assert.equal(r.status, 503);
		assert.deepEqual(r.json, { oops: true });
		r = await endpoints('', { ...HEADERS, authorization: 'Bearer wrong' });
		assert.equal(r.status, 401); // the auth check comes first
		sb.configure({ accountEndpointsAnswer: 'drop' });
		await assert.rejects(endpoints());
		assert.equal(sb.requests[sb.requests.length - 1].status, 'dropped');
		sb.configure({ accountEndpointsAnswer: 'hang' });
		await assert.rejects(
			fetch(`${sb.url}/account/endpoints`, { headers: HEADERS, signal: AbortSignal.timeout(300) }),
		);
		assert.equal(sb.requests[sb.requests.length - 1].status, null);
		const logged = sb.requests.length;
		const hanging = fetch(`${sb.url}/account/endpoints`, { headers: HEADERS }).catch(() => 'gone');
		while (sb.requests.length === logged) await new Promise((resolve) => setTimeout(resolve, 5));
		sb.reset();
		sb.configure({ accountEndpointsAnswer: null });

		// 300 requests a minute of real time, then 429 (not counted)
		for (let i = 0; i < 30; i++) {
			const batch = await Promise.all(
				Array.from({ length: 10 }, () => endpoints('?path=/account/endpoints')),
			);
			assert.ok(batch.every((b) => b.status === 200));
		}
		r = await endpoints('?path=/account/endpoints');
		assert.equal(r.status, 429);
		assert.equal(r.json.error.type, 'rate_limit_exceeded');
		assert.equal(r.headers.get('x-ratelimit-limit'), '300');
		assert.equal(r.headers.get('x-ratelimit-remaining'), '0');

		const closing = Date.now();
		await sb.close();
		assert.equal(await hanging, 'gone');
		assert.ok(Date.now() - closing < 1000, 'close() waited for a hanging request');

	} finally {
		await sb.close();
	}
}

module.exports = { checkSandbox };

if (require.main === module) {
	checkSandbox().then(
		() => console.log('sandbox smoke: ok'),
		(err) => {
			console.error(err);
			process.exit(1);
		},
	);
}
