'use strict';
// Quick self-check of the sandbox: node test/sandbox/smoke.js (exits 0 on success); the jest
// suite runs it too, through `checkSandbox`.
const assert = require('node:assert/strict');
const https = require('node:https');
const { startSandbox, DEFAULT_SANDBOX_KEY } = require('./server');
const dataset = require('./dataset');
const { contractViolations } = require('../contract/crustdataApi');
const { startKeyTrap } = require('../faults/keyTrap');
const { selfSignedCert } = require('../faults/selfSignedCert');

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
	await checkGenerations();
	await checkEmployerDomains();
	await checkHostile();
}

const CONTACT = '/person/contact/enrich';
const CONTACT_FIELDS = [
	'contact.business_emails',
	'contact.personal_emails',
	'contact.phone_numbers',
	'contact.websites',
];
const STATUSES = ['deliverable', 'catch_all', 'invalid', 'unknown'];
const profileUrl = (slug) => `https://www.linkedin.com/in/${slug}`;

/** The dataset's contact mix: the four statuses only, some people with nothing, phones and websites for some. */
function checkContactData() {
	const seen = new Set();
	let noEmails = 0;
	let phones = 0;
	let websites = 0;
	for (let i = 0; i < 200; i++) {
		const { contact } = dataset.lookupByProfileUrl(profileUrl(`member-${i}`)).candidates[0].person;
		for (const e of [...contact.business_emails, ...contact.personal_emails]) {
			assert.ok(STATUSES.includes(e.status), e.status);
			seen.add(e.status);
		}
		if (contact.business_emails.length + contact.personal_emails.length === 0) noEmails += 1;
		if (contact.phone_numbers.length > 0) phones += 1;
		if (contact.websites.length > 0) websites += 1;
	}
	assert.deepEqual([...seen].sort(), STATUSES.slice().sort());
	assert.ok(noEmails > 5 && phones > 40 && phones < 160 && websites > 20 && websites < 160);
	for (const email of ['jane.doe@acme.io', 'multi.kim@acme.io']) {
		const owner = dataset
			.lookupByBusinessEmail(email)
			.candidates.find((c) => c.confidence_score !== 0.62 && c.confidence_score !== 0.35);
		assert.deepEqual(
			{ ...owner.person.contact.business_emails[0], last_updated: null },
			{ email, status: 'deliverable', last_updated: null },
		);
	}
	const none = dataset.lookupByProfileUrl(profileUrl('nocontact-ann-lee')).candidates[0].person;
	assert.equal(none.basic_profile.name, 'Ann Lee');
	assert.deepEqual(none.contact, {
		business_emails: [],
		personal_emails: [],
		phone_numbers: [],
		websites: [],
	});
	// every person has the generation-2 sections
	assert.equal(typeof none.assessment.score, 'number');
	assert.ok(none.social_posts.length >= 1 && none.social_posts.length <= 3);
}

