'use strict';
// Quick self-check of the sandbox: node test/sandbox/smoke.js (exits 0 on success).
const assert = require('node:assert/strict');
const { startSandbox, DEFAULT_SANDBOX_KEY } = require('./server');

const HEADERS = {
	authorization: `Bearer ${DEFAULT_SANDBOX_KEY}`,
	'x-api-version': '2025-11-01',
	'content-type': 'application/json',
};

async function main() {
	const sb = await startSandbox({ rateLimit: { limit: 3, windowMs: 400 } });
	const post = async (body, headers = HEADERS) => {
		const res = await fetch(`${sb.url}/person/enrich`, {
			method: 'POST',
			headers,
			body: JSON.stringify(body),
		});
		return { status: res.status, headers: res.headers, json: await res.json() };
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
		const log = await (await fetch(`${sb.url}/__sandbox/requests`)).json();
		assert.equal(log.length, 1);
		assert.equal(log[0].status, 'dropped');
		assert.equal(sb.requests[0].identifierCount, 1);

		console.log('sandbox smoke: ok');
	} finally {
		await sb.close();
	}
}

main().catch((err) => {
	console.error(err);
	process.exit(1);
});