/** API generations 1 and 2: /person/enrich fields and prices, /person/contact/enrich, the listing. */
async function checkGenerations() {
	checkContactData();
	const sb = await startSandbox({ rateLimit: { limit: 50, windowMs: 60000 } });
	const call = async (path, body, headers = HEADERS) => {
		const res = await fetch(`${sb.url}${path}`, {
			method: 'POST',
			headers,
			body: JSON.stringify(body),
		});
		return { status: res.status, headers: res.headers, json: await readJson(res) };
	};
	const enrich = (body) => call('/person/enrich', body);
	const contact = (body, headers) => call(CONTACT, body, headers);
	const listing = async (path) => {
		const res = await fetch(`${sb.url}/account/endpoints?path=${path}`, { headers: HEADERS });
		const json = await readJson(res);
		assert.equal(json.endpoints.length, 1);
		return json.endpoints[0];
	};
	const credits = (r) => Number(r.headers.get('x-credits-used'));
	const full = profileUrl('fullcontact-ada-lovelace');
	try {
		// generation 1, the default: contact on /person/enrich, /person/contact/enrich not enabled
		assert.equal(sb.options.apiGeneration, 1);
		assert.equal(sb.options.contactOnEnrich, 'reject400');
		assert.deepEqual(sb.options.grantedSections, []);
		let ep = await listing(CONTACT);
		assert.equal(ep.status, 'not_enabled');
		assert.equal(ep.effective_rate_limit_rpm, 15);
		assert.deepEqual(ep.fields, { enabled: [], disabled: CONTACT_FIELDS });
		ep = await listing('/person/enrich');
		assert.ok(ep.fields.enabled.includes('contact.phone_numbers'));
		assert.ok(!ep.fields.enabled.some((f) => /^(assessment|social_posts)/.test(f)));
		assert.deepEqual(ep.fields.disabled, ['certifications', 'honors']);
		let r = await contact({ professional_network_profile_urls: [full] });
		assert.equal(r.status, 403);
		assert.equal(r.json.error.type, 'permission_error');
		assert.equal(r.headers.get('x-ratelimit-limit'), '50');
		r = await enrich({ professional_network_profile_urls: [full], fields: ['assessment'] });
		assert.equal(r.status, 400);
		assert.equal(r.json.error.message, 'Invalid fields: assessment');
		assert.ok(r.json.error.metadata.available_fields.includes('contact'));
		assert.ok(!r.json.error.metadata.available_fields.includes('social_posts'));
		r = await enrich({ professional_network_profile_urls: [full], fields: ['contact'] });
		assert.equal(r.status, 200);
		const gen1Contact = r.json[0].matches[0].person_data.contact;
		assert.equal(credits(r), 6); // 1 + business 1 + personal 2 + phone 2 (no GitHub asked)

		// generation 2
		sb.reset();
		sb.configure({ apiGeneration: 2 });
		assert.equal(sb.options.apiGeneration, 2);
		assert.throws(() => sb.configure({ apiGeneration: 3 }), TypeError);
		assert.throws(() => sb.configure({ contactOnEnrich: 'maybe' }), TypeError);
		ep = await listing('/person/enrich');
		assert.ok(!ep.fields.enabled.some((f) => f === 'contact' || f.startsWith('contact.')));
		assert.ok(!ep.fields.enabled.some((f) => /^(assessment|social_posts)/.test(f)));
		assert.deepEqual(ep.fields.disabled, ['certifications', 'honors', 'assessment', 'social_posts']);
		ep = await listing(CONTACT);
		assert.equal(ep.status, 'enabled');
		assert.equal(ep.effective_rate_limit_rpm, 50);
		assert.deepEqual(ep.fields, { enabled: CONTACT_FIELDS, disabled: [] });

		// contact on /person/enrich: 400 (default), 403, or left out
		const asked = ['basic_profile.name', 'contact', 'contact.phone_numbers'];
		r = await enrich({ professional_network_profile_urls: [full], fields: asked });
		assert.equal(r.status, 400);
		assert.equal(r.json.error.message, 'Invalid fields: contact, contact.phone_numbers');
		const available = r.json.error.metadata.available_fields;
		assert.ok(!available.some((f) => f === 'contact' || f.startsWith('contact.')));
		assert.ok(available.includes('assessment') && available.includes('social_posts.text'));
		sb.configure({ contactOnEnrich: 'deny403' });
		r = await enrich({ professional_network_profile_urls: [full], fields: asked });
		assert.equal(r.status, 403);
		assert.deepEqual(r.json.error, {
			type: 'permission_error',
			message: 'Access denied to fields: contact, contact.phone_numbers',
			metadata: [{ denied_fields: ['contact', 'contact.phone_numbers'] }],
		});
		sb.configure({ contactOnEnrich: 'omit' });
		r = await enrich({ professional_network_profile_urls: [full], fields: asked });
		assert.equal(r.status, 200);
		assert.deepEqual(Object.keys(r.json[0].matches[0].person_data), [
			'crustdata_person_id',
			'basic_profile',
		]);
		assert.equal(credits(r), 1);
		sb.configure({ contactOnEnrich: 'reject400' });

		// assessment and social_posts need field access; price 1 + 1 GitHub (at most 2) + 5 posts
		r = await enrich({ professional_network_profile_urls: [full], fields: ['assessment.score'] });
		assert.equal(r.status, 403);
		sb.configure({ grantedSections: ['assessment', 'social_posts'] });
		ep = await listing('/person/enrich');
		assert.ok(ep.fields.enabled.includes('assessment.score'));
		assert.ok(ep.fields.enabled.includes('social_posts'));
		assert.deepEqual(ep.fields.disabled, ['certifications', 'honors']);
		const devUrls = Array.from({ length: 6 }, (_, i) => profileUrl(`member-${i}`));
		r = await enrich({
			professional_network_profile_urls: devUrls,
			fields: ['assessment', 'social_posts', 'dev_platform_profiles'],
		});
		assert.equal(r.status, 200);
		let expected = 0;
		for (const e of r.json) {
			const data = e.matches[0].person_data;
			assert.equal(typeof data.assessment.score, 'number');
			assert.ok(data.social_posts.length > 0);
			expected += 1 + (data.dev_platform_profiles.length > 0 ? 1 : 0) + 5;
		}
		assert.equal(credits(r), expected);
		assert.ok(expected > 36 && expected < 42, 'the mix has people with and without GitHub');
		r = await enrich({ professional_network_profile_urls: [full], fields: ['assessment'] });
		assert.equal(credits(r), 1);
		sb.configure({ grantedSections: ['assessment'] });
		r = await enrich({ professional_network_profile_urls: [full], fields: ['social_posts'] });
		assert.equal(r.status, 403);

		// business_emails still answered on /person/enrich, subject to emailLookupEnabled
		r = await enrich({ business_emails: ['jane.doe@acme.io'], fields: ['basic_profile'] });
		assert.equal(r.status, 200);
		assert.equal(r.json[0].matches.length, 1);
		sb.configure({ emailLookupEnabled: false });
		r = await enrich({ business_emails: ['jane.doe@acme.io'] });
		assert.equal(r.status, 400);
		sb.configure({ emailLookupEnabled: true });

		// /person/contact/enrich: validation
		const bad = async (body, message) => {
			const res = await contact(body);
			assert.equal(res.status, 400, JSON.stringify(body));
			assert.equal(res.json.error.type, 'invalid_request');
			assert.equal(res.json.error.message, message);
			return res;
		};
		await bad(
			{ professional_network_profile_urls: [full], business_emails: ['a@acme.io'] },
			'Exactly one identifier type must be provided.',
		);
		await bad({ professional_network_profile_urls: [] }, 'Exactly one identifier type must be provided.');
		await bad(
			{ professional_network_profile_urls: Array.from({ length: 26 }, () => full) },
			'At most 25 identifiers per request',
		);
		await bad(
			{ business_emails: ['ok@acme.io', 'a@agency.gov'] },
			'Invalid business emails: a@agency.gov',
		);
		await bad(
			{ professional_network_profile_urls: [`${full}?trk=x`] },
			`Invalid professional network profile URLs: ${full}?trk=x`,
		);
		r = await bad(
			{ professional_network_profile_urls: [full], fields: ['contact', 'basic_profile', 'contact.websites'] },
			'Invalid fields: contact, basic_profile',
		);
		assert.deepEqual(r.json.error.metadata, { available_fields: CONTACT_FIELDS });
		await bad({ professional_network_profile_urls: [full], verified: 'yes' }, 'verified must be a boolean');

		// every tier by default; matched_on as sent; no match and redacted free
		const sent = [`${full}/`, profileUrl('nomatch-x'), profileUrl('redacted-y')];
		r = await contact({ professional_network_profile_urls: sent });
		assert.equal(r.status, 200);
		assert.deepEqual(
			r.json.map((e) => [e.matched_on, e.match_type, e.match_status, e.matches.length]),
			[
				[sent[0], 'professional_network_profile_url', undefined, 1],
				[sent[1], 'professional_network_profile_url', undefined, 0],
				[sent[2], 'professional_network_profile_url', 'redacted', 0],
			],
		);
		let data = r.json[0].matches[0].person_data;
		assert.equal(r.json[0].matches[0].confidence_score, 1);
		assert.deepEqual(Object.keys(data), ['crustdata_person_id', 'contact']);
		assert.deepEqual(Object.keys(data.contact), [
			'business_emails',
			'personal_emails',
			'phone_numbers',
			'websites',
		]);
		// the same contact data as generation 1 served on /person/enrich
		assert.deepEqual(
			data.contact.business_emails.map(({ crustdata_company_id, ...rest }) => rest),
			gen1Contact.business_emails,
		);
		assert.deepEqual(data.contact.personal_emails, gen1Contact.personal_emails);
		assert.deepEqual(data.contact.phone_numbers, gen1Contact.phone_numbers);
		assert.equal(typeof data.contact.business_emails[0].crustdata_company_id, 'number');
		for (const e of [...data.contact.business_emails, ...data.contact.personal_emails]) {
			assert.ok(STATUSES.includes(e.status));
			assert.equal(typeof e.last_updated, 'string');
		}
		assert.ok(data.contact.websites.every((w) => typeof w === 'string'));
		assert.equal(credits(r), 5); // business 1 + personal 2 + phone 2, websites free
		assert.equal(r.headers.get('x-credits-used'), '5');

		// only the requested tiers, priced per tier returned non-empty
		r = await contact({ professional_network_profile_urls: [full], fields: ['contact.websites'] });
		assert.deepEqual(Object.keys(r.json[0].matches[0].person_data.contact), ['websites']);
		assert.equal(r.headers.get('x-credits-used'), '0');
		r = await contact({
			professional_network_profile_urls: [profileUrl('nocontact-ann-lee')],
			fields: ['contact.phone_numbers', 'contact.business_emails'],
		});
		assert.deepEqual(r.json[0].matches[0].person_data.contact, {
			business_emails: [],
			phone_numbers: [],
		});
		assert.equal(credits(r), 0);

		// verified: deliverable business emails only, +0.5 per person who gets one
		r = await contact({
			professional_network_profile_urls: [full, profileUrl('undeliverable-cy-twombly')],
			fields: ['contact.business_emails'],
			verified: true,
		});
		assert.equal(r.status, 200);
		assert.ok(r.json[0].matches[0].person_data.contact.business_emails.every((e) => e.status === 'deliverable'));
		assert.equal(r.json[0].matches[0].person_data.contact.business_emails.length, 1);
		assert.deepEqual(r.json[1].matches[0].person_data.contact, {
			business_emails: [],
			business_emails_message: 'No deliverable business email found',
		});
		assert.equal(r.headers.get('x-credits-used'), '1.5');
		r = await contact({
			professional_network_profile_urls: [profileUrl('undeliverable-cy-twombly')],
			fields: ['contact.business_emails'],
		});
		assert.deepEqual(
			r.json[0].matches[0].person_data.contact.business_emails.map((e) => e.status),
			['catch_all', 'invalid'],
		);
		assert.equal(credits(r), 1);

		// business emails as identifiers; several candidates, billed once on the best
		r = await contact({ business_emails: ['Multi.Kim@acme.io'], fields: ['contact.business_emails'] });
		assert.equal(r.json[0].matched_on, 'Multi.Kim@acme.io');
		assert.equal(r.json[0].match_type, 'business_email');
		assert.deepEqual(
			r.json[0].matches.map((m) => m.confidence_score),
			[0.62, 0.97, 0.35],
		);
		assert.equal(r.json[0].matches[1].person_data.contact.business_emails[0].email, 'multi.kim@acme.io');
		assert.equal(credits(r), 1);
		assert.equal(sb.requests[sb.requests.length - 1].creditsUsed, 1);

		// shuffle as on /person/enrich
		sb.configure({ shuffle: true });
		const many = Array.from({ length: 12 }, (_, i) => profileUrl(`member-${i}`));
		r = await contact({ professional_network_profile_urls: many, fields: ['contact.websites'] });
		assert.notDeepEqual(
			r.json.map((e) => e.matched_on),
			many,
		);
		assert.deepEqual(r.json.map((e) => e.matched_on).sort(), many.slice().sort());
		sb.configure({ shuffle: false });

		// auth, version, forced responses, faults, 402, disabledEndpoints
		r = await contact({}, { ...HEADERS, authorization: 'Bearer wrong' });
		assert.equal(r.status, 401);
		r = await contact({}, { authorization: HEADERS.authorization, 'content-type': 'application/json' });
		assert.equal(r.status, 400);
		assert.equal(r.json.error.message, 'Missing required header: x-api-version');
		sb.configure({ forcedResponses: [{ status: 503, body: { forced: true } }] });
		r = await contact({ professional_network_profile_urls: [full] });
		assert.deepEqual([r.status, r.json], [503, { forced: true }]);
		sb.configure({ serverErrorRate: 1 });
		r = await contact({ professional_network_profile_urls: [full] });
		assert.equal(r.status, 500);
		sb.configure({ serverErrorRate: 0, creditBudget: sb.creditsUsed });
		r = await contact({ professional_network_profile_urls: [full] });
		assert.equal(r.status, 402);
		assert.equal(r.json.error.type, 'insufficient_credits');
		sb.configure({ creditBudget: null, disabledEndpoints: [CONTACT] });
		r = await contact({ professional_network_profile_urls: [full] });
		assert.equal(r.status, 403);
		assert.equal(r.json.error.type, 'permission_error');
		assert.equal((await listing(CONTACT)).status, 'not_enabled');
		sb.configure({ disabledEndpoints: [] });

		// its own window (endpointRateLimits), counted in the key-wide one
		sb.reset();
		sb.configure({ endpointRateLimits: { [CONTACT]: 2 }, tokenRateLimit: 3 });
		ep = await listing(CONTACT);
		assert.equal(ep.effective_rate_limit_rpm, 2);
		const one = { professional_network_profile_urls: [full], fields: ['contact.websites'] };
		r = await contact(one);
		assert.equal(r.headers.get('x-ratelimit-limit'), '2');
		assert.equal(r.headers.get('x-ratelimit-remaining'), '1');
		assert.equal((await contact(one)).status, 200);
		r = await contact(one);
		assert.equal(r.status, 429);
		assert.equal(r.headers.get('x-ratelimit-limit'), '2');
		r = await enrich({ professional_network_profile_urls: [full] }); // key-wide: 3rd of 3
		assert.equal(r.status, 200);
		assert.equal(r.headers.get('x-ratelimit-limit'), '3');
		assert.equal(r.headers.get('x-ratelimit-remaining'), '0');
		r = await enrich({ professional_network_profile_urls: [full] });
		assert.equal(r.status, 429);

		// back to generation 1
		sb.reset();
		sb.configure({ apiGeneration: 1, endpointRateLimits: {}, tokenRateLimit: null });
		r = await contact({ professional_network_profile_urls: [full] });
		assert.equal(r.status, 403);
		assert.equal((await listing(CONTACT)).status, 'not_enabled');
		r = await enrich({ professional_network_profile_urls: [full], fields: ['contact.websites'] });
		assert.equal(r.status, 200);
		assert.deepEqual(Object.keys(r.json[0].matches[0].person_data.contact), ['websites']);
	} finally {
		await sb.close();
	}
}

const EMPLOYER_DOMAIN = 'experience.employment_details.current.company_website_domain';
const currentDomains = (person) =>
	person.experience.employment_details.current.map((j) => j.company_website_domain);
/** Each candidate of a business email as score and current employers' domains. */
const employers = (email) =>
	dataset
		.lookupByBusinessEmail(email)
		.candidates.map((c) => ({ score: c.confidence_score, current: currentDomains(c.person) }));

/**
 * Business-email candidates whose current employers tell the cases of the employer-domain check
 * apart (issue 11): at the email's company, through a mail or region subdomain, elsewhere, no
 * current employer, a lookalike on another public suffix, and all of them mixed.
 */
async function checkEmployerDomains() {
	// the examples of README.md, exactly
	assert.deepEqual(employers('jane.doe@acme.io'), [{ score: 0.91, current: ['acme.io'] }]);
	assert.deepEqual(employers('jane.doe@mail.acme.io'), [{ score: 0.85, current: ['acme.io'] }]);
	assert.deepEqual(employers('jane.doe@eu.acme.io'), [{ score: 0.98, current: ['acme.io'] }]);
	assert.deepEqual(employers('elsewhere.jane.doe@acme.io'), [
		{ score: 0.89, current: ['helixbio.com'] },
	]);
	assert.deepEqual(employers('unemployed.sam.lee@acme.io'), [{ score: 0.97, current: [] }]);
	assert.deepEqual(employers('mixed.jane.doe@acme.io'), [
		{ score: 0.93, current: ['tidewater.energy'] },
		{ score: 0.71, current: ['acme.io'] },
		{ score: 0.48, current: [] },
	]);
	assert.deepEqual(employers('lookalike.jane.doe@acme.co.uk'), [
		{ score: 0.85, current: ['acme.com', 'paperkite.app'] },
	]);
	assert.deepEqual(employers('sidejob.jane.doe@acme.io'), [
		{ score: 0.89, current: ['granitecloud.dev', ''] },
	]);
	// only the mail and region labels are stripped, never down to a bare suffix
	// (the first current job is at the email's company; an advisory role may follow it)
	assert.equal(employers('jane@eu.mail.acme.io')[0].current[0], 'acme.io');
	assert.equal(employers('jane@shop.acme.io')[0].current[0], 'shop.acme.io');
	assert.equal(employers('jane@uk.co.uk')[0].current[0], 'uk.co.uk');

	// the rules hold for any name, on a company of the dataset's own list (whose advisory roles
	// could otherwise land on it), a two-label suffix and through a subdomain
	const sameCompany = (d, base) => d === base || d.endsWith(`.${base}`);
	for (const base of ['acme.io', 'acme.co.uk', 'lumenpay.com', 'helixbio.com', 'paperkite.app']) {
		for (const host of [base, `mail.${base}`, `us.${base}`]) {
			for (let i = 0; i < 12; i++) {
				const name = `p${i}.lee`;
				const only = (email) => {
					const found = dataset.lookupByBusinessEmail(email);
					assert.equal(found.status, 'matched');
					assert.equal(found.candidates.length, 1, email);
					return found.candidates[0].person;
				};
				const pastDomain = (person) =>
					person.experience.employment_details.past[0].company_website_domain;
				const owns = (person, email) =>
					assert.equal(person.contact.business_emails[0].email, email);

				let email = `${name}@${host}`;
				let person = only(email);
				assert.equal(currentDomains(person)[0], base, email);
				owns(person, email);

				email = `elsewhere.${name}@${host}`;
				person = only(email);
				assert.ok(currentDomains(person).length > 0, email);
				assert.ok(!currentDomains(person).some((d) => sameCompany(d, base)), email);
				assert.equal(pastDomain(person), base, email);
				owns(person, email);

				email = `unemployed.${name}@${host}`;
				person = only(email);
				assert.deepEqual(currentDomains(person), [], email);
				assert.equal(person.basic_profile.current_title, null);
				assert.equal(pastDomain(person), base, email);
				owns(person, email);

				email = `lookalike.${name}@${host}`;
				person = only(email);
				const label = base.split('.')[0];
				const look = base === `${label}.com` ? `${label}.co.uk` : `${label}.com`;
				assert.equal(currentDomains(person)[0], look, email);
				assert.ok(!currentDomains(person).some((d) => sameCompany(d, base)), email);
				assert.ok(!person.contact.business_emails.some((b) => b.email === email), email);

				email = `mixed.${name}@${host}`;
				const [far, match, none] = dataset.lookupByBusinessEmail(email).candidates;
				assert.deepEqual(
					[far, match, none].map((c) => c.confidence_score),
					[0.93, 0.71, 0.48],
				);
				assert.ok(currentDomains(far.person).length > 0, email);
				assert.ok(!currentDomains(far.person).some((d) => sameCompany(d, base)), email);
				assert.equal(currentDomains(match.person)[0], base, email);
				owns(match.person, email);
				assert.deepEqual(currentDomains(none.person), [], email);
			}
		}
	}
	// a subdomain address still names its company's id on the contact endpoint
	const sub = dataset.lookupByBusinessEmail('jane.doe@mail.acme.io').candidates[0].person;
	assert.equal(
		dataset.contactEnrichData(sub).business_emails[0].crustdata_company_id,
		sub.experience.employment_details.current[0].crustdata_company_id,
	);

	// and the server passes them through as they are, an empty `current` included
	const sb = await startSandbox({ rateLimit: null });
	try {
		const emails = [
			'mixed.jane.doe@acme.io',
			'elsewhere.jane.doe@acme.io',
			'unemployed.sam.lee@acme.io',
			'lookalike.jane.doe@acme.co.uk',
			'jane.doe@mail.acme.io',
		];
		const res = await fetch(`${sb.url}/person/enrich`, {
			method: 'POST',
			headers: HEADERS,
			body: JSON.stringify({ business_emails: emails, fields: [EMPLOYER_DOMAIN] }),
		});
		assert.equal(res.status, 200);
		const json = await readJson(res);
		assert.deepEqual(
			json.map((entry) =>
				entry.matches.map((m) => ({
					score: m.confidence_score,
					current: m.person_data.experience.employment_details.current.map(
						(j) => j.company_website_domain,
					),
				})),
			),
			emails.map(employers),
		);
	} finally {
		await sb.close();
	}
}

/** A request over https that trusts any certificate (fetch cannot be told to). */
function insecureRequest(url, { method = 'GET', headers = {}, body } = {}) {
	return new Promise((resolve, reject) => {
		const req = https.request(url, { method, headers, rejectUnauthorized: false }, (res) => {
			const chunks = [];
			res.on('data', (c) => chunks.push(c));
			res.on('end', () =>
				resolve({
					status: res.statusCode,
					headers: res.headers,
					text: Buffer.concat(chunks).toString('utf8'),
				}),
			);
			res.on('error', reject);
		});
		req.on('error', reject);
		req.end(body);
	});
}

/** The hostile switches, the 404 of an unknown route, TLS and the key trap. */
async function checkHostile() {
	const sb = await startSandbox({ rateLimit: { limit: 2, windowMs: 60000 } });
	const KEY = `Bearer ${DEFAULT_SANDBOX_KEY}`;
	const call = async (path, body, init = {}) => {
		const res = await fetch(`${sb.url}${path}`, {
			method: body === undefined ? 'GET' : 'POST',
			headers: HEADERS,
			body: body === undefined ? undefined : JSON.stringify(body),
			redirect: 'manual',
			...init,
		});
		const text = await res.text();
		return { status: res.status, headers: res.headers, text };
	};
	const json = (r) => JSON.parse(r.text);
	const profile = {
		professional_network_profile_urls: [profileUrl('jane-doe')],
		fields: ['basic_profile.name'],
	};
	/** The log so far holds the contract once the hostile exchanges are left out. */
	const contractHolds = () => assert.deepEqual(contractViolations(sb.requests), []);
	try {
		// options: null by default, validated, copied, kept by reset()
		assert.equal(sb.options.hostile, null);
		for (const nonsense of [
			'yes',
			[],
			{ dripMS: 5 },
			{ redirectTo: 'not a url' },
			{ redirectStatus: 200 },
			{ echoHeaders: { status: 403, format: 'xml' } },
			{ echoHeaders: 403 },
			{ echoKeyInListing: 'true' },
			{ rateLimitReset: 86400 },
			{ retryAfter: 'a\nb' },
			{ dripMs: -1 },
			{ entryFaults: ['nullEntry', 'explode'] },
		]) {
			assert.throws(() => sb.configure({ hostile: nonsense }), TypeError, JSON.stringify(nonsense));
		}
		const given = { entryFaults: ['nullEntry'] };
		sb.configure({ hostile: given });
		given.entryFaults.push('nullMatch');
		assert.deepEqual(sb.options.hostile, { entryFaults: ['nullEntry'] });
		sb.reset();
		assert.deepEqual(sb.options.hostile, { entryFaults: ['nullEntry'] });
		sb.configure({ hostile: null });

		// an unknown route names itself; the control endpoints keep theirs
		let r = await call('/v1/person/enrich', profile);
		assert.equal(r.status, 404);
		assert.deepEqual(json(r), {
			error: { type: 'not_found', message: 'No route for POST /v1/person/enrich', metadata: [] },
		});
		r = await call('/person/enrich?x=1'); // a GET is another route
		assert.equal(json(r).error.message, 'No route for GET /person/enrich');
		assert.equal(json(await call('/__sandbox/nothing')).error.message, 'Not found');
		assert.equal(sb.requests.length, 0);

		// redirectTo: 307 by default, path and query as received, empty body, nothing billed
		sb.configure({ hostile: { redirectTo: 'https://attacker.example/' } });
		r = await call('/person/enrich?trk=1&a=%20b', profile);
		assert.equal(r.status, 307);
		assert.equal(r.headers.get('location'), 'https://attacker.example/person/enrich?trk=1&a=%20b');
		assert.equal(r.text, '');
		assert.equal(r.headers.get('content-type'), null);
		r = await call('/account/endpoints?path=/person/enrich', undefined, {
			headers: { ...HEADERS, authorization: 'Bearer wrong' }, // before the auth check
		});
		assert.equal(r.status, 307);
		assert.equal(
			r.headers.get('location'),
			'https://attacker.example/account/endpoints?path=/person/enrich',
		);
		sb.configure({ hostile: { redirectTo: 'http://127.0.0.1:9/v1', redirectStatus: 308 } });
		r = await call('/account/credits');
		assert.equal(r.status, 308);
		assert.equal(r.headers.get('location'), 'http://127.0.0.1:9/v1/account/credits');
		assert.equal(sb.creditsUsed, 0);
		assert.ok(sb.requests.every((e) => e.scripted && e.status >= 300 && e.status < 400));
		contractHolds();
		sb.configure({ hostile: null });
		r = await call('/person/enrich', profile);
		assert.equal(r.headers.get('x-ratelimit-remaining'), '1'); // the redirects took no slot

		// echoHeaders: the key comes back, in each format
		sb.reset();
		sb.configure({ hostile: { echoHeaders: { status: 403 } } });
		r = await call('/person/enrich', profile);
		assert.equal(r.status, 403);
		assert.deepEqual(Object.keys(json(r)), ['error']);
		assert.deepEqual(Object.keys(json(r).error), ['type', 'message']);
		assert.equal(json(r).error.type, 'gateway_error');
		assert.match(json(r).error.message, /^Request rejected by gateway; headers received: /);
		assert.ok(json(r).error.message.includes(`authorization: ${KEY}`));
		assert.ok(json(r).error.message.includes('x-api-version: 2025-11-01'));
		assert.equal(r.headers.get('x-ratelimit-limit'), null);
		sb.configure({ hostile: { echoHeaders: { status: 502, format: 'text' } } });
		r = await call('/person/professional_network/enrich/live', profile, {
			headers: { ...HEADERS, authorization: 'Bearer wrong' }, // before the auth check
		});
		assert.equal(r.status, 502);
		assert.match(r.headers.get('content-type'), /^text\/plain/);
		assert.ok(r.text.startsWith('Request rejected by gateway; headers received: '));
		assert.ok(r.text.includes('authorization: Bearer wrong'));
		sb.configure({ hostile: { echoHeaders: { status: 400, format: 'html' } } });
		r = await call('/person/enrich', profile);
		assert.equal(r.status, 400);
		assert.match(r.headers.get('content-type'), /^text\/html/);
		assert.ok(
			r.text.startsWith(
				'<html><head><title>Request Rejected</title></head><body><h1>Request Rejected</h1><pre>',
			),
		);
		assert.ok(
			r.text.includes(`\nauthorization: ${KEY}\n`) ||
				r.text.includes(`<pre>authorization: ${KEY}\n`),
		);
		assert.ok(r.text.endsWith('</body></html>'));
		assert.ok(r.text.length > 1000, `the html echo is only ${r.text.length} characters`);
		assert.equal(sb.creditsUsed, 0);
		contractHolds();

		// echoKeyInListing: every status is the authorization header
		sb.reset();
		sb.configure({ hostile: { echoKeyInListing: true } });
		r = await call('/account/endpoints?category=Person');
		assert.equal(r.status, 200);
		assert.ok(json(r).endpoints.length > 1);
		assert.ok(json(r).endpoints.every((e) => e.status === KEY));
		assert.equal(sb.requests[0].scripted, true);
		contractHolds();

		// rateLimitReset on 200s and 429s, retryAfter on 429s only, raw
		sb.reset();
		sb.configure({ hostile: { rateLimitReset: '1e12', retryAfter: 'soon' } });
		r = await call('/person/enrich', profile);
		assert.equal(r.status, 200);
		assert.equal(r.headers.get('x-ratelimit-reset'), '1e12');
		assert.equal(r.headers.get('retry-after'), null);
		assert.equal((await call('/person/enrich', profile)).status, 200);
		r = await call('/person/enrich', profile);
		assert.equal(r.status, 429);
		assert.equal(r.headers.get('x-ratelimit-reset'), '1e12');
		assert.equal(r.headers.get('retry-after'), 'soon');
		sb.configure({ hostile: { rateLimitReset: '-5' } });
		r = await call('/person/enrich', profile);
		assert.equal(r.headers.get('x-ratelimit-reset'), '-5');
		assert.equal(r.headers.get('retry-after'), null);
		contractHolds();

		// dripMs: the whole body, one byte at a time
		sb.reset();
		sb.configure({ rateLimit: null, hostile: { dripMs: 2 } });
		let started = Date.now();
		r = await call('/person/enrich', profile);
		const took = Date.now() - started;
		assert.equal(r.status, 200);
		assert.equal(Number(r.headers.get('content-length')), Buffer.byteLength(r.text));
		assert.equal(json(r)[0].matches[0].person_data.basic_profile.name, 'Jane Doe');
		assert.ok(took >= r.text.length, `a ${r.text.length}-byte body dripped in ${took} ms`);
		contractHolds();
		// close() does not wait for a drip
		sb.configure({ hostile: { dripMs: 1000 } });
		const logged = sb.requests.length;
		const dripping = call('/person/enrich', profile).catch(() => 'gone');
		while (sb.requests.length === logged) await new Promise((resolve) => setTimeout(resolve, 5));

		// entry faults, each alone, then combined; billed as usual
		const faulted = async (faults, body = profile) => {
			sb.configure({ hostile: { entryFaults: faults } });
			const res = await call('/person/enrich', body);
			assert.equal(res.status, 200);
			return { res, entries: json(res) };
		};
		sb.configure({ hostile: null }); // the drip above hangs on until close()
		const two = {
			professional_network_profile_urls: [profileUrl('jane-doe'), profileUrl('john-roe')],
			fields: ['basic_profile.name'],
		};
		// match_status comes and goes from one 200 to the next
		const unmarked = (entry) => {
			const { match_status: _status, ...rest } = entry;
			return rest;
		};
		const plain = json(await call('/person/enrich', two)).map(unmarked);
		let { res, entries } = await faulted(['nullEntry'], two);
		assert.equal(entries.length, 2);
		assert.equal(entries[0], null);
		assert.deepEqual(unmarked(entries[1]), plain[1]);
		assert.equal(res.headers.get('x-credits-used'), '2');
		({ entries } = await faulted(['matchesNotList'], two));
		assert.equal(entries[0].matches, 'none');
		assert.deepEqual(unmarked(entries[1]), plain[1]);
		({ entries } = await faulted(['nullMatch'], two));
		assert.equal(entries[0].matches.length, 2);
		assert.equal(entries[0].matches[1], null);
		({ res, entries } = await faulted(['foreignEntry'], two));
		assert.equal(entries.length, 3);
		assert.equal(entries[2].matched_on, 'https://www.linkedin.com/in/foreign-person-1');
		assert.equal(entries[2].match_type, 'professional_network_profile_url');
		assert.equal(entries[2].matches.length, 1);
		assert.deepEqual(entries[2].matches[0].person_data.basic_profile, { name: 'Foreign Person' });
		assert.equal(res.headers.get('x-credits-used'), '2'); // the foreign entry is not billed
		const byEmail = {
			business_emails: ['foreign.person@retool.com'],
			fields: ['basic_profile.name'],
		};
		({ entries } = await faulted(['foreignEntry', 'nullEntry'], byEmail));
		assert.equal(entries[0], null);
		assert.equal(entries[1].matched_on, 'foreign.person2@retool.com'); // the request carried the first
		assert.equal(entries[1].match_type, 'business_email');
		assert.equal(entries[1].matches.length, 1);
		r = await call('/person/professional_network/enrich/live', profile);
		assert.equal(json(r)[0], null); // the live endpoint too
		r = await call('/person/enrich', { business_emails: ['a@agency.gov'] });
		assert.equal(r.status, 400); // only 200s are mangled
		assert.equal(sb.requests[sb.requests.length - 1].scripted, false);
		contractHolds();

		const closing = Date.now();
		await sb.close();
		assert.equal(await dripping, 'gone');
		assert.ok(Date.now() - closing < 1000, 'close() waited for a drip');
	} finally {
		await sb.close();
	}

	// TLS, and a key trap that records the key sent to it (over TLS too)
	const tls = await selfSignedCert();
	const secure = await startSandbox({ tls });
	const trap = await startKeyTrap();
	const secureTrap = await startKeyTrap({ tls });
	try {
		assert.match(secure.url, /^https:\/\/127\.0\.0\.1:\d+$/);
		let r = await insecureRequest(`${secure.url}/account/credits`, { headers: HEADERS });
		assert.equal(r.status, 200);
		assert.deepEqual(JSON.parse(r.text), { account: { credits: 1000000 } });
		await assert.rejects(fetch(`${secure.url}/account/credits`, { headers: HEADERS })); // self-signed

		r = await insecureRequest(`${secureTrap.url}/person/enrich?trk=1`, {
			method: 'POST',
			headers: HEADERS,
			body: JSON.stringify({ business_emails: ['a@acme.io', 'b@acme.io'] }),
		});
		assert.deepEqual(
			JSON.parse(r.text),
			['a@acme.io', 'b@acme.io'].map((id) => ({
				matched_on: id,
				match_type: 'business_email',
				matches: [{ confidence_score: 1, person_data: { basic_profile: { name: 'Impostor' } } }],
			})),
		);
		assert.deepEqual(
			secureTrap.received.map((q) => [q.method, q.path, q.authorization]),
			[['POST', '/person/enrich', `Bearer ${DEFAULT_SANDBOX_KEY}`]],
		);

		// a redirect followed into the trap carries the key there
		secure.configure({ hostile: { redirectTo: trap.url } });
		r = await insecureRequest(`${secure.url}/account/endpoints?path=/person/enrich`, {
			headers: HEADERS,
		});
		assert.equal(r.status, 307);
		const followed = await fetch(r.headers.location, { headers: HEADERS });
		assert.deepEqual(await readJson(followed), {
			api_version: '2025-11-01',
			token_limit_rpm: 1000,
			endpoints: [],
		});
		assert.deepEqual(await readJson(await fetch(`${trap.url}/account/credits`)), {
			account: { credits: 999999 },
		});
		assert.deepEqual(await readJson(await fetch(`${trap.url}/anything`, { method: 'DELETE' })), {});
		assert.deepEqual(
			trap.received.map((q) => [q.method, q.path, q.authorization]),
			[
				['GET', '/account/endpoints', `Bearer ${DEFAULT_SANDBOX_KEY}`],
				['GET', '/account/credits', undefined],
				['DELETE', '/anything', undefined],
			],
		);
		assert.equal(trap.received[0].headers['x-api-version'], '2025-11-01');
	} finally {
		await secure.close();
		await trap.close();
		await secureTrap.close();
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
